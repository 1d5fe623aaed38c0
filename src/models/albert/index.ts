export { AlbertConfig, ALBERT_LAYER_NAMES } from "./configuration.js";
export { AlbertModel, AlbertForSequenceClassification, AlbertTransformer } from "./model.js";
