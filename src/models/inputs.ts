// Turn a batch given as tensors or nested number arrays into the int32 / float32 tensors a model runs on.
import * as tf from "@tensorflow/tfjs";

/** `[batch, seq]` ids or mask → an int32 tensor (a tensor is cast; an array is checked for equal row lengths). */
export function toInt2D(value: tf.Tensor | number[][], name: string): tf.Tensor2D {
  if (value instanceof tf.Tensor) {
    if (value.rank !== 2) throw new Error(`${name} must be 2-D [batch, seq], got shape [${value.shape}].`);
    return (value.dtype === "int32" ? value : tf.cast(value, "int32")) as tf.Tensor2D;
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every(Array.isArray)) {
    throw new Error(`${name} must be a 2-D tensor or a non-empty array of rows (number[][]).`);
  }
  const seq = value[0].length;
  const ragged = value.findIndex((row) => row.length !== seq);
  if (ragged >= 0) {
    throw new Error(
      `${name} rows have different lengths (row 0: ${seq}, row ${ragged}: ${value[ragged].length}): ` +
        `pad them to one length (tokenizer option padding: true or "max_length").`,
    );
  }
  return tf.tensor2d(value, [value.length, seq], "int32");
}

/** The largest value of an array batch, to check ids against the vocabulary before looking them up. */
export function maxOfRows(value: number[][]): number {
  let max = -Infinity;
  for (const row of value) for (const v of row) if (v > max) max = v;
  return max;
}
