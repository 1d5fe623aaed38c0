// The config keys BERT, RoBERTa, XLM-R, CamemBERT, ELECTRA and ALBERT share (BertConfig's), with
// each family's defaults, and their mapping onto the shared embeddings and layer.
import { LabelOptions, PretrainedConfig } from "../configuration.js";
import { FromPretrainedOptions, configFromOptions, fetchConfigJSON, hubOptionsOf } from "../loading.js";
import { EmbeddingsConfig } from "./embeddings.js";
import { EncoderLayerConfig } from "./layer.js";

/** The keys of a BERT-style config.json, named exactly as there. */
export interface EncoderConfigValues {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  hidden_act: string;
  hidden_dropout_prob: number;
  attention_probs_dropout_prob: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  initializer_range: number;
  layer_norm_eps: number;
  pad_token_id: number;
  position_embedding_type: string;
}

/** Constructor input: any config.json keys, label maps, `num_labels` (or `numLabels`). */
export type EncoderConfigOptions = Partial<EncoderConfigValues> & LabelOptions & Record<string, unknown>;

/** bert-base-uncased's values, transformers' BertConfig defaults. */
export const BERT_DEFAULTS: EncoderConfigValues & { classifier_dropout: number | null } = {
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: "gelu",
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  pad_token_id: 0,
  position_embedding_type: "absolute",
  classifier_dropout: null,
};

/** A BERT-style config; each family's class sets `modelType`, `defaults` and, for RoBERTa, `positions`. */
export abstract class EncoderConfig extends PretrainedConfig implements EncoderConfigValues {
  static readonly modelType: string;
  static readonly defaults: object;
  /** How positions are counted (see EmbeddingsConfig.positions). */
  static readonly positions: EmbeddingsConfig["positions"] = "absolute";
  readonly model_type: string;
  declare vocab_size: number;
  declare hidden_size: number;
  declare num_hidden_layers: number;
  declare num_attention_heads: number;
  declare intermediate_size: number;
  declare hidden_act: string;
  declare hidden_dropout_prob: number;
  declare attention_probs_dropout_prob: number;
  declare max_position_embeddings: number;
  declare type_vocab_size: number;
  declare initializer_range: number;
  declare layer_norm_eps: number;
  declare pad_token_id: number;
  declare position_embedding_type: string;

  constructor(options: EncoderConfigOptions = {}) {
    super();
    const cls = this.constructor as typeof EncoderConfig;
    this.assign(options, cls.defaults, cls.modelType);
    this.model_type = cls.modelType;
    const sizes = ["vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "max_position_embeddings", "type_vocab_size"];
    this.checkPositiveIntegers([...sizes, ...("embedding_size" in this ? ["embedding_size"] : [])]);
    if (this.hidden_size % this.num_attention_heads !== 0) {
      throw new Error(`${cls.name}: hidden_size (${this.hidden_size}) must be a multiple of num_attention_heads (${this.num_attention_heads}).`);
    }
    this.checkProbabilities(["hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"].filter((k) => k in this), ["classifier_dropout"]);
    this.checkInitAndPadding(this.vocab_size);
    if (this.position_embedding_type !== "absolute") {
      throw new Error(`${cls.name}: position_embedding_type "${this.position_embedding_type}" is not supported; only "absolute" positions are implemented.`);
    }
  }

  /** A config from a parsed config.json. */
  static fromJSON<T extends EncoderConfig>(this: new (options: EncoderConfigOptions) => T, json: Record<string, unknown>): T {
    return new this(json as EncoderConfigOptions);
  }

  /** The config.json of a hub repository or local folder, with `options`' label maps and overrides applied. */
  static async fromPretrained<T extends EncoderConfig>(
    this: (new (options: EncoderConfigOptions) => T) & { readonly name: string; readonly modelType: string; fromJSON(json: Record<string, unknown>): T },
    idOrDir: string,
    options: FromPretrainedOptions = {},
  ): Promise<T> {
    return configFromOptions(this, await fetchConfigJSON(idOrDir, hubOptionsOf(options)), options);
  }

  /** The embeddings' width: `embedding_size` where the family factorises the embeddings (ELECTRA, ALBERT), else `hidden_size`. */
  get embeddingWidth(): number {
    return typeof this.embedding_size === "number" ? this.embedding_size : this.hidden_size;
  }

  /** The dropout before a classification head: `classifier_dropout` when set, else `hidden_dropout_prob`, as in transformers. */
  get classifierDropout(): number {
    return typeof this.classifier_dropout === "number" ? this.classifier_dropout : this.hidden_dropout_prob;
  }

  embeddingsConfig(): EmbeddingsConfig {
    return {
      vocabSize: this.vocab_size,
      width: this.embeddingWidth,
      maxPositions: this.max_position_embeddings,
      typeVocabSize: this.type_vocab_size,
      padTokenId: this.pad_token_id,
      layerNormEps: this.layer_norm_eps,
      dropout: this.hidden_dropout_prob,
      positions: (this.constructor as typeof EncoderConfig).positions,
    };
  }

  layerConfig(): EncoderLayerConfig {
    return {
      hiddenSize: this.hidden_size,
      numHeads: this.num_attention_heads,
      intermediateSize: this.intermediate_size,
      activation: this.hidden_act,
      layerNormEps: this.layer_norm_eps,
      attentionDropout: this.attention_probs_dropout_prob,
      attentionOutputDropout: this.hidden_dropout_prob,
      hiddenDropout: this.hidden_dropout_prob,
    };
  }
}
