import * as tf from "@tensorflow/tfjs";
import { Dropout, Linear, Module, getActivation } from "../../nn/index.js";
import { DistilBertConfig } from "./configuration.js";

/** lin1 → activation → lin2 → dropout (`transformer.layer.N.ffn`). */
export class FFN extends Module {
  readonly lin1: Linear;
  readonly lin2: Linear;
  readonly dropout: Dropout;
  private readonly activation: (x: tf.Tensor) => tf.Tensor;

  constructor(readonly config: DistilBertConfig) {
    super();
    this.lin1 = this.registerModule("lin1", new Linear(config.dim, config.hidden_dim, { skipInit: true }));
    this.lin2 = this.registerModule("lin2", new Linear(config.hidden_dim, config.dim, { skipInit: true }));
    this.dropout = this.registerModule("dropout", new Dropout(config.dropout));
    this.activation = getActivation(config.activation);
  }

  forward(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => this.dropout.forward(this.lin2.forward(this.activation(this.lin1.forward(x)))) as tf.Tensor3D);
  }
}
