import * as tf from "@tensorflow/tfjs";
import { embeddingLookup } from "../kernels/embedding.js";
import { Module } from "./module.js";
import { LayerInitOptions, fillValues } from "./init.js";
import { getDefaultGenerator } from "./random.js";

/** A lookup table `weight: [numEmbeddings, embeddingDim]`, as torch.nn.Embedding. */
export class Embedding extends Module {
  readonly weight: tf.Variable;
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: LayerInitOptions & {
      /** A row that reads as zeros at initialisation and never gets a gradient (PyTorch's `padding_idx`). */
      paddingIdx?: number | null;
      /** false for a frozen table (PyTorch's `requires_grad=False`). */
      trainable?: boolean;
    } = {},
  ) {
    super();
    const paddingIdx = options.paddingIdx ?? null;
    if (paddingIdx !== null && !(Number.isInteger(paddingIdx) && paddingIdx >= 0 && paddingIdx < numEmbeddings)) {
      throw new Error(`Embedding: paddingIdx ${paddingIdx} must be a row of the table (0 to ${numEmbeddings - 1}).`);
    }
    this.paddingIdx = paddingIdx;
    this.weight = this.registerParameter("weight", [numEmbeddings, embeddingDim], { trainable: options.trainable });
    if (!options.skipInit) this.resetParameters(1, options.generator);
  }

  /** normal(0, std) values with the padding row zero: PyTorch's default (std 1) and Hugging Face's (std initializer_range). */
  resetParameters(std: number, generator?: LayerInitOptions["generator"]): void {
    const values = (generator ?? getDefaultGenerator()).normalArray(this.weight.size, 0, std);
    if (this.paddingIdx !== null) values.fill(0, this.paddingIdx * this.embeddingDim, (this.paddingIdx + 1) * this.embeddingDim);
    fillValues(this.weight, values);
  }

  /** `ids` of any shape (int32, or numbers cast to int32) → `[...ids.shape, embeddingDim]`. */
  forward(ids: tf.Tensor): tf.Tensor {
    return embeddingLookup(this.weight as tf.Tensor as tf.Tensor2D, ids, this.paddingIdx ?? undefined);
  }
}
