import { BERT_DEFAULTS, EncoderConfig } from "../encoder/configuration.js";

/** ELECTRA's hyper-parameters: BERT's keys plus `embedding_size` (transformers' ElectraConfig defaults, electra-small's). */
export class ElectraConfig extends EncoderConfig {
  static override readonly modelType = "electra";
  static override readonly defaults = {
    ...BERT_DEFAULTS,
    embedding_size: 128,
    hidden_size: 256,
    num_attention_heads: 4,
    intermediate_size: 1024,
    summary_type: "first",
    summary_use_proj: true,
    summary_activation: "gelu",
    summary_last_dropout: 0.1,
  };
  declare embedding_size: number;
}
