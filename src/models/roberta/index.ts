export { RobertaConfig, XLMRobertaConfig, CamembertConfig } from "./configuration.js";
export {
  RobertaModel,
  RobertaForSequenceClassification,
  XLMRobertaModel,
  XLMRobertaForSequenceClassification,
  CamembertModel,
  CamembertForSequenceClassification,
} from "./model.js";
