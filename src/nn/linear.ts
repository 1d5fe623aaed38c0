import * as tf from "@tensorflow/tfjs";
import { Module } from "./module.js";
import { NATIVE_BACKEND } from "../accel/native-backend.js";
import { LayerInitOptions, fillUniform } from "./init.js";

/** `y = x W^T + b`, as torch.nn.Linear; `weight` is `[outFeatures, inFeatures]` as in PyTorch checkpoints. */
export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LayerInitOptions & { bias?: boolean } = {},
  ) {
    super();
    this.weight = this.registerParameter("weight", [outFeatures, inFeatures]);
    this.bias = (options.bias ?? true) ? this.registerParameter("bias", [outFeatures]) : null;
    if (!options.skipInit) {
      // PyTorch's default: kaiming_uniform_(a=sqrt(5)) for the weight, the same bound for the bias.
      const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
      fillUniform(this.weight, -bound, bound, options.generator);
      if (this.bias) fillUniform(this.bias, -bound, bound, options.generator);
    }
  }

  forward(x: tf.Tensor): tf.Tensor {
    const last = x.shape[x.rank - 1];
    if (last !== this.inFeatures) {
      throw new Error(`Linear: the input's last dimension is ${last} but the layer takes ${this.inFeatures} features (input shape [${x.shape}]).`);
    }
    return tf.tidy(() => {
      const x2d = x.reshape([-1, this.inFeatures]);
      let y: tf.Tensor;
      if (tf.getBackend() === NATIVE_BACKEND) {
        // BLAS reads W transposed where it lies, and adds the bias in the same call.
        y = tf.fused.matMul({ a: x2d, b: this.weight, transposeB: true, bias: this.bias ?? undefined });
      } else {
        // An explicit transpose rather than matMul's transposeB flag: tfjs-wasm's transposed matMul is
        // about 10x slower than a plain one, while transposing [out, in] costs one pass over it.
        y = tf.matMul(x2d, tf.transpose(this.weight));
        if (this.bias) y = tf.add(y, this.bias);
      }
      return y.reshape([...x.shape.slice(0, -1), this.outFeatures]);
    });
  }
}
