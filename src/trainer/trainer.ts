// The training loop of transformers' Trainer: shuffled batches, loss and gradients, global-norm
// clipping, AdamW with a learning-rate schedule, logging, evaluation and checkpoints on schedule,
// resuming from a checkpoint, and the best model reloaded at the end.
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { inspect } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { manualSeed } from "../nn/random.js";
import { checkOptions, optionNames } from "../options.js";
import { say } from "../errors.js";
import { readSafetensors } from "../safetensors.js";
import { AdamW, type Optimizer } from "./adamw.js";
import { CallbackHandler, type CallbackEvent, type CallbackExtra, type TrainerCallback } from "./callbacks.js";
import {
  TRAINING_ARGS_NAME,
  checkpointName,
  getLastCheckpoint,
  loadCheckpoint,
  rotateCheckpoints,
  saveCheckpoint,
  type SavesPretrained,
} from "./checkpoint.js";
import { clipCoefficient, globalGradNorm } from "./clip-grad-norm.js";
import { DataCollatorWithPadding, collate, defaultDataCollator, disposeBatch, type DataCollator, type ModelBatch, type PaddingTokenizer } from "./data-collator.js";
import { DatasetView, type TrainerDataset } from "./dataset-view.js";
import { DefaultFlowCallback } from "./default-flow.js";
import { checkOutputDir, explainWriteError } from "./output-dir.js";
import { Interrupted, stoppable, yieldToSignals, type StopFlag } from "./interrupt.js";
import { PrinterCallback, getDefaultProgressCallback } from "./progress.js";
import { lengthGroupedOrder, shuffledOrder, toBatches } from "./sampler.js";
import { LrScheduler } from "./schedules.js";
import { TrainerControl, TrainerState, type LogEntry } from "./state.js";
import { TrainingArguments } from "./training-args.js";

/** What the Trainer needs of a model (every `...ForSequenceClassification` has it). */
export interface TrainableModel {
  config: object;
  training: boolean;
  train(mode?: boolean): unknown;
  eval(): unknown;
  namedParameters(): Array<[string, tf.Variable]>;
  /** The batch columns forward reads (e.g. token_type_ids for BERT); the Trainer drops the others when removeUnusedColumns. */
  readonly inputNames?: readonly string[];
  /** Synchronous, usable inside tf.variableGrads; `loss` is the batch mean when `labels` are given. */
  forward(inputs: any, options?: any): { logits: tf.Tensor; loss?: tf.Scalar };
  savePretrained(dir: string): Promise<void>;
  loadStateDict(state: Map<string, { shape: readonly number[]; data: ArrayLike<number> }>, options?: { strict?: boolean }): unknown;
}

/** A tokenizer as the Trainer uses it: to pad batches, and saved beside the model. */
export type TrainerTokenizer = PaddingTokenizer & Partial<SavesPretrained>;

/**
 * `compute_metrics`'s argument: the logits and the labels, as fields or destructured like the Python
 * tuple: `const [logits, labels] = evalPrediction`.
 */
export type EvalPrediction = [predictions: number[][], labelIds: number[]] & { predictions: number[][]; label_ids: number[] };

export type ComputeMetrics = (evalPrediction: EvalPrediction) => Record<string, number> | Promise<Record<string, number>>;

export interface TrainerOptions {
  model: TrainableModel;
  /** Default: `new TrainingArguments({ outputDir: "tmp_trainer" })`. */
  args?: TrainingArguments;
  trainDataset?: TrainerDataset;
  evalDataset?: TrainerDataset;
  computeMetrics?: ComputeMetrics;
  /** Pads batches (DataCollatorWithPadding) and is saved with checkpoints. */
  tokenizer?: TrainerTokenizer;
  /** The newer name of `tokenizer`. */
  processingClass?: TrainerTokenizer;
  dataCollator?: DataCollator;
  /** Added after the default flow and progress callbacks. */
  callbacks?: Array<TrainerCallback | (new () => TrainerCallback)>;
}

export interface TrainOutput {
  globalStep: number;
  /** Mean training loss over the optimizer steps of this call. */
  trainingLoss: number;
  /** True when an interrupt (Ctrl+C, Jupyter's ■) stopped training before its end. */
  interrupted?: boolean;
  /** `train_runtime`, `train_samples_per_second`, `train_steps_per_second`, `train_loss`, `epoch`. */
  metrics: Record<string, number>;
}

export interface PredictionOutput {
  /** Logits, `[rows, numLabels]`. */
  predictions: number[][];
  label_ids: number[] | null;
  metrics: Record<string, number>;
}

export interface TrainOptions {
  /** `true`: the latest `checkpoint-*` of `outputDir`; a string: that checkpoint folder. */
  resumeFromCheckpoint?: boolean | string;
}

const TRAINER_OPTIONS = optionNames<TrainerOptions>({
  model: true, args: true, trainDataset: true, evalDataset: true, computeMetrics: true, tokenizer: true, processingClass: true, dataCollator: true, callbacks: true,
});

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function speedMetrics(prefix: string, startMs: number, numSamples: number, numSteps: number): Record<string, number> {
  const runtime = (performance.now() - startMs) / 1000;
  return {
    [`${prefix}_runtime`]: round(runtime, 4),
    [`${prefix}_samples_per_second`]: round(numSamples / runtime, 3),
    [`${prefix}_steps_per_second`]: round(numSteps / runtime, 3),
  };
}

/** Steps below 1 are a fraction of the run's steps (transformers' convention). */
function absoluteSteps(steps: number | null, maxSteps: number, fallback: number): number {
  if (steps === null || steps === 0) return fallback;
  return steps < 1 ? Math.ceil(maxSteps * steps) : steps;
}

/** The run (train, evaluate or predict) each model is in, across trainers. */
const modelRuns = new WeakMap<object, string>();

function alreadyRunning(running: string, called: string): string {
  return say({
    en:
      `${called}() cannot start: ${running}() is still running on this model (started without \`await\`, or still busy in another cell). ` +
      `Wait for it (\`await trainer.${running}()\`), or stop it with ■ (interrupt the kernel) first.`,
    es:
      `${called}() no puede empezar: ${running}() sigue ejecutándose con este modelo (se lanzó sin \`await\`, o sigue en otra celda). ` +
      `Espera a que termine (\`await trainer.${running}()\`), o páralo antes con ■ (interrumpir el kernel).`,
  });
}

function modelNumLabels(model: TrainableModel): number | undefined {
  const config = model.config as { numLabels?: unknown; num_labels?: unknown; id2label?: Record<string, string> };
  for (const n of [config.numLabels, config.num_labels]) if (typeof n === "number") return n;
  return config.id2label ? Object.keys(config.id2label).length : undefined;
}

/**
 * The mean training loss of the steps the log history covers (each logged `loss` weighted by the steps it
 * averages), NaN when none was logged: what a resumed run that had nothing left to train reports.
 */
function loggedTrainingLoss(history: readonly LogEntry[]): number {
  let sum = 0;
  let steps = 0;
  let last = 0;
  for (const entry of history) {
    if (entry.loss === undefined || entry.step === undefined) continue;
    sum += entry.loss * (entry.step - last);
    steps += entry.step - last;
    last = entry.step;
  }
  return steps > 0 ? sum / steps : NaN;
}

/** The dropout stream of step `step`: a function of (seed, step) only, so a resumed run replays the same masks. */
function stepSeed(seed: number, step: number): number {
  return (Math.trunc(seed) ^ Math.imul(step + 1, 0x85ebca6b)) >>> 0;
}

export class Trainer {
  readonly model: TrainableModel;
  readonly args: TrainingArguments;
  trainDataset?: TrainerDataset;
  evalDataset?: TrainerDataset;
  computeMetrics?: ComputeMetrics;
  readonly tokenizer?: TrainerTokenizer;
  readonly dataCollator: DataCollator;
  readonly callbackHandler: CallbackHandler;
  state = new TrainerState();
  control = new TrainerControl();
  /** Set during `train()` (see `createOptimizer`). */
  optimizer?: Optimizer;
  lrScheduler?: LrScheduler;

  private trLoss = 0;
  private globalStepLastLogged = 0;
  private lastGradNorm: number | undefined;
  private lastLearningRate: number | undefined;
  /** The train(), evaluate() or predict() running now, and the flag that stops it. */
  private running: { what: string; flag: StopFlag } | undefined;
  private evaluatingInTrain = false;

  constructor(options: TrainerOptions) {
    if (!options || typeof options !== "object" || !options.model) {
      throw new Error("Trainer: pass { model, args, trainDataset, evalDataset, ... }; `model` is required.");
    }
    checkOptions("Trainer", options, TRAINER_OPTIONS);
    const m = options.model as Partial<TrainableModel>;
    if (typeof m.forward !== "function" || typeof m.namedParameters !== "function") {
      throw new Error("Trainer: `model` must be a model with forward() and namedParameters(), e.g. from AutoModelForSequenceClassification.fromPretrained.");
    }
    if (options.args !== undefined && !(options.args instanceof TrainingArguments)) {
      throw new Error("Trainer: `args` must be a TrainingArguments: new TrainingArguments({ outputDir, ... }).");
    }
    this.model = options.model;
    this.args = options.args ?? new TrainingArguments({ outputDir: "tmp_trainer" });
    this.trainDataset = options.trainDataset;
    this.evalDataset = options.evalDataset;
    this.computeMetrics = options.computeMetrics;
    this.tokenizer = options.processingClass ?? options.tokenizer;
    this.dataCollator = options.dataCollator ?? (this.tokenizer ? new DataCollatorWithPadding({ tokenizer: this.tokenizer }) : defaultDataCollator);
    if (this.args.doEval && !this.evalDataset) {
      throw new Error(
        `You have set evalStrategy to "${this.args.evalStrategy}" but you didn't pass an evalDataset to the Trainer. Either set evalStrategy to "no" or pass an evalDataset.`,
      );
    }
    const progress = this.args.disableTqdm ? new PrinterCallback() : getDefaultProgressCallback()(this.args);
    this.callbackHandler = new CallbackHandler([new DefaultFlowCallback(), ...(progress ? [progress] : []), ...(options.callbacks ?? [])]);
  }

  /** A notebook cell's value: the model, the main arguments, the data and the progress, in one line. */
  [inspect.custom](): string {
    const a = this.args;
    const rows = (d: TrainerDataset | undefined) => (d && typeof (d as { numRows?: unknown }).numRows === "number" ? `${(d as { numRows: number }).numRows} rows` : d ? "given" : "none");
    const model = (this.model as { constructor: { name: string } }).constructor.name;
    return (
      `Trainer(model: ${model}, outputDir: ${JSON.stringify(a.outputDir)}, numTrainEpochs: ${a.numTrainEpochs}, ` +
      `perDeviceTrainBatchSize: ${a.perDeviceTrainBatchSize}, learningRate: ${a.learningRate}, trainDataset: ${rows(this.trainDataset)}, ` +
      `evalDataset: ${rows(this.evalDataset)}, globalStep: ${this.state.globalStep}${this.running ? `, running: ${this.running.what}()` : ""})`
    );
  }

  addCallback(callback: TrainerCallback | (new () => TrainerCallback)): void {
    this.callbackHandler.add(callback);
  }

  /** Remove and return a callback (or the first instance of a callback class). */
  popCallback(callback: TrainerCallback | (new () => TrainerCallback)): TrainerCallback | undefined {
    return this.callbackHandler.pop(callback);
  }

  removeCallback(callback: TrainerCallback | (new () => TrainerCallback)): void {
    this.callbackHandler.pop(callback);
  }

  /** AdamW over the model's trainable parameters; override to train with another `Optimizer`. */
  createOptimizer(): Optimizer {
    return new AdamW(this.model.namedParameters(), {
      lr: this.args.learningRate,
      betas: [this.args.adamBeta1, this.args.adamBeta2],
      eps: this.args.adamEpsilon,
      weightDecay: this.args.weightDecay,
    });
  }

  private async emit(event: CallbackEvent, extra: CallbackExtra = {}): Promise<void> {
    await this.callbackHandler.call(event, this.args, this.state, this.control, { model: this.model, trainer: this, ...extra });
  }

  private view(dataset: TrainerDataset | undefined, role: string): DatasetView {
    if (!dataset) throw new Error(`Trainer: no ${role}; pass it to new Trainer({ ..., ${role} }) or as an argument.`);
    return new DatasetView(dataset, role, { removeUnusedColumns: this.args.removeUnusedColumns, numLabels: modelNumLabels(this.model), inputNames: this.model.inputNames });
  }

  /** Evaluation scores need labels: without them computeMetrics (and eval_loss) would be skipped silently. */
  private requireLabelsToScore(data: DatasetView): void {
    const needs = this.computeMetrics ? "computeMetrics" : this.args.metricForBestModel !== null ? `metricForBestModel ("${this.args.metricForBestModel}")` : undefined;
    if (needs === undefined || data.hasLabels) return;
    throw new Error(
      `${data.role} has no "label" column (columns: ${data.columnNames.join(", ")}), so ${needs} cannot be computed on it. ` +
        `Evaluate on a split with labels (e.g. "validation"), and keep its "label" column when you map or removeColumns.`,
    );
  }

  /** Runs `body` as this trainer's and this model's only run, stoppable by SIGINT; refuses a second one. */
  private async exclusive<T>(what: string, body: (flag: StopFlag) => Promise<T>): Promise<T> {
    const busy = this.running?.what ?? modelRuns.get(this.model);
    if (busy) throw new Error(alreadyRunning(busy, what));
    this.running = { what, flag: { requested: false } };
    modelRuns.set(this.model, what);
    try {
      return await stoppable((flag) => {
        this.running!.flag = flag;
        return body(flag);
      });
    } finally {
      this.running = undefined;
      modelRuns.delete(this.model);
    }
  }

  /**
   * Fine-tune the model. Returns the step count, the mean training loss and speed metrics. An
   * interrupt (Ctrl+C, Jupyter's ■) stops it at the next step boundary: it then says so, leaves the
   * model with that step's weights and returns with `interrupted: true`.
   */
  train(options: TrainOptions = {}): Promise<TrainOutput> {
    return this.exclusive("train", (flag) => this.trainLoop(options, flag));
  }

  private async trainLoop(options: TrainOptions, flag: StopFlag): Promise<TrainOutput> {
    checkOptions("train", options, ["resumeFromCheckpoint"]);
    const args = this.args;
    const data = this.view(this.trainDataset, "trainDataset");
    if (args.doEval) this.requireLabelsToScore(this.view(this.evalDataset, "evalDataset")); // fail now rather than after the first epoch
    if (args.saveStrategy !== "no") await checkOutputDir(args.outputDir);

    let resumeFrom: string | undefined;
    if (options.resumeFromCheckpoint === true) {
      resumeFrom = await getLastCheckpoint(args.outputDir);
      if (!resumeFrom) throw new Error(`No valid checkpoint found in output directory (${args.outputDir}); train without resumeFromCheckpoint.`);
    } else if (typeof options.resumeFromCheckpoint === "string") {
      resumeFrom = options.resumeFromCheckpoint;
    }

    const batchSize = args.perDeviceTrainBatchSize;
    const numBatches = args.dataloaderDropLast ? Math.floor(data.numRows / batchSize) : Math.ceil(data.numRows / batchSize);
    if (numBatches === 0) {
      throw new Error(`trainDataset has ${data.numRows} rows, fewer than one batch of ${batchSize} with dataloaderDropLast: lower perDeviceTrainBatchSize.`);
    }
    const accumulation = args.gradientAccumulationSteps;
    const updatesPerEpoch = Math.ceil(numBatches / accumulation);
    const maxSteps = args.maxSteps > 0 ? args.maxSteps : Math.ceil(args.numTrainEpochs * updatesPerEpoch);
    if (maxSteps <= 0) throw new Error(`Nothing to train: numTrainEpochs is ${args.numTrainEpochs} and maxSteps is ${args.maxSteps}.`);
    const numEpochs = Math.ceil(maxSteps / updatesPerEpoch);

    this.state = new TrainerState({
      maxSteps,
      numTrainEpochs: numEpochs,
      trainBatchSize: batchSize,
      loggingSteps: absoluteSteps(args.loggingSteps, maxSteps, 500),
      evalSteps: absoluteSteps(args.evalSteps, maxSteps, absoluteSteps(args.loggingSteps, maxSteps, 500)),
      saveSteps: absoluteSteps(args.saveSteps, maxSteps, 500),
    });
    this.control = new TrainerControl();
    const optimizer = (this.optimizer = this.createOptimizer());
    const scheduler = (this.lrScheduler = new LrScheduler(args.learningRate, args.lrSchedulerType, args.getWarmupSteps(maxSteps), maxSteps));

    let epochsTrained = 0;
    let batchesToSkip = 0;
    if (resumeFrom) {
      const ckpt = await loadCheckpoint(resumeFrom, { withOptimizer: true });
      this.model.loadStateDict(ckpt.modelTensors);
      optimizer.loadStateDict(ckpt.optimizer!);
      scheduler.loadStateDict(ckpt.scheduler!);
      const s = ckpt.state;
      Object.assign(this.state, {
        globalStep: s.globalStep,
        epoch: s.epoch,
        logHistory: s.logHistory,
        bestMetric: s.bestMetric,
        bestGlobalStep: s.bestGlobalStep,
        bestModelCheckpoint: s.bestModelCheckpoint,
        totalFlos: s.totalFlos,
        statefulCallbacks: s.statefulCallbacks,
      });
      epochsTrained = Math.floor(s.globalStep / updatesPerEpoch);
      batchesToSkip = (s.globalStep % updatesPerEpoch) * accumulation;
    }

    const params = this.model.namedParameters().filter(([, v]) => v.trainable);
    const paramName = new Map(params.map(([name, v]) => [v.name, name]));
    const variables = [...new Set(params.map(([, v]) => v))];
    const lengths = args.groupByLength ? data.lengths(args.lengthColumnName) : undefined;
    const dataSeed = args.dataSeed ?? args.seed;
    const startStep = this.state.globalStep;
    const start = performance.now();
    let totalLoss = 0;
    this.trLoss = 0;
    this.globalStepLastLogged = startStep;
    this.lastGradNorm = undefined;

    const extra = { stepsPerEpoch: updatesPerEpoch };
    let interrupted = false;
    try {
      await this.emit("onTrainBegin", extra);
      this.model.train();
      epochs: for (let epoch = epochsTrained; epoch < numEpochs; epoch++) {
        const order = lengths ? lengthGroupedOrder(lengths, batchSize, dataSeed, epoch) : shuffledOrder(data.numRows, dataSeed, epoch);
        const batches = toBatches(order, batchSize, args.dataloaderDropLast);
        this.control.shouldEpochStop = false;
        await this.emit("onEpochBegin", extra);
        let b = epoch === epochsTrained ? batchesToSkip : 0;
        while (b < batches.length) {
          await yieldToSignals();
          if (flag.requested) {
            interrupted = true;
            break epochs;
          }
          const group = batches.slice(b, b + accumulation);
          b += group.length;
          await this.emit("onStepBegin", extra);
          manualSeed(stepSeed(args.seed, this.state.globalStep));
          const { loss, grads } = await this.lossAndGrads(data, group, variables, paramName);
          try {
            if (!Number.isFinite(loss)) {
              throw new Error(
                `The training loss is ${loss} at step ${this.state.globalStep + 1} (epoch ${epoch + 1}); training stopped. ` +
                  `Lower the learning rate (now ${scheduler.lr}), check the labels and inputs, or raise maxGradNorm clipping.`,
              );
            }
            this.lastGradNorm = await globalGradNorm(grads.values());
            this.lastLearningRate = scheduler.lr;
            // Clipping is the optimizer's gradient scale: no scaled copy of every gradient.
            optimizer.step(grads, this.lastLearningRate, clipCoefficient(this.lastGradNorm, args.maxGradNorm));
            scheduler.step();
          } finally {
            for (const g of grads.values()) g.dispose();
          }
          this.state.globalStep++;
          this.state.epoch = epoch + b / batches.length;
          this.trLoss += loss;
          totalLoss += loss;
          await this.emit("onStepEnd", extra);
          // At the epoch's end (or a stop) the flags merge with onEpochEnd's, so one step is handled once.
          const deferred = b >= batches.length || this.control.shouldEpochStop || this.control.shouldTrainingStop;
          if (deferred) break;
          await this.maybeLogSaveEvaluate();
        }
        await this.emit("onEpochEnd", extra);
        await this.maybeLogSaveEvaluate();
        if (this.control.shouldTrainingStop) break;
      }
    } catch (err) {
      interrupted = err instanceof Interrupted && flag.requested;
      if (!interrupted) {
        await this.emit("onTrainEnd", { ...extra, stopped: say({ en: `Failed: ${(err as Error).message}`, es: `Error: ${(err as Error).message}` }) }).catch(() => {});
        throw err;
      }
    } finally {
      this.model.eval();
      optimizer.dispose();
      this.optimizer = undefined;
    }
    if (interrupted) return this.stopTraining(startStep, totalLoss, extra);

    if (args.loadBestModelAtEnd && this.state.bestModelCheckpoint) await this.loadBestModel();

    const stepsRun = this.state.globalStep - startStep;
    const trainingLoss = stepsRun > 0 ? totalLoss / stepsRun : loggedTrainingLoss(this.state.logHistory);
    const numSamples = args.maxSteps > 0 ? maxSteps * batchSize * accumulation : data.numRows * args.numTrainEpochs;
    const metrics: Record<string, number> = {
      ...speedMetrics("train", start, numSamples, maxSteps),
      train_loss: trainingLoss,
    };
    await this.log(metrics);
    await this.emit("onTrainEnd", extra);
    return { globalStep: this.state.globalStep, trainingLoss, metrics };
  }

  /** After an interrupt: says where training stopped and how to go on, and returns. */
  private async stopTraining(startStep: number, totalLoss: number, extra: CallbackExtra): Promise<TrainOutput> {
    const { globalStep, maxSteps } = this.state;
    const epoch = Math.round((this.state.epoch ?? 0) * 100) / 100;
    const checkpoint = await getLastCheckpoint(this.args.outputDir);
    const line = say({
      en:
        `Training interrupted at step ${globalStep} of ${maxSteps} (epoch ${epoch}); the model keeps the weights of step ${globalStep}. ` +
        (checkpoint
          ? `To continue from the latest checkpoint (${checkpoint}): await trainer.train({ resumeFromCheckpoint: true })`
          : "No checkpoint was saved yet: await trainer.train() starts again."),
      es:
        `Entrenamiento interrumpido en el paso ${globalStep} de ${maxSteps} (época ${String(epoch).replace(".", ",")}); el modelo conserva los pesos del paso ${globalStep}. ` +
        (checkpoint
          ? `Para seguir desde el último checkpoint (${checkpoint}): await trainer.train({ resumeFromCheckpoint: true })`
          : "Aún no se guardó ningún checkpoint: await trainer.train() vuelve a empezar."),
    });
    await this.emit("onTrainEnd", { ...extra, stopped: line });
    console.log(line);
    const stepsRun = globalStep - startStep;
    const trainingLoss = stepsRun > 0 ? totalLoss / stepsRun : 0;
    return { globalStep, trainingLoss, metrics: { train_loss: trainingLoss, epoch: this.state.epoch ?? 0 }, interrupted: true };
  }

  /** One optimizer step's loss (mean over its micro-batches) and summed gradients, by parameter name. */
  private async lossAndGrads(
    data: DatasetView,
    group: number[][],
    variables: tf.Variable[],
    paramName: Map<string, string>,
  ): Promise<{ loss: number; grads: Map<string, tf.Tensor> }> {
    const grads = new Map<string, tf.Tensor>();
    let loss = 0;
    try {
      for (const indices of group) {
        const batch = collate(this.dataCollator, data.rows(indices));
        try {
          if (batch.labels === undefined) {
            throw new Error(`The training batch has no labels (keys: ${Object.keys(batch).join(", ")}): the trainDataset needs a "label" (or "labels") column.`);
          }
          const { value, grads: g } = tf.variableGrads(() => {
            const out = this.model.forward(batch);
            if (!out.loss) throw new Error("The model returned no loss for a batch with labels; pass labels to its forward.");
            // Mean over the batch, divided by the micro-batches of the step: the step's loss is their mean.
            return tf.div(out.loss, group.length) as tf.Scalar;
          }, variables);
          loss += (await value.data())[0]; // awaited: a GPU backend has no synchronous read in Node
          value.dispose();
          for (const [varName, t] of Object.entries(g)) {
            const name = paramName.get(varName) ?? varName;
            const prev = grads.get(name);
            if (prev) {
              grads.set(name, tf.add(prev, t));
              prev.dispose();
              t.dispose();
            } else {
              grads.set(name, t);
            }
          }
        } finally {
          disposeBatch(batch);
        }
      }
    } catch (err) {
      for (const t of grads.values()) t.dispose();
      throw err;
    }
    return { loss, grads };
  }

  private async maybeLogSaveEvaluate(): Promise<void> {
    if (this.control.shouldLog && this.state.globalStep > this.globalStepLastLogged) {
      const logs: LogEntry = { loss: round(this.trLoss / (this.state.globalStep - this.globalStepLastLogged), 4) };
      if (this.lastGradNorm !== undefined) logs.grad_norm = this.lastGradNorm;
      if (this.lastLearningRate !== undefined) logs.learning_rate = this.lastLearningRate;
      this.trLoss = 0;
      this.globalStepLastLogged = this.state.globalStep;
      await this.log(logs);
    }
    this.control.shouldLog = false;
    let metrics: Record<string, number> | undefined;
    if (this.control.shouldEvaluate) {
      this.control.shouldEvaluate = false;
      this.evaluatingInTrain = true;
      try {
        metrics = await this.evaluate();
      } finally {
        this.evaluatingInTrain = false;
      }
      this.model.train();
      this.determineBestMetric(metrics);
    }
    if (this.control.shouldSave) {
      this.control.shouldSave = false;
      const checkpoint = await this.saveCheckpoint();
      await this.emit("onSave", { checkpoint });
    }
  }

  private determineBestMetric(metrics: Record<string, number>): void {
    const name = this.args.metricForBestModel;
    if (name === null) return;
    const key = name.startsWith("eval_") ? name : `eval_${name}`;
    const value = metrics[key];
    if (value === undefined) {
      throw new Error(
        `metricForBestModel is "${name}", but "${key}" is not among the evaluation metrics (${Object.keys(metrics).join(", ")}). ` +
          `Return it from computeMetrics, or change metricForBestModel in the TrainingArguments.`,
      );
    }
    const best = this.state.bestMetric;
    const better = best === null || (this.args.greaterIsBetter ? value > best : value < best);
    if (better) {
      this.state.bestMetric = value;
      this.state.bestGlobalStep = this.state.globalStep;
    }
  }

  private async saveCheckpoint(): Promise<string> {
    const args = this.args;
    const dir = path.join(args.outputDir, checkpointName(this.state.globalStep));
    if (this.state.bestGlobalStep === this.state.globalStep) this.state.bestModelCheckpoint = dir;
    const full = !args.saveOnlyModel;
    await saveCheckpoint(args.outputDir, this.state.globalStep, {
      model: this.model,
      tokenizer: this.tokenizer,
      state: this.state,
      args,
      optimizer: full ? this.optimizer : undefined,
      scheduler: full ? this.lrScheduler : undefined,
      rngState: full
        ? {
            generator: "mulberry32",
            seed: args.seed,
            data_seed: args.dataSeed ?? args.seed,
            note: "batch order is a function of (data_seed, epoch) and dropout of (seed, global_step); nothing else to restore",
          }
        : undefined,
    }).catch((err) => {
      throw explainWriteError(err, dir);
    });
    await rotateCheckpoints(args.outputDir, args.saveTotalLimit, this.state.bestModelCheckpoint);
    return dir;
  }

  private async loadBestModel(): Promise<void> {
    const dir = this.state.bestModelCheckpoint!;
    const file = path.join(dir, "model.safetensors");
    const exists = await fs.stat(file).then(() => true, () => false);
    if (!exists) {
      process.emitWarning(`Could not load the best model: ${file} is missing; keeping the last weights.`);
      return;
    }
    const { tensors } = await readSafetensors(file);
    this.model.loadStateDict(tensors as Map<string, { shape: number[]; data: ArrayLike<number> }>);
  }

  /** Append `logs` (with `epoch` and `step`) to `state.logHistory` and tell the callbacks. */
  async log(logs: Record<string, number>): Promise<void> {
    if (this.state.epoch !== null) logs.epoch = this.state.epoch;
    this.state.logHistory.push({ ...logs, step: this.state.globalStep });
    await this.emit("onLog", { logs });
  }

  /** The training loss of the latest log entry that has one (null before any: Python's "No log"). */
  private lastTrainingLoss(): number | null {
    for (let i = this.state.logHistory.length - 1; i >= 0; i--) {
      const loss = this.state.logHistory[i].loss;
      if (loss !== undefined) return loss;
    }
    return null;
  }

  /**
   * Metrics on `dataset` (default: the evalDataset): `{prefix}_loss`, computeMetrics' keys with the
   * prefix, `{prefix}_runtime`, `{prefix}_samples_per_second`, `{prefix}_steps_per_second`, and `epoch`.
   */
  evaluate(dataset?: TrainerDataset, options: { metricKeyPrefix?: string } = {}): Promise<Record<string, number>> {
    const run = async (flag: StopFlag) => {
      checkOptions("evaluate", options, ["metricKeyPrefix"]);
      const prefix = options.metricKeyPrefix ?? "eval";
      const output = await this.predictionLoop(dataset ?? this.evalDataset, dataset ? "dataset" : "evalDataset", prefix, flag, true);
      await this.log(output.metrics);
      await this.emit("onEvaluate", { metrics: output.metrics, lastTrainingLoss: this.lastTrainingLoss() });
      return output.metrics;
    };
    return this.evaluatingInTrain && this.running ? run(this.running.flag) : this.exclusive("evaluate", run);
  }

  /** Logits, labels and metrics (`test_` prefix) for `dataset`. */
  predict(dataset: TrainerDataset, options: { metricKeyPrefix?: string } = {}): Promise<PredictionOutput> {
    return this.exclusive("predict", async (flag) => {
      checkOptions("predict", options, ["metricKeyPrefix"]);
      const output = await this.predictionLoop(dataset, "dataset", options.metricKeyPrefix ?? "test", flag);
      await this.emit("onPredict", { metrics: output.metrics });
      return output;
    });
  }

  private async predictionLoop(dataset: TrainerDataset | undefined, role: string, prefix: string, flag: StopFlag, scored = false): Promise<PredictionOutput> {
    const data = this.view(dataset, role);
    if (scored) this.requireLabelsToScore(data);
    const batchSize = this.args.perDeviceEvalBatchSize;
    const batches = toBatches(Array.from({ length: data.numRows }, (_, i) => i), batchSize, false);
    const start = performance.now();
    const wasTraining = this.model.training;
    this.model.eval();
    const predictions: number[][] = [];
    let lossSum = 0;
    let hasLoss = false;
    try {
      for (let i = 0; i < batches.length; i++) {
        await yieldToSignals();
        if (flag.requested) {
          throw new Interrupted(
            say({
              en: `${this.running?.what === "predict" ? "Prediction" : "Evaluation"} interrupted after ${i} of ${batches.length} batches; no metrics were computed. Run the cell again to redo it.`,
              es: `${this.running?.what === "predict" ? "Predicción" : "Evaluación"} interrumpida tras ${i} de ${batches.length} lotes; no se calculó ninguna métrica. Vuelve a ejecutar la celda para repetirla.`,
            }),
          );
        }
        const batch: ModelBatch = collate(this.dataCollator, data.rows(batches[i]));
        try {
          const { logits, loss } = tf.tidy(() => {
            const out = this.model.forward(batch);
            return out.loss ? { logits: out.logits, loss: out.loss } : { logits: out.logits };
          }) as { logits: tf.Tensor; loss?: tf.Scalar };
          const rows = (await logits.array()) as number[][];
          logits.dispose();
          predictions.push(...rows);
          if (loss) {
            hasLoss = true;
            lossSum += (await loss.data())[0] * batches[i].length;
            loss.dispose();
          }
        } finally {
          disposeBatch(batch);
        }
        await this.emit("onPredictionStep", { predictionStep: i + 1, predictionSteps: batches.length });
      }
    } finally {
      this.model.train(wasTraining);
    }
    const labelIds = data.hasLabels ? data.labels() : null;
    let metrics: Record<string, number> = {};
    if (hasLoss) metrics.loss = lossSum / data.numRows;
    if (this.computeMetrics && labelIds) {
      const evalPrediction: EvalPrediction = Object.assign([predictions, labelIds] as [number[][], number[]], { predictions, label_ids: labelIds });
      const computed = await this.computeMetrics(evalPrediction);
      if (computed === null || typeof computed !== "object") {
        throw new Error(`computeMetrics must return an object of metrics, e.g. { accuracy: 0.7 }; got ${String(computed)}.`);
      }
      metrics = { ...metrics, ...computed };
    }
    const prefixed: Record<string, number> = {};
    for (const [k, v] of Object.entries(metrics)) prefixed[k.startsWith(`${prefix}_`) ? k : `${prefix}_${k}`] = v;
    Object.assign(prefixed, speedMetrics(prefix, start, data.numRows, batches.length));
    return { predictions, label_ids: labelIds, metrics: prefixed };
  }

  /** Save the model (config.json, model.safetensors), the tokenizer files and training_args.json to `outputDir`. */
  async saveModel(outputDir: string = this.args.outputDir): Promise<void> {
    try {
      await fs.mkdir(outputDir, { recursive: true });
      await this.model.savePretrained(outputDir);
      if (this.tokenizer?.savePretrained) await this.tokenizer.savePretrained(outputDir);
      const tmp = path.join(outputDir, `.${TRAINING_ARGS_NAME}.tmp-${process.pid}`);
      await fs.writeFile(tmp, `${JSON.stringify(this.args.toJSON(), null, 2)}\n`);
      await fs.rename(tmp, path.join(outputDir, TRAINING_ARGS_NAME));
    } catch (err) {
      throw explainWriteError(err, outputDir);
    }
  }
}
