// What the user sees while training: a progress bar on stderr in a terminal (logs as lines
// otherwise), or whatever `setDefaultProgressCallback` installs (e.g. a live HTML table in a notebook).
import type { CallbackExtra, TrainerCallback } from "./callbacks.js";
import type { LogEntry, TrainerControl, TrainerState } from "./state.js";
import type { TrainingArguments } from "./training-args.js";

/** A writable text stream (process.stderr by default). */
export interface TextStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** A log entry written like Python prints a dict: `{'loss': 1.3983, 'grad_norm': 0.8894, ...}`. */
export function formatLogs(logs: LogEntry): string {
  const parts = Object.entries(logs)
    .filter(([k]) => k !== "step")
    .map(([k, v]) => `'${k}': ${Number.isInteger(v) ? `${v}.0` : String(v)}`);
  return `{${parts.join(", ")}}`;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** A tqdm-like bar: `37%|███▋      | 75/204 [00:12<00:20, 6.10 it/s, epoch=1.37, loss=1.2345]`. */
export function renderBar(done: number, total: number, elapsedSeconds: number, postfix = "", width = 20): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const eighths = Math.round(frac * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = eighths % 8;
  const bar = "█".repeat(full) + (partial > 0 ? " ▏▎▍▌▋▊▉"[partial] : "") + " ".repeat(Math.max(0, width - full - (partial > 0 ? 1 : 0)));
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const eta = rate > 0 ? (total - done) / rate : Infinity;
  const pct = String(Math.floor(frac * 100)).padStart(3);
  return `${pct}%|${bar}| ${done}/${total} [${clock(elapsedSeconds)}<${clock(eta)}, ${rate.toFixed(2)} it/s${postfix ? `, ${postfix}` : ""}]`;
}

/** The terminal display: a bar redrawn in place on a TTY; on a pipe, only the log lines. */
export class ProgressCallback implements TrainerCallback {
  private start = 0;
  private lastLoss: number | undefined;
  private readonly stream: TextStream;

  constructor(options: { stream?: TextStream } = {}) {
    this.stream = options.stream ?? process.stderr;
  }

  private get tty(): boolean {
    return Boolean(this.stream.isTTY);
  }

  onTrainBegin(): void {
    this.start = performance.now();
    this.lastLoss = undefined;
  }

  onStepEnd(_args: TrainingArguments, state: TrainerState): void {
    if (!this.tty) return;
    const postfix = [`epoch=${(state.epoch ?? 0).toFixed(2)}`, this.lastLoss !== undefined ? `loss=${this.lastLoss.toFixed(4)}` : ""].filter(Boolean).join(", ");
    this.stream.write(`\r${renderBar(state.globalStep, state.maxSteps, (performance.now() - this.start) / 1000, postfix)}\x1b[K`);
  }

  onPredictionStep(_args: TrainingArguments, _state: TrainerState, _control: TrainerControl, extra: CallbackExtra): void {
    if (!this.tty || extra.predictionStep === undefined || extra.predictionSteps === undefined) return;
    this.stream.write(`\r  evaluating ${extra.predictionStep}/${extra.predictionSteps}\x1b[K`);
  }

  onLog(_args: TrainingArguments, _state: TrainerState, _control: TrainerControl, extra: CallbackExtra): void {
    if (!extra.logs) return;
    if (extra.logs.loss !== undefined) this.lastLoss = extra.logs.loss;
    this.stream.write(`${this.tty ? "\r\x1b[K" : ""}${formatLogs(extra.logs)}\n`);
  }

  onTrainEnd(): void {
    if (this.tty) this.stream.write("\n");
  }
}

/** With `disableTqdm`: the logs as lines, no bar. */
export class PrinterCallback implements TrainerCallback {
  constructor(private readonly stream: TextStream = process.stdout) {}

  onLog(_args: TrainingArguments, _state: TrainerState, _control: TrainerControl, extra: CallbackExtra): void {
    if (extra.logs) this.stream.write(`${formatLogs(extra.logs)}\n`);
  }
}

/** Makes the progress display of a new Trainer; `null` for none. */
export type ProgressCallbackFactory = (args: TrainingArguments) => TrainerCallback | null;

let defaultFactory: ProgressCallbackFactory = () => new ProgressCallback();

/**
 * Replace the progress display that every Trainer created afterwards installs (unless `disableTqdm`):
 * the notebook module installs a live HTML epoch table this way. `null` turns the display off.
 * Returns the previous factory, so a caller can put it back.
 */
export function setDefaultProgressCallback(factory: ProgressCallbackFactory | null): ProgressCallbackFactory {
  const previous = defaultFactory;
  defaultFactory = factory ?? (() => null);
  return previous;
}

/** The factory `setDefaultProgressCallback` installed. */
export function getDefaultProgressCallback(): ProgressCallbackFactory {
  return defaultFactory;
}
