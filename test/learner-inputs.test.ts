// Inputs a learner coming from the Python course gets wrong: each must fail with words that say what to
// do (or work as in Python), never be ignored silently.
import { before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  AutoConfig,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  DataCollatorWithPadding,
  Dataset,
  DatasetDict,
  EarlyStoppingCallback,
  PreTrainedTokenizer,
  Trainer,
  TrainingArguments,
  accuracy,
  confusionMatrix,
  f1,
  loadDataset,
  loadMetric,
} from "../src/index.js";
import { didYouMean } from "../src/options.js";
import { TINY_MODEL_DIR } from "./helpers/paths.js";

let tokenizer: PreTrainedTokenizer;
before(async () => {
  tokenizer = await AutoTokenizer.fromPretrained(TINY_MODEL_DIR);
});

describe("Python-style option names fail with 'did you mean'", () => {
  test("didYouMean: snake_case → camelCase first, then the nearest name", () => {
    assert.equal(didYouMean("max_length", ["maxLength", "padding"]), "maxLength");
    assert.equal(didYouMean("seqClassifDropout", ["seq_classif_dropout", "dropout"]), "seq_classif_dropout");
    assert.equal(didYouMean("maxLenght", ["maxLength", "padding"]), "maxLength");
    assert.equal(didYouMean("MAXLENGTH", ["maxLength"]), "maxLength");
    assert.equal(didYouMean("colour", ["maxLength", "padding"]), undefined);
  });

  test('tokenizer(texts, { max_length: 60, padding: "max_length", truncation: true }) no longer pads to 512', () => {
    assert.throws(
      () => tokenizer(["a tweet"], { max_length: 60, padding: "max_length", truncation: true } as never),
      /tokenizer: unknown option "max_length"\. Did you mean "maxLength"\? Options are camelCase/,
    );
    const ok = tokenizer(["a tweet"], { maxLength: 60, padding: "max_length", truncation: true });
    assert.equal(ok.input_ids[0].length, 60);
  });

  test("return_tensors says what the kit returns instead", () => {
    assert.throws(
      () => tokenizer("a tweet", { return_tensors: "tf" } as never),
      (err: Error) => /Did you mean "returnTensors"\?/.test(err.message) && /plain arrays/.test(err.message) && /data collator makes the tensors/.test(err.message),
    );
    assert.throws(() => tokenizer.pad([{ input_ids: [1] }], { max_length: 4 } as never), /pad: unknown option "max_length"\. Did you mean "maxLength"/);
    assert.throws(() => tokenizer.decode([1, 2], { skip_special_tokens: true } as never), /Did you mean "skipSpecialTokens"/);
  });

  test("fromPretrained: num_labels → numLabels, without a 30-key list", async () => {
    await assert.rejects(AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR, { num_labels: 4 }), (err: Error) => {
      assert.match(err.message, /Unknown fromPretrained option "num_labels"\. Did you mean "numLabels"/);
      assert.doesNotMatch(err.message, /override:/);
      return true;
    });
    await assert.rejects(AutoConfig.fromPretrained(TINY_MODEL_DIR, { ignore_mismatched_sizes: true }), /Did you mean "ignoreMismatchedSizes"/);
    await assert.rejects(AutoTokenizer.fromPretrained(TINY_MODEL_DIR, { cache_dir: "/tmp" } as never), /AutoTokenizer\.fromPretrained: unknown option "cache_dir"\. Did you mean "cacheDir"/);
  });

  test("Dataset.map, shuffle, loadDataset", async () => {
    const ds = Dataset.fromDict({ text: ["a", "b"], label: [0, 1] });
    assert.throws(() => ds.map((r) => r, { batched: true, remove_columns: ["text"] } as never), /map: unknown option "remove_columns"\. Did you mean "removeColumns"/);
    assert.throws(() => ds.map((r) => r, { num_proc: 4 } as never), /"num_proc"\.(.*)one process/);
    assert.throws(() => new DatasetDict({ train: ds }).map((r) => r, { batch_size: 8 } as never), /Did you mean "batchSize"/);
    assert.throws(() => ds.shuffle(42 as never), /shuffle\(\{ seed: 42 \}\)/);
    await assert.rejects(loadDataset("csv", { data_files: "x.csv" } as never), /loadDataset: unknown option "data_files"\. Did you mean "dataFiles"/);
  });

  test("Trainer, train, evaluate, collator, callbacks, TrainingArguments", async () => {
    const model = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR);
    try {
      const args = new TrainingArguments({ outputDir: "unused" });
      assert.throws(() => new Trainer({ model, args, train_dataset: Dataset.fromDict({ x: [1] }) } as never), /Trainer: unknown option "train_dataset"\. Did you mean "trainDataset"/);
      const trainer = new Trainer({ model, args });
      await assert.rejects(trainer.train({ resume_from_checkpoint: true } as never), /Did you mean "resumeFromCheckpoint"/);
      await assert.rejects(trainer.evaluate(undefined, { metric_key_prefix: "val" } as never), /Did you mean "metricKeyPrefix"/);
      assert.throws(() => new DataCollatorWithPadding({ tokenizer, max_length: 8 } as never), /Did you mean "maxLength"/);
      assert.throws(() => new EarlyStoppingCallback({ early_stopping_patience: 3 } as never), /Did you mean "earlyStoppingPatience"/);
      assert.throws(() => new TrainingArguments({ outputDir: "o", per_device_train_batch_size: 8 } as never), /Did you mean "perDeviceTrainBatchSize"/);
    } finally {
      model.dispose();
    }
  });

  test("metrics", () => {
    assert.throws(() => accuracy([0, 1], [0, 1], { sample_weight: [1, 1] } as never), /accuracy: unknown option "sample_weight"\. Did you mean "sampleWeight"/);
    assert.throws(() => f1([0, 1], [0, 1], { pos_label: 1 } as never), /Did you mean "posLabel"/);
    assert.throws(() => confusionMatrix([0, 1], [0, 1], { num_labels: 3 } as never), /Did you mean "numLabels"/);
    // f1 takes no sampleWeight: it used to be dropped silently.
    assert.throws(() => loadMetric("f1").compute({ predictions: [0, 1], references: [0, 1], sampleWeight: [1, 2] }), /f1\.compute: unknown option "sampleWeight"/);
    assert.throws(() => loadMetric("acuracy"), /Did you mean "accuracy"/);
  });
});

describe("Python habits: indexing and await", () => {
  const train = Dataset.fromDict({ text: ["first", "second", "third"], label: [0, 1, 2] });
  const splits = new DatasetDict({ train, test: train.select([2]) });

  test('dataset["train"], dataset["train"][0], dataset["train"]["text"], as in Python', () => {
    const viaIndex: Dataset = splits["train"];
    assert.equal(viaIndex, splits.get("train"));
    assert.ok(viaIndex instanceof Dataset);
    assert.deepEqual(splits["train"][0], { text: "first", label: 0 });
    assert.deepEqual(splits.train[-1], { text: "third", label: 2 });
    assert.deepEqual(splits["test"]["text"], ["third"]);
    assert.throws(() => train[3], /Index 3 is out of range for a dataset of 3 rows/);
    assert.deepEqual(Object.keys(splits.map((r) => ({ n: r.text.length }))["train"].toDict()), ["text", "label", "n"]);
    assert.ok(splits instanceof DatasetDict);
    assert.equal(train.numRows, 3); // members still win over columns and rows
  });

  test("forgetting await on loadDataset / fromPretrained says so", async () => {
    const pending = loadDataset("csv", { dataFiles: "does-not-exist.csv" });
    pending.catch(() => undefined);
    assert.throws(() => (pending as unknown as Record<string, unknown>)["train"], /loadDataset returns a Promise, which has no "train": did you forget await\?/);
    assert.throws(() => (pending as unknown as DatasetDict).get("train"), /did you forget await\?/);
    assert.throws(() => (pending as unknown as DatasetDict).map((r) => r), /did you forget await\?/);
    const model = AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR);
    assert.throws(() => (model as unknown as { config: unknown }).config, /AutoModelForSequenceClassification\.fromPretrained returns a Promise.*did you forget await/);
    (await model).dispose();
    const tok = AutoTokenizer.fromPretrained(TINY_MODEL_DIR);
    assert.throws(() => (tok as unknown as PreTrainedTokenizer).decode([1]), /did you forget await/);
    assert.ok((await tok) instanceof PreTrainedTokenizer);
  });
});
