// What `train` and `evaluate` share: loading a labelled dataset, tokenizing it as the exercise does,
// the metrics they report, and parsing numeric flags.
import { DatasetDict, loadDataset, type Dataset } from "../datasets/index.js";
import { accuracy, argmax, f1 } from "../metrics/index.js";
import type { PreTrainedTokenizer } from "../tokenizers/index.js";
import type { EvalPrediction } from "../trainer/index.js";

export async function loadSplits(name: string, config: string | undefined): Promise<DatasetDict> {
  const loaded = await loadDataset(name, config);
  if (!(loaded instanceof DatasetDict)) throw new Error(`${name}: expected a dataset with splits (train, validation, test).`);
  return loaded;
}

/** The class names of a split's `label` column (its ClassLabel). */
export function classNames(split: Dataset): string[] {
  const feature = split.features.label as { names?: string[] } | undefined;
  if (!feature) throw new Error(`The dataset has no "label" column (columns: ${split.columnNames.join(", ")}).`);
  if (!Array.isArray(feature.names) || feature.names.length === 0) {
    throw new Error('The "label" column is not a ClassLabel with names; the number of classes is unknown.');
  }
  return feature.names;
}

/** How `train` pads: every row to --max-length when tokenizing (the exercise's), or each batch to its longest row. */
export const TRAIN_PADDINGS = ["max_length", "longest"] as const;

/**
 * `text` → input_ids / attention_mask, truncated to maxLength and padded to it, as the exercise does; with
 * padding "longest" not padded here (the Trainer's DataCollatorWithPadding pads each batch to its longest row).
 */
export function tokenizeSplits(
  splits: DatasetDict,
  tokenizer: PreTrainedTokenizer,
  maxLength: number,
  only?: string[],
  padding: (typeof TRAIN_PADDINGS)[number] = "max_length",
): DatasetDict {
  const chosen = only ? new DatasetDict(only.map((s) => [s, splits.get(s)] as [string, Dataset])) : splits;
  const first = chosen.values()[0];
  if (!first.columnNames.includes("text")) throw new Error(`The dataset has no "text" column to tokenize (columns: ${first.columnNames.join(", ")}).`);
  const pad = padding === "max_length" ? "max_length" : false;
  return chosen.map((b) => tokenizer(b.text as string[], { maxLength, padding: pad, truncation: true }), { batched: true });
}

export function accuracyMetrics(p: EvalPrediction): Record<string, number> {
  const predictions = argmax(p.predictions);
  return { accuracy: accuracy(p.label_ids!, predictions), f1: f1(p.label_ids!, predictions, { average: "macro", zeroDivision: 0 }) as number };
}

export function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got "${text}".`);
  return n;
}

export function positiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, got "${text}".`);
  return n;
}
