export { FLOAT32_MIN, attentionMaskBias, multiHeadSelfAttention, type AttentionProjections } from "./attention.js";
export { Embeddings, sinusoidalPositionTable, type EmbeddingsConfig } from "./embeddings.js";
export { EncoderLayer, type EncoderLayerConfig, type EncoderLayerNames } from "./layer.js";
export { Encoder, runLayers, type EncoderOptions, type EncoderOutput } from "./encoder.js";
export { Pooler, ClassificationHead } from "./heads.js";
export { EncoderConfig, BERT_DEFAULTS, type EncoderConfigValues, type EncoderConfigOptions } from "./configuration.js";
export { EncoderPreTrainedModel } from "./pretrained.js";
export { EncoderModel, EncoderForSequenceClassification, type BaseModelOutput, type EncoderStack } from "./model.js";
export { PooledOutputClassifier, FirstTokenClassifier } from "./classifiers.js";
