import { BertModel } from "../bert/model.js";
import { FirstTokenClassifier } from "../encoder/classifiers.js";
import { ModelInitOptions } from "../pretrained-model.js";
import { CamembertConfig, RobertaConfig, XLMRobertaConfig } from "./configuration.js";

/** The bare RoBERTa encoder: BERT's, with positions counted from `pad_token_id + 1` (its config says so). */
export class RobertaModel extends BertModel {
  static override readonly baseModelPrefix = "roberta";
  static override readonly configClass: typeof RobertaConfig = RobertaConfig;
}

/** RoBERTa with `classifier.dense → tanh → classifier.out_proj` on the first token (`<s>`), no pooler. */
export class RobertaForSequenceClassification extends FirstTokenClassifier<RobertaConfig, RobertaModel> {
  static readonly baseModelPrefix = "roberta";
  static readonly configClass: typeof RobertaConfig = RobertaConfig;

  constructor(config: RobertaConfig, options: ModelInitOptions = {}) {
    super(config, new RobertaModel(config, { skipInit: true, addPoolingLayer: false }), "tanh", options);
  }

  get roberta(): RobertaModel {
    return this.body;
  }
}

// XLM-RoBERTa and CamemBERT are RoBERTa under other names: same modules, same checkpoint names.
export class XLMRobertaModel extends RobertaModel {
  static override readonly configClass = XLMRobertaConfig;
}
export class XLMRobertaForSequenceClassification extends RobertaForSequenceClassification {
  static override readonly configClass = XLMRobertaConfig;
}
export class CamembertModel extends RobertaModel {
  static override readonly configClass = CamembertConfig;
}
export class CamembertForSequenceClassification extends RobertaForSequenceClassification {
  static override readonly configClass = CamembertConfig;
}
