import { checkOptions, optionNames } from "../options.js";
import { checkTargets, resolveLabels, uniqueLabels, type LabelArray, type LabelSelection } from "./labels.js";

/** `null` returns one score per label (sklearn's `average=None`). */
export type Average = "binary" | "micro" | "macro" | "weighted" | null;

export interface ClassificationScoreOptions extends LabelSelection {
  /** Default `"binary"` as in sklearn and `evaluate`: it scores `posLabel` and refuses multiclass targets. */
  average?: Average;
  /** The positive class for `average: "binary"` (default 1). */
  posLabel?: number;
  /** Value for an undefined ratio (e.g. precision of a never-predicted class). `"warn"` (default): 0 and a warning. */
  zeroDivision?: "warn" | 0 | 1 | number;
}

type Metric = "precision" | "recall" | "f-score";

interface Counts {
  tp: number[];
  predSum: number[];
  trueSum: number[];
}

function counts(t: number[], p: number[], labels: number[]): Counts {
  const index = new Map(labels.map((l, i) => [l, i]));
  const tp = new Array<number>(labels.length).fill(0);
  const predSum = tp.slice();
  const trueSum = tp.slice();
  for (let k = 0; k < t.length; k++) {
    const i = index.get(t[k]);
    const j = index.get(p[k]);
    if (i !== undefined) trueSum[i]++;
    if (j !== undefined) predSum[j]++;
    if (i !== undefined && i === j) tp[i]++;
  }
  return { tp, predSum, trueSum };
}

const WHAT: Record<Metric, string> = {
  precision: "predicted",
  recall: "true",
  "f-score": "true nor predicted",
};

function divide(num: number[], den: number[], metric: Metric, zeroDivision: ClassificationScoreOptions["zeroDivision"], perLabel: boolean): number[] {
  const zeroValue = zeroDivision === "warn" || zeroDivision === undefined ? 0 : zeroDivision;
  let undefinedCount = 0;
  const out = num.map((n, i) => {
    if (den[i] === 0) {
      undefinedCount++;
      return zeroValue;
    }
    return n / den[i];
  });
  if (undefinedCount > 0 && (zeroDivision === "warn" || zeroDivision === undefined)) {
    const name = metric === "f-score" ? "F-score" : metric[0].toUpperCase() + metric.slice(1);
    const where = perLabel ? `in labels with no ${WHAT[metric]} samples` : `due to no ${WHAT[metric]} samples`;
    process.emitWarning(
      `${name} is ill-defined and being set to ${zeroValue.toFixed(1)} ${where}. Use \`zeroDivision\` parameter to control this behavior.`,
      "UndefinedMetricWarning",
    );
  }
  return out;
}

const SCORE_OPTIONS = optionNames<ClassificationScoreOptions>({ average: true, posLabel: true, zeroDivision: true, numLabels: true, labels: true });

function score(metric: Metric, fn: string, yTrue: LabelArray, yPred: LabelArray, options: ClassificationScoreOptions): number | number[] {
  checkOptions(fn, options, SCORE_OPTIONS);
  const [t, p] = checkTargets(yTrue, yPred, fn);
  const average = options.average === undefined ? "binary" : options.average;
  const allowed: Average[] = ["binary", "micro", "macro", "weighted", null];
  if (!allowed.includes(average)) {
    throw new Error(`${fn}: average must be one of ${JSON.stringify(allowed)}, got ${JSON.stringify(average)}.`);
  }
  let labels: number[];
  if (average === "binary") {
    const present = uniqueLabels(t, p);
    if (present.length > 2) {
      throw new Error(
        `${fn}: Target is multiclass but average='binary'. Please choose another average setting, one of [null, "micro", "macro", "weighted"].`,
      );
    }
    const pos = options.posLabel ?? 1;
    if (present.length === 2 && !present.includes(pos)) {
      throw new Error(`${fn}: posLabel=${pos} is not a valid label. It should be one of [${present.join(", ")}].`);
    }
    labels = [pos];
  } else {
    labels = resolveLabels(t, p, options);
  }
  let { tp, predSum, trueSum } = counts(t, p, labels);
  if (average === "micro") {
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    tp = [sum(tp)];
    predSum = [sum(predSum)];
    trueSum = [sum(trueSum)];
  }
  const perLabel = average !== "micro" && labels.length > 1;
  let values: number[];
  if (metric === "precision") values = divide(tp, predSum, metric, options.zeroDivision, perLabel);
  else if (metric === "recall") values = divide(tp, trueSum, metric, options.zeroDivision, perLabel);
  else values = divide(tp.map((x) => 2 * x), predSum.map((x, i) => x + trueSum[i]), metric, options.zeroDivision, perLabel);

  if (average === null) return values;
  if (average === "weighted") {
    const total = trueSum.reduce((a, b) => a + b, 0);
    if (total === 0) return options.zeroDivision === "warn" || options.zeroDivision === undefined ? 0 : options.zeroDivision;
    return values.reduce((acc, v, i) => acc + v * trueSum[i], 0) / total;
  }
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** tp / (tp + fp), like sklearn's `precision_score(y_true, y_pred, average=...)`. */
export function precision(yTrue: LabelArray, yPred: LabelArray, options: ClassificationScoreOptions = {}): number | number[] {
  return score("precision", "precision", yTrue, yPred, options);
}

/** tp / (tp + fn), like sklearn's `recall_score`. */
export function recall(yTrue: LabelArray, yPred: LabelArray, options: ClassificationScoreOptions = {}): number | number[] {
  return score("recall", "recall", yTrue, yPred, options);
}

/** 2tp / (2tp + fp + fn), like sklearn's `f1_score`. */
export function f1(yTrue: LabelArray, yPred: LabelArray, options: ClassificationScoreOptions = {}): number | number[] {
  return score("f-score", "f1", yTrue, yPred, options);
}
