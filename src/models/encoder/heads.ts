import * as tf from "@tensorflow/tfjs";
import { Dropout, Linear, Module, getActivation } from "../../nn/index.js";
import { firstToken } from "../sequence-classification.js";

/** tanh(dense(first token)): BERT's and RoBERTa's `pooler` (`pooler.dense`). */
export class Pooler extends Module {
  readonly dense: Linear;

  constructor(hiddenSize: number) {
    super();
    this.dense = this.registerModule("dense", new Linear(hiddenSize, hiddenSize, { skipInit: true }));
  }

  forward(hidden: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => tf.tanh(this.dense.forward(firstToken(hidden))) as tf.Tensor2D);
  }
}

/**
 * First token → dropout → dense → activation → dropout → out_proj: the `classifier` of RoBERTa
 * (tanh) and ELECTRA (GELU).
 */
export class ClassificationHead extends Module {
  readonly dense: Linear;
  readonly out_proj: Linear;
  readonly dropout: Dropout;
  private readonly activation: (x: tf.Tensor) => tf.Tensor;

  constructor(hiddenSize: number, numLabels: number, dropout: number, activation: string) {
    super();
    this.dense = this.registerModule("dense", new Linear(hiddenSize, hiddenSize, { skipInit: true }));
    this.dropout = this.registerModule("dropout", new Dropout(dropout));
    this.out_proj = this.registerModule("out_proj", new Linear(hiddenSize, numLabels, { skipInit: true }));
    this.activation = getActivation(activation);
  }

  forward(hidden: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const x = this.activation(this.dense.forward(this.dropout.forward(firstToken(hidden))));
      return this.out_proj.forward(this.dropout.forward(x)) as tf.Tensor2D;
    });
  }
}
