// Hooks into the training loop, as transformers' TrainerCallback: each event receives
// (args, state, control, extra) and may set flags on `control` (or return a control object).
import type { LogEntry, TrainerControl, TrainerState } from "./state.js";
import type { TrainingArguments } from "./training-args.js";

/** What an event carries besides args/state/control. */
export interface CallbackExtra {
  /** The model being trained (typed loosely so callbacks do not depend on a model class). */
  model?: unknown;
  /** The Trainer itself. */
  trainer?: unknown;
  /** onLog: the entry just appended to `state.logHistory`. */
  logs?: LogEntry;
  /** onEvaluate / onPredict: the metrics with their prefix (`eval_loss`, `eval_accuracy`, ...). */
  metrics?: Record<string, number>;
  /**
   * onEvaluate: the training loss of the latest log entry (null before the first one, Python's
   * "No log"), so a progress table can show "Epoch | Training Loss | Validation Loss | metrics".
   */
  lastTrainingLoss?: number | null;
  /** onTrainBegin / onEpochBegin / onStepEnd: optimizer steps per epoch. */
  stepsPerEpoch?: number;
  /** onPredictionStep: batches done and total of the running evaluation. */
  predictionStep?: number;
  predictionSteps?: number;
  /** onSave: the checkpoint folder just written. */
  checkpoint?: string;
  /** onTrainEnd after an interrupt or an error: what stopped training, in one line. */
  stopped?: string;
}

type Hook = (args: TrainingArguments, state: TrainerState, control: TrainerControl, extra: CallbackExtra) => void | TrainerControl | Promise<void | TrainerControl>;

/** Implement any subset of these; each may be async. */
export interface TrainerCallback {
  onInitEnd?: Hook;
  onTrainBegin?: Hook;
  onTrainEnd?: Hook;
  onEpochBegin?: Hook;
  onEpochEnd?: Hook;
  onStepBegin?: Hook;
  onStepEnd?: Hook;
  onEvaluate?: Hook;
  onPredict?: Hook;
  onPredictionStep?: Hook;
  onSave?: Hook;
  onLog?: Hook;
}

export type CallbackEvent = keyof TrainerCallback;

/** Runs the callbacks in order for each event. */
export class CallbackHandler {
  readonly callbacks: TrainerCallback[] = [];

  constructor(callbacks: Array<TrainerCallback | (new () => TrainerCallback)> = []) {
    for (const cb of callbacks) this.add(cb);
  }

  add(callback: TrainerCallback | (new () => TrainerCallback)): void {
    const cb = typeof callback === "function" ? new callback() : callback;
    if (cb === null || typeof cb !== "object") {
      throw new Error("addCallback: pass a TrainerCallback object (with onLog, onEvaluate, ... methods) or its class.");
    }
    this.callbacks.push(cb);
  }

  /** Remove and return the first callback that is `callback` or an instance of it. */
  pop(callback: TrainerCallback | (new () => TrainerCallback)): TrainerCallback | undefined {
    const i = this.callbacks.findIndex((cb) => cb === callback || (typeof callback === "function" && cb instanceof callback));
    return i >= 0 ? this.callbacks.splice(i, 1)[0] : undefined;
  }

  async call(event: CallbackEvent, args: TrainingArguments, state: TrainerState, control: TrainerControl, extra: CallbackExtra = {}): Promise<TrainerControl> {
    for (const cb of this.callbacks) {
      const hook = cb[event];
      if (!hook) continue;
      const result = await hook.call(cb, args, state, control, extra);
      if (result && result !== control) Object.assign(control, result);
    }
    return control;
  }
}
