import * as tf from "@tensorflow/tfjs";
import { Module } from "./module.js";
import { Generator, getDefaultGenerator } from "./random.js";
import { fastDropout } from "../kernels/fast-dropout.js";

/** Zero each value with probability `p` and scale the rest by 1/(1-p), in training mode only. */
export class Dropout extends Module {
  constructor(readonly p: number, private readonly generator?: Generator) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`Dropout: p must be in [0, 1), got ${p}.`);
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) return x;
    const seed = (this.generator ?? getDefaultGenerator()).int32();
    return fastDropout(x, this.p, seed) ?? tf.dropout(x, this.p, undefined, seed); // the same mask
  }
}
