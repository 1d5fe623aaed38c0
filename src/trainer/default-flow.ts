import type { TrainerCallback } from "./callbacks.js";
import type { TrainerControl, TrainerState } from "./state.js";
import type { TrainingArguments } from "./training-args.js";

/** Decides when to log, evaluate and save from the strategies, like transformers' DefaultFlowCallback. */
export class DefaultFlowCallback implements TrainerCallback {
  onStepEnd(args: TrainingArguments, state: TrainerState, control: TrainerControl): void {
    const step = state.globalStep;
    if (step === 1 && args.loggingFirstStep) control.shouldLog = true;
    if (args.loggingStrategy === "steps" && step % state.loggingSteps === 0) control.shouldLog = true;
    if (args.evalStrategy === "steps" && step % state.evalSteps === 0) control.shouldEvaluate = true;
    if (args.saveStrategy === "steps" && state.saveSteps > 0 && step % state.saveSteps === 0) control.shouldSave = true;
    if (step >= state.maxSteps) {
      control.shouldTrainingStop = true;
      if (args.saveStrategy !== "no") control.shouldSave = true;
    }
  }

  onEpochEnd(args: TrainingArguments, _state: TrainerState, control: TrainerControl): void {
    if (args.loggingStrategy === "epoch") control.shouldLog = true;
    if (args.evalStrategy === "epoch") control.shouldEvaluate = true;
    if (args.saveStrategy === "epoch") control.shouldSave = true;
  }
}
