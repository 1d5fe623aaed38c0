// Turn a list of dataset rows into the tensors the model takes: `input_ids`, `attention_mask`,
// `labels` (the `label` column renamed, as transformers' collators do).
import * as tf from "@tensorflow/tfjs";
import { checkOptions } from "../options.js";

export type Row = Record<string, unknown>;
/** What a collator returns and `model.forward` receives; tensors in it are disposed after the step. */
export type ModelBatch = Record<string, unknown>;
/** A function from rows to a batch, or an object with `collate` (e.g. DataCollatorWithPadding). */
export type DataCollator = ((features: Row[]) => ModelBatch) | { collate(features: Row[]): ModelBatch };

/** What DataCollatorWithPadding needs of a tokenizer: its `pad` (see PreTrainedTokenizer.pad). */
export interface PaddingTokenizer {
  pad(rows: Row[], options: { padding?: boolean | "longest" | "max_length"; maxLength?: number; returnTensors?: "tf" }): Record<string, unknown>;
}

const LABEL_KEYS = ["label", "label_ids"];

function renameLabels(batch: ModelBatch): ModelBatch {
  for (const key of LABEL_KEYS) {
    if (key in batch) {
      if (!("labels" in batch)) batch.labels = batch[key];
      delete batch[key];
    }
  }
  return batch;
}

/** Pads each batch to its longest row with the tokenizer's pad id, like transformers' DataCollatorWithPadding. */
export class DataCollatorWithPadding {
  readonly tokenizer: PaddingTokenizer;
  readonly padding: boolean | "longest" | "max_length";
  readonly maxLength?: number;

  constructor(options: { tokenizer: PaddingTokenizer; padding?: boolean | "longest" | "max_length"; maxLength?: number }) {
    if (!options?.tokenizer || typeof options.tokenizer.pad !== "function") {
      throw new Error("DataCollatorWithPadding: pass { tokenizer }, a tokenizer from AutoTokenizer.fromPretrained (it needs a pad method).");
    }
    checkOptions("DataCollatorWithPadding", options, ["tokenizer", "padding", "maxLength"]);
    this.tokenizer = options.tokenizer;
    this.padding = options.padding ?? true;
    this.maxLength = options.maxLength;
  }

  collate(features: Row[]): ModelBatch {
    return renameLabels(this.tokenizer.pad(features, { padding: this.padding, maxLength: this.maxLength, returnTensors: "tf" }));
  }
}

/**
 * Stacks rows that already have one length (e.g. tokenized with padding: "max_length") into tensors:
 * integer columns as int32, other numeric ones as float32; non-numeric columns pass through.
 */
export function defaultDataCollator(features: Row[]): ModelBatch {
  if (features.length === 0) throw new Error("defaultDataCollator: got an empty batch.");
  const batch: ModelBatch = {};
  for (const key of Object.keys(features[0])) {
    const values = features.map((f) => f[key]);
    const first = values[0];
    if (typeof first === "number") {
      if (!values.every((v) => typeof v === "number")) {
        batch[key] = values;
        continue;
      }
      const nums = values as number[];
      batch[key] = tf.tensor1d(nums, nums.every(Number.isInteger) ? "int32" : "float32");
    } else if (Array.isArray(first) || ArrayBuffer.isView(first)) {
      const rows = values as ArrayLike<number>[];
      const width = rows[0].length;
      const ragged = rows.findIndex((r) => r.length !== width);
      if (ragged >= 0) {
        throw new Error(
          `The rows of "${key}" have different lengths in one batch (${width} and ${rows[ragged].length}) and there is no tokenizer to pad them: ` +
            `pass \`tokenizer\` (or \`processingClass\`) to the Trainer, or tokenize with padding: "max_length".`,
        );
      }
      const flat = new Array<number>(rows.length * width);
      let integer = true;
      rows.forEach((r, i) => {
        for (let j = 0; j < width; j++) {
          const v = r[j];
          if (integer && !Number.isInteger(v)) integer = false;
          flat[i * width + j] = v;
        }
      });
      batch[key] = tf.tensor2d(flat, [rows.length, width], integer ? "int32" : "float32");
    } else {
      batch[key] = values;
    }
  }
  return renameLabels(batch);
}

/** Calls a collator in either form. */
export function collate(collator: DataCollator, features: Row[]): ModelBatch {
  return typeof collator === "function" ? collator(features) : collator.collate(features);
}

/** Disposes every tensor of a batch. */
export function disposeBatch(batch: ModelBatch): void {
  for (const v of Object.values(batch)) if (v instanceof tf.Tensor) v.dispose();
}
