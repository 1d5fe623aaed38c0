import * as tf from "@tensorflow/tfjs";
import { Dropout, Linear, Module } from "../../nn/index.js";
import { DistilBertConfig } from "./configuration.js";

/** The value masked attention scores are set to, as transformers does: float32's most negative number. */
export const FLOAT32_MIN = -3.4028234663852886e38;

/** Multi-head self-attention: q_lin, k_lin, v_lin, out_lin (`transformer.layer.N.attention`). */
export class MultiHeadSelfAttention extends Module {
  readonly q_lin: Linear;
  readonly k_lin: Linear;
  readonly v_lin: Linear;
  readonly out_lin: Linear;
  readonly dropout: Dropout;
  readonly nHeads: number;
  readonly dimPerHead: number;

  constructor(readonly config: DistilBertConfig) {
    super();
    const { dim } = config;
    this.nHeads = config.n_heads;
    this.dimPerHead = dim / config.n_heads;
    this.q_lin = this.registerModule("q_lin", new Linear(dim, dim, { skipInit: true }));
    this.k_lin = this.registerModule("k_lin", new Linear(dim, dim, { skipInit: true }));
    this.v_lin = this.registerModule("v_lin", new Linear(dim, dim, { skipInit: true }));
    this.out_lin = this.registerModule("out_lin", new Linear(dim, dim, { skipInit: true }));
    this.dropout = this.registerModule("dropout", new Dropout(config.attention_dropout));
  }

  /**
   * `x [batch, seq, dim]`; `maskBias [batch, 1, 1, seq]`: 0 where a key may be attended, FLOAT32_MIN
   * where not (see `attentionMaskBias`). Returns the output and the attention weights `[batch, heads, seq, seq]`.
   */
  forward(x: tf.Tensor3D, maskBias: tf.Tensor4D): { output: tf.Tensor3D; weights: tf.Tensor4D } {
    return tf.tidy(() => {
      const [batch, seq] = x.shape;
      const heads = (t: tf.Tensor, perm: number[]) => tf.transpose(tf.reshape(t, [batch, seq, this.nHeads, this.dimPerHead]), perm);
      const q = tf.div(heads(this.q_lin.forward(x), [0, 2, 1, 3]), Math.sqrt(this.dimPerHead)); // [b, h, q, d]
      const kT = heads(this.k_lin.forward(x), [0, 2, 3, 1]); // [b, h, d, k]: k^T without a transposed matMul
      const v = heads(this.v_lin.forward(x), [0, 2, 1, 3]); // [b, h, k, d]
      const scores = tf.add(tf.matMul(q, kT), maskBias);
      const weights = this.dropout.forward(tf.softmax(scores, -1)) as tf.Tensor4D;
      const context = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [batch, seq, this.nHeads * this.dimPerHead]);
      return { output: this.out_lin.forward(context) as tf.Tensor3D, weights };
    });
  }
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
