export { PretrainedConfig, type Id2Label, type Label2Id, type LabelOptions } from "./configuration.js";
export { PreTrainedModel, type ModelInitOptions } from "./pretrained-model.js";
export { type FromPretrainedOptions } from "./loading.js";
export { type ModelInputs } from "./inputs.js";
export { IGNORE_INDEX, type SequenceClassificationInputs, type SequenceClassifierOutput } from "./sequence-classification.js";
export * from "./encoder/index.js";
export * from "./distilbert/index.js";
export * from "./bert/index.js";
export { AutoConfig, AutoModel, AutoModelForSequenceClassification, SUPPORTED_MODEL_TYPES } from "./auto.js";
