import * as tf from "@tensorflow/tfjs";
import { BertModel } from "../bert/model.js";
import { ClassificationHead } from "../encoder/heads.js";
import { BaseModelOutput, EncoderForSequenceClassification } from "../encoder/model.js";
import { ModelInitOptions } from "../pretrained-model.js";
import { checkProblemType } from "../sequence-classification.js";
import { CamembertConfig, RobertaConfig, XLMRobertaConfig } from "./configuration.js";

/** The bare RoBERTa encoder: BERT's, with positions counted from `pad_token_id + 1` (its config says so). */
export class RobertaModel extends BertModel {
  static override readonly baseModelPrefix = "roberta";
  static override readonly configClass: typeof RobertaConfig = RobertaConfig;
}

/** RoBERTa with `classifier.dense → tanh → classifier.out_proj` on the first token (`<s>`), no pooler. */
export class RobertaForSequenceClassification extends EncoderForSequenceClassification<RobertaConfig> {
  static readonly baseModelPrefix = "roberta";
  static readonly configClass: typeof RobertaConfig = RobertaConfig;
  readonly roberta: RobertaModel;
  readonly classifier: ClassificationHead;

  constructor(config: RobertaConfig, options: ModelInitOptions = {}) {
    super(config);
    checkProblemType(config);
    this.roberta = this.registerModule("roberta", new RobertaModel(config, { skipInit: true, addPoolingLayer: false }));
    this.classifier = this.registerModule("classifier", new ClassificationHead(config.hidden_size, config.numLabels, config.classifierDropout, "tanh"));
    this.initWeights(options);
  }

  protected get body(): RobertaModel {
    return this.roberta;
  }

  protected classify(body: BaseModelOutput): tf.Tensor2D {
    return this.classifier.forward(body.lastHiddenState);
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
