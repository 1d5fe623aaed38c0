// Which rows an encoder's layers compute. Padded positions are masked as keys, so no other position
// reads them, and a sequence classifier's head reads only each sequence's first token: for it, the
// layers can run on the real tokens alone, packed into rows `[tokens, dim]` (padding left out),
// and only the attention sees them re-padded, to the batch's longest sequence. The same logits and
// gradients as on the padded batch (where a padded key weighs exactly 0) for a fraction of the
// work: the exercise's tweets average 25.5 tokens padded to 60.
import * as tf from "@tensorflow/tfjs";
import { WEBGPU_BACKEND } from "../../accel/webgpu.js";
import { embeddingLookup } from "../../kernels/embedding.js";
import { FLOAT32_MIN, attentionMaskBias } from "./attention.js";

/** How a layer's rows map onto the attention's grid `[batch, keys, dim]`. */
export interface RowLayout {
  /** `[batch, 1, 1, keys]`: 0 where a key may be attended, FLOAT32_MIN where not. */
  readonly maskBias: tf.Tensor4D;
  /** The padded batch `[batch, seq, dim]` → the rows the layers compute. */
  rows(x: tf.Tensor3D): tf.Tensor;
  /** Rows → the attention's grid `[batch, keys, dim]`. */
  toGrid(t: tf.Tensor): tf.Tensor3D;
  /** The attention's grid → rows. */
  fromGrid(t: tf.Tensor3D): tf.Tensor;
  /** Each sequence's first token of the rows: `[batch, 1, dim]`. */
  firstTokens(t: tf.Tensor): tf.Tensor3D;
}

/** Every position of the padded batch, as it is. */
export function paddedRows(maskBias: tf.Tensor4D): RowLayout {
  return {
    maskBias,
    rows: (x) => x,
    toGrid: (t) => t as tf.Tensor3D,
    fromGrid: (t) => t,
    firstTokens: (t) => tf.slice(t as tf.Tensor3D, [0, 0, 0], [-1, 1, -1]),
  };
}

/**
 * The positions of `mask [batch][seq]` that are tokens (1), and each sequence's first position
 * whatever its mask (the head reads it), packed in order; undefined when that leaves nothing out,
 * or when a sequence has no token at all (its first position then attends to padding, uniformly).
 */
export function packedRows(mask: number[][]): RowLayout | undefined {
  const batch = mask.length;
  const seq = mask[0]?.length ?? 0;
  const kept = mask.map((row) => row.flatMap((m, p) => (m !== 0 || p === 0 ? [p] : [])));
  if (mask.some((row) => !row.some((m) => m !== 0))) return undefined;
  const tokens = kept.reduce((n, k) => n + k.length, 0);
  if (tokens === batch * seq) return undefined;
  const keys = Math.max(...kept.map((k) => k.length));
  const rows: number[] = [];
  const slots = new Array<number>(batch * keys).fill(tokens); // `tokens`: a zero row past the last
  const slotOfRow: number[] = [];
  const firstRows: number[] = [];
  const bias = new Float32Array(batch * keys).fill(FLOAT32_MIN);
  kept.forEach((positions, b) => {
    firstRows.push(rows.length);
    positions.forEach((p, j) => {
      slots[b * keys + j] = rows.length;
      slotOfRow.push(b * keys + j);
      if (mask[b][p] !== 0) bias[b * keys + j] = 0;
      rows.push(b * seq + p);
    });
  });
  const index = (values: number[]) => tf.tensor1d(values, "int32");
  const [rowIndex, slotIndex, gridIndex, firstIndex] = [index(rows), index(slots), index(slotOfRow), index(firstRows)];
  const flat = (t: tf.Tensor) => tf.reshape(t, [-1, t.shape[t.rank - 1]]) as tf.Tensor2D;
  return {
    maskBias: tf.tensor4d(bias, [batch, 1, 1, keys]),
    rows: (x) => embeddingLookup(flat(x), rowIndex),
    toGrid: (t) => {
      const withZero = tf.concat([flat(t), tf.zeros([1, t.shape[t.rank - 1]])]) as tf.Tensor2D;
      return tf.reshape(embeddingLookup(withZero, slotIndex, tokens), [batch, keys, -1]);
    },
    fromGrid: (t) => embeddingLookup(flat(t), gridIndex),
    firstTokens: (t) => tf.reshape(embeddingLookup(flat(t), firstIndex), [batch, 1, -1]),
  };
}

/**
 * The rows for `mask [batch, seq]`: packed when only the first token's output is wanted and the
 * mask can be read here (not on a GPU, where reads are asynchronous), else every position.
 */
export function rowLayout(mask: tf.Tensor2D, firstTokenOnly: boolean): RowLayout {
  const packed = firstTokenOnly && tf.getBackend() !== WEBGPU_BACKEND ? packedRows(mask.arraySync()) : undefined;
  return packed ?? paddedRows(attentionMaskBias(mask));
}
