export { TrainingArguments, type TrainingArgumentsInit, type IntervalStrategy, type SchedulerType } from "./training-args.js";
export {
  Trainer,
  type TrainerOptions,
  type TrainableModel,
  type TrainerTokenizer,
  type EvalPrediction,
  type ComputeMetrics,
  type TrainOutput,
  type TrainOptions,
  type PredictionOutput,
} from "./trainer.js";
export { Interrupted } from "./interrupt.js";
export { TrainerState, TrainerControl, type LogEntry } from "./state.js";
export { CallbackHandler, type TrainerCallback, type CallbackExtra, type CallbackEvent } from "./callbacks.js";
export { DefaultFlowCallback } from "./default-flow.js";
export { EarlyStoppingCallback, type EarlyStoppingOptions } from "./early-stopping.js";
export {
  ProgressCallback,
  PrinterCallback,
  setDefaultProgressCallback,
  getDefaultProgressCallback,
  formatLogs,
  type ProgressCallbackFactory,
  type TextStream,
} from "./progress.js";
export { AdamW, noDecay, type AdamWOptions, type Optimizer, type OptimizerTensor } from "./adamw.js";
export { LrScheduler, getScheduleLambda, type LrLambda } from "./schedules.js";
export { clipCoefficient, clipGradNorm, globalGradNorm } from "./clip-grad-norm.js";
export { DataCollatorWithPadding, defaultDataCollator, type DataCollator, type ModelBatch, type PaddingTokenizer } from "./data-collator.js";
export { type TrainerDataset } from "./dataset-view.js";
export { getLastCheckpoint, sortedCheckpoints, PREFIX_CHECKPOINT_DIR } from "./checkpoint.js";
