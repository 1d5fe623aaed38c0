// `tweet-transformers evaluate --model DIR --dataset NAME --config CONFIG [--split test]`: the loss,
// accuracy and macro F1 of a fine-tuned model on one split, printed as one JSON line.
import { parseCommandArgs } from "./args.js";
import { initBackend } from "../backend.js";
import { AutoModelForSequenceClassification } from "../models/index.js";
import { AutoTokenizer } from "../tokenizers/index.js";
import { Trainer, TrainingArguments, setDefaultProgressCallback } from "../trainer/index.js";
import { accuracyMetrics, classNames, loadSplits, positiveInt, tokenizeSplits } from "./training-data.js";

const USAGE = "usage: tweet-transformers evaluate --model DIR --dataset NAME --config CONFIG [--split test] [--max-length 60] [--batch-size 32]";

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs({
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
