import { accuracy } from "./accuracy.js";
import { f1, precision, recall, type Average } from "./precision-recall-f1.js";
import type { LabelArray } from "./labels.js";

export interface MetricInputs {
  predictions: LabelArray;
  references: LabelArray;
  /** For f1 / precision / recall (default "binary", as `evaluate` does). */
  average?: Average;
  posLabel?: number;
  labels?: number[];
  sampleWeight?: ArrayLike<number>;
  normalize?: boolean;
  zeroDivision?: "warn" | number;
}

/** A metric shaped like `evaluate.load(name)`: `compute({predictions, references})` → `{[name]: value}`. */
export interface Metric {
  readonly name: string;
  /** With `average: null` (f1 / precision / recall), one score per label. */
  compute(inputs: MetricInputs & { average: null }): Record<string, number[]>;
  compute(inputs: MetricInputs): Record<string, number>;
}

const METRICS: Record<string, (i: MetricInputs) => number | number[]> = {
  accuracy: (i) => accuracy(i.references, i.predictions, { normalize: i.normalize, sampleWeight: i.sampleWeight }),
  f1: (i) => f1(i.references, i.predictions, i),
  precision: (i) => precision(i.references, i.predictions, i),
  recall: (i) => recall(i.references, i.predictions, i),
};

/** `loadMetric("accuracy")`, the counterpart of `evaluate.load("accuracy")` (also "f1", "precision", "recall"). */
export function loadMetric(name: string): Metric {
  const fn = METRICS[name];
  if (!fn) {
    throw new Error(`Unknown metric "${name}". Available metrics: ${Object.keys(METRICS).join(", ")}.`);
  }
  const compute = (inputs: MetricInputs): Record<string, number | number[]> => {
    if (!inputs || inputs.predictions == null || inputs.references == null) {
      throw new Error(`${name}.compute: pass {predictions, references} (predicted and true class ids).`);
    }
    return { [name]: fn(inputs) };
  };
  return { name, compute: compute as Metric["compute"] };
}
