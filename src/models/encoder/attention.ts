import * as tf from "@tensorflow/tfjs";
import { Dropout } from "../../nn/index.js";

/** The value masked attention scores are set to, as transformers does: float32's most negative number. */
export const FLOAT32_MIN = -3.4028234663852886e38;

/**
 * Multi-head scaled dot-product attention, the one implementation every family uses, on projected
 * queries `q [batch, queries, dim]`, keys and values `k, v [batch, keys, dim]`; `maskBias [batch,
 * 1, 1, keys]`: 0 where a key may be attended, FLOAT32_MIN where not (see `attentionMaskBias`);
 * `dropout` acts on the attention weights. Returns the context `[batch, queries, dim]` (before the
 * output projection) and the weights `[batch, heads, queries, keys]`.
 */
export function attendHeads(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  maskBias: tf.Tensor4D,
  numHeads: number,
  dropout: Dropout,
): { context: tf.Tensor3D; weights: tf.Tensor4D } {
  return tf.tidy(() => {
    const [batch, queries, width] = q.shape;
    const headDim = width / numHeads;
    const heads = (t: tf.Tensor3D, perm: number[]) => tf.transpose(tf.reshape(t, [batch, t.shape[1], numHeads, headDim]), perm);
    const qh = tf.div(heads(q, [0, 2, 1, 3]), Math.sqrt(headDim)); // [b, h, q, d]
    const kT = heads(k, [0, 2, 3, 1]); // [b, h, d, k]: k^T without a transposed matMul
    const vh = heads(v, [0, 2, 1, 3]); // [b, h, k, d]
    const scores = tf.add(tf.matMul(qh, kT), maskBias);
    const weights = dropout.forward(tf.softmax(scores, -1)) as tf.Tensor4D;
    const context = tf.reshape(tf.transpose(tf.matMul(weights, vh), [0, 2, 1, 3]), [batch, queries, width]) as tf.Tensor3D;
    return { context, weights };
  });
}

/**
 * `attention_mask [batch, seq]` (1 = token, 0 = padding) → `[batch, 1, 1, seq]` to add to the
 * scores: 0 or FLOAT32_MIN. Adding FLOAT32_MIN gives exactly FLOAT32_MIN in float32 for any score
 * below ~1e31, i.e. the same as transformers' `scores.masked_fill(mask == 0, finfo.min)`,
 * and a row of padding only still gets a uniform softmax, as there.
 */
export function attentionMaskBias(attentionMask: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const [batch, seq] = attentionMask.shape;
    const masked = tf.cast(tf.equal(attentionMask, 0), "float32");
    return tf.reshape(tf.mul(masked, FLOAT32_MIN), [batch, 1, 1, seq]);
  });
}
