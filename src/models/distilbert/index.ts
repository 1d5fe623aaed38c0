export { DistilBertConfig, DISTILBERT_LAYER_NORM_EPS, type DistilBertConfigValues, type DistilBertConfigOptions } from "./configuration.js";
export { DistilBertModel, DistilBertForSequenceClassification, DISTILBERT_LAYER_NAMES } from "./model.js";
