// `tweet-transformers evaluate --model DIR --dataset NAME --config CONFIG [--split test]`: the loss,
// accuracy and macro F1 of a fine-tuned model on one split, printed as one JSON line. Also the
// helpers `train` shares with it: loading a labelled dataset, tokenizing it, the metrics.
import { parseArgs } from "node:util";
import { initBackend } from "../backend.js";
import { DatasetDict, loadDataset, type Dataset } from "../datasets/index.js";
import { accuracy, argmax, f1 } from "../metrics/index.js";
import { AutoModelForSequenceClassification } from "../models/index.js";
import { AutoTokenizer, type PreTrainedTokenizer } from "../tokenizers/index.js";
import { Trainer, TrainingArguments, setDefaultProgressCallback, type EvalPrediction } from "../trainer/index.js";

const USAGE = "usage: tweet-transformers evaluate --model DIR --dataset NAME --config CONFIG [--split test] [--max-length 60] [--batch-size 32]";

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: "string" },
      dataset: { type: "string" },
      config: { type: "string" },
      split: { type: "string", default: "test" },
      "max-length": { type: "string", default: "60" },
      "batch-size": { type: "string", default: "32" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.model) throw new Error(`--model is required (a folder written by \`tweet-transformers train\`, or a hub id).\n${USAGE}`);
  if (!values.dataset) throw new Error(`--dataset is required (e.g. tweet_eval).\n${USAGE}`);
  const maxLength = positiveInt(values["max-length"], "--max-length");
  const batchSize = positiveInt(values["batch-size"], "--batch-size");

  await initBackend();
  const splits = await loadSplits(values.dataset, values.config);
  if (!splits.has(values.split)) throw new Error(`No split "${values.split}"; this dataset has: ${splits.keys().join(", ")}.`);
  const names = classNames(splits.get(values.split));
  const tokenizer = await AutoTokenizer.fromPretrained(values.model);
  const model = await AutoModelForSequenceClassification.fromPretrained(values.model);
  const modelLabels = model.config.numLabels;
  if (modelLabels !== names.length) {
    throw new Error(`${values.model} has ${modelLabels} labels but ${values.dataset} ${values.config ?? ""} has ${names.length} (${names.join(", ")}): evaluate a model fine-tuned on this dataset.`);
  }
  const dataset = tokenizeSplits(splits, tokenizer, maxLength, [values.split]).get(values.split);
  const previous = setDefaultProgressCallback(null); // stdout carries the JSON only
  try {
    const trainer = new Trainer({
      model,
      args: new TrainingArguments({ outputDir: values.model, perDeviceEvalBatchSize: batchSize }),
      computeMetrics: accuracyMetrics,
      tokenizer,
    });
    const metrics = await trainer.evaluate(dataset);
    process.stdout.write(`${JSON.stringify(metrics)}\n`);
  } finally {
    setDefaultProgressCallback(previous);
    model.dispose();
  }
  return 0;
}

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

/** `text` → input_ids / attention_mask, padded to maxLength and truncated, as the exercise does. */
export function tokenizeSplits(splits: DatasetDict, tokenizer: PreTrainedTokenizer, maxLength: number, only?: string[]): DatasetDict {
  const chosen = only ? new DatasetDict(only.map((s) => [s, splits.get(s)] as [string, Dataset])) : splits;
  const first = chosen.values()[0];
  if (!first.columnNames.includes("text")) throw new Error(`The dataset has no "text" column to tokenize (columns: ${first.columnNames.join(", ")}).`);
  return chosen.map((b) => tokenizer(b.text as string[], { maxLength, padding: "max_length", truncation: true }), { batched: true });
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
