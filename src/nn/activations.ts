import * as tf from "@tensorflow/tfjs";
import { fastGelu } from "../kernels/fast-gelu.js";

/**
 * The exact GELU, `x * Φ(x) = 0.5 x (1 + erf(x / √2))` (PyTorch's default, not the tanh
 * approximation). tf.erf is a rational approximation accurate to about 1.5e-7 (cpu) / 1e-7
 * (wasm), i.e. float32 rounding level, and has a gradient on both backends.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  return fastGelu(x) ?? tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
}

/** max(0, x). */
export function relu(x: tf.Tensor): tf.Tensor {
  return tf.relu(x);
}

/**
 * The tanh approximation of GELU, `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))`: transformers'
 * `gelu_new` (ALBERT's default), the same function as PyTorch's `gelu(approximate="tanh")`.
 */
export function geluNew(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
  });
}

/** The activation named `name` in a config (`"gelu"`, `"gelu_new"`, `"relu"`, `"tanh"`). */
export function getActivation(name: string): (x: tf.Tensor) => tf.Tensor {
  const fn = ACTIVATIONS[name];
  if (fn === undefined) {
    throw new Error(`Unknown activation "${name}"; supported: ${Object.keys(ACTIVATIONS).join(", ")}.`);
  }
  return fn;
}

const ACTIVATIONS: Record<string, (x: tf.Tensor) => tf.Tensor> = { gelu, gelu_new: geluNew, gelu_pytorch_tanh: geluNew, relu, tanh: tf.tanh };
