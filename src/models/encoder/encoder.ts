import * as tf from "@tensorflow/tfjs";
import { Module, ModuleList } from "../../nn/index.js";
import { EncoderLayer, EncoderLayerConfig, EncoderLayerNames } from "./layer.js";

export interface EncoderOptions {
  /** Also return the input and every layer's output (`hiddenStates`, layers + 1 of them). */
  outputHiddenStates?: boolean;
  /** Also return every layer's attention weights `[batch, heads, seq, seq]`. */
  outputAttentions?: boolean;
  /**
   * The last layer computes only each sequence's first token, all a sequence classifier's head
   * reads (14% of a DistilBERT's arithmetic at length 60 left out): `lastHiddenState` is then
   * `[batch, 1, dim]`. Not with `outputHiddenStates` or `outputAttentions`.
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

/** Apply `layers` in order (a layer may come more than once: ALBERT shares one). */
export function runLayers(layers: Iterable<EncoderLayer>, x: tf.Tensor3D, maskBias: tf.Tensor4D, options: EncoderOptions = {}): EncoderOutput {
  if (options.firstTokenOnly && (options.outputHiddenStates || options.outputAttentions)) {
    throw new Error("firstTokenOnly leaves out the last layer's other tokens: it cannot be combined with outputHiddenStates or outputAttentions; leave one out.");
  }
  return tf.tidy(() => {
    const hiddenStates: tf.Tensor3D[] = [x];
    const attentions: tf.Tensor4D[] = [];
    const stack = [...layers];
    let hidden = x;
    for (const [i, layer] of stack.entries()) {
      const { output, weights } = layer.forward(hidden, maskBias, options.firstTokenOnly === true && i === stack.length - 1);
      hidden = output;
      hiddenStates.push(hidden);
      if (options.outputAttentions) attentions.push(weights);
    }
    const out: EncoderOutput = { lastHiddenState: hidden };
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

  forward(x: tf.Tensor3D, maskBias: tf.Tensor4D, options: EncoderOptions = {}): EncoderOutput {
    return runLayers(this.layer, x, maskBias, options);
  }
}
