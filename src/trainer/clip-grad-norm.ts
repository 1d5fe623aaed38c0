import * as tf from "@tensorflow/tfjs";
import { fastSumOfSquares } from "../kernels/fast-grad-norm.js";
import { webGpuSumOfSquares } from "../kernels/webgpu-grad-norm.js";

/** The global L2 norm of `grads` taken as one vector. */
export async function globalGradNorm(grads: Iterable<tf.Tensor>): Promise<number> {
  const list = [...grads];
  if (list.length === 0) return 0;
  // native: one pass per tensor, no temporaries; webgpu: one WGSL pass per tensor, one read.
  const fast = fastSumOfSquares(list) ?? (await webGpuSumOfSquares(list));
  if (fast !== null) return Math.sqrt(fast);
  // Added in turn, as addN does: webgpu's AddN binds every input at once, over its limit of 8.
  // Awaited: a GPU backend (webgpu) has no synchronous read in Node.
  const total = tf.tidy(() => tf.sqrt(list.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b))));
  const norm = (await total.data())[0];
  total.dispose();
  return norm;
}

/** `torch.nn.utils.clip_grad_norm_`'s factor: `min(1, maxNorm / (norm + 1e-6))`; 1 when `maxNorm <= 0` (no clipping). */
export function clipCoefficient(norm: number, maxNorm: number): number {
  return maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
}

/**
 * The global L2 norm of `grads`, and the gradients scaled by `clipCoefficient` like
 * `torch.nn.utils.clip_grad_norm_`. Returns new tensors; the caller disposes both maps. (The Trainer
 * instead passes the coefficient to the optimizer, which scales each gradient in its own pass.)
 */
export async function clipGradNorm(grads: Map<string, tf.Tensor>, maxNorm: number): Promise<{ norm: number; grads: Map<string, tf.Tensor> }> {
  const norm = await globalGradNorm(grads.values());
  const coef = clipCoefficient(norm, maxNorm);
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) out.set(name, coef < 1 ? tf.mul(g, coef) : tf.clone(g));
  return { norm, grads: out };
}
