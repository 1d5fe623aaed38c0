// Inputs a learner coming from the Python course gets wrong: each must fail with words that say what to
// do (or work as in Python), never be ignored silently.
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
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
import { explainWriteError } from "../src/trainer/output-dir.js";
import { startLocalHub } from "./helpers/local-hub.js";
import { SHARED_HUB, TINY_MODEL_DIR } from "./helpers/paths.js";
import { run as trainCli } from "../src/cli/train.js";

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
    // Column access by name types in tslab (not strict); strict TypeScript wants column("text").
    assert.deepEqual((splits["test"] as unknown as Record<string, unknown>)["text"], ["third"]);
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

describe("files a learner gets wrong", () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tt-learner-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test("a weight relabelled I32 is refused, naming the tensor and the file", async () => {
    const dir = path.join(tmp, "int-weight");
    fs.cpSync(TINY_MODEL_DIR, dir, { recursive: true });
    const file = path.join(dir, "model.safetensors");
    const bytes = fs.readFileSync(file);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString("utf8")) as Record<string, { dtype: string }>;
    const name = Object.keys(header).find((k) => k.endsWith("classifier.weight"))!;
    header[name].dtype = "I32"; // same item size: the bytes stay, only their meaning changes
    const json = Buffer.from(JSON.stringify(header).padEnd(headerLength, " "));
    assert.equal(json.length, headerLength);
    fs.writeFileSync(file, Buffer.concat([bytes.subarray(0, 8), json, bytes.subarray(8 + headerLength)]));
    await assert.rejects(AutoModelForSequenceClassification.fromPretrained(dir), (err: Error) => {
      assert.match(err.message, new RegExp(`Checkpoint tensor "${name.replace(/\./g, "\\.")}" in .*model\\.safetensors has dtype I32; a model weight must be floating point`));
      assert.ok(err.message.includes(file), "names the file");
      return true;
    });
  });

  test("outputDir that cannot be written fails before training, in words", async () => {
    const blocker = path.join(tmp, "a-file");
    fs.writeFileSync(blocker, "");
    const model = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR);
    try {
      const data = Dataset.fromDict({ input_ids: [[101, 102], [101, 102]], attention_mask: [[1, 1], [1, 1]], label: [0, 1] });
      const args = new TrainingArguments({ outputDir: path.join(blocker, "out"), maxSteps: 1, disableTqdm: true });
      const before = weightsOf(model);
      await assert.rejects(new Trainer({ model, args, trainDataset: data }).train(), /Cannot create the folder .*a-file\/out: a file is in the way \(ENOTDIR\)\. Choose another outputDir/);
      assert.deepEqual(weightsOf(model), before, "no step was taken");
      if (process.getuid?.() === 0) {
        console.log("# skipped the read-only folder case: root can write to read-only folders");
      } else {
        const readOnly = path.join(tmp, "read-only");
        fs.mkdirSync(readOnly, { mode: 0o555 });
        const ro = new TrainingArguments({ outputDir: path.join(readOnly, "out"), maxSteps: 1, disableTqdm: true });
        await assert.rejects(new Trainer({ model, args: ro, trainDataset: data }).train(), /Cannot write to .*read-only\/out \(EACCES: not writable\)/);
      }
    } finally {
      model.dispose();
    }
  });

  test("ENOSPC names the path and what to do", () => {
    const err = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    const explained = explainWriteError(err, "test_trainer/checkpoint-500") as Error;
    assert.match(explained.message, /No space left on the disk while writing to .*test_trainer\/checkpoint-500 \(ENOSPC\)\. Free some space, or keep fewer checkpoints \(saveTotalLimit: 1/);
  });

  test("saveSteps: 0 is refused, as in Python", () => {
    assert.throws(() => new TrainingArguments({ outputDir: "o", saveSteps: 0 }), /save strategy steps requires a positive saveSteps/);
    assert.doesNotThrow(() => new TrainingArguments({ outputDir: "o", saveSteps: 0, saveStrategy: "no" }));
  });

  test("an eval dataset without labels is named as such, not blamed on metricForBestModel", async () => {
    const model = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR);
    try {
      const train = Dataset.fromDict({ input_ids: [[101, 102]], attention_mask: [[1, 1]], label: [0] });
      const unlabelled = train.removeColumns("label");
      const args = new TrainingArguments({
        outputDir: path.join(tmp, "no-labels"), evalStrategy: "epoch", saveStrategy: "epoch", loadBestModelAtEnd: true, metricForBestModel: "accuracy", disableTqdm: true,
      });
      const trainer = new Trainer({ model, args, trainDataset: train, evalDataset: unlabelled, computeMetrics: () => ({ accuracy: 1 }) });
      await assert.rejects(trainer.train(), /evalDataset has no "label" column \(columns: input_ids, attention_mask\), so computeMetrics cannot be computed on it/);
      await assert.rejects(trainer.evaluate(), /evalDataset has no "label" column/);
      assert.equal((await trainer.predict(unlabelled)).label_ids, null, "predict on unlabelled data still works");
    } finally {
      model.dispose();
    }
  });

  test("resuming a finished run reports the logged training loss, not 0", async () => {
    const model = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR);
    try {
      const data = Dataset.fromDict({ input_ids: [[101, 7, 102], [101, 8, 102]], attention_mask: [[1, 1, 1], [1, 1, 1]], label: [0, 1] });
      const args = new TrainingArguments({ outputDir: path.join(tmp, "finished"), maxSteps: 2, perDeviceTrainBatchSize: 1, loggingSteps: 1, saveSteps: 2, disableTqdm: true, seed: 3 });
      const first = await new Trainer({ model, args, trainDataset: data }).train();
      const again = new Trainer({ model, args, trainDataset: data });
      const resumed = await again.train({ resumeFromCheckpoint: true });
      assert.equal(resumed.globalStep, 2);
      const logged = again.state.logHistory.filter((e) => e.loss !== undefined).map((e) => e.loss);
      assert.equal(logged.length, 2);
      assert.ok(resumed.metrics.train_loss > 0);
      assert.equal(resumed.metrics.train_loss, (logged[0] + logged[1]) / 2);
      assert.ok(Math.abs(resumed.metrics.train_loss - first.metrics.train_loss) < 1e-4, "the logged losses are rounded to 4 digits");
    } finally {
      model.dispose();
    }
  });
});

function weightsOf(model: { namedParameters(): Array<[string, { dataSync(): ArrayLike<number> }]> }): number[] {
  return model.namedParameters().flatMap(([, v]) => Array.from(v.dataSync()).slice(0, 4));
}

describe("data files: encoding, damage and emptiness, with the file named", () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tt-data-files-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test("Latin-1 csv / json / text fail with the line and byte offset instead of U+FFFD", async () => {
    const latin1 = Buffer.from("text,label\ngood,1\ncaf\xe9 con leche,0\n", "latin1");
    for (const [format, name, content] of [
      ["csv", "tweets.csv", latin1],
      ["json", "tweets.jsonl", Buffer.from('{"text": "ok"}\n{"text": "caf\xe9"}\n', "latin1")],
      ["text", "tweets.txt", Buffer.from("fine\nalso fine\nni\xf1o\n", "latin1")],
    ] as const) {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, content);
      const line = format === "text" ? 3 : format === "csv" ? 3 : 2;
      const offset = content.indexOf(format === "text" ? 0xf1 : 0xe9);
      await assert.rejects(
        loadDataset(format, { dataFiles: file }),
        new RegExp(`${file.replace(/[.]/g, "\\.")} is not UTF-8 text: line ${line}, byte offset ${offset} holds 0x(E9|F1)\\. Re-encode the file as UTF-8`),
        format,
      );
    }
    fs.writeFileSync(path.join(tmp, "ok.csv"), "text,label\ncaf\u00e9 \ud83d\ude00,1\n");
    const ok = await loadDataset("csv", { dataFiles: path.join(tmp, "ok.csv"), split: "train" });
    assert.equal(ok.get(0).text, "caf\u00e9 \ud83d\ude00");
  });

  test("an empty .json fails as an empty .csv does, naming the file", async () => {
    for (const name of ["empty.json", "empty.jsonl", "empty.csv", "empty.txt"]) {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, name === "empty.json" ? "\n" : "");
      const format = name.endsWith(".csv") ? "csv" : name.endsWith(".txt") ? "text" : "json";
      await assert.rejects(loadDataset(format, { dataFiles: file }), new RegExp(`${name.replace(".", "\\.")} is empty: there are no rows to load`), name);
    }
  });

  test("a truncated parquet file is named, and one in the hub cache is to be downloaded again", async () => {
    const source = path.join(SHARED_HUB, "datasets", "cardiffnlp", "tweet_eval", "emotion", "validation-00000-of-00001.parquet");
    const bytes = fs.readFileSync(source);
    const local = path.join(tmp, "validation.parquet");
    fs.writeFileSync(local, bytes.subarray(0, bytes.length - 100));
    await assert.rejects(loadDataset("parquet", { dataFiles: local }), (err: Error) => {
      assert.ok(err.message.startsWith(`${local} is not a readable parquet file (`), err.message);
      assert.match(err.message, /truncated or corrupted\. Replace it with a complete copy/);
      return true;
    });

    // A file of the hub cache (its layout: datasets--owner--name/snapshots/<commit>/...), damaged after download.
    const snapshot = path.join(tmp, "hub", "datasets--cardiffnlp--tweet_eval", "snapshots", "0".repeat(40), "emotion");
    fs.mkdirSync(snapshot, { recursive: true });
    const cached = path.join(snapshot, "validation-00000-of-00001.parquet");
    fs.writeFileSync(cached, bytes.subarray(0, bytes.length / 2));
    await assert.rejects(loadDataset("parquet", { dataFiles: cached }), (err: Error) => {
      assert.ok(err.message.startsWith(`${cached} is not a readable parquet file (`), err.message);
      assert.ok(err.message.includes(`It is a file of the hub cache: delete ${fs.realpathSync(cached)}`), err.message);
      assert.match(err.message, /load the dataset again to download it anew/);
      return true;
    });
  });
});

describe("tweet-transformers CLI", () => {
  test("--lr -1 says it must be positive (Node said 'argument is ambiguous')", async () => {
    await assert.rejects(trainCli(["--model", TINY_MODEL_DIR, "--dataset", "tweet_eval", "--lr", "-1"]), /--lr must be a positive number, got "-1"/);
    await assert.rejects(trainCli(["--model", TINY_MODEL_DIR, "--dataset", "tweet_eval", "--epochs", "-.5"]), /--epochs must be a positive number, got "-.5"/);
    await assert.rejects(trainCli(["--model", TINY_MODEL_DIR, "--batch_size", "8"]), /Unknown option '--batch_size'\. Did you mean --batch-size\? See --help/);
  });

  test("--ignore-mismatched-sizes: the 4-label tiny model trains on the 3 labels of stance_climate", async () => {
    const hub = await startLocalHub();
    const saved = { HF_ENDPOINT: process.env.HF_ENDPOINT, HF_HOME: process.env.HF_HOME, HF_HUB_CACHE: process.env.HF_HUB_CACHE };
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "tt-cli-mismatch-"));
    Object.assign(process.env, { HF_ENDPOINT: hub.url, HF_HOME: home });
    delete process.env.HF_HUB_CACHE;
    const quiet = console.warn;
    try {
      const argv = ["--model", TINY_MODEL_DIR, "--dataset", "tweet_eval", "--config", "stance_climate", "--max-steps", "1", "--max-length", "8",
        "--batch-size", "4", "--train-samples", "4", "--output-dir", path.join(home, "out")];
      await assert.rejects(trainCli(argv), /size mismatch for classifier\.weight.*`--ignore-mismatched-sizes` for `tweet-transformers train`/);
      console.warn = () => undefined;
      const write = process.stdout.write;
      let printed = "";
      process.stdout.write = ((chunk: string) => ((printed += chunk), true)) as typeof process.stdout.write;
      try {
        assert.equal(await trainCli([...argv, "--ignore-mismatched-sizes"]), 0);
      } finally {
        process.stdout.write = write;
      }
      const config = JSON.parse(fs.readFileSync(path.join(home, "out", "config.json"), "utf8"));
      assert.deepEqual(Object.values(config.id2label), ["none", "against", "favor"]);
      assert.equal(typeof JSON.parse(printed.trim().split("\n").pop()!).train_loss, "number");
    } finally {
      console.warn = quiet;
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      await hub.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
