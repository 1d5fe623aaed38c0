// AdamW's update of one parameter in one native pass, in place (the native backend only).
// tfjs's ops make about a dozen full-size temporaries per parameter and step (for the 23M-value
// word embeddings, a gigabyte); this reads and writes each value once.
import * as tf from "@tensorflow/tfjs";
import { alloc, NATIVE_BACKEND } from "../accel/native-backend.js";
import { loadNative } from "../accel/native.js";

export interface FusedAdamWOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled weight decay for this parameter (0 for biases and LayerNorms). */
  weightDecay: number;
  /** The step number, from 1 (bias corrections). */
  step: number;
  /** The gradient is multiplied by this first (gradient clipping's coefficient; 1: as it is). */
  gradScale?: number;
}

interface CpuData {
  data: { get(dataId: object): { values: unknown; refCount: number } };
}

/** Value arrays this module owns: nothing else sees them, so they may be updated in place. */
const owned = new WeakSet<Float32Array>();

/** The values of `v`, made private to it first (a copy) if anything else may share them. */
function exclusiveValues(v: tf.Variable, backend: CpuData): Float32Array | null {
  let entry = backend.data.get(v.dataId);
  if (!(entry.values instanceof Float32Array)) return null;
  if (entry.refCount !== 1 || !owned.has(entry.values)) {
    // From the native backend's pool: its readers (dataSync, data) then get copies, so that a
    // snapshot taken before a step does not change under its holder when the step runs.
    const copy = alloc(entry.values.length);
    copy.set(entry.values);
    tf.tidy(() => v.assign(tf.tensor(copy, v.shape, "float32")));
    entry = backend.data.get(v.dataId);
    if (!(entry.values instanceof Float32Array) || entry.refCount !== 1) return null;
    owned.add(entry.values);
  }
  return entry.values;
}

/**
 * One AdamW step for `param` with gradient `grad` and moments `expAvg`, `expAvgSq`, exactly
 * torch.optim.AdamW's arithmetic, updating the three variables in place. Returns false (and does
 * nothing) when it cannot run: another backend than "native", no native addon, other dtypes; the
 * caller then does the update with tfjs ops.
 */
export function fusedAdamWStep(param: tf.Variable, grad: tf.Tensor, expAvg: tf.Variable, expAvgSq: tf.Variable, o: FusedAdamWOptions): boolean {
  if (tf.getBackend() !== NATIVE_BACKEND) return false;
  const addon = loadNative().addon;
  if (!addon) return false;
  if ([param, grad, expAvg, expAvgSq].some((t) => t.dtype !== "float32" || t.size !== param.size)) return false;
  const backend = tf.backend() as unknown as CpuData;
  const g = backend.data.get(grad.dataId).values;
  if (!(g instanceof Float32Array)) return false;
  const p = exclusiveValues(param, backend);
  const m = exclusiveValues(expAvg, backend);
  const v = exclusiveValues(expAvgSq, backend);
  if (!p || !m || !v) return false;
  addon.adamw(p, g, m, v, o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, o.step, o.gradScale ?? 1);
  return true;
}
