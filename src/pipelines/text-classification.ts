// pipeline("text-classification"): tokenizer → model → softmax (or sigmoid) → [{label, score}], as in transformers.
import * as tf from "@tensorflow/tfjs";
import { Callable } from "../tokenizers/callable.js";
import type { PreTrainedTokenizer } from "../tokenizers/index.js";
import { NO_MAX_LENGTH } from "../tokenizers/tokenizer.js";
import { checkOptionNames } from "./options.js";

export type FunctionToApply = "softmax" | "sigmoid" | "none";

/** What the pipeline needs of a sequence classification model (any family's *ForSequenceClassification). */
export interface SequenceClassifier {
  config: { id2label: Record<string, string>; problem_type?: unknown };
  forward(inputs: Record<string, tf.Tensor>): { logits: tf.Tensor2D };
  eval(): unknown;
}

export interface TextClassificationOptions {
  /** How many labels to return, best first; `null`: all of them. Left out: the best one, in Python's legacy shape. */
  topK?: number | null;
  /** Default: sigmoid for one label or multi-label models, softmax otherwise, none for regression. */
  functionToApply?: FunctionToApply;
  /** Texts run through the model at a time (padded to the longest of each batch). Default 8. */
  batchSize?: number;
  /** Cut texts to this many tokens; default the tokenizer's model_max_length (longer texts cannot go through the model), if it has one. */
  maxLength?: number;
}

export interface LabelScore {
  label: string;
  score: number;
}

export const TEXT_CLASSIFICATION_OPTIONS = ["topK", "functionToApply", "batchSize", "maxLength"] as const;
const CALL_OPTIONS = ["topK", "functionToApply"] as const;
const FUNCTIONS: readonly FunctionToApply[] = ["softmax", "sigmoid", "none"];

export interface TextClassificationPipeline {
  (text: string, options?: Pick<TextClassificationOptions, "topK" | "functionToApply">): Promise<LabelScore[]>;
  (texts: readonly string[], options?: Pick<TextClassificationOptions, "topK" | "functionToApply">): Promise<LabelScore[] | LabelScore[][]>;
}

/** Classifies texts with a sequence classification model; build one with `pipeline("text-classification", ...)`. */
export class TextClassificationPipeline extends Callable {
  readonly task = "text-classification";

  constructor(
    readonly model: SequenceClassifier,
    readonly tokenizer: PreTrainedTokenizer,
    private readonly options: TextClassificationOptions = {},
  ) {
    super();
    checkOptionNames(options, TEXT_CLASSIFICATION_OPTIONS, "pipeline(\"text-classification\")");
    checkCallOptions(options);
    const batchSize = options.batchSize ?? 8;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new TypeError(`batchSize must be a positive integer, not ${JSON.stringify(options.batchSize)}.`);
    model.eval();
  }

  protected override async _call(inputs: unknown, callOptions: Pick<TextClassificationOptions, "topK" | "functionToApply"> = {}): Promise<LabelScore[] | LabelScore[][]> {
    checkOptionNames(callOptions, CALL_OPTIONS, "The text-classification pipeline call");
    checkCallOptions(callOptions);
    const single = typeof inputs === "string";
    const texts = (single ? [inputs] : inputs) as unknown[];
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== "string")) {
      throw new TypeError("The text-classification pipeline takes a string or an array of strings.");
    }
    // A call's option left undefined falls back to the pipeline's.
    const topK = callOptions.topK !== undefined ? callOptions.topK : this.options.topK;
    const scores = await this.scores(texts as string[], callOptions.functionToApply ?? this.options.functionToApply ?? this.defaultFunction());
    const id2label = this.model.config.id2label;
    const results = scores.map((row) => {
      const ranked = row.map((score, i) => ({ label: id2label[String(i)] ?? `LABEL_${i}`, score })).sort((a, b) => b.score - a.score);
      return topK === null || topK === undefined ? ranked : ranked.slice(0, topK);
    });
    // As in Python: without topK each text gives its best {label, score}, and a single text a list of one.
    if (topK === undefined) return results.map((r) => r[0]);
    return single ? results[0] : results;
  }

  private async scores(texts: string[], fn: FunctionToApply): Promise<number[][]> {
    const out: number[][] = [];
    const batchSize = this.options.batchSize ?? 8;
    for (let start = 0; start < texts.length; start += batchSize) {
      const encoded = this.tokenizer(texts.slice(start, start + batchSize), { padding: true, ...this.truncation(), returnTensors: "tf" });
      try {
        const logits = tf.tidy(() => this.model.forward(encoded as unknown as Record<string, tf.Tensor>).logits);
        // Awaited: a GPU backend (webgpu) has no synchronous read in Node.
        out.push(...((await logits.array()) as number[][]).map((row) => activate(row, fn)));
        logits.dispose();
      } finally {
        tf.dispose(Object.values(encoded));
      }
    }
    return out;
  }

  /** Cut to maxLength, else to the tokenizer's model_max_length; a tokenizer without one (as some hub repositories) leaves texts whole, as Python does. */
  private truncation(): { truncation?: true; maxLength?: number } {
    const limit = this.options.maxLength ?? (this.tokenizer.modelMaxLength < NO_MAX_LENGTH ? this.tokenizer.modelMaxLength : undefined);
    return limit === undefined ? {} : { truncation: true, maxLength: limit };
  }

  private defaultFunction(): FunctionToApply {
    const { problem_type: problem, id2label } = this.model.config;
    if (problem === "regression") return "none";
    if (problem === "multi_label_classification" || Object.keys(id2label).length === 1) return "sigmoid";
    return "softmax";
  }
}

function checkCallOptions(options: Pick<TextClassificationOptions, "topK" | "functionToApply">): void {
  const { topK, functionToApply } = options;
  if (topK !== undefined && topK !== null && !(Number.isInteger(topK) && topK >= 1)) {
    throw new TypeError(`topK must be a positive integer or null (all labels), not ${JSON.stringify(topK)}.`);
  }
  if (functionToApply !== undefined && !FUNCTIONS.includes(functionToApply)) {
    throw new TypeError(`functionToApply must be "softmax", "sigmoid" or "none", not ${JSON.stringify(functionToApply)}.`);
  }
}

function activate(logits: number[], fn: FunctionToApply): number[] {
  if (fn === "none") return logits;
  if (fn === "sigmoid") return logits.map((x) => 1 / (1 + Math.exp(-x)));
  const max = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
