// The live view of `trainer.train()` in a notebook: a progress bar over the epoch table (Epoch |
// Training Loss | Validation Loss | metrics) updated in place, and the learning curves after each evaluation
// (drawn by the kit while training, handed to the front end's Plotly renderer at the end).
import type { CallbackExtra, TrainerCallback } from "../trainer/callbacks.js";
import type { LogEntry, TrainerControl, TrainerState } from "../trainer/state.js";
import type { TrainingArguments } from "../trainer/training-args.js";
import { epochRows, metricNames, metricTitle } from "./log-history.js";
import { learningCurvesFigure } from "./learning-curves.js";
import { escapeHtml, newDisplayId, showBundle } from "./notebook.js";
import { showFigure } from "./plotly.js";
import { htmlTable, textTable } from "./tables.js";

/** Seconds as `mm:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

const fmt = (v: number | undefined) => (v === undefined ? "No log" : v.toFixed(6));

/** The epoch table's header and rows: Epoch | Training Loss | Validation Loss | each metric. */
function epochTable(history: readonly LogEntry[]): { head: string[]; rows: string[][] } {
  const metrics = metricNames(history);
  return {
    head: ["Epoch", "Training Loss", "Validation Loss", ...metrics.map(metricTitle)],
    rows: epochRows(history).map((r) => [String(Math.round(r.epoch * 100) / 100), fmt(r.trainingLoss), fmt(r.validationLoss), ...metrics.map((m) => fmt(r.metrics[m]))]),
  };
}

/** The epoch table, as the Trainer's notebook view shows it. */
export function epochTableHtml(history: readonly LogEntry[]): string {
  const { head, rows } = epochTable(history);
  return htmlTable(head, rows, { className: "tt-epoch-table", align: "left" });
}

/** The same table as text. */
export function epochTableText(history: readonly LogEntry[]): string {
  const { head, rows } = epochTable(history);
  return textTable([head, ...rows]);
}

/** The progress line: `[ 12/100 00:05 < 00:36, 2.40 it/s, Epoch 1/5]`. */
export function progressHtml(step: number, maxSteps: number, elapsed: number, epoch?: number, epochs?: number): string {
  const rate = elapsed > 0 ? step / elapsed : 0;
  const eta = rate > 0 ? (maxSteps - step) / rate : 0;
  const epochText = epoch === undefined || epochs === undefined ? "" : `, Epoch ${Math.min(epochs, Math.floor(epoch) + 1)}/${epochs}`;
  const done = step >= maxSteps;
  const timing = done ? `${formatDuration(elapsed)}` : `${formatDuration(elapsed)} &lt; ${formatDuration(eta)}`;
  return `<div class="tt-progress"><progress value="${step}" max="${maxSteps}" style="width:300px;height:20px;vertical-align:middle;"></progress>
[${step}/${maxSteps} ${timing}, ${rate.toFixed(2)} it/s${epochText}]</div>`;
}

/**
 * The notebook's `TrainerCallback`: one display for the progress bar over the epoch table (redrawn at
 * most every `minInterval` seconds while steps run, and at each evaluation), one for the learning curves.
 */
export class NotebookProgressCallback implements TrainerCallback {
  private tableId: string | undefined;
  private curvesId: string | undefined;
  private began = 0;
  private lastDraw = 0;
  private evaluating = "";
  /** The bar of an evaluate() / predict() run outside training. */
  private prediction: { id: string; began: number; drawn: number } | undefined;

  constructor(private readonly minInterval = 1) {}

  private render(args: TrainingArguments, state: TrainerState): void {
    if (!this.tableId) return;
    const elapsed = (performance.now() - this.began) / 1000;
    const epochs = Math.ceil(state.numTrainEpochs || args.numTrainEpochs);
    const progress = progressHtml(state.globalStep, state.maxSteps, elapsed, state.epoch ?? undefined, epochs);
    const html = `${progress}${this.evaluating ? `<div>${escapeHtml(this.evaluating)}</div>` : ""}\n${epochTableHtml(state.logHistory)}`;
    const text = `${state.globalStep}/${state.maxSteps} steps\n${epochTableText(state.logHistory)}`;
    showBundle({ "text/html": html, "text/plain": text }, { displayId: this.tableId, update: this.lastDraw > 0 });
    this.lastDraw = performance.now();
  }

  onTrainBegin(args: TrainingArguments, state: TrainerState): void {
    this.tableId = newDisplayId();
    this.curvesId = undefined;
    this.began = performance.now();
    this.lastDraw = 0;
    this.render(args, state);
  }

  onStepEnd(args: TrainingArguments, state: TrainerState): void {
    if (performance.now() - this.lastDraw >= this.minInterval * 1000) this.render(args, state);
  }

  onPredictionStep(args: TrainingArguments, state: TrainerState, _control: TrainerControl, extra: CallbackExtra): void {
    const { predictionStep: step, predictionSteps: steps } = extra;
    if (step === undefined || steps === undefined) return;
    if (this.tableId) {
      this.evaluating = `Evaluating: ${step}/${steps}`;
      if (performance.now() - this.lastDraw >= this.minInterval * 1000) this.render(args, state);
      return;
    }
    // evaluate() / predict() on their own get a bar of their own.
    const now = performance.now();
    if (step === 1 || !this.prediction) this.prediction = { id: newDisplayId(), began: now, drawn: 0 };
    const bar = this.prediction;
    if (step < steps && now - bar.drawn < this.minInterval * 1000) return;
    showBundle({ "text/html": progressHtml(step, steps, (now - bar.began) / 1000), "text/plain": `${step}/${steps}` }, { displayId: bar.id, update: bar.drawn > 0 });
    bar.drawn = now;
    if (step === steps) this.prediction = undefined;
  }

  onEvaluate(args: TrainingArguments, state: TrainerState): void {
    if (!this.tableId) return; // trainer.evaluate() after training leaves the finished table as it is
    this.evaluating = "";
    this.render(args, state);
    const update = this.curvesId !== undefined;
    this.curvesId ??= newDisplayId();
    showFigure(learningCurvesFigure(state.logHistory), { displayId: this.curvesId, update, live: true });
  }

  onTrainEnd(args: TrainingArguments, state: TrainerState, _control?: TrainerControl, extra?: CallbackExtra): void {
    this.evaluating = extra?.stopped ?? "";
    this.render(args, state);
    // The finished curves as a full figure: JupyterLab's Plotly renderer draws it afresh.
    if (this.curvesId) showFigure(learningCurvesFigure(state.logHistory), { displayId: this.curvesId, update: true });
    this.tableId = undefined;
    this.curvesId = undefined;
  }
}
