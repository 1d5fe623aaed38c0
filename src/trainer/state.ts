// What the Trainer knows about a run, saved as trainer_state.json with Python's snake_case keys.

/** One `log_history` entry: `{loss, grad_norm, learning_rate, epoch, step}`, `{eval_loss, ..., epoch, step}`, ... */
export type LogEntry = Record<string, number>;

export class TrainerState {
  epoch: number | null = null;
  globalStep = 0;
  maxSteps = 0;
  loggingSteps = 500;
  evalSteps = 500;
  saveSteps = 500;
  trainBatchSize: number | null = null;
  numTrainEpochs = 0;
  numInputTokensSeen = 0;
  totalFlos = 0;
  logHistory: LogEntry[] = [];
  bestMetric: number | null = null;
  bestGlobalStep: number | null = null;
  bestModelCheckpoint: string | null = null;
  isLocalProcessZero = true;
  isWorldProcessZero = true;
  isHyperParamSearch = false;
  trialName: string | null = null;
  trialParams: Record<string, unknown> | null = null;
  statefulCallbacks: Record<string, unknown> = {};

  constructor(init: Partial<TrainerState> = {}) {
    Object.assign(this, init);
  }

  /** trainer_state.json's content, keys as transformers writes them. */
  toJSON(): Record<string, unknown> {
    return {
      best_global_step: this.bestGlobalStep,
      best_metric: this.bestMetric,
      best_model_checkpoint: this.bestModelCheckpoint,
      epoch: this.epoch,
      eval_steps: this.evalSteps,
      global_step: this.globalStep,
      is_hyper_param_search: this.isHyperParamSearch,
      is_local_process_zero: this.isLocalProcessZero,
      is_world_process_zero: this.isWorldProcessZero,
      log_history: this.logHistory,
      logging_steps: this.loggingSteps,
      max_steps: this.maxSteps,
      num_input_tokens_seen: this.numInputTokensSeen,
      num_train_epochs: this.numTrainEpochs,
      save_steps: this.saveSteps,
      stateful_callbacks: this.statefulCallbacks,
      total_flos: this.totalFlos,
      train_batch_size: this.trainBatchSize,
      trial_name: this.trialName,
      trial_params: this.trialParams,
    };
  }

  static fromJSON(json: Record<string, unknown>, source = "trainer_state.json"): TrainerState {
    const num = (key: string, fallback: number | null = null): number | null => {
      const v = json[key];
      if (v === undefined || v === null) return fallback;
      if (typeof v !== "number") throw new Error(`${source}: "${key}" must be a number, got ${JSON.stringify(v)}.`);
      return v;
    };
    const globalStep = num("global_step");
    if (globalStep === null || !Number.isInteger(globalStep)) throw new Error(`${source}: "global_step" is missing or not an integer; is this a trainer_state.json?`);
    if (json.log_history !== undefined && !Array.isArray(json.log_history)) throw new Error(`${source}: "log_history" must be a list.`);
    return new TrainerState({
      epoch: num("epoch"),
      globalStep,
      maxSteps: num("max_steps", 0)!,
      loggingSteps: num("logging_steps", 500)!,
      evalSteps: num("eval_steps", 500)!,
      saveSteps: num("save_steps", 500)!,
      trainBatchSize: num("train_batch_size"),
      numTrainEpochs: num("num_train_epochs", 0)!,
      numInputTokensSeen: num("num_input_tokens_seen", 0)!,
      totalFlos: num("total_flos", 0)!,
      logHistory: (json.log_history as LogEntry[] | undefined) ?? [],
      bestMetric: num("best_metric"),
      bestGlobalStep: num("best_global_step"),
      bestModelCheckpoint: (json.best_model_checkpoint as string | null | undefined) ?? null,
      isHyperParamSearch: Boolean(json.is_hyper_param_search),
      trialName: (json.trial_name as string | null | undefined) ?? null,
      trialParams: (json.trial_params as Record<string, unknown> | null | undefined) ?? null,
      statefulCallbacks: (json.stateful_callbacks as Record<string, unknown> | undefined) ?? {},
    });
  }
}

/** Flags callbacks set to steer the loop; the Trainer resets each once it has acted on it. */
export class TrainerControl {
  shouldTrainingStop = false;
  shouldEpochStop = false;
  shouldSave = false;
  shouldEvaluate = false;
  shouldLog = false;
}
