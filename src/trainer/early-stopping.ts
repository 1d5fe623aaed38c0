import { checkOptions } from "../options.js";
import type { CallbackExtra, TrainerCallback } from "./callbacks.js";
import type { TrainerControl, TrainerState } from "./state.js";
import type { TrainingArguments } from "./training-args.js";

export interface EarlyStoppingOptions {
  /** Stop after this many evaluations without improvement (default 1). */
  earlyStoppingPatience?: number;
  /** An improvement must beat the best metric by more than this (default 0). */
  earlyStoppingThreshold?: number;
}

/** Stops training when `metricForBestModel` has not improved for `earlyStoppingPatience` evaluations. */
export class EarlyStoppingCallback implements TrainerCallback {
  readonly earlyStoppingPatience: number;
  readonly earlyStoppingThreshold: number;
  /** Evaluations in a row without improvement. */
  patienceCounter = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    checkOptions("EarlyStoppingCallback", options, ["earlyStoppingPatience", "earlyStoppingThreshold"]);
    this.earlyStoppingPatience = options.earlyStoppingPatience ?? 1;
    this.earlyStoppingThreshold = options.earlyStoppingThreshold ?? 0;
    if (!Number.isInteger(this.earlyStoppingPatience) || this.earlyStoppingPatience < 1) {
      throw new Error(`EarlyStoppingCallback: earlyStoppingPatience must be a positive integer, got ${this.earlyStoppingPatience}.`);
    }
  }

  onTrainBegin(args: TrainingArguments): void {
    if (!args.loadBestModelAtEnd) throw new Error("EarlyStoppingCallback requires loadBestModelAtEnd: true in the TrainingArguments.");
    if (args.metricForBestModel === null) throw new Error("EarlyStoppingCallback requires metricForBestModel to be defined.");
    if (args.evalStrategy === "no") throw new Error('EarlyStoppingCallback requires an evalStrategy of "steps" or "epoch".');
    this.patienceCounter = 0;
  }

  onEvaluate(args: TrainingArguments, state: TrainerState, control: TrainerControl, extra: CallbackExtra): void {
    const name = args.metricForBestModel!.startsWith("eval_") ? args.metricForBestModel! : `eval_${args.metricForBestModel}`;
    const value = extra.metrics?.[name];
    if (value === undefined) {
      process.emitWarning(`early stopping required metricForBestModel, but did not find ${name} so early stopping is disabled`);
      return;
    }
    const better = args.greaterIsBetter ? value > (state.bestMetric ?? -Infinity) : value < (state.bestMetric ?? Infinity);
    if (state.bestMetric === null || (better && Math.abs(value - state.bestMetric) > this.earlyStoppingThreshold)) {
      this.patienceCounter = 0;
    } else {
      this.patienceCounter++;
    }
    if (this.patienceCounter >= this.earlyStoppingPatience) control.shouldTrainingStop = true;
  }
}
