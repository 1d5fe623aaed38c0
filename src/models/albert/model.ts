import * as tf from "@tensorflow/tfjs";
import { Linear, Module, ModuleList } from "../../nn/index.js";
import { Embeddings } from "../encoder/embeddings.js";
import { EncoderOptions, EncoderOutput, runLayers } from "../encoder/encoder.js";
import { EncoderLayer } from "../encoder/layer.js";
import { RowLayout } from "../encoder/row-layout.js";
import { PooledOutputClassifier } from "../encoder/classifiers.js";
import { EncoderModel } from "../encoder/model.js";
import { ModelInitOptions } from "../pretrained-model.js";
import { firstToken } from "../sequence-classification.js";
import { ALBERT_LAYER_NAMES, AlbertConfig } from "./configuration.js";

/** `inner_group_num` layers applied in turn (`albert_layer_groups.G`). */
class AlbertLayerGroup extends Module {
  readonly albert_layers: ModuleList<EncoderLayer>;

  constructor(config: AlbertConfig) {
    super();
    const layers = Array.from({ length: config.inner_group_num }, () => new EncoderLayer(config.layerConfig(), ALBERT_LAYER_NAMES));
    this.albert_layers = this.registerModule("albert_layers", new ModuleList(layers));
  }
}

/**
 * ALBERT's encoder: `embedding_hidden_mapping_in` (embedding_size → hidden_size), then
 * `num_hidden_layers` layers drawn from `num_hidden_groups` shared groups (one group: the same
 * layer applied every time).
 */
export class AlbertTransformer extends Module {
  readonly embedding_hidden_mapping_in: Linear;
  readonly albert_layer_groups: ModuleList<AlbertLayerGroup>;

  constructor(readonly config: AlbertConfig) {
    super();
    this.embedding_hidden_mapping_in = this.registerModule("embedding_hidden_mapping_in", new Linear(config.embedding_size, config.hidden_size, { skipInit: true }));
    const groups = Array.from({ length: config.num_hidden_groups }, () => new AlbertLayerGroup(config));
    this.albert_layer_groups = this.registerModule("albert_layer_groups", new ModuleList(groups));
  }

  forward(x: tf.Tensor3D, layout: RowLayout, options: EncoderOptions = {}): EncoderOutput {
    return tf.tidy(() => {
      const { num_hidden_layers: n, num_hidden_groups: groups } = this.config;
      const sequence = Array.from({ length: n }, (_, i) => [...this.albert_layer_groups.at(Math.floor(i / (n / groups))).albert_layers]).flat();
      return runLayers(sequence, this.embedding_hidden_mapping_in.forward(x) as tf.Tensor3D, layout, options);
    });
  }
}

/** The bare ALBERT encoder (`embeddings`, `encoder`, `pooler`), as transformers' AlbertModel. */
export class AlbertModel extends EncoderModel<AlbertConfig> {
  static readonly baseModelPrefix = "albert";
  static readonly configClass = AlbertConfig;
  readonly embeddings: Embeddings;
  readonly encoder: AlbertTransformer;
  readonly pooler: Linear;

  constructor(config: AlbertConfig, options: ModelInitOptions = {}) {
    super(config);
    this.embeddings = this.registerModule("embeddings", new Embeddings(config.embeddingsConfig()));
    this.encoder = this.registerModule("encoder", new AlbertTransformer(config));
    this.pooler = this.registerModule("pooler", new Linear(config.hidden_size, config.hidden_size, { skipInit: true }));
    this.initWeights(options);
  }

  protected get stack(): AlbertTransformer {
    return this.encoder;
  }

  protected override pool(lastHiddenState: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => tf.tanh(this.pooler.forward(firstToken(lastHiddenState))) as tf.Tensor2D);
  }
}

/** ALBERT with `dropout → classifier` on the pooled output, as transformers' AlbertForSequenceClassification. */
export class AlbertForSequenceClassification extends PooledOutputClassifier<AlbertConfig, AlbertModel> {
  static readonly baseModelPrefix = "albert";
  static readonly configClass = AlbertConfig;

  constructor(config: AlbertConfig, options: ModelInitOptions = {}) {
    super(config, new AlbertModel(config, { skipInit: true }), options);
  }

  get albert(): AlbertModel {
    return this.body;
  }
}
