// pipeline(task, { model }): the tasks of transformers' pipeline() this kit implements.
import type { HubOptions } from "../hub/index.js";
import { AutoModelForSequenceClassification } from "../models/index.js";
import { AutoTokenizer, PreTrainedTokenizer } from "../tokenizers/index.js";
import { checkOptionNames, closestName } from "./options.js";
import { TEXT_CLASSIFICATION_OPTIONS, TextClassificationPipeline, type SequenceClassifier, type TextClassificationOptions } from "./text-classification.js";

export { TextClassificationPipeline, type LabelScore, type FunctionToApply, type SequenceClassifier, type TextClassificationOptions } from "./text-classification.js";

export interface PipelineOptions extends HubOptions, TextClassificationOptions {
  /** A hub id ("cardiffnlp/twitter-roberta-base-emotion"), a local folder, or a loaded model. */
  model: string | SequenceClassifier;
  /** Default: the model's own (required when `model` is a loaded model). */
  tokenizer?: string | PreTrainedTokenizer;
}

const TASKS = ["text-classification", "sentiment-analysis"] as const;
export type PipelineTask = (typeof TASKS)[number];
const HUB_OPTIONS = ["revision", "endpoint", "cacheDir", "token", "localFilesOnly"] as const;

/** `pipeline("text-classification", { model })`, as transformers' `pipeline(task, model=...)`. */
export async function pipeline(task: PipelineTask, options: PipelineOptions): Promise<TextClassificationPipeline> {
  if (!TASKS.includes(task)) {
    const hint = closestName(String(task), TASKS);
    throw new Error(`Unknown pipeline task ${JSON.stringify(task)}.${hint ? ` Did you mean "${hint}"?` : ""} Tasks: ${TASKS.join(", ")}.`);
  }
  if (!options || options.model === undefined) throw new TypeError(`pipeline("${task}") needs a model: pipeline("${task}", { model: "distilbert-base-uncased-finetuned-sst-2-english" }) or a local folder.`);
  checkOptionNames(options, ["model", "tokenizer", ...HUB_OPTIONS, ...TEXT_CLASSIFICATION_OPTIONS], `pipeline("${task}")`);
  const { model, tokenizer, revision, endpoint, cacheDir, token, localFilesOnly, ...taskOptions } = options;
  const hub: HubOptions = { revision, endpoint, cacheDir, token, localFilesOnly };
  for (const key of HUB_OPTIONS) if (hub[key] === undefined) delete hub[key];
  const tokenizerSource = tokenizer ?? (typeof model === "string" ? model : undefined);
  if (tokenizerSource === undefined) throw new TypeError(`pipeline("${task}") was given a loaded model without a tokenizer: pass tokenizer too (a hub id, a folder or AutoTokenizer.fromPretrained(...)).`);
  const [loadedModel, loadedTokenizer] = await Promise.all([
    typeof model === "string" ? (AutoModelForSequenceClassification.fromPretrained(model, { ...hub }) as Promise<unknown> as Promise<SequenceClassifier>) : model,
    tokenizerSource instanceof PreTrainedTokenizer ? tokenizerSource : AutoTokenizer.fromPretrained(tokenizerSource, hub),
  ]);
  return new TextClassificationPipeline(loadedModel, loadedTokenizer, taskOptions);
}
