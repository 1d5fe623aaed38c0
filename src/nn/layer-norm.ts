import * as tf from "@tensorflow/tfjs";
import { Module } from "./module.js";
import { fillConstant } from "./init.js";
import { fastLayerNorm } from "../kernels/fast-layer-norm.js";

/** Normalise over the last dimension, then scale and shift: torch.nn.LayerNorm(normalizedShape, eps). */
export class LayerNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly eps: number;

  constructor(readonly normalizedShape: number, options: { eps?: number } = {}) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.weight = this.registerParameter("weight", [normalizedShape]);
    this.bias = this.registerParameter("bias", [normalizedShape]);
    this.resetParameters();
  }

  /** weight 1, bias 0. */
  resetParameters(): void {
    fillConstant(this.weight, 1);
    fillConstant(this.bias, 0);
  }

  forward(x: tf.Tensor): tf.Tensor {
    const last = x.shape[x.rank - 1];
    if (last !== this.normalizedShape) {
      throw new Error(`LayerNorm: the input's last dimension is ${last} but the layer normalises ${this.normalizedShape} (input shape [${x.shape}]).`);
    }
    const fast = fastLayerNorm(x, this.weight, this.bias, this.eps); // the native backend's fused kernel
    if (fast) return fast;
    return tf.tidy(() => {
      const axis = x.rank - 1;
      const centered = tf.sub(x, tf.mean(x, axis, true));
      const variance = tf.mean(tf.square(centered), axis, true); // biased, as PyTorch
      const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, this.eps)));
      return tf.add(tf.mul(normed, this.weight), this.bias);
    });
  }
}
