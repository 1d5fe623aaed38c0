// The two heads the BERT-style families put on their body: `dropout → classifier` on the pooled
// output (BERT, ALBERT), and `classifier.dense → act → classifier.out_proj` on the first token
// (RoBERTa with tanh, ELECTRA with GELU).
import * as tf from "@tensorflow/tfjs";
import { Dropout, Linear } from "../../nn/index.js";
import { ModelInitOptions } from "../pretrained-model.js";
import { EncoderConfig } from "./configuration.js";
import { ClassificationHead } from "./heads.js";
import { BaseModelOutput, EncoderForSequenceClassification, EncoderModel } from "./model.js";

/** `dropout → classifier` on the body's pooler output. */
export abstract class PooledOutputClassifier<C extends EncoderConfig, B extends EncoderModel<C>> extends EncoderForSequenceClassification<C, B> {
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: C, body: B, options: ModelInitOptions) {
    super(config, body);
    this.dropout = this.registerModule("dropout", new Dropout(config.classifierDropout));
    this.classifier = this.registerModule("classifier", new Linear(config.hidden_size, config.numLabels, { skipInit: true }));
    this.initWeights(options);
  }

  protected classify(body: BaseModelOutput): tf.Tensor2D {
    if (!body.poolerOutput) throw new Error(`${this.constructor.name}: the body returned no pooler output.`);
    return this.classifier.forward(this.dropout.forward(body.poolerOutput)) as tf.Tensor2D;
  }
}

/** A ClassificationHead (`classifier.dense → activation → classifier.out_proj`) on the first token. */
export abstract class FirstTokenClassifier<C extends EncoderConfig, B extends EncoderModel<C>> extends EncoderForSequenceClassification<C, B> {
  readonly classifier: ClassificationHead;

  constructor(config: C, body: B, activation: string, options: ModelInitOptions) {
    super(config, body);
    this.classifier = this.registerModule("classifier", new ClassificationHead(config.hidden_size, config.numLabels, config.classifierDropout, activation));
    this.initWeights(options);
  }

  protected classify(body: BaseModelOutput): tf.Tensor2D {
    return this.classifier.forward(body.lastHiddenState);
  }
}
