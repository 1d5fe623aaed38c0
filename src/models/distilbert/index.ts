export { DistilBertConfig, type DistilBertConfigValues, type DistilBertConfigOptions } from "./configuration.js";
export { DistilBertEmbeddings, sinusoidalPositionTable } from "./embeddings.js";
export { MultiHeadSelfAttention, attentionMaskBias, FLOAT32_MIN } from "./attention.js";
export { FFN } from "./ffn.js";
export { TransformerBlock } from "./transformer-block.js";
export { Transformer, type TransformerOutput } from "./transformer.js";
export { DistilBertPreTrainedModel } from "./pretrained.js";
export { DistilBertModel, type ModelInputs, type ForwardOptions, type BaseModelOutput } from "./model.js";
export {
  DistilBertForSequenceClassification,
  IGNORE_INDEX,
  type SequenceClassificationInputs,
  type SequenceClassifierOutput,
} from "./for-sequence-classification.js";
