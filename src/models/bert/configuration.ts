import { BERT_DEFAULTS, EncoderConfig } from "../encoder/configuration.js";
import { EncoderLayerNames } from "../encoder/layer.js";

/** BERT's hyper-parameters, as transformers' BertConfig (same keys, same defaults). */
export class BertConfig extends EncoderConfig {
  static override readonly modelType: string = "bert";
  static override readonly defaults: object = BERT_DEFAULTS;
}

/** Where BERT keeps each part of a layer (`encoder.layer.N.…`); RoBERTa and ELECTRA keep them there too. */
export const BERT_LAYER_NAMES: EncoderLayerNames = {
  query: "attention.self.query",
  key: "attention.self.key",
  value: "attention.self.value",
  attentionOutput: "attention.output.dense",
  attentionLayerNorm: "attention.output.LayerNorm",
  intermediate: "intermediate.dense",
  output: "output.dense",
  outputLayerNorm: "output.LayerNorm",
};
