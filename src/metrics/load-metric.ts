import { checkOptions, didYouMeanText } from "../options.js";
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

const scoreOf = (fn: typeof f1) => (i: MetricInputs) =>
  fn(i.references, i.predictions, { average: i.average, posLabel: i.posLabel, labels: i.labels, zeroDivision: i.zeroDivision });
const SCORE_INPUTS = ["predictions", "references", "average", "posLabel", "labels", "zeroDivision"];

/** Each metric, and the inputs its `compute` takes. */
const METRICS: Record<string, { fn: (i: MetricInputs) => number | number[]; inputs: string[] }> = {
  accuracy: {
    fn: (i) => accuracy(i.references, i.predictions, { normalize: i.normalize, sampleWeight: i.sampleWeight }),
    inputs: ["predictions", "references", "normalize", "sampleWeight"],
  },
  f1: { fn: scoreOf(f1), inputs: SCORE_INPUTS },
  precision: { fn: scoreOf(precision), inputs: SCORE_INPUTS },
  recall: { fn: scoreOf(recall), inputs: SCORE_INPUTS },
};

/** `loadMetric("accuracy")`, the counterpart of `evaluate.load("accuracy")` (also "f1", "precision", "recall"). */
export function loadMetric(name: string): Metric {
  const metric = Object.hasOwn(METRICS, name) ? METRICS[name] : undefined;
  if (!metric) {
    throw new Error(`Unknown metric "${name}".${didYouMeanText(name, Object.keys(METRICS))} Available metrics: ${Object.keys(METRICS).join(", ")}.`);
  }
  const compute = (inputs: MetricInputs): Record<string, number | number[]> => {
    if (!inputs || inputs.predictions == null || inputs.references == null) {
      throw new Error(`${name}.compute: pass {predictions, references} (predicted and true class ids).`);
    }
    checkOptions(`${name}.compute`, inputs, metric.inputs);
    return { [name]: metric.fn(inputs) };
  };
  return { name, compute: compute as Metric["compute"] };
}
