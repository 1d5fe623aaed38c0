import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { run as train } from "../src/cli/train.js";
import { run as evaluate } from "../src/cli/evaluate.js";
import { capture } from "./helpers/capture.js";
import { useLocalHubEnvironment } from "./helpers/local-hub.js";
import { TINY_MODEL_DIR } from "./helpers/paths.js";
import { distilBertForwardBounds, type ForwardReference } from "./helpers/float32.js";

const local = useLocalHubEnvironment("tt-cli-train-");

test("train on tweet_eval emotion through the hub, save the model + tokenizer, then evaluate it", async () => {
  const outputDir = path.join(local.home, "emotion-model");
  const trained = await capture(() =>
    train(["--model", TINY_MODEL_DIR, "--dataset", "tweet_eval", "--config", "emotion", "--max-length", "16", "--batch-size", "32",
      "--eval-batch-size", "256", "--max-steps", "12", "--lr", "3e-3", "--output-dir", outputDir, "--seed", "7"]),
  );
  assert.equal(trained.code, 0);
  const metrics = JSON.parse(trained.stdout.trim()) as Record<string, number | string>;
  for (const key of ["train_runtime", "train_samples_per_second", "train_loss", "epoch", "test_loss", "test_accuracy", "test_f1", "test_runtime"]) {
    assert.equal(typeof metrics[key], "number", key);
  }
  assert.equal(metrics.output_dir, outputDir);
  assert.match(trained.stderr, /\{'eval_loss': [\d.]+, 'eval_accuracy': [\d.]+, 'eval_f1': [\d.]+, 'eval_runtime'/, "progress lines on stderr");
  for (const f of ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "training_args.json", "checkpoint-12"]) {
    assert.ok(fs.existsSync(path.join(outputDir, f)), f);
  }
  const config = JSON.parse(fs.readFileSync(path.join(outputDir, "config.json"), "utf8"));
  assert.deepEqual(config.id2label, { "0": "anger", "1": "joy", "2": "optimism", "3": "sadness" });

  const evaluated = await capture(() => evaluate(["--model", outputDir, "--dataset", "tweet_eval", "--config", "emotion", "--split", "test", "--max-length", "16"]));
  assert.equal(evaluated.code, 0);
  const result = JSON.parse(evaluated.stdout.trim()) as Record<string, number>;
  assert.deepEqual(Object.keys(result), ["eval_loss", "eval_accuracy", "eval_f1", "eval_runtime", "eval_samples_per_second", "eval_steps_per_second"]);
  assert.equal(result.eval_accuracy, metrics.test_accuracy, "the saved model is the one train evaluated");
  // The same weights on batches of 256 and 32 rows, whose kernels may sum in another order: within the bound of
  // two float32 forwards of the fixture's model (its reference has longer texts, 24 tokens, than these 16).
  const reference = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "reference.json"), "utf8")) as ForwardReference;
  assert.ok(Math.abs(result.eval_loss - (metrics.test_loss as number)) <= distilBertForwardBounds(config, reference).loss);
});

test("train --padding longest --group-by-length: each batch padded to its longest tweet, recorded in training_args.json", async () => {
  const outputDir = path.join(local.home, "emotion-dynamic");
  const trained = await capture(() =>
    train(["--model", TINY_MODEL_DIR, "--dataset", "tweet_eval", "--config", "emotion", "--padding", "longest", "--group-by-length",
      "--batch-size", "16", "--eval-batch-size", "256", "--max-steps", "3", "--train-samples", "48", "--output-dir", outputDir]),
  );
  assert.equal(trained.code, 0, trained.stderr);
  assert.doesNotMatch(trained.stderr, /groupByLength: every row/, "the rows are not padded when tokenizing");
  const metrics = JSON.parse(trained.stdout.trim()) as Record<string, number | string>;
  assert.equal(typeof metrics.test_accuracy, "number");
  const args = JSON.parse(fs.readFileSync(path.join(outputDir, "training_args.json"), "utf8"));
  assert.equal(args.group_by_length, true);
  await assert.rejects(
    train(["--model", TINY_MODEL_DIR, "--dataset", "tweet_eval", "--config", "emotion", "--padding", "dynamic"]),
    /--padding must be max_length \(every tweet to --max-length, the exercise's\) or longest \(each batch to its longest tweet\), not "dynamic"/,
  );
});

test("CLI errors say what to do", async () => {
  await assert.rejects(train(["--dataset", "tweet_eval"]), /--model is required/);
  await assert.rejects(train(["--model", TINY_MODEL_DIR, "--dataset", "tweet_eval", "--config", "emotion", "--batch-size", "0"]), /--batch-size must be a positive integer, got "0"/);
  await assert.rejects(
    evaluate(["--model", TINY_MODEL_DIR, "--dataset", "tweet_eval", "--config", "emotion", "--split", "dev"]),
    /No split "dev"; this dataset has: .*test/,
  );
  await assert.rejects(
    evaluate(["--model", TINY_MODEL_DIR, "--dataset", "tweet_eval", "--config", "stance_climate"]),
    /has 4 labels but tweet_eval stance_climate has 3/,
  );
});
