import * as tf from "@tensorflow/tfjs";
import { Dropout, Linear } from "../../nn/index.js";
import { Embeddings } from "../encoder/embeddings.js";
import { Encoder } from "../encoder/encoder.js";
import { EncoderLayerNames } from "../encoder/layer.js";
import { BaseModelOutput, EncoderForSequenceClassification, EncoderModel } from "../encoder/model.js";
import { ModelInitOptions } from "../pretrained-model.js";
import { firstToken } from "../sequence-classification.js";
import { DistilBertConfig } from "./configuration.js";

/** Where DistilBERT keeps each part of the shared layer (`transformer.layer.N.…`). */
export const DISTILBERT_LAYER_NAMES: EncoderLayerNames = {
  query: "attention.q_lin",
  key: "attention.k_lin",
  value: "attention.v_lin",
  attentionOutput: "attention.out_lin",
  attentionLayerNorm: "sa_layer_norm",
  intermediate: "ffn.lin1",
  output: "ffn.lin2",
  outputLayerNorm: "output_layer_norm",
};

/** The bare DistilBERT encoder (`embeddings`, `transformer`), as transformers' DistilBertModel. */
export class DistilBertModel extends EncoderModel<DistilBertConfig> {
  static readonly baseModelPrefix = "distilbert";
  static readonly configClass = DistilBertConfig;
  readonly embeddings: Embeddings;
  readonly transformer: Encoder;

  constructor(config: DistilBertConfig, options: ModelInitOptions = {}) {
    super(config);
    this.embeddings = this.registerModule("embeddings", new Embeddings(config.embeddingsConfig()));
    this.transformer = this.registerModule("transformer", new Encoder(config.n_layers, config.layerConfig(), DISTILBERT_LAYER_NAMES));
    this.initWeights(options);
  }

  protected get stack(): Encoder {
    return this.transformer;
  }
}

/** DistilBERT with `pre_classifier → ReLU → dropout → classifier` on the [CLS] hidden state. */
export class DistilBertForSequenceClassification extends EncoderForSequenceClassification<DistilBertConfig, DistilBertModel> {
  static readonly baseModelPrefix = "distilbert";
  static readonly configClass = DistilBertConfig;
  readonly pre_classifier: Linear;
  readonly classifier: Linear;
  readonly dropout: Dropout;

  constructor(config: DistilBertConfig, options: ModelInitOptions = {}) {
    super(config, new DistilBertModel(config, { skipInit: true }));
    this.pre_classifier = this.registerModule("pre_classifier", new Linear(config.dim, config.dim, { skipInit: true }));
    this.classifier = this.registerModule("classifier", new Linear(config.dim, config.numLabels, { skipInit: true }));
    this.dropout = this.registerModule("dropout", new Dropout(config.seq_classif_dropout));
    this.initWeights(options);
  }

  get distilbert(): DistilBertModel {
    return this.body;
  }

  protected classify(body: BaseModelOutput): tf.Tensor2D {
    const pooled = this.dropout.forward(tf.relu(this.pre_classifier.forward(firstToken(body.lastHiddenState))));
    return this.classifier.forward(pooled) as tf.Tensor2D;
  }
}
