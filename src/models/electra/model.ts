import * as tf from "@tensorflow/tfjs";
import { Linear } from "../../nn/index.js";
import { BERT_LAYER_NAMES } from "../bert/configuration.js";
import { Embeddings } from "../encoder/embeddings.js";
import { Encoder } from "../encoder/encoder.js";
import { FirstTokenClassifier } from "../encoder/classifiers.js";
import { EncoderModel } from "../encoder/model.js";
import { ModelInitOptions } from "../pretrained-model.js";
import { ElectraConfig } from "./configuration.js";

/** The bare ELECTRA discriminator: BERT's embeddings of width `embedding_size`, `embeddings_project` to the hidden size, BERT's layers; no pooler. */
export class ElectraModel extends EncoderModel<ElectraConfig> {
  static readonly baseModelPrefix = "electra";
  static readonly configClass = ElectraConfig;
  readonly embeddings: Embeddings;
  readonly embeddings_project?: Linear;
  readonly encoder: Encoder;

  constructor(config: ElectraConfig, options: ModelInitOptions = {}) {
    super(config);
    this.embeddings = this.registerModule("embeddings", new Embeddings(config.embeddingsConfig()));
    if (config.embedding_size !== config.hidden_size) {
      this.embeddings_project = this.registerModule("embeddings_project", new Linear(config.embedding_size, config.hidden_size, { skipInit: true }));
    }
    this.encoder = this.registerModule("encoder", new Encoder(config.num_hidden_layers, config.layerConfig(), BERT_LAYER_NAMES));
    this.initWeights(options);
  }

  protected get stack(): Encoder {
    return this.encoder;
  }

  protected override embed(ids: tf.Tensor2D, tokenTypes: tf.Tensor2D | undefined): tf.Tensor3D {
    const embedded = this.embeddings.forward(ids, tokenTypes);
    return this.embeddings_project ? (this.embeddings_project.forward(embedded) as tf.Tensor3D) : embedded;
  }
}

/** ELECTRA with `classifier.dense → GELU → classifier.out_proj` on the first token. */
export class ElectraForSequenceClassification extends FirstTokenClassifier<ElectraConfig, ElectraModel> {
  static readonly baseModelPrefix = "electra";
  static readonly configClass = ElectraConfig;

  constructor(config: ElectraConfig, options: ModelInitOptions = {}) {
    super(config, new ElectraModel(config, { skipInit: true }), "gelu", options);
  }

  get electra(): ElectraModel {
    return this.body;
  }
}
