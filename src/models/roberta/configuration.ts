import { BERT_DEFAULTS, EncoderConfig } from "../encoder/configuration.js";

/** roberta-base's values, transformers' RobertaConfig defaults. */
const ROBERTA_DEFAULTS = { ...BERT_DEFAULTS, vocab_size: 50265, max_position_embeddings: 514, type_vocab_size: 1, layer_norm_eps: 1e-5, pad_token_id: 1, bos_token_id: 0, eos_token_id: 2 };

/** RoBERTa's hyper-parameters: BERT's keys; positions count from `pad_token_id + 1` over the real tokens. */
export class RobertaConfig extends EncoderConfig {
  static override readonly modelType: string = "roberta";
  static override readonly defaults: object = ROBERTA_DEFAULTS;
  static override readonly positions = "padding-offset" as const;
}

/** XLM-RoBERTa: RoBERTa's architecture under `model_type` "xlm-roberta" (transformers' XLMRobertaConfig defaults). */
export class XLMRobertaConfig extends RobertaConfig {
  static override readonly modelType = "xlm-roberta";
  static override readonly defaults = { ...ROBERTA_DEFAULTS, vocab_size: 30522, max_position_embeddings: 512, type_vocab_size: 2, layer_norm_eps: 1e-12 };
}

/** CamemBERT: RoBERTa's architecture under `model_type` "camembert" (transformers' CamembertConfig defaults). */
export class CamembertConfig extends RobertaConfig {
  static override readonly modelType = "camembert";
  static override readonly defaults = { ...ROBERTA_DEFAULTS, vocab_size: 30522, max_position_embeddings: 512, type_vocab_size: 2, layer_norm_eps: 1e-12 };
}
