import { LabelOptions, PretrainedConfig } from "../configuration.js";
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
    const { id2label, label2id, num_labels, numLabels, model_type, ...rest } = options;
    if (numLabels !== undefined && num_labels !== undefined && numLabels !== num_labels) {
      throw new Error(`DistilBertConfig got numLabels ${String(numLabels)} and num_labels ${num_labels}; pass one.`);
    }
    if (model_type !== undefined && model_type !== DistilBertConfig.modelType) {
      throw new Error(`DistilBertConfig got model_type "${String(model_type)}"; use the config class of that model type (AutoConfig picks it).`);
    }
    Object.assign(this, DEFAULTS, rest);
    this.setLabels({ id2label, label2id, num_labels: num_labels ?? (numLabels as number | undefined) });
    check(this);
  }

  /** A config from a parsed config.json. */
  static fromJSON(json: Record<string, unknown>): DistilBertConfig {
    return new DistilBertConfig(json as DistilBertConfigOptions);
  }

  /** The config.json of a hub repository or local folder, with `options`' label maps and overrides applied. */
  static async fromPretrained(idOrDir: string, options: FromPretrainedOptions = {}): Promise<DistilBertConfig> {
    return configFromOptions(DistilBertConfig, await fetchConfigJSON(idOrDir, hubOptionsOf(options)), options);
  }
}

function check(c: DistilBertConfig): void {
  const positiveInts: (keyof DistilBertConfigValues)[] = ["vocab_size", "max_position_embeddings", "n_layers", "n_heads", "dim", "hidden_dim"];
  for (const key of positiveInts) {
    const v = c[key];
    if (!(typeof v === "number" && Number.isInteger(v) && v > 0)) throw new Error(`DistilBertConfig: ${key} must be a positive integer, got ${JSON.stringify(v)}.`);
  }
  if (c.dim % c.n_heads !== 0) throw new Error(`DistilBertConfig: dim (${c.dim}) must be a multiple of n_heads (${c.n_heads}).`);
  for (const key of ["dropout", "attention_dropout", "qa_dropout", "seq_classif_dropout"] as const) {
    const v = c[key];
    if (!(typeof v === "number" && v >= 0 && v < 1)) throw new Error(`DistilBertConfig: ${key} must be a probability in [0, 1), got ${JSON.stringify(v)}.`);
  }
  if (!(typeof c.initializer_range === "number" && c.initializer_range >= 0)) {
    throw new Error(`DistilBertConfig: initializer_range must be a non-negative number, got ${JSON.stringify(c.initializer_range)}.`);
  }
  if (!(Number.isInteger(c.pad_token_id) && c.pad_token_id >= 0 && c.pad_token_id < c.vocab_size)) {
    throw new Error(`DistilBertConfig: pad_token_id must be a token id below vocab_size (${c.vocab_size}), got ${JSON.stringify(c.pad_token_id)}.`);
  }
}
