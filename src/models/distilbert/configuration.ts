import { LabelOptions, PretrainedConfig } from "../configuration.js";
import { EmbeddingsConfig } from "../encoder/embeddings.js";
import { EncoderLayerConfig } from "../encoder/layer.js";
import { FromPretrainedOptions, configFromOptions, fetchConfigJSON, hubOptionsOf } from "../loading.js";

/** The keys of a DistilBERT config.json, named exactly as there. */
export interface DistilBertConfigValues {
  vocab_size: number;
  max_position_embeddings: number;
  sinusoidal_pos_embds: boolean;
  n_layers: number;
  n_heads: number;
  dim: number;
  hidden_dim: number;
  dropout: number;
  attention_dropout: number;
  activation: string;
  initializer_range: number;
  qa_dropout: number;
  seq_classif_dropout: number;
  pad_token_id: number;
}

/** Constructor input: any config.json keys (defaults are distilbert-base-uncased's), label maps, `num_labels` (or `numLabels`). */
export type DistilBertConfigOptions = Partial<DistilBertConfigValues> & LabelOptions & Record<string, unknown>;

const DEFAULTS: DistilBertConfigValues = {
  vocab_size: 30522,
  max_position_embeddings: 512,
  sinusoidal_pos_embds: false,
  n_layers: 6,
  n_heads: 12,
  dim: 768,
  hidden_dim: 4 * 768,
  dropout: 0.1,
  attention_dropout: 0.1,
  activation: "gelu",
  initializer_range: 0.02,
  qa_dropout: 0.1,
  seq_classif_dropout: 0.2,
  pad_token_id: 0,
};

/** DistilBERT's eps for every LayerNorm (hard-coded in transformers, not a config key). */
export const DISTILBERT_LAYER_NORM_EPS = 1e-12;

/** DistilBERT's hyper-parameters, as transformers' DistilBertConfig (same keys, same defaults). */
export class DistilBertConfig extends PretrainedConfig implements DistilBertConfigValues {
  static readonly modelType = "distilbert";
  readonly model_type = "distilbert";
  declare vocab_size: number;
  declare max_position_embeddings: number;
  declare sinusoidal_pos_embds: boolean;
  declare n_layers: number;
  declare n_heads: number;
  declare dim: number;
  declare hidden_dim: number;
  declare dropout: number;
  declare attention_dropout: number;
  declare activation: string;
  declare initializer_range: number;
  declare qa_dropout: number;
  declare seq_classif_dropout: number;
  declare pad_token_id: number;

  constructor(options: DistilBertConfigOptions = {}) {
    super();
    this.assign(options, DEFAULTS, DistilBertConfig.modelType);
    this.checkPositiveIntegers(["vocab_size", "max_position_embeddings", "n_layers", "n_heads", "dim", "hidden_dim"]);
    if (this.dim % this.n_heads !== 0) throw new Error(`DistilBertConfig: dim (${this.dim}) must be a multiple of n_heads (${this.n_heads}).`);
    this.checkProbabilities(["dropout", "attention_dropout", "qa_dropout", "seq_classif_dropout"]);
    this.checkInitAndPadding(this.vocab_size);
  }

  /** A config from a parsed config.json. */
  static fromJSON(json: Record<string, unknown>): DistilBertConfig {
    return new DistilBertConfig(json as DistilBertConfigOptions);
  }

  /** The config.json of a hub repository or local folder, with `options`' label maps and overrides applied. */
  static async fromPretrained(idOrDir: string, options: FromPretrainedOptions = {}): Promise<DistilBertConfig> {
    return configFromOptions(DistilBertConfig, await fetchConfigJSON(idOrDir, hubOptionsOf(options)), options);
  }

  /** The shared embeddings' sizes: word + position, no token types. */
  embeddingsConfig(): EmbeddingsConfig {
    return {
      vocabSize: this.vocab_size,
      width: this.dim,
      maxPositions: this.max_position_embeddings,
      typeVocabSize: 0,
      padTokenId: this.pad_token_id,
      layerNormEps: DISTILBERT_LAYER_NORM_EPS,
      dropout: this.dropout,
      positions: this.sinusoidal_pos_embds ? "sinusoidal" : "absolute",
    };
  }

  /** The shared layer's sizes: no dropout after the attention's output projection, as in transformers' DistilBERT. */
  layerConfig(): EncoderLayerConfig {
    return {
      hiddenSize: this.dim,
      numHeads: this.n_heads,
      intermediateSize: this.hidden_dim,
      activation: this.activation,
      layerNormEps: DISTILBERT_LAYER_NORM_EPS,
      attentionDropout: this.attention_dropout,
      attentionOutputDropout: 0,
      hiddenDropout: this.dropout,
    };
  }
}
