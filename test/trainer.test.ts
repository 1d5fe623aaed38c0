import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend.js";
import { Dataset } from "../src/datasets/index.js";
import { AutoModelForSequenceClassification } from "../src/models/index.js";
import { AutoTokenizer } from "../src/tokenizers/index.js";
import { accuracy, argmax } from "../src/metrics/index.js";
import {
  AdamW,
  EarlyStoppingCallback,
  LrScheduler,
  ProgressCallback,
  Trainer,
  TrainingArguments,
  clipGradNorm,
  formatLogs,
  noDecay,
  setDefaultProgressCallback,
  type TrainerCallback,
} from "../src/trainer/index.js";
import { lengthGroupedOrder, shuffledOrder, toBatches } from "../src/trainer/sampler.js";
import { distilBertForwardRoundings, float32Bound } from "./helpers/float32.js";
import { REPO_ROOT, TINY_MODEL_DIR } from "./helpers/paths.js";

setDefaultProgressCallback(null); // keep the test output clean; the display itself is tested below

const reference = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "reference.json"), "utf8")) as {
  inputs: { input_ids: number[][]; attention_mask: number[][]; labels: number[] };
};

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `tt-trainer-${name}-`));

async function tinyModel() {
  await initBackend();
  return AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR, { dropout: 0, attention_dropout: 0, seq_classif_dropout: 0 });
}

/** 20 rows made of the fixture's 5 examples, unpadded (rows of different lengths). */
function raggedRows(n = 20) {
  const ids: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 5;
    const len = reference.inputs.attention_mask[k].reduce((a, b) => a + b, 0);
    ids.push(reference.inputs.input_ids[k].slice(0, len));
    labels.push(reference.inputs.labels[k]);
  }
  return { ids, labels };
}

function paddedDataset(n = 20): Dataset {
  const input_ids: number[][] = [];
  const attention_mask: number[][] = [];
  const label: number[] = [];
  for (let i = 0; i < n; i++) {
    input_ids.push(reference.inputs.input_ids[i % 5]);
    attention_mask.push(reference.inputs.attention_mask[i % 5]);
    label.push(reference.inputs.labels[i % 5]);
  }
  return Dataset.fromDict({ input_ids, attention_mask, label, text: input_ids.map((_, i) => `row ${i}`) });
}

const weights = (model: { namedParameters(): Array<[string, tf.Variable]> }) =>
  new Map(model.namedParameters().map(([n, v]) => [n, Float32Array.from(v.dataSync())]));

function maxDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let worst = 0;
  for (const [name, x] of a) {
    const y = b.get(name)!;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  }
  return worst;
}

// ---------------------------------------------------------------- TrainingArguments

test("TrainingArguments: Python's defaults, camelCase names, and the old evaluationStrategy alias", () => {
  const a = new TrainingArguments({ outputDir: "out" });
  assert.equal(a.learningRate, 5e-5);
  assert.equal(a.weightDecay, 0);
  assert.deepEqual([a.adamBeta1, a.adamBeta2, a.adamEpsilon], [0.9, 0.999, 1e-8]);
  assert.equal(a.lrSchedulerType, "linear");
  assert.equal(a.maxGradNorm, 1);
  assert.equal(a.numTrainEpochs, 3);
  assert.deepEqual([a.perDeviceTrainBatchSize, a.perDeviceEvalBatchSize], [8, 8]);
  assert.equal(a.seed, 42);
  assert.deepEqual([a.evalStrategy, a.saveStrategy, a.loggingStrategy, a.loggingSteps], ["no", "steps", "steps", 500]);
  assert.equal(a.metricForBestModel, null);
  const exercise = new TrainingArguments({
    outputDir: "test_trainer",
    numTrainEpochs: 5,
    perDeviceTrainBatchSize: 16,
    perDeviceEvalBatchSize: 16,
    loadBestModelAtEnd: true,
    evaluationStrategy: "epoch",
    saveStrategy: "epoch",
  });
  assert.equal(exercise.evalStrategy, "epoch");
  assert.equal(exercise.metricForBestModel, "loss");
  assert.equal(exercise.greaterIsBetter, false);
  assert.equal(new TrainingArguments({ outputDir: "o", metricForBestModel: "accuracy" }).greaterIsBetter, true);
  assert.equal(new TrainingArguments({ outputDir: "o", evalStrategy: "steps", loggingSteps: 7 }).evalSteps, 7);
  assert.equal(exercise.toJSON().per_device_train_batch_size, 16);
});

test("TrainingArguments: invalid combinations give the Python library's errors", () => {
  assert.throws(
    () => new TrainingArguments({ outputDir: "o", loadBestModelAtEnd: true, evalStrategy: "epoch" }),
    /loadBestModelAtEnd requires the save and eval strategy to match, but found\n- Evaluation strategy: epoch\n- Save strategy: steps/,
  );
  assert.throws(
    () => new TrainingArguments({ outputDir: "o", loadBestModelAtEnd: true, evalStrategy: "steps", saveStrategy: "steps", evalSteps: 30, saveSteps: 50 }),
    /requires the saving steps to be a round multiple of the evaluation steps, but found 50, which is not a round multiple of 30/,
  );
  assert.throws(() => new TrainingArguments({ outputDir: "o", evalStrategy: "steps", loggingSteps: 0, loggingStrategy: "no" }), /requires either non-zero evalSteps or loggingSteps/);
  assert.throws(() => new TrainingArguments({ outputDir: "o", lrSchedulerType: "cosine_restarts" as never }), /is not a valid lrSchedulerType/);
  assert.throws(() => new TrainingArguments({ outputDir: "o", num_train_epochs: 5 } as never), /unknown option "num_train_epochs". Did you mean "numTrainEpochs"\?/);
  assert.throws(() => new TrainingArguments({} as never), /outputDir is required/);
  assert.throws(() => new TrainingArguments({ outputDir: "o", perDeviceTrainBatchSize: 0 }), /perDeviceTrainBatchSize must be a positive integer/);
  assert.throws(() => new TrainingArguments({ outputDir: "o", warmupRatio: 2 }), /warmupRatio must lie in range \[0,1\]/);
  assert.throws(() => new TrainingArguments({ outputDir: "o", evalStrategy: "epoch", evaluationStrategy: "steps" }), /pass only evalStrategy/);
});

// ---------------------------------------------------------------- optimisation pieces

test("AdamW: torch.optim.AdamW's update, decoupled decay only where it belongs, gradients scaled first (clipping)", async () => {
  await initBackend();
  // The tf-ops update (cpu) and the one the default backend runs (native: the fused pass).
  for (const backend of ["cpu", tf.getBackend()]) {
    await tf.setBackend(backend);
    const p = tf.variable(tf.tensor1d([0.5, -1.0, 2.0]));
    const b = tf.variable(tf.tensor1d([0.1, 0.2, 0.3]));
    const opt = new AdamW([["layer.weight", p], ["layer.bias", b]], { lr: 0.1, weightDecay: 0.5 });
    assert.deepEqual(opt.decayedParameterNames, ["layer.weight"]);
    const gs = [[0.3, -0.2, 0.1], [-0.1, 0.4, 0.05]];
    const scales = [1, 0.5]; // exact in float32: the scaled gradients are too
    // torch's formulas in float64
    let pv = [0.5, -1.0, 2.0];
    let bv = [0.1, 0.2, 0.3];
    const m = [[0, 0, 0], [0, 0, 0]];
    const v = [[0, 0, 0], [0, 0, 0]];
    for (let t = 1; t <= 2; t++) {
      opt.step(new Map([["layer.weight", tf.tensor1d(gs[t - 1])], ["layer.bias", tf.tensor1d(gs[t - 1])]]), 0.1, scales[t - 1]);
      const g = gs[t - 1].map((x) => Math.fround(x) * scales[t - 1]);
      [pv, bv] = [pv, bv].map((x, k) =>
        x.map((xi, i) => {
          const decayed = k === 0 ? xi * (1 - 0.1 * 0.5) : xi;
          m[k][i] = 0.9 * m[k][i] + 0.1 * g[i];
          v[k][i] = 0.999 * v[k][i] + 0.001 * g[i] * g[i];
          const denom = Math.sqrt(v[k][i]) / Math.sqrt(1 - 0.999 ** t) + 1e-8;
          return decayed - (0.1 / (1 - 0.9 ** t)) * (m[k][i] / denom);
        }),
      );
  }
  // float32 against float64: about 12 roundings per step (moments, bias corrections, sqrt, division, decay), 2 steps,
  // on values of magnitude max(|p|, lr·|update| ≤ lr/(1 - beta1)) ≤ 2.
  const adamTol = (x: number) => float32Bound(12 * 2, Math.max(1, Math.abs(x)));
  Array.from(p.dataSync()).forEach((x, i) => assert.ok(Math.abs(x - pv[i]) <= adamTol(pv[i]), `weight ${x} vs ${pv[i]}`));
  Array.from(b.dataSync()).forEach((x, i) => assert.ok(Math.abs(x - bv[i]) <= adamTol(bv[i]), `bias ${x} vs ${bv[i]}`));
  // state round trip
  const saved = opt.stateDict();
  assert.equal(saved.metadata.step, "2");
  const other = new AdamW([["layer.weight", p], ["layer.bias", b]], { lr: 0.1, weightDecay: 0.5 });
  other.loadStateDict({ tensors: new Map(Object.entries(saved.tensors)), metadata: saved.metadata });
  assert.equal(other.stepCount, 2);
  assert.deepEqual(other.stateDict().tensors["layer.weight.exp_avg"].data, saved.tensors["layer.weight.exp_avg"].data);
  opt.dispose();
  other.dispose();
  p.dispose();
  b.dispose();
  }
  assert.ok(noDecay("distilbert.embeddings.LayerNorm.weight") && noDecay("distilbert.transformer.layer.0.sa_layer_norm.weight"));
  assert.ok(!noDecay("classifier.weight"));
});

test("linear schedule with warmup, clipping by global norm", async () => {
  await initBackend();
  const s = new LrScheduler(1, "linear", 2, 6);
  const lrs: number[] = [];
  for (let i = 0; i < 6; i++) {
    lrs.push(s.lr);
    s.step();
  }
  assert.deepEqual(lrs, [0, 0.5, 1, 0.75, 0.5, 0.25]);
  const grads = new Map([["a", tf.tensor1d([3, 0])], ["b", tf.tensor1d([0, 4])]]);
  const { norm, grads: clipped } = await clipGradNorm(grads, 1);
  // 3² + 4² and its root are exact in float32; the clipped value is one float32 division and one product off.
  assert.equal(norm, 5);
  assert.ok(Math.abs(clipped.get("a")!.dataSync()[0] - 3 / (5 + 1e-6)) <= float32Bound(3, 1));
  for (const t of [...grads.values(), ...clipped.values()]) t.dispose();
});

test("batch order: deterministic per (seed, epoch); groupByLength batches rows of similar length", () => {
  assert.deepEqual(shuffledOrder(50, 42, 0), shuffledOrder(50, 42, 0));
  assert.notDeepEqual(shuffledOrder(50, 42, 0), shuffledOrder(50, 42, 1));
  assert.deepEqual([...shuffledOrder(50, 42, 3)].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  const lengths = Array.from({ length: 200 }, (_, i) => (i * 37) % 61);
  const order = lengthGroupedOrder(lengths, 8, 1, 0);
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 200 }, (_, i) => i));
  assert.equal(lengths[order[0]], 60, "the longest row comes first");
  const spread = (o: number[]) => toBatches(o, 8, false).reduce((s, b) => s + Math.max(...b.map((i) => lengths[i])) - Math.min(...b.map((i) => lengths[i])), 0);
  assert.ok(spread(order) < spread(shuffledOrder(200, 1, 0)) / 4, "far less padding than random batches");
  assert.deepEqual(toBatches([0, 1, 2, 3, 4], 2, true), [[0, 1], [2, 3]]);
});

// ---------------------------------------------------------------- the Trainer

test("Trainer: logs, epoch-wise evaluation and checkpoints, best model reloaded, no tensor leak", async () => {
  const model = await tinyModel();
  const outputDir = tmp("loop");
  const counts: number[] = [];
  const events: string[] = [];
  const probe: TrainerCallback = {
    onTrainBegin: () => void events.push("trainBegin"),
    onEpochBegin: () => void events.push("epochBegin"),
    onStepEnd: () => void counts.push(tf.memory().numTensors),
    onEvaluate: (_a, _s, _c, extra) => void events.push(`evaluate ${Object.keys(extra.metrics!).join(",")} last=${extra.lastTrainingLoss}`),
    onSave: (_a, _s, _c, extra) => void events.push(`save ${path.basename(extra.checkpoint!)}`),
    onEpochEnd: () => void events.push("epochEnd"),
    onTrainEnd: () => void events.push("trainEnd"),
  };
  const args = new TrainingArguments({
    outputDir,
    numTrainEpochs: 3,
    perDeviceTrainBatchSize: 4,
    perDeviceEvalBatchSize: 3,
    learningRate: 1e-3,
    evaluationStrategy: "epoch",
    saveStrategy: "epoch",
    loggingSteps: 2,
    loadBestModelAtEnd: true,
    metricForBestModel: "accuracy",
    saveTotalLimit: 1,
  });
  const trainer = new Trainer({
    model,
    args,
    trainDataset: paddedDataset(20),
    evalDataset: paddedDataset(10),
    computeMetrics: ({ predictions, label_ids }) => ({ accuracy: accuracy(label_ids!, argmax(predictions)) }),
    callbacks: [probe],
  });
  const before = tf.memory().numTensors;
  const out = await trainer.train();
  assert.equal(out.globalStep, 15);
  assert.deepEqual(Object.keys(out.metrics), ["train_runtime", "train_samples_per_second", "train_steps_per_second", "train_loss", "epoch"]);
  assert.equal(out.metrics.epoch, 3);
  assert.ok(counts.length === 15 && counts.every((c) => c === counts[0]), `tensors per step: ${counts}`);
  assert.equal(tf.memory().numTensors, before, "the optimizer state is freed after training");

  const history = trainer.state.logHistory;
  const losses = history.filter((e) => "loss" in e);
  assert.deepEqual(losses.map((e) => e.step), [2, 4, 6, 8, 10, 12, 14]);
  for (const e of losses) assert.deepEqual(Object.keys(e), ["loss", "grad_norm", "learning_rate", "epoch", "step"]);
  const evals = history.filter((e) => "eval_loss" in e);
  assert.deepEqual(evals.map((e) => e.epoch), [1, 2, 3]);
  assert.deepEqual(Object.keys(evals[0]), ["eval_loss", "eval_accuracy", "eval_runtime", "eval_samples_per_second", "eval_steps_per_second", "epoch", "step"]);
  assert.equal(events[0], "trainBegin");
  assert.equal(events.filter((e) => e.startsWith("save")).join(" "), "save checkpoint-5 save checkpoint-10 save checkpoint-15");
  assert.match(events.find((e) => e.startsWith("evaluate"))!, /^evaluate eval_loss,eval_accuracy,eval_runtime,eval_samples_per_second,eval_steps_per_second,epoch last=\d/);

  // best checkpoint kept beside the latest with saveTotalLimit 1; trainer_state.json in Python's shape
  const best = trainer.state.bestModelCheckpoint!;
  const bestStep = trainer.state.bestGlobalStep!;
  const kept = fs.readdirSync(outputDir).sort();
  assert.ok(kept.every((d) => /^checkpoint-\d+$/.test(d)), `no tmp-checkpoint left: ${kept}`);
  assert.ok(kept.includes(path.basename(best)) && kept.includes("checkpoint-15") && kept.length <= 2, `${kept}`);
  const stateJson = JSON.parse(fs.readFileSync(path.join(outputDir, "checkpoint-15", "trainer_state.json"), "utf8"));
  for (const key of ["log_history", "best_model_checkpoint", "best_metric", "global_step", "epoch", "max_steps", "logging_steps", "train_batch_size"]) {
    assert.ok(key in stateJson, key);
  }
  assert.equal(stateJson.global_step, 15);
  assert.equal(stateJson.best_metric, Math.max(...evals.map((e) => e.eval_accuracy)));
  for (const f of ["config.json", "model.safetensors", "optimizer.safetensors", "scheduler.json", "rng_state.json", "training_args.json"]) {
    assert.ok(fs.existsSync(path.join(outputDir, "checkpoint-15", f)), f);
  }
  // the model now holds the best checkpoint's weights
  const bestModel = await AutoModelForSequenceClassification.fromPretrained(best);
  assert.equal(maxDiff(weights(model), weights(bestModel)), 0, `model should be ${best} (step ${bestStep})`);

  // evaluate / predict in Python's shapes
  const metrics = await trainer.evaluate();
  assert.deepEqual(Object.keys(metrics), ["eval_loss", "eval_accuracy", "eval_runtime", "eval_samples_per_second", "eval_steps_per_second", "epoch"]);
  assert.equal(metrics.eval_accuracy, trainer.state.bestMetric);
  const prediction = await trainer.predict(paddedDataset(7));
  assert.equal(prediction.predictions.length, 7);
  assert.equal(prediction.predictions[0].length, 4);
  assert.deepEqual(prediction.label_ids, paddedDataset(7).column("label"));
  assert.deepEqual(Object.keys(prediction.metrics), ["test_loss", "test_accuracy", "test_runtime", "test_samples_per_second", "test_steps_per_second"]);
  const unlabeled = await trainer.predict(paddedDataset(3).removeColumns("label"));
  assert.equal(unlabeled.label_ids, null);
  assert.deepEqual(unlabeled.predictions, prediction.predictions.slice(0, 3));
  assert.deepEqual(Object.keys(unlabeled.metrics), ["test_runtime", "test_samples_per_second", "test_steps_per_second"]);
  fs.rmSync(outputDir, { recursive: true, force: true });
});

test("step-wise evaluation and saving, warmup, fractional epochs", async () => {
  const model = await tinyModel();
  const outputDir = tmp("steps");
  const args = new TrainingArguments({
    outputDir,
    numTrainEpochs: 1.5,
    perDeviceTrainBatchSize: 2,
    evalStrategy: "steps",
    evalSteps: 2,
    saveStrategy: "steps",
    saveSteps: 4,
    loggingSteps: 1,
    learningRate: 1e-3,
    warmupSteps: 2,
    loadBestModelAtEnd: true,
  });
  const trainer = new Trainer({ model, args, trainDataset: paddedDataset(10), evalDataset: paddedDataset(4) });
  const out = await trainer.train();
  assert.equal(out.globalStep, 8, "ceil(1.5 epochs * 5 steps)");
  const h = trainer.state.logHistory;
  assert.deepEqual(h.filter((e) => "eval_loss" in e).map((e) => e.step), [2, 4, 6, 8]);
  const lrs = h.filter((e) => "loss" in e).map((e) => e.learning_rate);
  [0, 0.5, 1, 5 / 6, 4 / 6, 3 / 6, 2 / 6, 1 / 6].forEach((f, i) => assert.ok(Math.abs(lrs[i] - 1e-3 * f) < 1e-15, `lr ${i}: ${lrs[i]}`));
  assert.deepEqual(h.filter((e) => "eval_loss" in e).map((e) => e.epoch), [0.4, 0.8, 1.2, 1.6]);
  assert.deepEqual(fs.readdirSync(outputDir).sort(), ["checkpoint-4", "checkpoint-8"]);
  const evalLoss = (step: number) => h.find((e) => "eval_loss" in e && e.step === step)!.eval_loss;
  assert.equal(trainer.state.bestMetric, Math.min(...[2, 4, 6, 8].map(evalLoss)));
  // transformers' rule: the best metric follows every evaluation; a checkpoint is the best one if saved at the best step
  let bestStep = 0;
  let bestSaved = 0;
  for (const step of [2, 4, 6, 8]) {
    if (bestStep === 0 || evalLoss(step) < evalLoss(bestStep)) bestStep = step;
    if (step % 4 === 0 && bestStep === step) bestSaved = step;
  }
  assert.equal(trainer.state.bestModelCheckpoint, path.join(outputDir, `checkpoint-${bestSaved}`), "only a saved step can be the best checkpoint");
  fs.rmSync(outputDir, { recursive: true, force: true });
});

test("gradient accumulation: 2 batches of 2 equal 1 batch of 4; dropout is on in training only", async () => {
  const data = paddedDataset(4);
  // Adam with the default eps (1e-8) turns a gradient near 0 into ±lr by its sign, so float32 noise in such a
  // gradient moves the weight by up to 2·lr whatever the kernels: weights after Adam steps are only comparable
  // when eps is large. With eps = 1 a gradient error δg moves a weight by at most ~2·lr·δg/eps per step.
  const lr = 1e-3;
  const adamEpsilon = 1;
  const run = async (bs: number, ga: number) => {
    const model = await tinyModel();
    const args = new TrainingArguments({
      outputDir: tmp("ga"), perDeviceTrainBatchSize: bs, gradientAccumulationSteps: ga, numTrainEpochs: 2, learningRate: lr, adamEpsilon, saveStrategy: "no", loggingSteps: 1,
    });
    const trainer = new Trainer({ model, args, trainDataset: data });
    await trainer.train();
    return { w: weights(model), log: trainer.state.logHistory };
  };
  const a = await run(4, 1);
  const b = await run(2, 2);
  // δg: the two runs sum in other orders (2 + 2 rows vs 4, other kernel blockings) all along the forward and the
  // backward chains (about twice the forward's roundings), on gradients of size ≤ ‖g‖₂; per step a weight then
  // moves by at most 2·lr·δg/eps.
  const config = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "config.json"), "utf8")) as object;
  const roundings = 2 * distilBertForwardRoundings(config, reference.inputs.input_ids[0].length);
  const steps = a.log.filter((e) => "grad_norm" in e);
  const bound = steps.reduce((sum, e) => sum + ((2 * lr) / adamEpsilon) * float32Bound(roundings, e.grad_norm), 0);
  assert.ok(maxDiff(a.w, b.w) <= bound, `max diff ${maxDiff(a.w, b.w)} > bound ${bound}`);
  console.log(`# gradient accumulation: max weight diff ${maxDiff(a.w, b.w).toExponential(2)}, bound ${bound.toExponential(2)}`);
  assert.deepEqual(a.log.filter((e) => "loss" in e).map((e) => e.step), [1, 2]);
  // The logged loss is rounded to 4 digits: equal up to one unit in the last place.
  assert.ok(Math.abs(a.log[0].loss - b.log[0].loss) <= 1e-4 + 1e-12);

  // dropout: with the config's dropout, training forwards differ from the eval forward
  const model = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR);
  const seen: { training: boolean }[] = [];
  const original = model.forward.bind(model);
  model.forward = ((inputs: never, options?: never) => {
    seen.push({ training: model.training });
    return original(inputs, options);
  }) as typeof model.forward;
  const trainer = new Trainer({ model, args: new TrainingArguments({ outputDir: tmp("dropout"), numTrainEpochs: 1, perDeviceTrainBatchSize: 4, saveStrategy: "no" }), trainDataset: data, evalDataset: data });
  await trainer.train();
  await trainer.evaluate();
  assert.deepEqual(seen.map((s) => s.training), [true, false]);
  assert.equal(model.training, false);
});

test("ragged rows are padded per batch with the tokenizer's pad id (groupByLength too)", async () => {
  const model = await tinyModel();
  const tokenizer = await AutoTokenizer.fromPretrained(TINY_MODEL_DIR);
  const { ids, labels } = raggedRows(12);
  const ds = Dataset.fromDict({ input_ids: ids, attention_mask: ids.map((r) => r.map(() => 1)), label: labels });
  const shapes: number[][] = [];
  const original = model.forward.bind(model);
  model.forward = ((inputs: { input_ids: tf.Tensor }, options?: never) => {
    shapes.push(inputs.input_ids.shape);
    return original(inputs as never, options);
  }) as typeof model.forward;
  const args = new TrainingArguments({ outputDir: tmp("pad"), perDeviceTrainBatchSize: 3, numTrainEpochs: 1, groupByLength: true, saveStrategy: "no" });
  await new Trainer({ model, args, trainDataset: ds, tokenizer }).train();
  assert.equal(shapes.length, 4);
  assert.ok(shapes.some((s) => s[1] < 24), `batches padded to their own longest row: ${JSON.stringify(shapes)}`);
  const withoutTokenizer = new Trainer({ model, args, trainDataset: ds });
  await assert.rejects(withoutTokenizer.train(), /different lengths in one batch .* pass `tokenizer`/);
});

test("bad input: clear errors", async () => {
  const model = await tinyModel();
  const args = new TrainingArguments({ outputDir: tmp("bad"), saveStrategy: "no", perDeviceTrainBatchSize: 4 });
  const badLabels = Dataset.fromDict({ input_ids: reference.inputs.input_ids, attention_mask: reference.inputs.attention_mask, label: [0, 1, 7, 2, 3] });
  await assert.rejects(new Trainer({ model, args, trainDataset: badLabels }).train(), /the "label" of row 2 is 7, outside the model's labels 0\.\.3 \(num_labels=4\)\. Load the model with numLabels/);
  const untokenized = Dataset.fromDict({ text: ["a", "b"], label: [0, 1] });
  await assert.rejects(new Trainer({ model, args, trainDataset: untokenized }).train(), /trainDataset has no "input_ids" column \(columns: text, label\)\. Tokenize it first/);
  const empty = paddedDataset(5).select([]);
  await assert.rejects(new Trainer({ model, args, trainDataset: empty }).train(), /trainDataset is empty \(0 rows\)/);
  await assert.rejects(new Trainer({ model, args }).train(), /no trainDataset/);
  assert.throws(() => new Trainer({ model, args: new TrainingArguments({ outputDir: "o", evalStrategy: "epoch" }), trainDataset: empty }), /didn't pass an evalDataset/);
  await assert.rejects(new Trainer({ model, args, trainDataset: paddedDataset(4) }).train({ resumeFromCheckpoint: true }), /No valid checkpoint found in output directory/);
  // NaN loss: training stops and says so
  const nanModel = await tinyModel();
  const original = nanModel.forward.bind(nanModel);
  nanModel.forward = ((inputs: never, options?: never) => {
    const out = original(inputs, options);
    if (out.loss) {
      const nan = tf.mul(out.loss, NaN) as tf.Scalar;
      out.loss.dispose();
      out.loss = nan;
    }
    return out;
  }) as typeof nanModel.forward;
  const before = tf.memory().numTensors;
  await assert.rejects(new Trainer({ model: nanModel, args, trainDataset: paddedDataset(4) }).train(), /The training loss is NaN at step 1 \(epoch 1\); training stopped\. Lower the learning rate/);
  assert.equal(tf.memory().numTensors, before, "nothing leaks when a step fails");
});

test("EarlyStoppingCallback stops after `patience` evaluations without improvement; custom callbacks can stop too", async () => {
  const model = await tinyModel();
  const args = new TrainingArguments({
    outputDir: tmp("early"),
    numTrainEpochs: 20,
    perDeviceTrainBatchSize: 5,
    evalStrategy: "epoch",
    saveStrategy: "epoch",
    loadBestModelAtEnd: true,
    metricForBestModel: "accuracy",
    learningRate: 0, // nothing changes: accuracy never improves after the first evaluation
  });
  const early = new EarlyStoppingCallback({ earlyStoppingPatience: 2 });
  const trainer = new Trainer({ model, args, trainDataset: paddedDataset(5), evalDataset: paddedDataset(5), computeMetrics: (p) => ({ accuracy: accuracy(p.label_ids!, argmax(p.predictions)) }) });
  trainer.addCallback(early);
  const out = await trainer.train();
  assert.equal(out.globalStep, 3, "evaluations at epochs 1, 2, 3: the first sets the best, two more without improvement");
  assert.throws(() => early.onTrainBegin(new TrainingArguments({ outputDir: "o" })), /requires loadBestModelAtEnd/);

  const stopper: TrainerCallback = { onStepEnd: (_a, state, control) => void (control.shouldTrainingStop = state.globalStep >= 2) };
  const t2 = new Trainer({ model, args: new TrainingArguments({ outputDir: tmp("stop"), numTrainEpochs: 5, perDeviceTrainBatchSize: 2, saveStrategy: "no" }), trainDataset: paddedDataset(10), callbacks: [stopper] });
  assert.equal((await t2.train()).globalStep, 2);
});

test("resume from a checkpoint continues exactly (dropout on)", async () => {
  const data = paddedDataset(12);
  const argsFor = (outputDir: string) =>
    new TrainingArguments({ outputDir, numTrainEpochs: 3, perDeviceTrainBatchSize: 4, learningRate: 1e-3, weightDecay: 0.01, saveStrategy: "epoch", loggingSteps: 1 });
  const fresh = () => AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR); // config dropout 0.1 / 0.2

  const full = await fresh();
  const fullTrainer = new Trainer({ model: full, args: argsFor(tmp("resume-full")), trainDataset: data });
  await fullTrainer.train();

  const dir = tmp("resume-cut");
  const killer: TrainerCallback = { onSave: (_a, _s, control) => void (control.shouldTrainingStop = true) };
  const cut = new Trainer({ model: await fresh(), args: argsFor(dir), trainDataset: data, callbacks: [killer] });
  assert.equal((await cut.train()).globalStep, 3);
  assert.deepEqual(fs.readdirSync(dir), ["checkpoint-3"]);

  const resumed = await fresh(); // a new process would start from the pretrained weights again
  const resumedTrainer = new Trainer({ model: resumed, args: argsFor(dir), trainDataset: data });
  const out = await resumedTrainer.train({ resumeFromCheckpoint: true });
  assert.equal(out.globalStep, 9);
  assert.equal(maxDiff(weights(full), weights(resumed)), 0, "bit-identical weights");
  const strip = (h: Record<string, number>[]) => h.filter((e) => "loss" in e);
  assert.deepEqual(strip(resumedTrainer.state.logHistory), strip(fullTrainer.state.logHistory));
});

test("a training process killed mid-epoch (SIGKILL after checkpoint-4) resumes to the uninterrupted run's weights", async () => {
  const dir = tmp("killed");
  const settings = { numTrainEpochs: 3, perDeviceTrainBatchSize: 4, learningRate: 1e-3, weightDecay: 0.01, saveStrategy: "steps", saveSteps: 2, saveTotalLimit: 2, loggingSteps: 1 } as const;
  // The child trains the same run and kills itself with SIGKILL once checkpoint-4 is on disk (step 4 of 9, mid-epoch 2).
  const script = path.join(dir, "child.ts");
  const src = (p: string) => JSON.stringify(path.join(REPO_ROOT, "src", p));
  fs.writeFileSync(
    script,
    `import { initBackend } from ${src("backend.js")};
import { Dataset } from ${src("datasets/index.js")};
import { AutoModelForSequenceClassification } from ${src("models/index.js")};
import { Trainer, TrainingArguments, setDefaultProgressCallback } from ${src("trainer/index.js")};
(async () => {
  await initBackend();
  setDefaultProgressCallback(null);
  const data = Dataset.fromDict(${JSON.stringify(paddedDataset(12).toDict())});
  const model = await AutoModelForSequenceClassification.fromPretrained(${JSON.stringify(TINY_MODEL_DIR)});
  const args = new TrainingArguments({ outputDir: ${JSON.stringify(path.join(dir, "out"))}, ...${JSON.stringify(settings)} });
  const killer = { onSave: (_a: unknown, state: { globalStep: number }) => { if (state.globalStep === 4) process.kill(process.pid, "SIGKILL"); } };
  await new Trainer({ model, args, trainDataset: data, callbacks: [killer] }).train();
})();
`,
  );
  const child = spawnSync(process.execPath, ["--import", "tsx", script], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_PATH: path.join(REPO_ROOT, "node_modules") },
    encoding: "utf8",
  });
  assert.equal(child.signal, "SIGKILL", `the child should have been killed: ${child.stderr}`);
  assert.deepEqual(fs.readdirSync(path.join(dir, "out")).sort(), ["checkpoint-2", "checkpoint-4"]);

  // what a kill during a save leaves: a partial tmp-checkpoint, which resuming ignores and the next save replaces
  fs.mkdirSync(path.join(dir, "out", "tmp-checkpoint-6"));
  fs.writeFileSync(path.join(dir, "out", "tmp-checkpoint-6", "model.safetensors"), "partial");

  const data = paddedDataset(12);
  const full = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR);
  const fullTrainer = new Trainer({ model: full, args: new TrainingArguments({ outputDir: tmp("unkilled"), ...settings }), trainDataset: data });
  await fullTrainer.train();
  const resumed = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR);
  const resumedTrainer = new Trainer({ model: resumed, args: new TrainingArguments({ outputDir: path.join(dir, "out"), ...settings }), trainDataset: data });
  assert.equal((await resumedTrainer.train({ resumeFromCheckpoint: true })).globalStep, 9);
  assert.equal(maxDiff(weights(full), weights(resumed)), 0, "bit-identical weights");
  const losses = (t: Trainer) => t.state.logHistory.filter((e) => "loss" in e);
  assert.deepEqual(losses(resumedTrainer), losses(fullTrainer));
  assert.deepEqual(fs.readdirSync(path.join(dir, "out")).sort(), ["checkpoint-8", "checkpoint-9"]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("progress display: a bar on a TTY, log lines on a pipe, and a replaceable default", async () => {
  const written: string[] = [];
  const tty = { isTTY: true, write: (s: string) => void written.push(s) };
  const model = await tinyModel();
  const args = new TrainingArguments({ outputDir: tmp("progress"), numTrainEpochs: 1, perDeviceTrainBatchSize: 2, saveStrategy: "no", loggingSteps: 1 });
  const previous = setDefaultProgressCallback(() => new ProgressCallback({ stream: tty }));
  try {
    await new Trainer({ model, args, trainDataset: paddedDataset(4) }).train();
  } finally {
    setDefaultProgressCallback(previous);
  }
  const text = written.join("");
  assert.match(text, /\r100%\|█{20}\| 2\/2 \[\d\d:\d\d<00:00, [\d.]+ it\/s, epoch=1\.00, loss=\d\.\d{4}\]/);
  assert.match(text, /\{'loss': \d\.\d+, 'grad_norm': [\d.e-]+, 'learning_rate': [\d.e-]+, 'epoch': 0\.5\}\n/);
  assert.equal(formatLogs({ eval_loss: 1.25, epoch: 1, step: 3 }), "{'eval_loss': 1.25, 'epoch': 1.0}");
});
