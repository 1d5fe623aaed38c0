// tf.dropout with its random numbers drawn natively (the native backend only). tf.dropout draws
// them in JavaScript one by one (seedrandom's Alea), for every activation of every layer; this runs
// the same Alea stream in C, so the mask is exactly tf.dropout's for the same seed (same results
// as the other backends, same training trajectory).
import * as tf from "@tensorflow/tfjs";
import { alloc, NATIVE_BACKEND } from "../accel/native-backend.js";
import { loadNative } from "../accel/native.js";

/** seedrandom's Mash hash, as Alea seeds itself with it. */
function mash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data: string) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    return (n >>> 0) * 2.3283064365386963e-10;
  };
}

/** The state of seedrandom.alea(seed) before its first number: [s0, s1, s2, c]. */
export function aleaState(seed: string): [number, number, number, number] {
  const m = mash();
  let s0 = m(" "), s1 = m(" "), s2 = m(" ");
  s0 -= m(seed);
  if (s0 < 0) s0 += 1;
  s1 -= m(seed);
  if (s1 < 0) s1 += 1;
  s2 -= m(seed);
  if (s2 < 0) s2 += 1;
  return [s0, s1, s2, 1];
}

/**
 * tf.dropout(x, p, undefined, seed), bit for bit, with the mask drawn natively; null when the
 * native backend is not the one in use (the caller then calls tf.dropout).
 */
export function fastDropout(x: tf.Tensor, p: number, seed: number): tf.Tensor | null {
  if (tf.getBackend() !== NATIVE_BACKEND || x.dtype !== "float32" || !(p > 0 && p < 1)) return null;
  const addon = loadNative().addon;
  if (!addon) return null;
  const mask = alloc(x.size);
  addon.dropoutMask(mask, p, ...aleaState(String(seed)));
  return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape, "float32")));
}
