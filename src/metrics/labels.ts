/** Label vectors as metrics accept them: plain arrays or typed arrays of integer class ids. */
export type LabelArray = ArrayLike<number>;

/** Checks that `yTrue` and `yPred` are same-length vectors of integer labels and returns them as arrays. */
export function checkTargets(yTrue: LabelArray, yPred: LabelArray, fn: string): [number[], number[]] {
  if (yTrue == null || yPred == null) throw new Error(`${fn}: pass two label vectors (yTrue, yPred).`);
  const t = Array.from(yTrue);
  const p = Array.from(yPred);
  if (t.length !== p.length) {
    throw new Error(`${fn}: found input variables with inconsistent numbers of samples: [${t.length}, ${p.length}].`);
  }
  for (const [name, v] of [["yTrue", t], ["yPred", p]] as const) {
    const bad = v.findIndex((x) => !Number.isInteger(x));
    if (bad >= 0) {
      throw new Error(
        `${fn}: ${name}[${bad}] is ${v[bad]}, not an integer class id. For logits, take argmax(logits) first.`,
      );
    }
  }
  return [t, p];
}

/** Sorted union of the labels present in both vectors, like sklearn's `unique_labels`. */
export function uniqueLabels(...vectors: number[][]): number[] {
  const set = new Set<number>();
  for (const v of vectors) for (const x of v) set.add(x);
  return [...set].sort((a, b) => a - b);
}

/** Which labels a metric scores, in which order. */
export interface LabelSelection {
  /** Labels `0..numLabels-1`, in that order (classes absent from both vectors included). */
  numLabels?: number;
  /** Explicit label order (sklearn's `labels`); wins over `numLabels`. */
  labels?: number[];
}

export function resolveLabels(t: number[], p: number[], options: LabelSelection): number[] {
  if (options.labels) {
    if (options.labels.length === 0) throw new Error("labels: pass at least one label.");
    return [...options.labels];
  }
  if (options.numLabels !== undefined) {
    const n = options.numLabels;
    if (!Number.isInteger(n) || n < 1) throw new Error(`numLabels must be a positive integer, got ${n}.`);
    const outside = [...t, ...p].find((x) => x < 0 || x >= n);
    if (outside !== undefined) throw new Error(`label ${outside} is outside 0..${n - 1} (numLabels=${n}).`);
    return Array.from({ length: n }, (_, i) => i);
  }
  return uniqueLabels(t, p);
}
