import { BERT_DEFAULTS, EncoderConfig, EncoderConfigOptions } from "../encoder/configuration.js";
import { EncoderLayerNames } from "../encoder/layer.js";

// transformers' AlbertConfig has no classifier_dropout (it has classifier_dropout_prob).
const { classifier_dropout: _unused, ...BERT_KEYS } = BERT_DEFAULTS;

/** ALBERT's hyper-parameters (transformers' AlbertConfig defaults, albert-xxlarge's). */
export class AlbertConfig extends EncoderConfig {
  static override readonly modelType = "albert";
  static override readonly defaults = {
    ...BERT_KEYS,
    vocab_size: 30000,
    embedding_size: 128,
    hidden_size: 4096,
    num_hidden_layers: 12,
    num_hidden_groups: 1,
    num_attention_heads: 64,
    intermediate_size: 16384,
    inner_group_num: 1,
    hidden_act: "gelu_new",
    hidden_dropout_prob: 0,
    attention_probs_dropout_prob: 0,
    classifier_dropout_prob: 0.1,
    bos_token_id: 2,
    eos_token_id: 3,
  };
  declare embedding_size: number;
  declare num_hidden_groups: number;
  declare inner_group_num: number;
  declare classifier_dropout_prob: number;

  constructor(options: EncoderConfigOptions = {}) {
    super(options);
    this.checkPositiveIntegers(["num_hidden_groups", "inner_group_num"]);
    this.checkProbabilities(["classifier_dropout_prob"]);
    if (this.num_hidden_layers % this.num_hidden_groups !== 0) {
      throw new Error(`AlbertConfig: num_hidden_layers (${this.num_hidden_layers}) must be a multiple of num_hidden_groups (${this.num_hidden_groups}).`);
    }
  }

  override get classifierDropout(): number {
    return this.classifier_dropout_prob;
  }
}

/** Where ALBERT keeps each part of the shared layer (`encoder.albert_layer_groups.G.albert_layers.I.…`). */
export const ALBERT_LAYER_NAMES: EncoderLayerNames = {
  query: "attention.query",
  key: "attention.key",
  value: "attention.value",
  attentionOutput: "attention.dense",
  attentionLayerNorm: "attention.LayerNorm",
  intermediate: "ffn",
  output: "ffn_output",
  outputLayerNorm: "full_layer_layer_norm",
};
