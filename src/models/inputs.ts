// Turn a batch given as tensors or nested number arrays into the int32 / float32 tensors a model runs on.
import * as tf from "@tensorflow/tfjs";
import { say } from "../errors.js";

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

/** A tokenized batch: `input_ids`, `attention_mask` (1 = token, 0 = padding; default all 1) and `token_type_ids` `[batch, seq]`. */
export interface ModelInputs {
  input_ids: tf.Tensor2D | number[][];
  attention_mask?: tf.Tensor2D | number[][];
  /** Segment ids (0 for the first text, 1 for the second); zeros when absent. Ignored by models without token types (DistilBERT). */
  token_type_ids?: tf.Tensor2D | number[][];
}

/**
 * The batch as int32 tensors, checked against the vocabulary and each other's shape: `mask` is all
 * ones when absent, `tokenTypes` undefined when absent (or when the model has no token types, `typeVocabSize` 0).
 * Call inside tf.tidy.
 */
export function batchTensors(inputs: ModelInputs, vocabSize: number, typeVocabSize: number): { ids: tf.Tensor2D; mask: tf.Tensor2D; tokenTypes?: tf.Tensor2D } {
  if (inputs === null || typeof inputs !== "object" || inputs.input_ids === undefined) {
    throw new Error("forward takes a batch { input_ids, attention_mask?, token_type_ids? }, e.g. tokenizer(texts, { padding: true, returnTensors: \"tf\" }).");
  }
  const maxId = Array.isArray(inputs.input_ids) ? maxOfRows(inputs.input_ids) : -1;
  if (maxId >= vocabSize) {
    throw new Error(
      say({
        en: `input_ids holds ids up to ${maxId} but the vocabulary has ${vocabSize} tokens: use this model's own tokenizer.`,
        es: `input_ids tiene ids hasta ${maxId} pero el vocabulario tiene ${vocabSize} tokens: usa el tokenizador de este mismo modelo.`,
      }),
    );
  }
  const ids = toInt2D(inputs.input_ids, "input_ids");
  const sameShape = (t: tf.Tensor2D, name: string) => {
    if (t.shape[0] !== ids.shape[0] || t.shape[1] !== ids.shape[1]) throw new Error(`${name} has shape [${t.shape}] but input_ids has [${ids.shape}]; they must be equal.`);
    return t;
  };
  const mask = inputs.attention_mask === undefined ? tf.onesLike(ids) : sameShape(toInt2D(inputs.attention_mask, "attention_mask"), "attention_mask");
  if (inputs.token_type_ids === undefined || inputs.token_type_ids === null || typeVocabSize === 0) return { ids, mask };
  if (Array.isArray(inputs.token_type_ids) && maxOfRows(inputs.token_type_ids) >= typeVocabSize) {
    throw new Error(`token_type_ids holds ids up to ${maxOfRows(inputs.token_type_ids)} but this model has ${typeVocabSize} token type(s): use this model's own tokenizer.`);
  }
  return { ids, mask, tokenTypes: sameShape(toInt2D(inputs.token_type_ids, "token_type_ids"), "token_type_ids") };
}
