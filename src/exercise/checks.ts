// The exercise's checkers: each looks at what the student's cells produced, says what is right and
// what to fix, and shows that (returning nothing, so the cell prints nothing more). They never throw,
// so a notebook whose prompts are still empty runs top to bottom. `verdicts` returns the same
// verdicts without showing them.
import { accuracy, argmax } from "../metrics/index.js";
import { MESSAGES, type Language, type Messages } from "./messages.js";
import { Verdict } from "./verdict.js";

const STANCE_NAMES = ["none", "against", "favor"];
/** The four texts the exercise classifies before its prompts. */
export const EXAMPLE_TEXTS = [
  "I love this workshop, it is amazing!",
  "This is so frustrating, nothing works",
  "I hope tomorrow will be a better day",
  "I miss my friends so much",
];

interface DatasetLike {
  numRows: number;
  columnNames: readonly string[];
  features: Record<string, unknown>;
  column?(name: string): unknown;
}
interface DatasetDictLike {
  get(split: string): DatasetLike | undefined;
}
interface TrainerLike {
  model: { config: Record<string, unknown> & { numLabels?: number } };
  args: Record<string, unknown>;
  state: { globalStep: number; epoch: number | null };
  trainDataset?: DatasetLike;
  train(): unknown;
  predict(dataset: DatasetLike): Promise<{ predictions: unknown; label_ids?: unknown }>;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;

function isTrainer(x: unknown): x is TrainerLike {
  return isObject(x) && typeof x.train === "function" && typeof x.predict === "function" && isObject(x.state) && isObject(x.model);
}

function isDatasetDict(x: unknown): x is DatasetDictLike {
  return isObject(x) && typeof x.get === "function";
}

function classNames(dataset: DatasetLike | undefined): string[] | undefined {
  const names = (dataset?.features?.label as { names?: unknown } | undefined)?.names;
  return Array.isArray(names) ? names.map(String) : undefined;
}

/** Rows of numbers from a tensor (an awaited read: a GPU backend has no synchronous one) or nested arrays. */
async function rows(x: unknown): Promise<number[][]> {
  const value = isObject(x) && typeof x.array === "function" ? await (x.array as () => Promise<unknown>)() : x;
  return Array.from(value as ArrayLike<ArrayLike<number>>, (r) => Array.from(r));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Test accuracy of a trained trainer, and the majority-class baseline. */
async function testAccuracy(trainer: TrainerLike, test: DatasetLike): Promise<{ accuracy: number; baseline: number }> {
  const output = await trainer.predict(test);
  if (!Array.isArray(output.label_ids)) throw new Error("the test split has no labels");
  const labels = output.label_ids.map(Number);
  const predicted = argmax(await rows(output.predictions));
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const baseline = Math.max(...counts.values()) / labels.length;
  return { accuracy: accuracy(labels, predicted), baseline };
}

/** Runs `body`; an unexpected exception becomes an error finding instead of failing the cell. */
async function checking(title: string, body: (v: Verdict) => void | Promise<void>): Promise<Verdict> {
  const verdict = new Verdict(title);
  try {
    await body(verdict);
  } catch (e) {
    verdict.add("error", errorText(e));
  }
  return verdict;
}

function checkTexts(v: Verdict, m: Messages, name: string, what: string, texts: unknown, min: number): texts is string[] {
  if (texts === undefined) v.add("error", m.undefinedVar(name, what));
  else if (!Array.isArray(texts) || texts.some((t) => typeof t !== "string" || t.trim() === "")) v.add("error", m.notTexts(name));
  else if (texts.length < min) v.add("error", m.tooFewTexts(name, min));
  else return true;
  return false;
}

/** Checks the predicted class names of `texts`; returns them when they are right. */
function checkPredictions(v: Verdict, m: Messages, name: string, what: string, texts: string[], predictions: unknown, names: readonly string[]): string[] | undefined {
  if (predictions === undefined) return void v.add("error", m.undefinedVar(name, what));
  if (!Array.isArray(predictions)) return void v.add("error", m.lengthMismatch(texts.length, 0));
  if (predictions.length !== texts.length) return void v.add("error", m.lengthMismatch(texts.length, predictions.length));
  const labelled = predictions.map((p) => (typeof p === "number" && Number.isInteger(p) && names[p] !== undefined ? names[p] : String(p)));
  const bad = labelled.find((p) => !names.includes(p));
  if (bad !== undefined) return void v.add("error", m.unknownClass(bad, names));
  v.add("ok", m.predictionsOk(texts.map((t, i) => `"${t.length > 40 ? `${t.slice(0, 39)}…` : t}" → ${labelled[i]}`).join("; ")));
  return labelled;
}

/** The config keys that tell two checkpoints apart (DistilBERT's names and the BERT-style ones). */
const MODEL_SHAPE_KEYS = ["vocab_size", "dim", "hidden_size", "n_layers", "num_hidden_layers", "embedding_size"];

/** "distilbert → electra", "distilbert (vocab_size: 30522 → 28996)", or "" for the same model. */
function modelDifference(before: Record<string, unknown>, after: Record<string, unknown>): string {
  const name = (c: Record<string, unknown>) => String(c._name_or_path ?? c.model_type ?? "?");
  if (name(before) !== name(after)) return `${name(before)} → ${name(after)}`;
  const sizes = MODEL_SHAPE_KEYS.filter((k) => before[k] !== after[k]).map((k) => `${k}: ${String(before[k])} → ${String(after[k])}`);
  return sizes.length ? `${name(after)} (${sizes.join(", ")})` : "";
}

/**
 * Whether `trained` (a trainer's trainDataset) holds ids of `split`'s tokenization: its first row's tokens are
 * one of `split`'s rows. Tokens are the input_ids the attention mask keeps, so the same tweets padded to
 * maxLength or not at all (dynamic padding) are the same tokenization.
 */
async function sameTokenization(trained: DatasetLike | undefined, split: DatasetLike | undefined): Promise<boolean> {
  const ids = async (d: DatasetLike | undefined, first: boolean): Promise<string[]> => {
    const column = d?.column?.("input_ids");
    if (column === undefined) return [];
    const values = await rows(column);
    const masks = d?.columnNames.includes("attention_mask") ? await rows(d.column!("attention_mask")) : undefined;
    return (first ? values.slice(0, 1) : values).map((r, i) => (masks ? r.filter((_, j) => masks[i][j] !== 0) : r).join(","));
  };
  const [row] = await ids(trained, true);
  return row === undefined || !split?.column || (await ids(split, false)).includes(row);
}

function makeChecks(language: Language) {
  const m = MESSAGES[language];
  const vars = m.vars;

  /** The stance_climate data and trainer: returns the trainer and test split when both are usable. */
  function checkClimateSetup(v: Verdict, trainer: unknown, tokenized: unknown): { trainer: TrainerLike; test: DatasetLike } | undefined {
    let test: DatasetLike | undefined;
    if (tokenized === undefined) v.add("error", m.undefinedVar(vars.tokenized, m.whatTokenized));
    else if (!isDatasetDict(tokenized)) v.add("error", m.notDatasetDict(vars.tokenized));
    else {
      const train = tokenized.get("train");
      test = tokenized.get("test");
      const names = classNames(train);
      const missingColumn = ["input_ids", "attention_mask"].find((c) => !train?.columnNames.includes(c));
      if (!train) v.add("error", m.missingSplit(vars.tokenized, "train"));
      else if (!test) v.add("error", m.missingSplit(vars.tokenized, "test"));
      else if (names && names.join() !== STANCE_NAMES.join()) v.add("error", m.wrongDataset(vars.tokenized, names));
      else if (missingColumn) v.add("error", m.notTokenized(vars.tokenized, missingColumn));
      else v.add("ok", m.tokenizedOk(train.numRows));
    }
    if (trainer === undefined) return void v.add("error", m.undefinedVar(vars.trainer, m.whatTrainer));
    if (!isTrainer(trainer)) return void v.add("error", m.notTrainer(vars.trainer));
    const numLabels = trainer.model.config.numLabels;
    if (numLabels !== 3) v.add("error", m.wrongNumLabels(Number(numLabels)));
    else v.add("ok", m.numLabelsOk);
    const trainedOn = classNames(trainer.trainDataset);
    if (trainedOn && trainedOn.join() !== STANCE_NAMES.join()) v.add("error", m.trainedOnOther(trainedOn));
    if (!trainer.state.globalStep) return void v.add("error", m.notTrained(vars.trainer));
    v.add("ok", m.trainedOk(trainer.state.globalStep, Math.round((trainer.state.epoch ?? 0) * 100) / 100));
    return v.ok && test ? { trainer, test } : undefined;
  }

  return {
    /** Your own texts for the emotion model, and its predicted class names for them. */
    ownTexts(texts: unknown, predictions: unknown, names: readonly string[]): Promise<Verdict> {
      return checking(m.titles.ownTexts, (v) => {
        if (!checkTexts(v, m, vars.texts, m.whatTexts, texts, 1)) return;
        if (texts.every((t) => EXAMPLE_TEXTS.includes(t))) v.add("error", m.sameAsExamples);
        else v.add("ok", m.textsOk(texts.length));
        const labelled = checkPredictions(v, m, vars.predictions, m.whatPredictions, texts, predictions, names);
        if (labelled && labelled.length > 1 && new Set(labelled).size === 1) v.add("warn", m.allSame(labelled[0]));
      });
    },

    /** DistilBERT fine-tuned on stance_climate: the data, 3 labels, trained, test accuracy against the majority class. */
    stanceClimate(trainer: unknown, tokenized: unknown): Promise<Verdict> {
      return checking(m.titles.stanceClimate, async (v) => {
        const ready = checkClimateSetup(v, trainer, tokenized);
        if (!ready) return;
        try {
          const { accuracy: acc, baseline } = await testAccuracy(ready.trainer, ready.test);
          v.add("ok", m.accuracy(acc, baseline));
          if (acc <= baseline) v.add("warn", m.belowBaseline);
        } catch (e) {
          v.add("error", m.evalFailed(errorText(e)));
        }
      });
    },

    /** Texts for and against climate policy, and the stance model's predicted class names. */
    climateTexts(texts: unknown, predictions: unknown): Promise<Verdict> {
      return checking(m.titles.climateTexts, (v) => {
        if (!checkTexts(v, m, vars.climateTexts, m.whatClimateTexts, texts, 2)) return;
        v.add("ok", m.textsOk(texts.length));
        const labelled = checkPredictions(v, m, vars.climatePredictions, m.whatClimatePredictions, texts, predictions, STANCE_NAMES);
        if (labelled && new Set(labelled).size === 1) v.add("warn", m.allSame(labelled[0]));
      });
    },

    /**
     * Another trainer on stance_climate with other settings or another model, compared with the first
     * one on test. `improvedTokenized`: the data tokenized with the new model's tokenizer (default
     * `tokenized`, for a trainer of the same model).
     */
    improvement(improved: unknown, previous: unknown, tokenized: unknown, improvedTokenized?: unknown): Promise<Verdict> {
      return checking(m.titles.improvement, async (v) => {
        if (improved === undefined) return void v.add("error", m.undefinedVar(vars.improved, m.whatImproved));
        if (!isTrainer(previous) || !previous.state.globalStep || !isDatasetDict(tokenized)) return void v.add("error", m.noBaseline);
        if (!isTrainer(improved)) return void v.add("error", m.notTrainer(vars.improved));
        if (!improved.state.globalStep) return void v.add("error", m.notTrained(vars.improved));
        if (improvedTokenized !== undefined && !isDatasetDict(improvedTokenized)) return void v.add("error", m.notDatasetDict(vars.improvedTokenized));
        const changed = ["learningRate", "perDeviceTrainBatchSize", "numTrainEpochs", "weightDecay", "warmupRatio", "groupByLength"]
          .filter((k) => improved.args[k] !== previous.args[k])
          .map((k) => `${k}: ${String(previous.args[k])} → ${String(improved.args[k])}`);
        const modelChange = modelDifference(previous.model.config, improved.model.config);
        if (modelChange) changed.push(modelChange);
        if (changed.length) v.add("ok", m.changes(changed.join(", ")));
        else v.add("warn", m.noChanges);
        const data = isDatasetDict(improvedTokenized) ? improvedTokenized : tokenized;
        const test = data.get("test");
        if (!test) return void v.add("error", m.missingSplit(improvedTokenized ? vars.improvedTokenized : vars.tokenized, "test"));
        if (!(await sameTokenization(improved.trainDataset, data.get("train")))) {
          return void v.add("error", m.otherTokenization(improvedTokenized ? vars.improvedTokenized : vars.tokenized));
        }
        try {
          const before = (await testAccuracy(previous, tokenized.get("test") ?? test)).accuracy;
          const after = (await testAccuracy(improved, test)).accuracy;
          v.add(after > before ? "ok" : "warn", after > before ? m.improved(before, after) : m.notImproved(before, after));
        } catch (e) {
          v.add("error", m.evalFailed(errorText(e)));
        }
      });
    },
  };
}

/** Each checker's verdict, in each notebook's language, without showing it. */
export const verdicts = { en: makeChecks("en"), es: makeChecks("es") };

type Checks = ReturnType<typeof makeChecks>;
type Shown<F> = F extends (...args: infer A) => Promise<Verdict> ? (...args: A) => Promise<void> : never;

function shown<K extends keyof Checks>(checks: Checks, name: K): Shown<Checks[K]> {
  const verdictOf = checks[name] as (...args: unknown[]) => Promise<Verdict>;
  return (async (...args: unknown[]) => void (await verdictOf(...args)).show()) as Shown<Checks[K]>;
}

/** The checkers of the English notebooks. */
export const check = {
  ownTexts: shown(verdicts.en, "ownTexts"),
  stanceClimate: shown(verdicts.en, "stanceClimate"),
  climateTexts: shown(verdicts.en, "climateTexts"),
  improvement: shown(verdicts.en, "improvement"),
};

/** Los comprobadores de los cuadernos en español. */
export const comprobar = {
  textosPropios: shown(verdicts.es, "ownTexts"),
  stanceClimate: shown(verdicts.es, "stanceClimate"),
  textosClima: shown(verdicts.es, "climateTexts"),
  mejora: shown(verdicts.es, "improvement"),
};
