import * as tf from "@tensorflow/tfjs";
import { Dropout, Linear } from "../../nn/index.js";

/** The value masked attention scores are set to, as transformers does: float32's most negative number. */
export const FLOAT32_MIN = -3.4028234663852886e38;

/** The four projections of a self-attention, wherever a family's checkpoint keeps them. */
export interface AttentionProjections {
  query: Linear;
  key: Linear;
  value: Linear;
  output: Linear;
}

/**
 * Multi-head scaled dot-product self-attention, the one implementation every family uses.
 * `x [batch, seq, dim]`; `maskBias [batch, 1, 1, seq]`: 0 where a key may be attended, FLOAT32_MIN
 * where not (see `attentionMaskBias`); `dropout` acts on the attention weights. `queries` are the
 * rows of `x` whose outputs are wanted (all of `x`, or only each sequence's first token: every key
 * and value is still attended). Returns the output projection of the context `[batch, queries,
 * dim]` and the weights `[batch, heads, queries, seq]`.
 */
export function multiHeadSelfAttention(
  x: tf.Tensor3D,
  maskBias: tf.Tensor4D,
  p: AttentionProjections,
  numHeads: number,
  dropout: Dropout,
  queries: tf.Tensor3D = x,
): { output: tf.Tensor3D; weights: tf.Tensor4D } {
  return tf.tidy(() => {
    const [batch, seq] = x.shape;
    const rows = queries.shape[1];
    const width = p.query.outFeatures;
    const headDim = width / numHeads;
    const heads = (t: tf.Tensor, perm: number[]) => tf.transpose(tf.reshape(t, [batch, t.shape[1]!, numHeads, headDim]), perm);
    const q = tf.div(heads(p.query.forward(queries), [0, 2, 1, 3]), Math.sqrt(headDim)); // [b, h, q, d]
    const kT = heads(p.key.forward(x), [0, 2, 3, 1]); // [b, h, d, k]: k^T without a transposed matMul
    const v = heads(p.value.forward(x), [0, 2, 1, 3]); // [b, h, k, d]
    const scores = tf.add(tf.matMul(q, kT), maskBias);
    const weights = dropout.forward(tf.softmax(scores, -1)) as tf.Tensor4D;
    const context = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [batch, rows, width]);
    return { output: p.output.forward(context) as tf.Tensor3D, weights };
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
