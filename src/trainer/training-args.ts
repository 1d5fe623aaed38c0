// The options of a training run, named as Hugging Face's TrainingArguments in camelCase, with the
// same defaults and the same checks on invalid combinations.
import { checkOptions, snakeCase } from "../options.js";

export type IntervalStrategy = "no" | "steps" | "epoch";
export type SchedulerType = "linear" | "cosine" | "constant" | "constant_with_warmup";

const STRATEGIES: readonly IntervalStrategy[] = ["no", "steps", "epoch"];
export const SCHEDULER_TYPES: readonly SchedulerType[] = ["linear", "cosine", "constant", "constant_with_warmup"];

export interface TrainingArgumentsInit {
  /** Where checkpoints (`checkpoint-{step}/`) and the final model go. Required. */
  outputDir: string;
  /** When to evaluate: "no" (default), "steps" (every `evalSteps`) or "epoch". */
  evalStrategy?: IntervalStrategy;
  /** The old name of `evalStrategy` (Python's `evaluation_strategy`), accepted with transformers' deprecation notice, as the exercise uses it. */
  evaluationStrategy?: IntervalStrategy;
  /**
   * Where to report logs: "none" or [] (nothing), or "all" (every installed integration: this
   * library has none, so a notice says nothing is reported). Named integrations ("wandb",
   * "tensorboard", ...) are an error: they do not exist here. Logs are in `trainer.state.logHistory`.
   */
  reportTo?: string | string[];
  perDeviceTrainBatchSize?: number;
  perDeviceEvalBatchSize?: number;
  gradientAccumulationSteps?: number;
  learningRate?: number;
  /** Decoupled AdamW weight decay, never applied to biases and LayerNorm weights. */
  weightDecay?: number;
  adamBeta1?: number;
  adamBeta2?: number;
  adamEpsilon?: number;
  /** Clip the global gradient norm to this (0 or less: no clipping). */
  maxGradNorm?: number;
  numTrainEpochs?: number;
  /** When > 0, the number of optimizer steps to run; overrides `numTrainEpochs`. */
  maxSteps?: number;
  lrSchedulerType?: SchedulerType;
  warmupRatio?: number;
  /** Linear warmup steps; wins over `warmupRatio` when > 0. */
  warmupSteps?: number;
  loggingStrategy?: IntervalStrategy;
  loggingFirstStep?: boolean;
  /** Log the training loss every this many steps (a value below 1 is a fraction of the total steps). */
  loggingSteps?: number;
  saveStrategy?: IntervalStrategy;
  saveSteps?: number;
  /** Keep at most this many checkpoints (the best one is never deleted). */
  saveTotalLimit?: number | null;
  /** Checkpoints hold the model only (no optimizer/scheduler/RNG state: they cannot be resumed). */
  saveOnlyModel?: boolean;
  seed?: number;
  /** Seed of the batch order; defaults to `seed`. */
  dataSeed?: number | null;
  /** Evaluate every this many steps (defaults to `loggingSteps`). */
  evalSteps?: number | null;
  dataloaderDropLast?: boolean;
  /** No progress bar: logs are printed as lines instead. */
  disableTqdm?: boolean;
  /** Pass only the columns the model takes (`input_ids`, `attention_mask`, `token_type_ids` where it has token types, labels) to the collator. */
  removeUnusedColumns?: boolean;
  loadBestModelAtEnd?: boolean;
  /** Metric to pick the best checkpoint, with or without the `eval_` prefix (default "loss"). */
  metricForBestModel?: string | null;
  /** Default: `false` when `metricForBestModel` ends in "loss", `true` otherwise. */
  greaterIsBetter?: boolean | null;
  /**
   * Batches of rows of similar length, as transformers' LengthGroupedSampler: less padding, faster epochs,
   * where the rows are not padded when tokenizing (the collator pads each batch to its longest row).
   */
  groupByLength?: boolean;
  /** The column holding each row's length for groupByLength (default "length"; without it, each row's attention mask). */
  lengthColumnName?: string;
}

/** The column groupByLength reads each row's length from, when the dataset has it (as transformers). */
export const DEFAULT_LENGTH_COLUMN = "length";

const DEFAULTS = {
  evalStrategy: "no" as IntervalStrategy,
  perDeviceTrainBatchSize: 8,
  perDeviceEvalBatchSize: 8,
  gradientAccumulationSteps: 1,
  learningRate: 5e-5,
  weightDecay: 0,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  adamEpsilon: 1e-8,
  maxGradNorm: 1.0,
  numTrainEpochs: 3,
  maxSteps: -1,
  lrSchedulerType: "linear" as SchedulerType,
  warmupRatio: 0,
  warmupSteps: 0,
  loggingStrategy: "steps" as IntervalStrategy,
  loggingFirstStep: false,
  loggingSteps: 500,
  saveStrategy: "steps" as IntervalStrategy,
  saveSteps: 500,
  saveTotalLimit: null as number | null,
  saveOnlyModel: false,
  seed: 42,
  dataSeed: null as number | null,
  evalSteps: null as number | null,
  dataloaderDropLast: false,
  disableTqdm: false,
  removeUnusedColumns: true,
  loadBestModelAtEnd: false,
  metricForBestModel: null as string | null,
  greaterIsBetter: null as boolean | null,
  groupByLength: false,
  lengthColumnName: DEFAULT_LENGTH_COLUMN,
};

const KNOWN = new Set<string>([...Object.keys(DEFAULTS), "outputDir", "evaluationStrategy", "reportTo"]);

export class TrainingArguments {
  readonly outputDir: string;
  evalStrategy: IntervalStrategy;
  perDeviceTrainBatchSize: number;
  perDeviceEvalBatchSize: number;
  gradientAccumulationSteps: number;
  learningRate: number;
  weightDecay: number;
  adamBeta1: number;
  adamBeta2: number;
  adamEpsilon: number;
  maxGradNorm: number;
  numTrainEpochs: number;
  maxSteps: number;
  lrSchedulerType: SchedulerType;
  warmupRatio: number;
  warmupSteps: number;
  loggingStrategy: IntervalStrategy;
  loggingFirstStep: boolean;
  loggingSteps: number;
  saveStrategy: IntervalStrategy;
  saveSteps: number;
  saveTotalLimit: number | null;
  saveOnlyModel: boolean;
  seed: number;
  dataSeed: number | null;
  evalSteps: number | null;
  dataloaderDropLast: boolean;
  disableTqdm: boolean;
  removeUnusedColumns: boolean;
  loadBestModelAtEnd: boolean;
  metricForBestModel: string | null;
  greaterIsBetter: boolean | null;
  groupByLength: boolean;
  lengthColumnName: string;
  /** The integrations reported to: always none, as this library has none. */
  reportTo: string[];

  constructor(init: TrainingArgumentsInit) {
    if (init === null || typeof init !== "object") {
      throw new Error('TrainingArguments: pass an options object, e.g. new TrainingArguments({ outputDir: "test_trainer" }).');
    }
    checkOptions("TrainingArguments", init, KNOWN, { list: false });
    if (typeof init.outputDir !== "string" || init.outputDir === "") {
      throw new Error('TrainingArguments: outputDir is required (the folder for checkpoints), e.g. { outputDir: "test_trainer" }.');
    }
    if (init.evaluationStrategy !== undefined) {
      if (init.evalStrategy !== undefined) {
        throw new Error(
          `TrainingArguments: evaluationStrategy ("${init.evaluationStrategy}") is the old name of evalStrategy ("${init.evalStrategy}"); pass only evalStrategy.`,
        );
      }
      console.warn("`evaluationStrategy` is deprecated and was removed in version 4.46 of 🤗 Transformers. Use `evalStrategy` instead");
    }
    const o = { ...DEFAULTS, ...stripUndefined(init) };
    this.outputDir = init.outputDir;
    this.evalStrategy = init.evalStrategy ?? init.evaluationStrategy ?? DEFAULTS.evalStrategy;
    this.perDeviceTrainBatchSize = o.perDeviceTrainBatchSize;
    this.perDeviceEvalBatchSize = o.perDeviceEvalBatchSize;
    this.gradientAccumulationSteps = o.gradientAccumulationSteps;
    this.learningRate = o.learningRate;
    this.weightDecay = o.weightDecay;
    this.adamBeta1 = o.adamBeta1;
    this.adamBeta2 = o.adamBeta2;
    this.adamEpsilon = o.adamEpsilon;
    this.maxGradNorm = o.maxGradNorm;
    this.numTrainEpochs = o.numTrainEpochs;
    this.maxSteps = o.maxSteps;
    this.lrSchedulerType = o.lrSchedulerType;
    this.warmupRatio = o.warmupRatio;
    this.warmupSteps = o.warmupSteps;
    this.loggingStrategy = o.loggingStrategy;
    this.loggingFirstStep = o.loggingFirstStep;
    this.loggingSteps = o.loggingSteps;
    this.saveStrategy = o.saveStrategy;
    this.saveSteps = o.saveSteps;
    this.saveTotalLimit = o.saveTotalLimit;
    this.saveOnlyModel = o.saveOnlyModel;
    this.seed = o.seed;
    this.dataSeed = o.dataSeed;
    this.evalSteps = o.evalSteps;
    this.dataloaderDropLast = o.dataloaderDropLast;
    this.disableTqdm = o.disableTqdm;
    this.removeUnusedColumns = o.removeUnusedColumns;
    this.loadBestModelAtEnd = o.loadBestModelAtEnd;
    this.metricForBestModel = o.metricForBestModel;
    this.greaterIsBetter = o.greaterIsBetter;
    this.groupByLength = o.groupByLength;
    this.lengthColumnName = o.lengthColumnName;
    this.reportTo = reportTargets(init.reportTo);
    this.validate();
  }

  /** Whether evaluation happens during training. */
  get doEval(): boolean {
    return this.evalStrategy !== "no";
  }

  /** Warmup steps for a run of `numTrainingSteps` optimizer steps (`warmupSteps`, else `ceil(warmupRatio * steps)`). */
  getWarmupSteps(numTrainingSteps: number): number {
    return this.warmupSteps > 0 ? this.warmupSteps : Math.ceil(numTrainingSteps * this.warmupRatio);
  }

  /** The arguments with Python's snake_case keys, as written to `training_args.json`. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) out[snakeCase(k)] = v;
    return out;
  }

  private validate(): void {
    const fail = (msg: string): never => {
      throw new Error(`TrainingArguments: ${msg}`);
    };
    for (const [name, value] of [
      ["evalStrategy", this.evalStrategy],
      ["saveStrategy", this.saveStrategy],
      ["loggingStrategy", this.loggingStrategy],
    ] as const) {
      if (!STRATEGIES.includes(value)) fail(`${name} must be one of ${STRATEGIES.map((s) => `"${s}"`).join(", ")}, got ${JSON.stringify(value)}.`);
    }
    if (!SCHEDULER_TYPES.includes(this.lrSchedulerType)) {
      fail(`${JSON.stringify(this.lrSchedulerType)} is not a valid lrSchedulerType, please select one of ${SCHEDULER_TYPES.map((s) => `"${s}"`).join(", ")}.`);
    }
    const positiveInt = (name: string, v: number) => {
      if (!Number.isInteger(v) || v < 1) fail(`${name} must be a positive integer, got ${v}.`);
    };
    positiveInt("perDeviceTrainBatchSize", this.perDeviceTrainBatchSize);
    positiveInt("perDeviceEvalBatchSize", this.perDeviceEvalBatchSize);
    positiveInt("gradientAccumulationSteps", this.gradientAccumulationSteps);
    const finite = (name: string, v: number, min = -Infinity) => {
      if (typeof v !== "number" || !Number.isFinite(v) || v < min) fail(`${name} must be a number${min > -Infinity ? ` >= ${min}` : ""}, got ${v}.`);
    };
    finite("learningRate", this.learningRate, 0);
    finite("weightDecay", this.weightDecay, 0);
    finite("adamEpsilon", this.adamEpsilon, 0);
    finite("maxGradNorm", this.maxGradNorm);
    finite("numTrainEpochs", this.numTrainEpochs, 0);
    finite("seed", this.seed);
    for (const [name, b] of [["adamBeta1", this.adamBeta1], ["adamBeta2", this.adamBeta2]] as const) {
      if (!(b >= 0 && b < 1)) fail(`${name} must be in [0, 1), got ${b}.`);
    }
    if (!Number.isInteger(this.maxSteps)) fail(`maxSteps must be an integer (-1: use numTrainEpochs), got ${this.maxSteps}.`);
    if (!(this.warmupRatio >= 0 && this.warmupRatio <= 1)) fail(`warmupRatio must lie in range [0,1], got ${this.warmupRatio}.`);
    if (!Number.isInteger(this.warmupSteps) || this.warmupSteps < 0) fail(`warmupSteps must be a non-negative integer, got ${this.warmupSteps}.`);
    if (this.saveTotalLimit !== null && (!Number.isInteger(this.saveTotalLimit) || this.saveTotalLimit < 1)) {
      fail(`saveTotalLimit must be a positive integer or null (keep every checkpoint), got ${this.saveTotalLimit}.`);
    }

    if (this.evalStrategy === "steps" && (this.evalSteps === null || this.evalSteps === 0)) {
      if (this.loggingSteps > 0) this.evalSteps = this.loggingSteps;
      else fail(`evaluation strategy ${this.evalStrategy} requires either non-zero evalSteps or loggingSteps.`);
    }
    if (this.loggingStrategy === "steps" && this.loggingSteps === 0) fail(`logging strategy ${this.loggingStrategy} requires non-zero loggingSteps.`);
    if (this.saveStrategy === "steps" && this.saveSteps === 0) fail(`save strategy ${this.saveStrategy} requires a positive saveSteps (a checkpoint every saveSteps steps), got 0; or set saveStrategy: "no".`);
    for (const [name, v] of [["loggingSteps", this.loggingSteps], ["saveSteps", this.saveSteps], ["evalSteps", this.evalSteps]] as const) {
      if (v === null) continue;
      if (!(v >= 0) || (v > 1 && !Number.isInteger(v))) fail(`${name} must be an integer if bigger than 1: ${v}.`);
    }

    if (this.loadBestModelAtEnd) {
      if (this.evalStrategy !== this.saveStrategy) {
        fail(
          "loadBestModelAtEnd requires the save and eval strategy to match, but found\n" +
            `- Evaluation strategy: ${this.evalStrategy}\n- Save strategy: ${this.saveStrategy}`,
        );
      }
      if (this.evalStrategy === "steps" && this.evalSteps !== null && this.saveSteps % this.evalSteps !== 0) {
        const ratios = this.evalSteps < 1 || this.saveSteps < 1;
        fail(
          ratios
            ? `loadBestModelAtEnd requires the saving steps to be a multiple of the evaluation steps, which cannot get guaranteed when mixing ratio and absolute steps for saveSteps ${this.saveSteps} and evalSteps ${this.evalSteps}.`
            : `loadBestModelAtEnd requires the saving steps to be a round multiple of the evaluation steps, but found ${this.saveSteps}, which is not a round multiple of ${this.evalSteps}.`,
        );
      }
      if (this.metricForBestModel === null) this.metricForBestModel = "loss";
    }
    if (this.greaterIsBetter === null && this.metricForBestModel !== null) {
      this.greaterIsBetter = !this.metricForBestModel.endsWith("loss");
    }
  }
}

/** The integrations `reportTo` names: none exist here, so "all" reports nothing (with a notice saying so) and a named one is an error. */
function reportTargets(reportTo: string | string[] | undefined): string[] {
  const names = reportTo === undefined ? [] : typeof reportTo === "string" ? [reportTo] : reportTo;
  if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) {
    throw new Error(`TrainingArguments: reportTo must be "none", "all", or a list of integration names, got ${JSON.stringify(reportTo)}.`);
  }
  for (const name of names) {
    if (name === "none") continue;
    if (name === "all") {
      console.warn(
        'TrainingArguments: reportTo "all" reports to every installed integration (TensorBoard, Weights & Biases, MLflow, ...); ' +
          "this library has none, so nothing is reported: the logs are in trainer.state.logHistory.",
      );
      continue;
    }
    throw new Error(
      `TrainingArguments: reportTo ${JSON.stringify(name)}: this library has no integration with ${name}, so it cannot report there. ` +
        'Pass reportTo: "none"; the logs are in trainer.state.logHistory (plotLearningCurves(trainer.state.logHistory) draws them).',
    );
  }
  return [];
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
