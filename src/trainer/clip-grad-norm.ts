import * as tf from "@tensorflow/tfjs";
import { fastSumOfSquares } from "../kernels/fast-grad-norm.js";

/**
 * The global L2 norm of `grads` (as one vector), and the gradients scaled by
 * `min(1, maxNorm / (norm + 1e-6))` like `torch.nn.utils.clip_grad_norm_`. `maxNorm <= 0`: no clipping.
 * Returns new tensors; the caller disposes both the input and output maps.
 */
export function clipGradNorm(grads: Map<string, tf.Tensor>, maxNorm: number): { norm: number; grads: Map<string, tf.Tensor> } {
  const list = [...grads.values()];
  const fast = list.length === 0 ? 0 : fastSumOfSquares(list); // the native backend: one pass per tensor, no temporaries
  const norm = fast !== null ? Math.sqrt(fast) : tf.tidy(() => tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
  const out = new Map<string, tf.Tensor>();
  const coef = maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
  for (const [name, g] of grads) out.set(name, coef < 1 ? tf.mul(g, coef) : tf.clone(g));
  return { norm, grads: out };
}
