export { BertConfig, BERT_LAYER_NAMES } from "./configuration.js";
export { BertModel, BertForSequenceClassification } from "./model.js";
