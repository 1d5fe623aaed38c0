import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as util from "node:util";
import { ClassLabel, Dataset, DatasetDict, Sequence, Value, loadDataset, range } from "../src/datasets/index.js";
import { AutoTokenizer } from "../src/tokenizers/index.js";
import type * as tf from "@tensorflow/tfjs";
import { startLocalHub } from "./helpers/local-hub.js";
import { SHARED_HUB } from "./helpers/paths.js";

const TWEET_EVAL_DIR = path.join(SHARED_HUB, "datasets", "cardiffnlp", "tweet_eval");
const FIRST_TWEET = "\u201cWorry is a down payment on a problem you may never have'. \u00a0Joyce Meyer.  #motivation #leadership #worry";

let hub: { url: string; close(): Promise<void> };
let cacheDir: string;
let tmp: string;
let emotion: DatasetDict;

before(async () => {
  hub = await startLocalHub();
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-datasets-cache-"));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tt-datasets-"));
  emotion = await loadDataset("tweet_eval", "emotion", { endpoint: hub.url, cacheDir });
});

after(async () => {
  await hub.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("loadDataset from the hub", () => {
  test('"tweet_eval" "emotion": splits, features and class names from the card', () => {
    assert.deepEqual(emotion.keys(), ["train", "test", "validation"]);
    assert.deepEqual(emotion.numRows, { train: 3257, test: 1421, validation: 374 });
    const train = emotion.get("train");
    assert.deepEqual(train.columnNames, ["text", "label"]);
    assert.ok(train.features.label instanceof ClassLabel);
    const label = train.features.label as ClassLabel;
    assert.deepEqual(label.names, ["anger", "joy", "optimism", "sadness"]);
    assert.equal(label.numClasses, 4);
    assert.equal(label.int2str(2), "optimism");
    assert.equal(label.str2int("sadness"), 3);
    assert.ok(train.features.text instanceof Value && train.features.text.dtype === "string");
  });

  test("rows and slices are plain values; int64 labels are numbers", () => {
    const train = emotion.get("train");
    assert.deepEqual(train.get(0), { text: FIRST_TWEET, label: 2 });
    assert.equal(typeof train.get(-1).label, "number");
    const head = train.slice(0, 10);
    assert.deepEqual(Object.keys(head), ["text", "label"]);
    assert.equal(head.text.length, 10);
    assert.deepEqual(head.label, [2, 0, 1, 0, 3, 0, 3, 1, 0, 0]);
    assert.deepEqual(train.slice(-2).label.length, 2);
    assert.equal(train.column("label").length, 3257);
    assert.ok(train.column("label").every((l) => Number.isInteger(l) && l >= 0 && l < 4));
    assert.throws(() => train.get(3257), /out of range for a dataset of 3257 rows/);
    assert.throws(() => train.column("labels"), /Column "labels" is not in the dataset\. Columns: text, label/);
  });

  test('"stance_climate" by its canonical id, and a local folder', async () => {
    const stance = await loadDataset("cardiffnlp/tweet_eval", "stance_climate", { endpoint: hub.url, cacheDir });
    assert.deepEqual(stance.numRows, { train: 355, test: 169, validation: 40 });
    assert.deepEqual((stance.get("test").features.label as ClassLabel).names, ["none", "against", "favor"]);
    const local = await loadDataset(TWEET_EVAL_DIR, "stance_climate");
    assert.deepEqual(local.get("validation").toDict(), stance.get("validation").toDict());
  });

  test("split selects one Dataset, with Python's slicing", async () => {
    const opts = { endpoint: hub.url, cacheDir };
    const validation = await loadDataset("tweet_eval", "emotion", { ...opts, split: "validation" });
    assert.ok(validation instanceof Dataset);
    assert.equal(validation.numRows, 374);
    assert.equal((await loadDataset("tweet_eval", "emotion", { ...opts, split: "train[:100]" })).numRows, 100);
    assert.equal((await loadDataset("tweet_eval", "emotion", { ...opts, split: "validation[:10%]" })).numRows, 37);
    const both = await loadDataset("tweet_eval", "emotion", { ...opts, split: "test+validation" });
    assert.equal(both.numRows, 1795);
    await assert.rejects(loadDataset("tweet_eval", "emotion", { ...opts, split: "dev" }), /Unknown split "dev"\. Splits: train, test, validation/);
  });

  test("a missing or unknown config, or dataset, gets an error that lists what there is", async () => {
    const opts = { endpoint: hub.url, cacheDir };
    await assert.rejects(loadDataset("tweet_eval", opts), /Config name is missing.*emotion, stance_climate/);
    await assert.rejects(loadDataset("tweet_eval", "sentiment", opts), /has no config "sentiment"\. Available configs: emotion, stance_climate/);
    await assert.rejects(loadDataset("no_such_dataset", "x", opts), /Cannot load dataset "no_such_dataset"/);
  });
});

describe("Dataset operations", () => {
  const small = (): Dataset =>
    Dataset.fromDict({ text: ["a", "bb", "ccc", "dddd", "eeeee"], label: [0, 1, 2, 3, 0] }, { text: new Value("string"), label: new ClassLabel({ names: ["anger", "joy", "optimism", "sadness"] }) });

  test("fromDict infers features, or takes them", () => {
    const inferred = Dataset.fromDict({ text: ["x", "y"], score: [0.5, 1], n: [1n, 2n], ok: [true, false], ids: [[1, 2], [3]] });
    assert.deepEqual(inferred.features, { text: new Value("string"), score: new Value("float64"), n: new Value("int64"), ok: new Value("bool"), ids: new Sequence(new Value("int64")) });
    assert.deepEqual(inferred.get(0).n, 1, "bigint becomes number");
    assert.ok(small().features.label instanceof ClassLabel);
    assert.throws(() => Dataset.fromDict({ a: [1, 2], b: [1] }), /same length/);
    assert.throws(() => Dataset.fromDict({ label: [7] }, { label: new ClassLabel({ names: ["a", "b"] }) }), /Label 7 is out of range/);
    assert.deepEqual(Dataset.fromList([{ a: 1 }, { a: 2, b: "x" }]).toDict(), { a: [1, 2], b: [null, "x"] });
  });

  test("map, batched: adds columns, keeps the others and their features", () => {
    const out = small().map((b) => ({ length: b.text.map((t: string) => t.length) }), { batched: true, batchSize: 2 });
    assert.deepEqual(out.columnNames, ["text", "label", "length"]);
    assert.deepEqual(out.column("length"), [1, 2, 3, 4, 5]);
    assert.ok(out.features.label instanceof ClassLabel);
    assert.deepEqual(out.features.length, new Value("int64"));
  });

  test("map, one example at a time, replacing and removing columns", () => {
    const ds = small().map((row, i) => ({ text: row.text.toUpperCase(), index: i }), { removeColumns: ["label"] });
    assert.deepEqual(ds.toList()[1], { text: "BB", index: 1 });
    const same = small().map(() => undefined);
    assert.deepEqual(same.toDict(), small().toDict());
  });

  test("map can change the number of rows only when the input columns go", () => {
    const split = (b: Record<string, any[]>) => ({ char: b.text.flatMap((t: string) => [...t]) });
    assert.throws(() => small().map(split, { batched: true }), /returned 15 rows for 5 input rows.*removeColumns/);
    assert.equal(small().map(split, { batched: true, removeColumns: ["text", "label"] }).numRows, 15);
  });

  test("map rejects async functions and non-object results", () => {
    assert.throws(() => small().map(async () => ({ x: 1 })), /must be synchronous/);
    assert.throws(() => small().map(() => 3 as unknown as object), /must return an object/);
    assert.throws(() => small().map((b) => ({ x: b.text.length }), { batched: true }), /must return arrays/);
  });

  test("map with the tokenizer tokenizes a whole split, as in the exercise", async () => {
    const tokenizer = await AutoTokenizer.fromPretrained("distilbert-base-uncased", { endpoint: hub.url, cacheDir });
    const tokenized = emotion.map((b) => tokenizer(b.text, { maxLength: 60, padding: "max_length", truncation: true }), { batched: true });
    const train = tokenized.get("train");
    assert.deepEqual(train.columnNames, ["text", "label", "input_ids", "attention_mask"]);
    assert.deepEqual(train.features.input_ids, new Sequence(new Value("int32")));
    assert.deepEqual(train.features.attention_mask, new Sequence(new Value("int8")));
    assert.equal(train.get(0).input_ids.length, 60);
    assert.deepEqual(train.get(0).input_ids.slice(0, 4), [101, 1523, 4737, 2003]);
    assert.deepEqual(tokenized.numRows, { train: 3257, test: 1421, validation: 374 });
  });

  test("select, filter, removeColumns, renameColumn, castColumn, addColumn", () => {
    const ds = small();
    assert.deepEqual(ds.select([4, 0]).column("text"), ["eeeee", "a"]);
    assert.deepEqual(ds.select(range(2)).column("text"), ["a", "bb"]);
    assert.throws(() => ds.select([5]), /index 5 is out of range/);
    assert.deepEqual(ds.filter((r) => r.label === 0).column("text"), ["a", "eeeee"]);
    assert.deepEqual(ds.removeColumns("text").columnNames, ["label"]);
    assert.throws(() => ds.removeColumns(["nope"]), /Columns: text, label/);
    const renamed = ds.renameColumn("label", "labels");
    assert.deepEqual(renamed.columnNames, ["text", "labels"]);
    assert.ok(renamed.features.labels instanceof ClassLabel);
    const named = Dataset.fromDict({ label: ["joy", "anger", "joy"] }).castColumn("label", new ClassLabel({ names: ["anger", "joy"] }));
    assert.deepEqual(named.column("label"), [1, 0, 1]);
    assert.deepEqual(ds.addColumn("idx", range(5)).column("idx"), [0, 1, 2, 3, 4]);
  });

  test("shuffle with a seed is deterministic and matches numpy's default_rng(seed).permutation", () => {
    const ten = Dataset.fromDict({ i: range(10) });
    // numpy.random.default_rng(42).permutation(10), and (0).permutation(20)
    assert.deepEqual(ten.shuffle({ seed: 42 }).column("i"), [5, 6, 0, 7, 3, 2, 4, 9, 1, 8]);
    assert.deepEqual(Dataset.fromDict({ i: range(20) }).shuffle({ seed: 0 }).column("i"), [4, 19, 6, 2, 13, 16, 3, 11, 10, 8, 0, 12, 7, 5, 18, 17, 14, 9, 1, 15]);
    const train = emotion.get("train");
    const a = train.shuffle({ seed: 42 });
    // The rows Python's dataset["train"].shuffle(seed=42) starts with: numpy's permutation(3257) of seed 42.
    const expected = [129, 2291, 2891, 1141, 2008, 2412, 1899, 470, 2510, 2320].map((i) => train.get(i).text);
    assert.deepEqual(a.slice(0, 10).text, expected);
    assert.deepEqual(train.shuffle({ seed: 42 }).column("text"), a.column("text"));
    assert.notDeepEqual(train.shuffle({ seed: 43 }).slice(0, 10).text, expected);
    assert.deepEqual([...a.column("label")].sort(), [...train.column("label")].sort());
    assert.throws(() => train.shuffle({ seed: -1 }), /non-negative integer/);
  });

  test('setFormat("tf") gives int32 tensors for the chosen columns only', () => {
    const ds = Dataset.fromDict({ text: ["a", "b", "c"], input_ids: [[101, 1, 102], [101, 2, 102], [101, 3, 102]], label: [0, 1, 2], score: [0.5, 1.5, 2] });
    ds.setFormat("tf", ["input_ids", "label"]);
    assert.deepEqual(ds.format, { type: "tf", columns: ["input_ids", "label"] });
    const row = ds.get(1);
    assert.deepEqual(Object.keys(row), ["input_ids", "label"]);
    assert.equal(row.input_ids.dtype, "int32");
    assert.deepEqual(row.input_ids.arraySync(), [101, 2, 102]);
    assert.deepEqual(row.label.shape, []);
    const batch = ds.slice(0, 2) as unknown as Record<string, tf.Tensor>;
    assert.deepEqual(batch.input_ids.shape, [2, 3]);
    assert.deepEqual(batch.label.arraySync(), [0, 1]);
    assert.deepEqual(ds.column("label"), [0, 1, 2], "column() gives plain values");
    const all = ds.withFormat("tf");
    assert.equal(all.get(0).score.dtype, "float32");
    assert.deepEqual(ds.select([2]).format, ds.format, "derived datasets keep the format");
    ds.setFormat(null);
    assert.deepEqual(ds.get(0).input_ids, [101, 1, 102]);
    assert.throws(() => Dataset.fromDict({ ids: [[1], [1, 2]] }).withFormat("tf").slice(0, 2), /different lengths.*Pad them/);
    assert.throws(() => ds.setFormat("torch" as never), /Unknown format "torch"/);
    assert.throws(() => ds.setFormat("tf", ["nope"]), /Column "nope"/);
  });

  test("DatasetDict applies map, setFormat and removeColumns to every split", () => {
    const dict = new DatasetDict({ train: small(), test: small().select([0, 1]) });
    const mapped = dict.map((r) => ({ n: r.text.length })).removeColumns("text");
    assert.deepEqual(mapped.columnNames, { train: ["label", "n"], test: ["label", "n"] });
    mapped.setFormat("tf", ["n"]);
    assert.equal(mapped.get("test").get(0).n.dtype, "int32");
    assert.throws(() => dict.get("validation"), /no split "validation"\. Splits: train, test/);
    assert.deepEqual([...dict].map(([name]) => name), ["train", "test"]);
  });
});

describe("printing", () => {
  test("Dataset and DatasetDict print like Python", () => {
    assert.equal(util.inspect(emotion.get("train")), "Dataset({\n    features: ['text', 'label'],\n    num_rows: 3257\n})");
    assert.equal(
      String(emotion),
      "DatasetDict({\n" +
        "    train: Dataset({\n        features: ['text', 'label'],\n        num_rows: 3257\n    })\n" +
        "    test: Dataset({\n        features: ['text', 'label'],\n        num_rows: 1421\n    })\n" +
        "    validation: Dataset({\n        features: ['text', 'label'],\n        num_rows: 374\n    })\n" +
        "})",
    );
    assert.equal(util.inspect(emotion), String(emotion));
    assert.equal(String(emotion.get("train").features.label), "ClassLabel(names=['anger', 'joy', 'optimism', 'sadness'])");
    assert.equal(emotion.get("train").featuresToString(), "{'text': Value('string'), 'label': ClassLabel(names=['anger', 'joy', 'optimism', 'sadness'])}");
  });
});

describe("local csv / json / parquet files", () => {
  test("csv: quoted fields, typed columns, one or more splits", async () => {
    const file = path.join(tmp, "tweets.csv");
    fs.writeFileSync(file, 'text,label,score\n"hello, world",1,0.5\n"she said ""hi""\nand left",0,\nplain,2,1e3\n');
    const ds = await loadDataset("csv", { dataFiles: file, split: "train" });
    assert.deepEqual(ds.toDict(), { text: ["hello, world", 'she said "hi"\nand left', "plain"], label: [1, 0, 2], score: [0.5, null, 1000] });
    assert.deepEqual(ds.features.label, new Value("int64"));
    const dict = await loadDataset("csv", undefined, { dataFiles: { train: file, test: [file, file] } });
    assert.deepEqual(dict.numRows, { train: 3, test: 6 });
    await assert.rejects(loadDataset("csv", {}), /needs dataFiles/);
    await assert.rejects(loadDataset("csv", { dataFiles: path.join(tmp, "missing.csv") }), /does not exist/);
  });

  test("json: JSON lines and a JSON array of objects", async () => {
    const lines = path.join(tmp, "rows.jsonl");
    fs.writeFileSync(lines, '{"text": "a", "label": 0}\n\n{"text": "b", "label": 1}\n');
    const array = path.join(tmp, "rows.json");
    fs.writeFileSync(array, JSON.stringify([{ text: "a", label: 0 }, { text: "b", label: 1 }]));
    const nested = path.join(tmp, "nested.json");
    fs.writeFileSync(nested, JSON.stringify({ version: 1, data: [{ text: "a", label: 0 }, { text: "b", label: 1 }] }));
    const expected = { text: ["a", "b"], label: [0, 1] };
    assert.deepEqual((await loadDataset("json", { dataFiles: lines, split: "train" })).toDict(), expected);
    assert.deepEqual((await loadDataset("json", { dataFiles: array, split: "train" })).toDict(), expected);
    assert.deepEqual((await loadDataset("json", { dataFiles: nested, field: "data", split: "train" })).toDict(), expected);
    const globbed = await loadDataset("json", { dataFiles: path.join(tmp, "rows.*"), split: "train" });
    assert.equal(globbed.numRows, 4);
    fs.writeFileSync(path.join(tmp, "bad.jsonl"), '{"text": "a"}\n{oops}\n');
    await assert.rejects(loadDataset("json", { dataFiles: path.join(tmp, "bad.jsonl") }), /line 2: not valid JSON/);
  });

  test("a local folder without a card: splits from the file names", async () => {
    const dir = path.join(tmp, "my_tweets");
    fs.mkdirSync(path.join(dir, "data"), { recursive: true });
    fs.writeFileSync(path.join(dir, "data", "train-0.csv"), "text,label\na,0\nb,1\n");
    fs.writeFileSync(path.join(dir, "data", "train-1.csv"), "text,label\nc,0\n");
    fs.writeFileSync(path.join(dir, "data", "test.csv"), "text,label\nd,1\n");
    const dict = await loadDataset(dir);
    assert.deepEqual(dict.numRows, { train: 3, test: 1 });
    assert.deepEqual(dict.get("train").column("text"), ["a", "b", "c"]);
    await assert.rejects(loadDataset(dir, "emotion"), /declares no configs/);
  });

  test("parquet, with features given for the class labels", async () => {
    const file = path.join(TWEET_EVAL_DIR, "emotion", "validation-00000-of-00001.parquet");
    const plain = await loadDataset("parquet", { dataFiles: { validation: file } });
    assert.deepEqual(plain.get("validation").features, { text: new Value("string"), label: new Value("int64") });
    assert.equal(plain.get("validation").numRows, 374);
    const labels = new ClassLabel({ names: ["anger", "joy", "optimism", "sadness"] });
    const typed = await loadDataset("parquet", { dataFiles: file, features: { text: new Value("string"), label: labels }, split: "train" });
    assert.deepEqual(typed.get(0), emotion.get("validation").get(0));
    assert.ok(typed.features.label instanceof ClassLabel);
  });
});
