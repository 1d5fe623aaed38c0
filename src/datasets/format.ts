import * as tf from "@tensorflow/tfjs";
import { ClassLabel, Sequence, type Feature } from "./features.js";

export type FormatType = "tf" | null;

/** `setFormat` state: which columns come out as tensors (undefined: all of them). */
export interface DatasetFormat {
  type: FormatType;
  columns?: string[];
}

export function checkFormatType(type: unknown): FormatType {
  if (type === null || type === undefined || type === "python") return null;
  if (type === "tf" || type === "tensorflow") return "tf";
  throw new TypeError(`Unknown format ${JSON.stringify(type)}: use "tf" (TensorFlow.js tensors) or null (plain values).`);
}

function isIntegerFeature(feature: Feature | undefined): boolean {
  if (feature instanceof ClassLabel) return true;
  if (feature instanceof Sequence) return isIntegerFeature(feature.feature);
  return feature !== undefined && /int/.test(feature.dtype);
}

function leafDtype(values: unknown[], feature: Feature | undefined): "int32" | "float32" | "bool" | "string" {
  if (isIntegerFeature(feature)) return "int32";
  const first = values.find((v) => v !== null && v !== undefined);
  if (typeof first === "string") return "string";
  if (typeof first === "boolean") return "bool";
  return values.every((v) => Number.isInteger(v)) ? "int32" : "float32";
}

/**
 * A tensor of a column's values (a batch) or of one value (`single`): int32 for ids and labels, float32 for other
 * numbers, string / bool as they are. Lists must all have one length: tensors are not ragged.
 */
export function toTensor(name: string, values: unknown[], feature: Feature | undefined, single = false): tf.Tensor {
  const shape: number[] = [values.length];
  let flat: unknown[] = values;
  while (flat.length > 0 && Array.isArray(flat[0])) {
    const width = (flat[0] as unknown[]).length;
    if ((flat as unknown[][]).some((v) => !Array.isArray(v) || v.length !== width)) {
      throw new Error(`Column "${name}" has lists of different lengths, which make no tensor. Pad them when tokenizing (padding: "max_length") or per batch with tokenizer.pad().`);
    }
    shape.push(width);
    flat = (flat as unknown[][]).flat();
  }
  if (flat.some((v) => v === null || v === undefined)) {
    throw new Error(`Column "${name}" has missing values (null), which make no tensor. Fill or filter them first.`);
  }
  const dtype = leafDtype(flat, feature);
  const tensorShape = single ? shape.slice(1) : shape;
  if (dtype === "string") return tf.tensor(flat as string[], tensorShape, "string");
  if (dtype === "bool") return tf.tensor(flat as boolean[], tensorShape, "bool");
  return tf.tensor(flat as number[], tensorShape, dtype);
}
