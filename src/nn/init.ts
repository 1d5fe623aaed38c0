// In-place initialisers for parameters, the counterparts of torch.nn.init.normal_ / uniform_ /
// constant_. Values come from a seedable Generator so that a random model is reproducible.
import * as tf from "@tensorflow/tfjs";
import { Generator, getDefaultGenerator } from "./random.js";

/** Constructor options of the layers with random initial values (Linear, Embedding). */
export interface LayerInitOptions {
  /** The random stream for the initial values (default: the one `manualSeed` seeds). */
  generator?: Generator;
  /** Leave the parameters at zero: a model that sets them itself, or loads them, skips the work. */
  skipInit?: boolean;
}

/** Copy `values` (row-major, `v.size` of them) into `v`. */
export function fillValues(v: tf.Variable, values: Float32Array): void {
  if (values.length !== v.size) throw new Error(`fillValues: ${values.length} values for a parameter of shape [${v.shape}] (${v.size} values).`);
  tf.tidy(() => v.assign(tf.tensor(values, v.shape, "float32")));
}

/** Fill `v` with values drawn from normal(mean, std). */
export function fillNormal(v: tf.Variable, mean: number, std: number, generator: Generator = getDefaultGenerator()): void {
  fillValues(v, generator.normalArray(v.size, mean, std));
}

/** Fill `v` with values drawn from uniform(low, high). */
export function fillUniform(v: tf.Variable, low: number, high: number, generator: Generator = getDefaultGenerator()): void {
  const values = new Float32Array(v.size);
  for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * generator.uniform();
  fillValues(v, values);
}

/** Fill `v` with `value`. */
export function fillConstant(v: tf.Variable, value: number): void {
  fillValues(v, new Float32Array(v.size).fill(value));
}
