import * as tf from "@tensorflow/tfjs";
import { Dropout, Embedding, LayerNorm, Module } from "../../nn/index.js";

/** The embeddings' sizes, in the shared module's terms (each family maps its config keys onto these). */
export interface EmbeddingsConfig {
  vocabSize: number;
  /** The embeddings' width: `hidden_size`, or `embedding_size` where a family factorises it (ELECTRA, ALBERT). */
  width: number;
  maxPositions: number;
  /** 0 for a model without token type embeddings (DistilBERT). */
  typeVocabSize: number;
  padTokenId: number;
  layerNormEps: number;
  dropout: number;
  /**
   * "absolute": positions 0..n-1 in a learned table; "sinusoidal": the same in a frozen sin/cos table
   * (DistilBERT's `sinusoidal_pos_embds`); "padding-offset" (RoBERTa): real tokens count from
   * `padTokenId + 1`, padding sits at `padTokenId`, and the position table has that padding row too.
   */
  positions: "absolute" | "sinusoidal" | "padding-offset";
}

/** Word + position (+ token type) embeddings → LayerNorm → dropout (`<prefix>.embeddings`). */
export class Embeddings extends Module {
  readonly word_embeddings: Embedding;
  readonly position_embeddings: Embedding;
  readonly token_type_embeddings?: Embedding;
  readonly LayerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(readonly embeddingsConfig: EmbeddingsConfig) {
    super();
    const c = embeddingsConfig;
    this.word_embeddings = this.registerModule("word_embeddings", new Embedding(c.vocabSize, c.width, { paddingIdx: c.padTokenId, skipInit: true }));
    const positionPadding = c.positions === "padding-offset" ? c.padTokenId : null;
    this.position_embeddings = this.registerModule(
      "position_embeddings",
      new Embedding(c.maxPositions, c.width, { paddingIdx: positionPadding, skipInit: true, trainable: c.positions !== "sinusoidal" }),
    );
    if (c.typeVocabSize > 0) this.token_type_embeddings = this.registerModule("token_type_embeddings", new Embedding(c.typeVocabSize, c.width, { skipInit: true }));
    this.LayerNorm = this.registerModule("LayerNorm", new LayerNorm(c.width, { eps: c.layerNormEps }));
    this.dropout = this.registerModule("dropout", new Dropout(c.dropout));
  }

  /** The longest sequence the position table covers. */
  get maxSequenceLength(): number {
    const c = this.embeddingsConfig;
    return c.positions === "padding-offset" ? c.maxPositions - c.padTokenId - 1 : c.maxPositions;
  }

  /** `input_ids [batch, seq]` (int32), optional `token_type_ids` (zeros when absent) → `[batch, seq, width]`. */
  forward(inputIds: tf.Tensor2D, tokenTypeIds?: tf.Tensor2D): tf.Tensor3D {
    const seqLength = inputIds.shape[1];
    if (seqLength > this.maxSequenceLength) {
      throw new Error(
        `The sequences have ${seqLength} tokens but this model has only ${this.maxSequenceLength} positions: ` +
          `truncate them (tokenizer option truncation: true, maxLength <= ${this.maxSequenceLength}).`,
      );
    }
    return tf.tidy(() => {
      let embeddings = tf.add(this.word_embeddings.forward(inputIds), this.positionEmbeddings(inputIds));
      if (this.token_type_embeddings) {
        const types = tokenTypeIds ?? tf.zerosLike(inputIds);
        embeddings = tf.add(embeddings, this.token_type_embeddings.forward(types));
      }
      return this.dropout.forward(this.LayerNorm.forward(embeddings)) as tf.Tensor3D;
    });
  }

  private positionEmbeddings(inputIds: tf.Tensor2D): tf.Tensor {
    const c = this.embeddingsConfig;
    const seqLength = inputIds.shape[1];
    if (c.positions !== "padding-offset") {
      // position_ids is arange(seq): the first seq rows of the table, added to every sequence.
      return tf.slice(this.position_embeddings.weight, [0, 0], [seqLength, c.width]);
    }
    // cumsum(ids != pad) * (ids != pad) + pad, as transformers' create_position_ids_from_input_ids.
    const notPad = tf.cast(tf.notEqual(inputIds, c.padTokenId), "float32");
    const ids = tf.cast(tf.add(tf.mul(tf.cumsum(notPad, 1), notPad), c.padTokenId), "int32");
    return this.position_embeddings.forward(ids);
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
