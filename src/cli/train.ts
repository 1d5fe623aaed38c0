// `tweet-transformers train --model ID --dataset NAME --config CONFIG [...]`: fine-tune a model for
// sequence classification, evaluate it on the test split, save it (with its tokenizer) to --output-dir,
// and print the train and test metrics as one JSON line.
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { parseCommandArgs } from "./args.js";
import { initBackend } from "../backend.js";
import { EntryNotFoundError, hfHubDownload } from "../hub/index.js";
import { AutoModelForSequenceClassification } from "../models/index.js";
import { AutoTokenizer } from "../tokenizers/index.js";
import { Trainer, TrainingArguments } from "../trainer/index.js";
import { TRAIN_PADDINGS, accuracyMetrics, classNames, loadSplits, positiveInt, positiveNumber, tokenizeSplits } from "./training-data.js";

const USAGE =
  "usage: tweet-transformers train --model ID_OR_DIR --dataset NAME --config CONFIG [--epochs 5] [--batch-size 16] [--eval-batch-size N] " +
  "[--lr 5e-5] [--weight-decay 0] [--max-length 60] [--padding max_length|longest] [--group-by-length] [--output-dir DIR] [--max-steps N] [--seed 42] [--train-samples N] [--ignore-mismatched-sizes]";

const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "vocab.txt", "vocab.json", "merges.txt", "special_tokens_map.json"];

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs({
    args,
    options: {
      model: { type: "string" },
      dataset: { type: "string" },
      config: { type: "string" },
      epochs: { type: "string", default: "5" },
      "batch-size": { type: "string", default: "16" },
      "eval-batch-size": { type: "string" },
      lr: { type: "string", default: "5e-5" },
      "weight-decay": { type: "string", default: "0" },
      "max-length": { type: "string", default: "60" },
      padding: { type: "string", default: "max_length" },
      "group-by-length": { type: "boolean", default: false },
      "output-dir": { type: "string" },
      "max-steps": { type: "string" },
      seed: { type: "string", default: "42" },
      "train-samples": { type: "string" },
      "ignore-mismatched-sizes": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.model) throw new Error(`--model is required (a hub id such as distilbert-base-uncased, or a local folder).\n${USAGE}`);
  if (!values.dataset) throw new Error(`--dataset is required (e.g. tweet_eval).\n${USAGE}`);
  const batchSize = positiveInt(values["batch-size"], "--batch-size");
  const learningRate = positiveNumber(values.lr, "--lr");
  const numTrainEpochs = positiveNumber(values.epochs, "--epochs");
  const maxLength = positiveInt(values["max-length"], "--max-length");
  const padding = TRAIN_PADDINGS.find((p) => p === values.padding);
  if (!padding) {
    throw new Error(`--padding must be max_length (every tweet to --max-length, the exercise's) or longest (each batch to its longest tweet), not "${values.padding}".`);
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}".`);
  const outputDir = values["output-dir"] ?? path.join("outputs", `${path.basename(values.model)}-${values.config ?? values.dataset}`);

  await initBackend();
  const splits = await loadSplits(values.dataset, values.config);
  if (!splits.has("train")) throw new Error(`${values.dataset} ${values.config ?? ""} has no "train" split (splits: ${splits.keys().join(", ")}).`);
  const names = classNames(splits.get("train"));
  const tokenizer = await AutoTokenizer.fromPretrained(values.model);
  const tokenized = tokenizeSplits(splits, tokenizer, maxLength, undefined, padding);
  let trainDataset = tokenized.get("train");
  if (values["train-samples"] !== undefined) {
    const n = Math.min(positiveInt(values["train-samples"], "--train-samples"), trainDataset.numRows);
    trainDataset = trainDataset.select(Array.from({ length: n }, (_, i) => i));
  }
  const evalDataset = tokenized.has("validation") ? tokenized.get("validation") : undefined;
  const model = await AutoModelForSequenceClassification.fromPretrained(values.model, {
    numLabels: names.length,
    id2label: Object.fromEntries(names.map((n, i) => [i, n])),
    label2id: Object.fromEntries(names.map((n, i) => [n, i])),
    ignoreMismatchedSizes: values["ignore-mismatched-sizes"],
    seed,
  });
  const strategy = evalDataset ? "epoch" : "no";
  const trainingArgs = new TrainingArguments({
    outputDir,
    numTrainEpochs,
    perDeviceTrainBatchSize: batchSize,
    perDeviceEvalBatchSize: values["eval-batch-size"] === undefined ? batchSize : positiveInt(values["eval-batch-size"], "--eval-batch-size"),
    learningRate,
    weightDecay: Number(values["weight-decay"]),
    maxSteps: values["max-steps"] === undefined ? -1 : positiveInt(values["max-steps"], "--max-steps"),
    seed,
    evalStrategy: strategy,
    saveStrategy: strategy,
    loadBestModelAtEnd: Boolean(evalDataset),
    groupByLength: values["group-by-length"],
  });
  const trainer = new Trainer({ model, args: trainingArgs, trainDataset, evalDataset, computeMetrics: accuracyMetrics, tokenizer });
  const result = await trainer.train();
  if (result.interrupted) return 130; // Ctrl+C: train() said where it stopped; no final model is saved
  const metrics: Record<string, number | string> = { ...result.metrics };
  if (tokenized.has("test")) Object.assign(metrics, await trainer.evaluate(tokenized.get("test"), { metricKeyPrefix: "test" }));
  await trainer.saveModel(outputDir);
  if (typeof (tokenizer as { savePretrained?: unknown }).savePretrained !== "function") await copyTokenizerFiles(values.model, outputDir);
  metrics.output_dir = outputDir;
  process.stdout.write(`${JSON.stringify(metrics)}\n`);
  model.dispose();
  return 0;
}

/** The tokenizer's files as the model repository has them (for tokenizers that cannot save themselves). */
async function copyTokenizerFiles(modelId: string, outputDir: string): Promise<void> {
  for (const name of TOKENIZER_FILES) {
    let source: string;
    try {
      source = await hfHubDownload(modelId, name);
      await fs.access(source);
    } catch (err) {
      if (err instanceof EntryNotFoundError || (err as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw err;
    }
    const tmp = path.join(outputDir, `.${name}.tmp-${process.pid}`);
    await fs.copyFile(source, tmp);
    await fs.rename(tmp, path.join(outputDir, name));
  }
}
