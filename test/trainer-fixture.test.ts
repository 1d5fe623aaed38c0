import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend.js";
import { Dataset, DatasetDict, loadDataset } from "../src/datasets/index.js";
import { AutoModelForSequenceClassification } from "../src/models/index.js";
import { AutoTokenizer } from "../src/tokenizers/index.js";
import { accuracy, argmax, loadMetric } from "../src/metrics/index.js";
import { Trainer, TrainingArguments, setDefaultProgressCallback, type EvalPrediction } from "../src/trainer/index.js";
import { SHARED_HUB, TINY_MODEL_DIR } from "./helpers/paths.js";
import { distilBertForwardBounds, type ForwardReference } from "./helpers/float32.js";

setDefaultProgressCallback(null);

interface Stats {
  sum: number;
  l2: number;
}
interface Reference extends ForwardReference {
  inputs: { input_ids: number[][]; attention_mask: number[][]; labels: number[] };
  training: {
    learning_rate: number;
    weight_decay: number;
    max_grad_norm: number;
    steps: number;
    log: { step: number; loss: number; grad_norm: number; learning_rate: number }[];
    params_after: Record<string, Stats>;
    logits_after: number[][];
    loss_after: number;
  };
}
const reference = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "reference.json"), "utf8")) as Reference;

test("the fixture's 3 training steps, through TrainingArguments and Trainer", async () => {
  await initBackend();
  const ref = reference.training;
  const model = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR, { dropout: 0, attention_dropout: 0, seq_classif_dropout: 0 });
  const trainDataset = Dataset.fromDict({ input_ids: reference.inputs.input_ids, attention_mask: reference.inputs.attention_mask, label: reference.inputs.labels });
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-fixture-"));
  const args = new TrainingArguments({
    outputDir,
    learningRate: ref.learning_rate,
    weightDecay: ref.weight_decay,
    maxGradNorm: ref.max_grad_norm,
    numTrainEpochs: ref.steps,
    perDeviceTrainBatchSize: 5,
    loggingSteps: 1,
    saveStrategy: "no",
  });
  const trainer = new Trainer({ model, args, trainDataset });
  const out = await trainer.train();
  assert.equal(out.globalStep, ref.steps);

  const logged = trainer.state.logHistory.filter((e) => "loss" in e);
  assert.equal(logged.length, ref.log.length);
  const errors = { loss: 0, gradNormRel: 0, lr: 0, paramsL2Rel: 0, logits: 0 };
  ref.log.forEach((expected, i) => {
    const got = logged[i];
    assert.equal(got.step, expected.step);
    assert.equal(got.epoch, expected.step, "one batch per epoch");
    errors.loss = Math.max(errors.loss, Math.abs(got.loss - expected.loss));
    errors.gradNormRel = Math.max(errors.gradNormRel, Math.abs(got.grad_norm - expected.grad_norm) / expected.grad_norm);
    errors.lr = Math.max(errors.lr, Math.abs(got.learning_rate - expected.learning_rate));
  });
  // train_loss is the unrounded mean of the three step losses
  const meanRef = ref.log.reduce((s, e) => s + e.loss, 0) / ref.log.length;
  // Bounds from float32 rounding: a forward's (see distilBertForwardBounds), a backward about twice its chain, and
  // the 4-digit rounding of logged losses (half a unit: 5e-5).
  const bounds = distilBertForwardBounds(model.config, reference);
  const backwardRel = (2 * bounds.hidden) / Math.max(...(reference.forward.last_hidden_state.flat(3) as number[]).map(Math.abs));
  assert.ok(Math.abs(out.trainingLoss - meanRef) <= bounds.loss, `train_loss ${out.trainingLoss} vs ${meanRef}`);

  const params = new Map(model.namedParameters());
  assert.deepEqual([...params.keys()].sort(), Object.keys(ref.params_after).sort());
  for (const [name, stats] of Object.entries(ref.params_after)) {
    if (name.endsWith("attention.k_lin.bias")) continue; // rounding noise in the reference (see fixtures/README.md)
    const values = await params.get(name)!.data(); // awaited: webgpu has no synchronous read in Node
    let sq = 0;
    for (const v of values) sq += v * v;
    errors.paramsL2Rel = Math.max(errors.paramsL2Rel, Math.abs(Math.sqrt(sq) - stats.l2) / stats.l2);
  }
  const prediction = await trainer.predict(trainDataset);
  prediction.predictions.forEach((row, i) => row.forEach((v, j) => (errors.logits = Math.max(errors.logits, Math.abs(v - ref.logits_after[i][j])))));
  assert.ok(Math.abs(prediction.metrics.test_loss - ref.loss_after) <= 2 * bounds.loss, `loss after ${prediction.metrics.test_loss} vs ${ref.loss_after}`);

  console.log(`# fixture training errors: ${JSON.stringify(errors)}`);
  assert.ok(errors.loss <= 5e-5 + bounds.loss, `step loss error ${errors.loss}`);
  assert.ok(errors.gradNormRel <= backwardRel, `grad norm relative error ${errors.gradNormRel}`);
  assert.ok(errors.lr <= 1e-9, `learning rate error ${errors.lr}`);
  // Not a float32 bound: Adam (eps 1e-8) turns a gradient near 0 into ±lr by its sign, so a few elements may move
  // by up to 2·lr per step whatever the kernels; 1e-3 of a tensor's norm leaves room for those.
  assert.ok(errors.paramsL2Rel <= 1e-3, `params_after l2 relative error ${errors.paramsL2Rel}`);
  // Logits after 3 steps: the forward bound, after weights that differ as above (the same 1e-3, relatively).
  assert.ok(errors.logits <= 2 * bounds.logits, `logits_after error ${errors.logits}`);
  console.log(`# fixture bounds: loss ${(5e-5 + bounds.loss).toExponential(2)}, grad norm rel ${backwardRel.toExponential(2)}, logits ${(2 * bounds.logits).toExponential(2)}`);
  fs.rmSync(outputDir, { recursive: true, force: true });
});

test("a tiny DistilBERT trained on TweetEval emotion beats the majority class; the best epoch is reloaded", async () => {
  await initBackend();
  const emotion = (await loadDataset(path.join(SHARED_HUB, "datasets", "cardiffnlp", "tweet_eval"), "emotion")) as DatasetDict;
  const tokenizer = await AutoTokenizer.fromPretrained(TINY_MODEL_DIR);
  const tokenized = emotion.map((b) => tokenizer(b.text as string[], { maxLength: 24, padding: "max_length", truncation: true }), { batched: true });
  const train = tokenized.get("train").select(Array.from({ length: 1200 }, (_, i) => i));
  const validation = tokenized.get("validation");
  const testSplit = tokenized.get("test");
  const numLabels = (emotion.get("train").features.label as { names: string[] }).names.length;
  const model = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR, { numLabels, seed: 0 });

  const metric = loadMetric("accuracy");
  // as the exercise writes compute_metrics
  const computeMetrics = (evalPred: EvalPrediction) => {
    const [logits, labels] = evalPred;
    const predictions = argmax(logits);
    return metric.compute({ predictions, references: labels });
  };
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-emotion-"));
  const args = new TrainingArguments({
    outputDir,
    numTrainEpochs: 3,
    perDeviceTrainBatchSize: 16,
    perDeviceEvalBatchSize: 128,
    learningRate: 4e-3,
    evaluationStrategy: "epoch",
    saveStrategy: "epoch",
    loadBestModelAtEnd: true,
    metricForBestModel: "accuracy",
  });
  const trainer = new Trainer({ model, args, trainDataset: train, evalDataset: validation, computeMetrics, tokenizer });
  const before = tf.memory().numTensors;
  await trainer.train();
  assert.equal(tf.memory().numTensors, before);

  const evals = trainer.state.logHistory.filter((e) => "eval_accuracy" in e);
  assert.equal(evals.length, 3);
  const best = evals.reduce((a, b) => (b.eval_accuracy > a.eval_accuracy ? b : a));
  assert.equal(trainer.state.bestMetric, best.eval_accuracy);
  assert.equal(trainer.state.bestModelCheckpoint, path.join(outputDir, `checkpoint-${best.step}`));
  const again = await trainer.evaluate();
  assert.equal(again.eval_accuracy, best.eval_accuracy, "the reloaded model scores what its epoch scored");

  const result = await trainer.evaluate(testSplit);
  const labels = testSplit.column("label") as number[];
  const counts = new Array<number>(numLabels).fill(0);
  for (const l of labels) counts[l]++;
  const majority = Math.max(...counts) / labels.length;
  console.log(`# emotion test accuracy ${result.eval_accuracy.toFixed(4)} vs majority ${majority.toFixed(4)}; epochs ${evals.map((e) => e.eval_accuracy.toFixed(3))}`);
  assert.ok(result.eval_accuracy > majority + 0.03, `accuracy ${result.eval_accuracy} vs majority ${majority}`);
  assert.equal(accuracy(labels, argmax((await trainer.predict(testSplit)).predictions)), result.eval_accuracy);
  fs.rmSync(outputDir, { recursive: true, force: true });
});
