// Dynamic padding (tokenize with truncation only; DataCollatorWithPadding pads each batch to its longest
// row) and groupByLength, on the exercise's own tweets (TweetEval emotion from ../shared/hub) with the
// tiny DistilBERT fixture.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend.js";
import { loadDataset, type Dataset, type DatasetDict } from "../src/datasets/index.js";
import { AutoModelForSequenceClassification } from "../src/models/index.js";
import { AutoTokenizer, type PreTrainedTokenizer } from "../src/tokenizers/index.js";
import { DataCollatorWithPadding, Trainer, TrainingArguments, setDefaultProgressCallback, type ModelBatch } from "../src/trainer/index.js";
import { lengthGroupedOrder, shuffledOrder, toBatches } from "../src/trainer/sampler.js";
import { capture } from "./helpers/capture.js";
import { distilBertForwardBounds } from "./helpers/float32.js";
import { SHARED_HUB, TINY_MODEL_DIR } from "./helpers/paths.js";

setDefaultProgressCallback(null);

const MAX_LENGTH = 60; // the exercise's
const BATCH = 16;
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `tt-padding-${name}-`));

let tokenizer: PreTrainedTokenizer;
/** emotion padded to 60 (the notebook's tokenization) and with truncation only (dynamic padding). */
let padded: DatasetDict;
let dynamic: DatasetDict;

before(async () => {
  await initBackend();
  const emotion = (await loadDataset(path.join(SHARED_HUB, "datasets", "cardiffnlp", "tweet_eval"), "emotion")) as DatasetDict;
  tokenizer = await AutoTokenizer.fromPretrained(TINY_MODEL_DIR);
  padded = emotion.map((b) => tokenizer(b.text as string[], { maxLength: MAX_LENGTH, padding: "max_length", truncation: true }), { batched: true });
  dynamic = emotion.map((b) => tokenizer(b.text as string[], { maxLength: MAX_LENGTH, truncation: true }), { batched: true });
});

const lengthsOf = (ds: Dataset) => ds.column("input_ids").map((r: number[]) => r.length);
const firstRows = (ds: Dataset, n: number) => ds.select(Array.from({ length: n }, (_, i) => i));
/** Tokens a model sees in one epoch: each batch is as wide as its longest row. */
const paddedTokens = (batches: number[][], lengths: number[]) => batches.reduce((s, b) => s + b.length * Math.max(...b.map((i) => lengths[i])), 0);

async function tinyModel() {
  return AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR, { dropout: 0, attention_dropout: 0, seq_classif_dropout: 0, seed: 0 });
}

/** Records the width of every batch the model is given. */
function recordWidths(model: Awaited<ReturnType<typeof tinyModel>>): number[] {
  const widths: number[] = [];
  const forward = model.forward.bind(model);
  model.forward = ((inputs: { input_ids: tf.Tensor }, options?: never) => {
    widths.push(inputs.input_ids.shape[1]!);
    return forward(inputs as never, options);
  }) as typeof model.forward;
  return widths;
}

const maxAbsDiff = (a: number[][], b: number[][]) => Math.max(...a.map((r, i) => Math.max(...r.map((x, j) => Math.abs(x - b[i][j])))));

test("tokenizing without padding gives each tweet its own length: the padded rows' unmasked prefix", () => {
  const rows = padded.get("validation").column("input_ids") as number[][];
  const masks = padded.get("validation").column("attention_mask") as number[][];
  const own = dynamic.get("validation").column("input_ids") as number[][];
  own.forEach((r, i) => {
    const len = masks[i].reduce((a, b) => a + b, 0);
    assert.deepEqual(r, rows[i].slice(0, len));
  });
  assert.ok(new Set(own.map((r) => r.length)).size > 10, "tweets of many lengths");
});

test("dynamic padding: the same logits and loss as padding to 60, each batch padded only to its longest row", async () => {
  const model = await tinyModel();
  const config = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "config.json"), "utf8"));
  const args = new TrainingArguments({ outputDir: tmp("eval"), perDeviceEvalBatchSize: BATCH, saveStrategy: "no" });
  const validation = { padded: padded.get("validation"), dynamic: dynamic.get("validation") };

  const reference = await new Trainer({ model, args }).predict(validation.padded);
  const widths = recordWidths(model);
  const perBatch = await new Trainer({ model, args, tokenizer }).predict(validation.dynamic);

  // Padded positions get no attention (finfo.min in the scores: exp underflows to exactly 0), so the two runs
  // differ only in the order of float32 sums: the forward bounds of a length-60 DistilBERT.
  const logits = reference.predictions;
  const lastHidden = tf.tidy(() => {
    const batch = { input_ids: tf.tensor2d(validation.padded.column("input_ids"), undefined, "int32"), attention_mask: tf.tensor2d(validation.padded.column("attention_mask"), undefined, "int32") };
    return tf.max(tf.abs(model.distilbert.forward(batch).lastHiddenState)).dataSync()[0];
  });
  widths.length = 0;
  const bounds = distilBertForwardBounds(config, {
    inputs: { input_ids: [new Array(MAX_LENGTH).fill(0)], labels: reference.label_ids! },
    forward: { last_hidden_state: [[[lastHidden]]], logits, loss: reference.metrics.test_loss },
  });
  const logitErr = maxAbsDiff(perBatch.predictions, logits);
  const lossErr = Math.abs(perBatch.metrics.test_loss - reference.metrics.test_loss);
  console.log(`# emotion validation (374 tweets): max |Δ logit| ${logitErr.toExponential(2)} (bound ${bounds.logits.toExponential(2)}), |Δ loss| ${lossErr.toExponential(2)} (bound ${bounds.loss.toExponential(2)})`);
  assert.ok(logitErr <= bounds.logits, `logits differ by ${logitErr}`);
  assert.ok(lossErr <= bounds.loss, `eval loss differs by ${lossErr}`);

  // Each evaluation batch (rows in order) is exactly as wide as its longest tweet.
  await new Trainer({ model, args, tokenizer }).predict(validation.dynamic);
  const lengths = lengthsOf(validation.dynamic);
  const batches = toBatches(Array.from({ length: lengths.length }, (_, i) => i), BATCH, false);
  assert.deepEqual(widths, batches.map((b) => Math.max(...b.map((i) => lengths[i]))));
  console.log(`# emotion validation: ${paddedTokens(batches, lengths)} tokens with dynamic padding, ${lengths.length * MAX_LENGTH} padded to 60`);
});

test("dynamic padding trains the same model: same step losses and logits after training as padding to 60", async () => {
  const n = 64;
  const run = async (data: Dataset, withTokenizer: boolean) => {
    const model = await tinyModel();
    const widths = recordWidths(model);
    const args = new TrainingArguments({ outputDir: tmp("train"), perDeviceTrainBatchSize: BATCH, numTrainEpochs: 1, learningRate: 1e-3, loggingSteps: 1, saveStrategy: "no" });
    const trainer = new Trainer({ model, args, trainDataset: firstRows(data, n), ...(withTokenizer ? { tokenizer } : {}) });
    await trainer.train();
    const losses = trainer.state.logHistory.filter((e) => "loss" in e).map((e) => e.loss as number);
    const trainWidths = [...widths];
    const after = (await trainer.predict(firstRows(padded.get("validation"), 32))).predictions;
    return { losses, widths: trainWidths, after };
  };
  const reference = await run(padded.get("train"), false);
  const perBatch = await run(dynamic.get("train"), true);
  // The fixture's tolerances for float32 training against another summation order (../shared/fixtures/README.md).
  const stepErr = Math.max(...perBatch.losses.map((l, i) => Math.abs(l - reference.losses[i])));
  const afterErr = maxAbsDiff(perBatch.after, reference.after);
  console.log(`# ${n} emotion tweets, ${reference.losses.length} steps: max |Δ step loss| ${stepErr.toExponential(2)}, logits after training max |Δ| ${afterErr.toExponential(2)}`);
  assert.equal(perBatch.losses.length, n / BATCH);
  assert.ok(stepErr <= 1e-4, `step losses differ by ${stepErr}`);
  assert.ok(afterErr <= 1e-3, `logits after training differ by ${afterErr}`);
  // The training batches (the seed's shuffled order) are each as wide as their longest tweet.
  const lengths = lengthsOf(firstRows(dynamic.get("train"), n));
  const batches = toBatches(shuffledOrder(n, 42, 0), BATCH, false);
  assert.deepEqual(perBatch.widths, batches.map((b) => Math.max(...b.map((i) => lengths[i]))));
});

test("groupByLength on emotion: far fewer padded tokens, deterministic for a seed, every row once per epoch", () => {
  const lengths = lengthsOf(dynamic.get("train"));
  const n = lengths.length;
  const real = lengths.reduce((a, b) => a + b, 0);
  const all = Array.from({ length: n }, (_, i) => i);
  for (let epoch = 0; epoch < 3; epoch++) {
    const grouped = lengthGroupedOrder(lengths, BATCH, 42, epoch);
    assert.deepEqual([...grouped].sort((a, b) => a - b), all, "every row once");
    assert.deepEqual(lengthGroupedOrder(lengths, BATCH, 42, epoch), grouped, "the same order for the same seed and epoch");
    assert.notDeepEqual(lengthGroupedOrder(lengths, BATCH, 43, epoch), grouped, "another seed, another order");
    assert.notDeepEqual(lengthGroupedOrder(lengths, BATCH, 42, epoch + 1), grouped, "another epoch, another order");
    assert.equal(lengths[grouped[0]], Math.max(...lengths), "the longest tweet first");
    const groupedTokens = paddedTokens(toBatches(grouped, BATCH, false), lengths);
    const randomTokens = paddedTokens(toBatches(shuffledOrder(n, 42, epoch), BATCH, false), lengths);
    console.log(`# emotion train, epoch ${epoch + 1}: ${n * MAX_LENGTH} tokens padded to 60, ${randomTokens} with dynamic padding, ${groupedTokens} with groupByLength (${real} without padding)`);
    // Within a mega-batch sorted by length each batch's longest row is at most the previous batch's shortest,
    // so the padding of a mega-batch is at most BATCH × (its longest - its shortest) ≤ BATCH × 60; the longest
    // row moved to the front adds at most one more such term.
    const megaBatches = Math.ceil(n / (50 * BATCH));
    assert.ok(groupedTokens - real <= (megaBatches + 1) * BATCH * MAX_LENGTH, `groupByLength pads ${groupedTokens - real} tokens`);
    assert.ok(groupedTokens < randomTokens, "less than random batches");
  }
});

test("groupByLength through the Trainer: batches in lengthGroupedOrder, each row once, the lengthColumnName column honoured", async () => {
  const n = 160;
  const train = firstRows(dynamic.get("train"), n);
  const lengths = lengthsOf(train);
  const runOrder = async (data: Dataset, extra: Record<string, unknown> = {}) => {
    const model = await tinyModel();
    const widths = recordWidths(model);
    const seen: number[] = [];
    const pad = new DataCollatorWithPadding({ tokenizer });
    const dataCollator = (rows: Record<string, unknown>[]): ModelBatch => {
      seen.push(...rows.map((r) => r.row as number));
      return pad.collate(rows.map(({ input_ids, attention_mask, label }) => ({ input_ids, attention_mask, label })));
    };
    const args = new TrainingArguments({ outputDir: tmp("group"), perDeviceTrainBatchSize: BATCH, numTrainEpochs: 1, saveStrategy: "no", groupByLength: true, removeUnusedColumns: false, ...extra });
    await new Trainer({ model, args, trainDataset: data.addColumn("row", Array.from({ length: n }, (_, i) => i)), dataCollator }).train();
    return { seen, widths };
  };
  const grouped = await runOrder(train);
  assert.deepEqual(grouped.seen, lengthGroupedOrder(lengths, BATCH, 42, 0));
  assert.deepEqual([...grouped.seen].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  assert.deepEqual(grouped.widths, toBatches(grouped.seen, BATCH, false).map((b) => Math.max(...b.map((i) => lengths[i]))));
  assert.deepEqual((await runOrder(train)).seen, grouped.seen, "the same batches for the same seed");

  // A length column (here: the reverse of the true lengths) decides the grouping, also when removeUnusedColumns
  // leaves it out of the batches (transformers reads it from the dataset).
  const reversed = lengths.map((l) => 100 - l);
  const byColumn = await runOrder(train.addColumn("length", reversed));
  assert.deepEqual(byColumn.seen, lengthGroupedOrder(reversed, BATCH, 42, 0));
  const model = await tinyModel();
  const widths = recordWidths(model);
  const args = new TrainingArguments({ outputDir: tmp("column"), perDeviceTrainBatchSize: BATCH, numTrainEpochs: 1, saveStrategy: "no", groupByLength: true, lengthColumnName: "tokens" });
  await new Trainer({ model, args, trainDataset: train.addColumn("tokens", reversed), tokenizer }).train();
  assert.deepEqual(widths, toBatches(lengthGroupedOrder(reversed, BATCH, 42, 0), BATCH, false).map((b) => Math.max(...b.map((i) => lengths[i]))));
});

test("groupByLength: clear errors for a missing or bad length column, a notice when rows are all padded to one width", async () => {
  const model = await tinyModel();
  const data = firstRows(dynamic.get("train"), 32);
  const train = (trainDataset: Dataset, extra: Record<string, unknown>) =>
    new Trainer({ model, args: new TrainingArguments({ outputDir: tmp("errors"), perDeviceTrainBatchSize: BATCH, maxSteps: 1, saveStrategy: "no", groupByLength: true, ...extra }), trainDataset, tokenizer }).train();
  await assert.rejects(
    train(data.addColumn("tokens", lengthsOf(data)), { lengthColumnName: "token" }),
    /lengthColumnName "token" is not a column of trainDataset \(columns: text, label, input_ids, attention_mask, tokens\)\. Did you mean "tokens"\?.*leave lengthColumnName out/,
  );
  await assert.rejects(
    train(data.addColumn("length", data.column("text")), {}),
    /trainDataset: the "length" column \(lengthColumnName\) must hold each row's number of tokens, but row 0 has ".*"\. Compute it when tokenizing/,
  );
  const { stderr } = await capture(async () => void (await train(firstRows(padded.get("train"), 32), {})));
  assert.match(stderr, /groupByLength: every row of trainDataset has 60 input_ids \(padded when tokenizing\).*saves no time\. Tokenize with truncation only/);
  const quiet = await capture(async () => void (await train(data, {})));
  assert.doesNotMatch(quiet.stderr, /groupByLength/);
});
