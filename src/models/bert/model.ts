import * as tf from "@tensorflow/tfjs";
import { Embeddings } from "../encoder/embeddings.js";
import { Encoder } from "../encoder/encoder.js";
import { Pooler } from "../encoder/heads.js";
import { PooledOutputClassifier } from "../encoder/classifiers.js";
import { EncoderModel } from "../encoder/model.js";
import { ModelInitOptions } from "../pretrained-model.js";
import { BERT_LAYER_NAMES, BertConfig } from "./configuration.js";

/** The bare BERT encoder (`embeddings`, `encoder`, `pooler`), as transformers' BertModel. */
export class BertModel extends EncoderModel<BertConfig> {
  static readonly baseModelPrefix: string = "bert";
  static readonly configClass: typeof BertConfig = BertConfig;
  readonly embeddings: Embeddings;
  readonly encoder: Encoder;
  readonly pooler?: Pooler;

  /** `addPoolingLayer: false` leaves the pooler out, as the classifiers of RoBERTa do. */
  constructor(config: BertConfig, options: ModelInitOptions & { addPoolingLayer?: boolean } = {}) {
    super(config);
    this.embeddings = this.registerModule("embeddings", new Embeddings(config.embeddingsConfig()));
    this.encoder = this.registerModule("encoder", new Encoder(config.num_hidden_layers, config.layerConfig(), BERT_LAYER_NAMES));
    if (options.addPoolingLayer ?? true) this.pooler = this.registerModule("pooler", new Pooler(config.hidden_size));
    this.initWeights(options);
  }

  protected get stack(): Encoder {
    return this.encoder;
  }

  protected override pool(lastHiddenState: tf.Tensor3D): tf.Tensor2D | undefined {
    return this.pooler?.forward(lastHiddenState);
  }
}

/** BERT with `dropout → classifier` on the pooled output, as transformers' BertForSequenceClassification. */
export class BertForSequenceClassification extends PooledOutputClassifier<BertConfig, BertModel> {
  static readonly baseModelPrefix = "bert";
  static readonly configClass = BertConfig;

  constructor(config: BertConfig, options: ModelInitOptions = {}) {
    super(config, new BertModel(config, { skipInit: true }), options);
  }

  get bert(): BertModel {
    return this.body;
  }
}
