import { checkOptions, optionNames } from "../options.js";
import { checkTargets, type LabelArray } from "./labels.js";

export interface AccuracyOptions {
  /** `true` (default): the fraction correct; `false`: the count (weighted sum) correct. */
  normalize?: boolean;
  sampleWeight?: ArrayLike<number>;
}

/** Fraction of `yPred` equal to `yTrue` (sklearn's `accuracy_score(y_true, y_pred)`). */
export function accuracy(yTrue: LabelArray, yPred: LabelArray, options: AccuracyOptions = {}): number {
  checkOptions("accuracy", options, optionNames<AccuracyOptions>({ normalize: true, sampleWeight: true }));
  const [t, p] = checkTargets(yTrue, yPred, "accuracy");
  const w = options.sampleWeight ? Array.from(options.sampleWeight) : null;
  if (w && w.length !== t.length) {
    throw new Error(`accuracy: sampleWeight has ${w.length} values for ${t.length} samples.`);
  }
  let correct = 0;
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    const wi = w ? w[i] : 1;
    total += wi;
    if (t[i] === p[i]) correct += wi;
  }
  if (options.normalize === false) return correct;
  if (total === 0) throw new Error("accuracy: no samples (empty label vectors); there is nothing to score.");
  return correct / total;
}
