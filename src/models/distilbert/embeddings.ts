import * as tf from "@tensorflow/tfjs";
import { Dropout, Embedding, LayerNorm, Module } from "../../nn/index.js";
import { DistilBertConfig } from "./configuration.js";

/** DistilBERT's eps for every LayerNorm (hard-coded in transformers, not a config key). */
export const DISTILBERT_LAYER_NORM_EPS = 1e-12;

/** Word + position embeddings → LayerNorm → dropout (`distilbert.embeddings`). */
export class DistilBertEmbeddings extends Module {
  readonly word_embeddings: Embedding;
  readonly position_embeddings: Embedding;
  readonly LayerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(readonly config: DistilBertConfig) {
    super();
    this.word_embeddings = this.registerModule(
      "word_embeddings",
      new Embedding(config.vocab_size, config.dim, { paddingIdx: config.pad_token_id, skipInit: true }),
    );
    this.position_embeddings = this.registerModule(
      "position_embeddings",
      new Embedding(config.max_position_embeddings, config.dim, { skipInit: true, trainable: !config.sinusoidal_pos_embds }),
    );
    this.LayerNorm = this.registerModule("LayerNorm", new LayerNorm(config.dim, { eps: DISTILBERT_LAYER_NORM_EPS }));
    this.dropout = this.registerModule("dropout", new Dropout(config.dropout));
  }

  /** `input_ids [batch, seq]` (int32) → `[batch, seq, dim]`. Positions are 0 .. seq-1. */
  forward(inputIds: tf.Tensor2D): tf.Tensor3D {
    const seqLength = inputIds.shape[1];
    if (seqLength > this.config.max_position_embeddings) {
      throw new Error(
        `The sequences have ${seqLength} tokens but this model has only ${this.config.max_position_embeddings} positions: ` +
          `truncate them (tokenizer option truncation: true, maxLength <= ${this.config.max_position_embeddings}).`,
      );
    }
    return tf.tidy(() => {
      const words = this.word_embeddings.forward(inputIds);
      // position_ids is arange(seq): the first seq rows of the table, added to every sequence.
      const positions = tf.slice(this.position_embeddings.weight, [0, 0], [seqLength, this.config.dim]);
      const embeddings = this.LayerNorm.forward(tf.add(words, positions));
      return this.dropout.forward(embeddings) as tf.Tensor3D;
    });
  }
}

/** The fixed table of "Attention is all you need": sin on even columns, cos on odd ones. */
export function sinusoidalPositionTable(numPositions: number, dim: number): Float32Array {
  const out = new Float32Array(numPositions * dim);
  for (let pos = 0; pos < numPositions; pos++) {
    for (let j = 0; j < dim; j++) {
      const angle = pos / Math.pow(10000, (2 * Math.floor(j / 2)) / dim);
      out[pos * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}
