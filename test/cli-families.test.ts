// The CLI with every model family: `predict` with an already fine-tuned classifier (the fixtures'
// own labels), and `train` → `evaluate` → `predict` from a pretraining checkpoint (base/) on
// tweet_eval stance_climate, served by a local hub.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { run as train } from "../src/cli/train.js";
import { run as evaluate } from "../src/cli/evaluate.js";
import { run as predict } from "../src/cli/predict.js";
import { capture } from "./helpers/capture.js";
import { useLocalHubEnvironment } from "./helpers/local-hub.js";
import { FIXTURES_DIR } from "./helpers/paths.js";

const local = useLocalHubEnvironment("tt-cli-families-");
const STANCE_LABELS = ["none", "against", "favor"];
const LONG_TEXT = "climate ".repeat(80);

function jsonLines(text: string): Record<string, any>[] {
  return text.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, any>);
}

for (const family of ["bert", "roberta", "electra", "albert"]) {
  describe(`the CLI with ${family}`, () => {
    const dir = path.join(FIXTURES_DIR, `${family}-tiny`);
    const ref = JSON.parse(fs.readFileSync(path.join(dir, "reference.json"), "utf-8")) as { inputs: { texts: string[] }; forward: { logits: number[][] } };

    it("predict: the fine-tuned classifier answers with its own labels and the reference's logits", async () => {
      const { code, stdout } = await capture(() => predict(["--model", dir, "--max-length", "24", "--padding", "max_length", ref.inputs.texts[0]]));
      assert.equal(code, 0);
      const [prediction] = jsonLines(stdout);
      prediction.logits.forEach((v: number, i: number) => assert.ok(Math.abs(v - ref.forward.logits[0][i]) <= 1e-5, `logit ${i}: ${v} vs ${ref.forward.logits[0][i]}`));
      assert.ok(["anger", "joy", "optimism", "sadness"].includes(prediction.label), prediction.label);
    });

    it("train on stance_climate from the pretraining checkpoint, evaluate the saved model, predict with it", async () => {
      const outputDir = path.join(local.home, `${family}-stance`);
      const trained = await capture(() =>
        train(["--model", path.join(dir, "base"), "--dataset", "tweet_eval", "--config", "stance_climate", "--max-length", "24", "--batch-size", "32",
          "--max-steps", "4", "--epochs", "1", "--lr", "1e-3", "--output-dir", outputDir, "--seed", "0"]),
      );
      assert.equal(trained.code, 0);
      assert.match(trained.stderr, /newly initialized: \['classifier\./, "the new head is announced");
      const metrics = JSON.parse(trained.stdout.trim()) as Record<string, number>;
      for (const key of ["train_loss", "test_loss", "test_accuracy", "test_f1"]) assert.ok(Number.isFinite(metrics[key]), key);
      const config = JSON.parse(fs.readFileSync(path.join(outputDir, "config.json"), "utf8"));
      assert.equal(config.model_type, family);
      assert.deepEqual(Object.values(config.id2label), STANCE_LABELS);

      const evaluated = await capture(() => evaluate(["--model", outputDir, "--dataset", "tweet_eval", "--config", "stance_climate", "--split", "test", "--max-length", "24"]));
      assert.equal(evaluated.code, 0);
      const result = JSON.parse(evaluated.stdout.trim()) as Record<string, number>;
      assert.equal(result.eval_accuracy, metrics.test_accuracy, "the saved model is the one train evaluated");
      assert.ok(Math.abs(result.eval_loss - metrics.test_loss) < 1e-6);

      const predicted = await capture(() => predict(["--model", outputDir, "--truncation", "We must act on climate change now", LONG_TEXT]));
      assert.equal(predicted.code, 0);
      for (const p of jsonLines(predicted.stdout)) assert.ok(STANCE_LABELS.includes(p.label), p.label);
    });
  });
}

it("predict without --truncation says how to fit a text longer than the model's positions", async () => {
  await assert.rejects(
    capture(() => predict(["--model", path.join(FIXTURES_DIR, "roberta-tiny"), LONG_TEXT])),
    /only 24 positions: truncate them/,
  );
});
