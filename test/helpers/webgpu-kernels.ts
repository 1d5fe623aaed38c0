// Child process of test/webgpu.test.ts: the WGSL GELU and LayerNorm (src/kernels/webgpu-fused.ts)
// against tfjs's composition on the cpu backend, forward and backward, on a row narrower than a
// workgroup (8) and one wider and not a power of two (100). Prints the worst relative errors as JSON.
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend.js";
import { fastGelu } from "../../src/kernels/fast-gelu.js";
import { fastLayerNorm } from "../../src/kernels/fast-layer-norm.js";
import { seededNormal } from "./random.js";

const EPS = 1e-12;
const geluRef = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
const lnRef = (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
  const c = tf.sub(v, tf.mean(v, -1, true));
  return tf.add(tf.mul(tf.mul(c, tf.rsqrt(tf.add(tf.mean(tf.square(c), -1, true), EPS))), g), b);
};

const randn = seededNormal(11, 3);

type Fn = (...t: tf.Tensor[]) => tf.Tensor[];
async function run(backend: string, inputs: { values: Float32Array; shape: number[] }[], fn: Fn): Promise<Float32Array[]> {
  await initBackend(backend);
  const outs = tf.tidy(() => fn(...inputs.map((i) => tf.tensor(i.values, i.shape))));
  const values = await Promise.all(outs.map(async (o) => Float32Array.from(await o.data())));
  tf.dispose(outs);
  return values;
}

async function worst(inputs: { values: Float32Array; shape: number[] }[], ref: Fn, fused: Fn): Promise<number[]> {
  const e = await run("cpu", inputs, ref);
  const a = await run("webgpu", inputs, fused);
  return e.map((ev, k) => ev.reduce((w, x, i) => Math.max(w, Math.abs(a[k][i] - x) / Math.max(1, Math.abs(x))), 0));
}

async function main(): Promise<void> {
  const report: Record<string, number[]> = {};
  for (const cols of [8, 100]) {
    const shape = [3, 5, cols];
    const x = { values: randn(15 * cols), shape };
    const weights = randn(15 * cols);
    const w = () => tf.tensor(weights, shape);
    const geluLoss = (g: (u: tf.Tensor) => tf.Tensor) => (u: tf.Tensor) => tf.sum(tf.mul(g(u), w()));
    report[`gelu_${cols}`] = await worst([x], (v) => [geluRef(v), tf.grad(geluLoss(geluRef))(v)], (v) => [fastGelu(v)!, tf.grad(geluLoss((u) => fastGelu(u)!))(v)]);
    const lnLoss = (ln: (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(ln(v, g, b), w()));
    const fusedLn = (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => fastLayerNorm(v, g, b, EPS)!;
    const inputs = [x, { values: randn(cols), shape: [cols] }, { values: randn(cols), shape: [cols] }];
    report[`layer_norm_${cols}`] = await worst(inputs, (v, g, b) => [lnRef(v, g, b), ...tf.grads(lnLoss(lnRef))([v, g, b])], (v, g, b) => [fusedLn(v, g, b), ...tf.grads(lnLoss(fusedLn))([v, g, b])]);
  }
  // The fused kernels ran (not the composition): their kernel names are registered on webgpu.
  const names = tf.getKernelsForBackend("webgpu").map((k) => k.kernelName).filter((n) => n.startsWith("TT"));
  process.stdout.write(`${JSON.stringify({ report, kernels: names.sort() })}\n`);
}
void main();
