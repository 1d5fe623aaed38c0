// `tweet-transformers predict --model ID_OR_DIR [--max-length N --padding max_length --truncation] [--hidden-states] TEXT...`
// prints one JSON line per text: {"logits": [...], "label": "...", "score": p[, "cls_hidden_state": [...]]}.
import { parseCommandArgs } from "./args.js";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend.js";
import { AutoModelForSequenceClassification } from "../models/index.js";
import { AutoTokenizer } from "../tokenizers/index.js";
import type { PaddingStrategy } from "../tokenizers/index.js";

const USAGE =
  "usage: tweet-transformers predict --model ID_OR_DIR [--max-length N] [--padding max_length|longest|do_not_pad] [--truncation] [--batch-size N] [--hidden-states] TEXT...";

export interface Prediction {
  logits: number[];
  label: string;
  score: number;
  cls_hidden_state?: number[];
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: "string" },
      "max-length": { type: "string" },
      padding: { type: "string" },
      truncation: { type: "boolean" },
      "batch-size": { type: "string", default: "32" },
      "hidden-states": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.model) throw new Error(`--model is required (a hub id or a local folder).\n${USAGE}`);
  if (positionals.length === 0) throw new Error(`Give at least one TEXT to classify.\n${USAGE}`);
  const maxLength = values["max-length"] === undefined ? undefined : positiveInt(values["max-length"], "--max-length");
  const batchSize = positiveInt(values["batch-size"], "--batch-size");
  const padding = parsePadding(values.padding);
  // --truncation alone cuts texts to the tokenizer's model_max_length; --max-length implies it.
  const truncation = values.truncation ?? maxLength !== undefined;

  await initBackend();
  const tokenizer = await AutoTokenizer.fromPretrained(values.model);
  const model = await AutoModelForSequenceClassification.fromPretrained(values.model);
  model.eval();
  const id2label: Record<string, string> = model.config.id2label ?? {};

  for (let start = 0; start < positionals.length; start += batchSize) {
    const texts = positionals.slice(start, start + batchSize);
    // token_type_ids too, when the tokenizer gives them: the model reads them if it has token types.
    const encoded = tokenizer(texts, { maxLength, padding, truncation, returnTensors: "tf" });
    const [logitsT, clsT] = tf.tidy(() => {
      const out = model.forward(encoded, { outputHiddenStates: values["hidden-states"] });
      const last = out.hiddenStates?.[out.hiddenStates.length - 1];
      return [out.logits, last ? tf.squeeze(tf.slice(last, [0, 0, 0], [-1, 1, -1]), [1]) : undefined];
    });
    // Awaited: a GPU backend (webgpu) has no synchronous read in Node.
    const logits = (await logitsT.array()) as number[][];
    const cls = clsT ? ((await clsT.array()) as number[][]) : undefined;
    tf.dispose([...Object.values(encoded).filter((v): v is tf.Tensor => v instanceof tf.Tensor), logitsT, ...(clsT ? [clsT] : [])]);
    texts.forEach((_, i) => {
      const prediction: Prediction = { logits: logits[i], ...top(logits[i], id2label) };
      if (cls) prediction.cls_hidden_state = cls[i];
      process.stdout.write(JSON.stringify(prediction) + "\n");
    });
  }
  model.dispose();
  return 0;
}

/** The argmax label and its softmax probability. */
function top(logits: number[], id2label: Record<string, string>): { label: string; score: number } {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  const sum = logits.reduce((s, v) => s + Math.exp(v - logits[best]), 0);
  return { label: id2label[String(best)] ?? `LABEL_${best}`, score: 1 / sum };
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got "${text}".`);
  return n;
}

// The tokenizer checks the value; the default pads each batch to its longest text.
function parsePadding(text: string | undefined): PaddingStrategy {
  if (text === undefined) return "longest";
  return text === "true" ? true : text === "false" ? false : (text as PaddingStrategy);
}
