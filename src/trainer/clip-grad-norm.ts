import * as tf from "@tensorflow/tfjs";
import { fastSumOfSquares } from "../kernels/fast-grad-norm.js";

/**
 * The global L2 norm of `grads` (as one vector), and the gradients scaled by
 * `min(1, maxNorm / (norm + 1e-6))` like `torch.nn.utils.clip_grad_norm_`. `maxNorm <= 0`: no clipping.
 * Returns new tensors; the caller disposes both the input and output maps.
 */
export async function clipGradNorm(grads: Map<string, tf.Tensor>, maxNorm: number): Promise<{ norm: number; grads: Map<string, tf.Tensor> }> {
  const list = [...grads.values()];
  const fast = list.length === 0 ? 0 : fastSumOfSquares(list); // the native backend: one pass per tensor, no temporaries
  let norm: number;
  if (fast !== null) norm = Math.sqrt(fast);
  else {
    // Added in turn, as addN does: webgpu's AddN binds every input at once, over its limit of 8.
    // Awaited: a GPU backend (webgpu) has no synchronous read in Node.
    const total = tf.tidy(() => tf.sqrt(list.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b))));
    norm = (await total.data())[0];
    total.dispose();
  }
  const out = new Map<string, tf.Tensor>();
  const coef = maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
  for (const [name, g] of grads) out.set(name, coef < 1 ? tf.mul(g, coef) : tf.clone(g));
  return { norm, grads: out };
}
