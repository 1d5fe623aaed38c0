import * as tf from "@tensorflow/tfjs";
import { Module, ModuleList } from "../../nn/index.js";
import { EncoderLayer, EncoderLayerConfig, EncoderLayerNames } from "./layer.js";
import { RowLayout } from "./row-layout.js";

export interface EncoderOptions {
  /** Also return the input and every layer's output (`hiddenStates`, layers + 1 of them). */
  outputHiddenStates?: boolean;
  /** Also return every layer's attention weights `[batch, heads, seq, seq]`. */
  outputAttentions?: boolean;
  /**
   * Compute only what each sequence's first token's output depends on, all a sequence classifier's
   * head reads: the layers skip padded positions (see row-layout.ts) and the last layer computes
   * the first token alone (for a DistilBERT at length 60, 14% of the arithmetic, more with
   * padding). `lastHiddenState` is then `[batch, 1, dim]`. Not with `outputHiddenStates` or
   * `outputAttentions`.
   */
  firstTokenOnly?: boolean;
}

export type EncoderOutput = {
  lastHiddenState: tf.Tensor3D;
  /** The input, then each layer's output, when asked for. */
  hiddenStates?: tf.Tensor3D[];
  /** Each layer's attention weights, when asked for. */
  attentions?: tf.Tensor4D[];
};

/**
 * Apply `layers` in order (a layer may come more than once: ALBERT shares one) to the padded batch
 * `x`, on the rows of `layout` (see `rowLayout`).
 */
export function runLayers(layers: Iterable<EncoderLayer>, x: tf.Tensor3D, layout: RowLayout, options: EncoderOptions = {}): EncoderOutput {
  return tf.tidy(() => {
    const hiddenStates: tf.Tensor3D[] = [x];
    const attentions: tf.Tensor4D[] = [];
    const stack = [...layers];
    let hidden: tf.Tensor = layout.rows(x);
    for (const [i, layer] of stack.entries()) {
      const { output, weights } = layer.forward(hidden, layout, options.firstTokenOnly === true && i === stack.length - 1);
      hidden = output;
      if (options.outputHiddenStates) hiddenStates.push(hidden as tf.Tensor3D); // padded rows: packing is off then
      if (options.outputAttentions) attentions.push(weights);
    }
    const out: EncoderOutput = { lastHiddenState: hidden as tf.Tensor3D };
    if (options.outputHiddenStates) out.hiddenStates = hiddenStates;
    if (options.outputAttentions) out.attentions = attentions;
    return out;
  });
}

/** A stack of `numLayers` layers under `layer.N` (BERT's `encoder`, DistilBERT's `transformer`). */
export class Encoder extends Module {
  readonly layer: ModuleList<EncoderLayer>;

  constructor(numLayers: number, layerConfig: EncoderLayerConfig, names: EncoderLayerNames) {
    super();
    this.layer = this.registerModule("layer", new ModuleList(Array.from({ length: numLayers }, () => new EncoderLayer(layerConfig, names))));
  }

  forward(x: tf.Tensor3D, layout: RowLayout, options: EncoderOptions = {}): EncoderOutput {
    return runLayers(this.layer, x, layout, options);
  }
}
