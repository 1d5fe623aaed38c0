// Reading `trainer.state.logHistory` (entries with the Python keys: `loss`, `eval_loss`, `eval_*`, `epoch`, `step`).

import type { DataFrame } from "danfojs-node";
import type { LogEntry } from "../trainer/state.js";
import { dataFrameFromColumns } from "./dataframe.js";

/** Evaluation keys that are bookkeeping, not metrics. */
const NOT_METRICS = new Set(["eval_loss", "eval_runtime", "eval_samples_per_second", "eval_steps_per_second"]);

/** The metric names (without `eval_`) that evaluations logged, in first-seen order: `["accuracy"]`. */
export function metricNames(history: readonly LogEntry[]): string[] {
  const names = new Set<string>();
  for (const entry of history) {
    if (entry.eval_loss === undefined) continue;
    for (const [key, value] of Object.entries(entry)) {
      if (key.startsWith("eval_") && !NOT_METRICS.has(key) && typeof value === "number") names.add(key.slice(5));
    }
  }
  return [...names];
}

/** `"accuracy"` → `"Accuracy"`, `"f1_macro"` → `"F1 Macro"` (the way the Trainer's notebook table names columns). */
export function metricTitle(name: string): string {
  return name
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");
}

/** One row per evaluation, as the Trainer's notebook table shows them. */
export interface EpochRow {
  epoch: number;
  step: number;
  /** The latest training loss logged before this evaluation; undefined: "No log". */
  trainingLoss?: number;
  validationLoss: number;
  metrics: Record<string, number>;
}

export function epochRows(history: readonly LogEntry[]): EpochRow[] {
  const rows: EpochRow[] = [];
  let lastLoss: number | undefined;
  for (const entry of history) {
    if (typeof entry.loss === "number") lastLoss = entry.loss;
    if (typeof entry.eval_loss !== "number") continue;
    const metrics: Record<string, number> = {};
    for (const name of metricNames([entry])) metrics[name] = entry[`eval_${name}`];
    rows.push({
      epoch: entry.epoch ?? rows.length + 1,
      step: entry.step ?? 0,
      trainingLoss: lastLoss,
      validationLoss: entry.eval_loss,
      metrics,
    });
  }
  return rows;
}

/** `trainer.state.logHistory` as a table: one row per entry, one column per key (`epoch` and `step` first). */
export function logHistoryDataFrame(history: readonly LogEntry[]): DataFrame {
  const keys = new Set<string>(["epoch", "step"]);
  for (const entry of history) for (const key of Object.keys(entry)) keys.add(key);
  const columns: Record<string, Array<number | string>> = {};
  for (const key of keys) columns[key] = history.map((entry) => entry[key] ?? "");
  return dataFrameFromColumns(columns);
}
