import { checkOptions, optionNames } from "../options.js";
import { checkTargets, resolveLabels, type LabelArray, type LabelSelection } from "./labels.js";

export type ConfusionMatrixOptions = LabelSelection;

/**
 * `C[i][j]` = number of samples whose true label is `labels[i]` and predicted label is `labels[j]`
 * (rows: true, columns: predicted, like sklearn's `confusion_matrix`). Samples whose labels are not in
 * `labels` are ignored, as sklearn does.
 */
export function confusionMatrix(yTrue: LabelArray, yPred: LabelArray, options: ConfusionMatrixOptions = {}): number[][] {
  checkOptions("confusionMatrix", options, optionNames<ConfusionMatrixOptions>({ numLabels: true, labels: true }));
  const [t, p] = checkTargets(yTrue, yPred, "confusionMatrix");
  const labels = resolveLabels(t, p, options);
  const index = new Map(labels.map((l, i) => [l, i]));
  const m = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let k = 0; k < t.length; k++) {
    const i = index.get(t[k]);
    const j = index.get(p[k]);
    if (i !== undefined && j !== undefined) m[i][j]++;
  }
  return m;
}
