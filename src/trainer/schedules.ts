import { SCHEDULER_TYPES, type SchedulerType } from "./training-args.js";

/** The learning rate multiplier for optimizer step `step` (0-based), as transformers' `get_scheduler` lambdas. */
export type LrLambda = (step: number) => number;

export function getScheduleLambda(type: SchedulerType, numWarmupSteps: number, numTrainingSteps: number): LrLambda {
  const warmup = (step: number) => step / Math.max(1, numWarmupSteps);
  switch (type) {
    case "linear":
      return (step) =>
        step < numWarmupSteps ? warmup(step) : Math.max(0, (numTrainingSteps - step) / Math.max(1, numTrainingSteps - numWarmupSteps));
    case "cosine":
      return (step) => {
        if (step < numWarmupSteps) return warmup(step);
        const progress = (step - numWarmupSteps) / Math.max(1, numTrainingSteps - numWarmupSteps);
        return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
      };
    case "constant":
      return () => 1;
    case "constant_with_warmup":
      return (step) => (step < numWarmupSteps ? warmup(step) : 1);
    default:
      throw new Error(`Unknown lrSchedulerType "${type as string}"; use one of ${SCHEDULER_TYPES.join(", ")}.`);
  }
}

/** A learning-rate schedule with the state torch's LambdaLR saves (`last_epoch` = steps taken). */
export class LrScheduler {
  private readonly lambda: LrLambda;
  lastEpoch = 0;

  constructor(
    readonly baseLr: number,
    readonly type: SchedulerType,
    readonly numWarmupSteps: number,
    readonly numTrainingSteps: number,
  ) {
    this.lambda = getScheduleLambda(type, numWarmupSteps, numTrainingSteps);
  }

  /** The learning rate of the next optimizer step. */
  get lr(): number {
    return this.baseLr * this.lambda(this.lastEpoch);
  }

  step(): void {
    this.lastEpoch++;
  }

  stateDict(): Record<string, unknown> {
    return {
      type: this.type,
      base_lrs: [this.baseLr],
      last_epoch: this.lastEpoch,
      _last_lr: [this.lr],
      num_warmup_steps: this.numWarmupSteps,
      num_training_steps: this.numTrainingSteps,
    };
  }

  loadStateDict(state: Record<string, unknown>): void {
    const last = state.last_epoch;
    if (typeof last !== "number" || !Number.isInteger(last) || last < 0) {
      throw new Error(`scheduler state: "last_epoch" must be a non-negative integer, got ${JSON.stringify(last)}.`);
    }
    this.lastEpoch = last;
  }
}
