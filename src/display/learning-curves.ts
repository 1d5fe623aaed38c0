// The learning-curve figure: training and validation loss per epoch, metrics on a second axis.
import type { LogEntry } from "../trainer/state.js";
import { words } from "./language.js";
import { metricNames, metricTitle } from "./log-history.js";
import { showFigure, type Figure } from "./plotly.js";

function series(history: readonly LogEntry[], key: string): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (const entry of history) {
    const value = entry[key];
    if (typeof value === "number" && typeof entry.epoch === "number") {
      x.push(entry.epoch);
      y.push(value);
    }
  }
  return { x, y };
}

/** The figure `plotLearningCurves` shows, from `trainer.state.logHistory`. */
export function learningCurvesFigure(history: readonly LogEntry[], title = words().learningCurves): Figure {
  const w = words();
  const line = (key: string, name: string, extra: Record<string, unknown> = {}) => ({
    type: "scatter",
    mode: "lines+markers",
    name,
    ...series(history, key),
    ...extra,
  });
  const data = [line("loss", w.trainingLoss), line("eval_loss", w.validationLoss)];
  for (const name of metricNames(history)) {
    data.push(line(`eval_${name}`, w.validation(metricTitle(name)), { yaxis: "y2", line: { dash: "dot" } }));
  }
  return {
    data: data.filter((trace) => trace.x.length > 0),
    layout: {
      title: { text: title },
      xaxis: { title: { text: w.epoch }, dtick: 1 },
      yaxis: { title: { text: w.loss }, rangemode: "tozero" },
      yaxis2: { title: { text: w.metric }, overlaying: "y", side: "right", range: [0, 1], tickmode: "linear", tick0: 0, dtick: 0.2, showgrid: false },
      legend: { orientation: "h", y: -0.2 },
      height: 420,
      margin: { t: 50, r: 60 },
    },
  };
}

/** Plots the learning curves of a training run: `plotLearningCurves(trainer.state.logHistory)`. */
export function plotLearningCurves(history: readonly LogEntry[], options: { title?: string } = {}): void {
  showFigure(learningCurvesFigure(history, options.title));
}
