export { ElectraConfig } from "./configuration.js";
export { ElectraModel, ElectraForSequenceClassification } from "./model.js";
