import * as tf from "@tensorflow/tfjs";
import { Dropout, LayerNorm, Linear, Module, getActivation } from "../../nn/index.js";
import { attendHeads } from "./attention.js";
import { RowLayout } from "./row-layout.js";

/** Where a family's checkpoint keeps each part of a layer, relative to the layer (e.g. BERT's `attention.self.query`). */
export interface EncoderLayerNames {
  query: string;
  key: string;
  value: string;
  attentionOutput: string;
  attentionLayerNorm: string;
  intermediate: string;
  output: string;
  outputLayerNorm: string;
}

/** A layer's sizes and probabilities, in the shared layer's terms (each family maps its config keys onto these). */
export interface EncoderLayerConfig {
  hiddenSize: number;
  numHeads: number;
  intermediateSize: number;
  activation: string;
  layerNormEps: number;
  /** Dropout on the attention weights. */
  attentionDropout: number;
  /** Dropout on the attention's output projection, before the residual (0 for DistilBERT, which has none). */
  attentionOutputDropout: number;
  /** Dropout on the feed-forward output, before the residual. */
  hiddenDropout: number;
}

/**
 * The post-LayerNorm transformer layer every family shares:
 * `a = LN(x + drop(attn(x)))`, `out = LN(a + drop(W2 act(W1 a)))`, its parameters under `names`.
 */
export class EncoderLayer extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly attentionOutput: Linear;
  readonly attentionLayerNorm: LayerNorm;
  readonly intermediate: Linear;
  readonly output: Linear;
  readonly outputLayerNorm: LayerNorm;
  private readonly attentionDropout: Dropout;
  private readonly attentionOutputDropout: Dropout;
  private readonly hiddenDropout: Dropout;
  private readonly activation: (x: tf.Tensor) => tf.Tensor;

  constructor(readonly layerConfig: EncoderLayerConfig, names: EncoderLayerNames) {
    super();
    const { hiddenSize: h, intermediateSize: ffn, layerNormEps: eps } = layerConfig;
    if (h % layerConfig.numHeads !== 0) throw new Error(`The hidden size (${h}) must be a multiple of the number of attention heads (${layerConfig.numHeads}).`);
    const linear = (name: string, inF: number, outF: number) => this.registerModuleAt(name, new Linear(inF, outF, { skipInit: true }));
    this.query = linear(names.query, h, h);
    this.key = linear(names.key, h, h);
    this.value = linear(names.value, h, h);
    this.attentionOutput = linear(names.attentionOutput, h, h);
    this.attentionLayerNorm = this.registerModuleAt(names.attentionLayerNorm, new LayerNorm(h, { eps }));
    this.intermediate = linear(names.intermediate, h, ffn);
    this.output = linear(names.output, ffn, h);
    this.outputLayerNorm = this.registerModuleAt(names.outputLayerNorm, new LayerNorm(h, { eps }));
    this.attentionDropout = this.registerModule("attention_dropout", new Dropout(layerConfig.attentionDropout));
    this.attentionOutputDropout = this.registerModule("attention_output_dropout", new Dropout(layerConfig.attentionOutputDropout));
    this.hiddenDropout = this.registerModule("hidden_dropout", new Dropout(layerConfig.hiddenDropout));
    this.activation = getActivation(layerConfig.activation);
  }

  /**
   * `x`: rows as `layout` lays them out (the padded batch `[batch, seq, dim]`, or its tokens packed).
   * `firstTokenOnly`: compute only each sequence's first token, `[batch, 1, dim]` (its attention
   * still reads every token): past the attention, rows are independent, so that row is the same.
   */
  forward(x: tf.Tensor, layout: RowLayout, firstTokenOnly = false): { output: tf.Tensor; weights: tf.Tensor4D } {
    return tf.tidy(() => {
      const rows = firstTokenOnly ? layout.firstTokens(x) : x;
      const q = this.query.forward(rows);
      const [k, v] = [this.key.forward(x), this.value.forward(x)].map((t) => layout.toGrid(t));
      const { context, weights } = attendHeads(firstTokenOnly ? (q as tf.Tensor3D) : layout.toGrid(q), k, v, layout.maskBias, this.layerConfig.numHeads, this.attentionDropout);
      const attended = this.attentionOutput.forward(firstTokenOnly ? context : layout.fromGrid(context));
      const a = this.attentionLayerNorm.forward(tf.add(this.attentionOutputDropout.forward(attended), rows));
      const ffn = this.hiddenDropout.forward(this.output.forward(this.activation(this.intermediate.forward(a))));
      return { output: this.outputLayerNorm.forward(tf.add(ffn, a)), weights };
    });
  }
}
