import * as tf from "@tensorflow/tfjs";
import { LayerNorm, Module } from "../../nn/index.js";
import { MultiHeadSelfAttention } from "./attention.js";
import { DistilBertConfig } from "./configuration.js";
import { DISTILBERT_LAYER_NORM_EPS } from "./embeddings.js";
import { FFN } from "./ffn.js";

/** Self-attention + residual → sa_layer_norm → FFN + residual → output_layer_norm (`transformer.layer.N`). */
export class TransformerBlock extends Module {
  readonly attention: MultiHeadSelfAttention;
  readonly sa_layer_norm: LayerNorm;
  readonly ffn: FFN;
  readonly output_layer_norm: LayerNorm;

  constructor(config: DistilBertConfig) {
    super();
    this.attention = this.registerModule("attention", new MultiHeadSelfAttention(config));
    this.sa_layer_norm = this.registerModule("sa_layer_norm", new LayerNorm(config.dim, { eps: DISTILBERT_LAYER_NORM_EPS }));
    this.ffn = this.registerModule("ffn", new FFN(config));
    this.output_layer_norm = this.registerModule("output_layer_norm", new LayerNorm(config.dim, { eps: DISTILBERT_LAYER_NORM_EPS }));
  }

  forward(x: tf.Tensor3D, maskBias: tf.Tensor4D): { output: tf.Tensor3D; weights: tf.Tensor4D } {
    return tf.tidy(() => {
      const { output: attended, weights } = this.attention.forward(x, maskBias);
      const sa = this.sa_layer_norm.forward(tf.add(attended, x)) as tf.Tensor3D;
      const output = this.output_layer_norm.forward(tf.add(this.ffn.forward(sa), sa)) as tf.Tensor3D;
      return { output, weights };
    });
  }
}
