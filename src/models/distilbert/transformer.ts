import * as tf from "@tensorflow/tfjs";
import { Module, ModuleList } from "../../nn/index.js";
import { DistilBertConfig } from "./configuration.js";
import { TransformerBlock } from "./transformer-block.js";

export type TransformerOutput = {
  lastHiddenState: tf.Tensor3D;
  /** The input, then each block's output (n_layers + 1), when asked for. */
  hiddenStates?: tf.Tensor3D[];
  /** Each block's attention weights `[batch, heads, seq, seq]`, when asked for. */
  attentions?: tf.Tensor4D[];
};

/** The stack of blocks (`distilbert.transformer.layer.N`). */
export class Transformer extends Module {
  readonly layer: ModuleList<TransformerBlock>;

  constructor(config: DistilBertConfig) {
    super();
    this.layer = this.registerModule("layer", new ModuleList(Array.from({ length: config.n_layers }, () => new TransformerBlock(config))));
  }

  forward(x: tf.Tensor3D, maskBias: tf.Tensor4D, options: { outputHiddenStates?: boolean; outputAttentions?: boolean } = {}): TransformerOutput {
    return tf.tidy(() => {
      const hiddenStates: tf.Tensor3D[] = [x];
      const attentions: tf.Tensor4D[] = [];
      let hidden = x;
      for (const block of this.layer) {
        const { output, weights } = block.forward(hidden, maskBias);
        hidden = output;
        hiddenStates.push(hidden);
        if (options.outputAttentions) attentions.push(weights);
      }
      const out: TransformerOutput = { lastHiddenState: hidden };
      if (options.outputHiddenStates) out.hiddenStates = hiddenStates;
      if (options.outputAttentions) out.attentions = attentions;
      return out;
    });
  }
}
