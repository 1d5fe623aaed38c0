// SIGINT (Ctrl+C, Jupyter's ■) stops train(), evaluate() and predict() at a step boundary, and a
// second run on a busy trainer or model is refused with a message that names the missing `await`.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { initBackend } from "../src/backend.js";
import { Dataset } from "../src/datasets/index.js";
import { setLanguage } from "../src/errors.js";
import { AutoModelForSequenceClassification } from "../src/models/index.js";
import { Interrupted, Trainer, TrainingArguments, setDefaultProgressCallback, type TrainerCallback } from "../src/trainer/index.js";
import { TINY_MODEL_DIR } from "./helpers/paths.js";

setDefaultProgressCallback(null);

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "tt-interrupt-"));

function data(n: number): Dataset {
  return Dataset.fromDict({
    input_ids: Array.from({ length: n }, (_, i) => [101, 2000 + (i % 7), 2100 + (i % 3), 102]),
    attention_mask: Array.from({ length: n }, () => [1, 1, 1, 1]),
    label: Array.from({ length: n }, (_, i) => i % 2),
  });
}

async function trainer(outputDir: string, callbacks: TrainerCallback[] = []) {
  await initBackend();
  const model = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR);
  const args = new TrainingArguments({ outputDir, numTrainEpochs: 3, perDeviceTrainBatchSize: 4, saveStrategy: "epoch", evalStrategy: "epoch" });
  return new Trainer({ model, args, trainDataset: data(16), evalDataset: data(8), callbacks });
}

async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; printed: string }> {
  const log = console.log;
  let printed = "";
  console.log = (...xs: unknown[]) => void (printed += `${xs.join(" ")}\n`);
  try {
    return { value: await fn(), printed };
  } finally {
    console.log = log;
  }
}

test("SIGINT stops train() at the next step, says how to resume, and the resumed run ends on the uninterrupted weights", async () => {
  const before = process.listeners("SIGINT").length;
  const other: () => void = () => assert.fail("the first SIGINT goes to the training, not to the other listeners");
  process.on("SIGINT", other);
  const dir = tmp();
  let fired = false;
  const interrupter: TrainerCallback = { onStepEnd: (_a, state) => void (state.globalStep === 6 && !fired && (fired = process.kill(process.pid, "SIGINT"))) };
  const cut = await trainer(dir, [interrupter]);
  const { value: out, printed } = await quietly(() => cut.train());
  process.removeListener("SIGINT", other);
  assert.equal(out.interrupted, true);
  assert.equal(out.globalStep, 6, "stopped at the step boundary after the signal");
  assert.match(printed, /^Training interrupted at step 6 of 12 \(epoch 1\.5\).*checkpoint-4.*resumeFromCheckpoint: true/);
  assert.deepEqual(fs.readdirSync(dir), ["checkpoint-4"], "no checkpoint after the interrupt");
  assert.equal(process.listeners("SIGINT").length, before, "the process's SIGINT listeners are put back");

  const resumed = await quietly(() => cut.train({ resumeFromCheckpoint: true }));
  assert.equal(resumed.value.globalStep, 12);
  const full = await trainer(tmp());
  await quietly(() => full.train());
  const weights = (t: Trainer) => t.model.namedParameters().map(([, v]) => Array.from(v.dataSync()));
  assert.deepEqual(weights(cut), weights(full), "bit-identical to the uninterrupted run");
});

test("SIGINT stops evaluate() with an Interrupted error", async () => {
  const t = await trainer(tmp(), []);
  t.addCallback({ onPredictionStep: (_a, _s, _c, extra) => void (extra.predictionStep === 1 && process.kill(process.pid, "SIGINT")) });
  await assert.rejects(t.evaluate(data(12)), (e: Error) => e instanceof Interrupted && /Evaluation interrupted after 1 of 2 batches/.test(e.message));
});

test("a second run on a busy trainer or model is refused, naming the missing await (in Spanish after setLanguage)", async () => {
  const t = await trainer(tmp());
  const running = quietly(() => t.train());
  await assert.rejects(t.train(), /train\(\) cannot start: train\(\) is still running on this model \(started without `await`/);
  await assert.rejects(t.evaluate(), /evaluate\(\) cannot start: train\(\) is still running/);
  const other = new Trainer({ model: t.model, args: new TrainingArguments({ outputDir: tmp() }), trainDataset: data(8) });
  setLanguage("es");
  try {
    await assert.rejects(other.predict(data(4)), /predict\(\) no puede empezar: train\(\) sigue ejecutándose con este modelo \(se lanzó sin `await`/);
  } finally {
    setLanguage("en");
  }
  await running;
  assert.equal(t.state.globalStep, 12, "the first run was not disturbed");
  await t.evaluate(); // free again
});

test("a failed training tells the progress display what stopped it (no bar left frozen)", async () => {
  let stopped: string | undefined;
  const failing: TrainerCallback = {
    onStepEnd: (_a, state) => {
      if (state.globalStep === 2) throw new Error("disk full");
    },
    onTrainEnd: (_a, _s, _c, extra) => void (stopped = extra.stopped),
  };
  const t = await trainer(tmp(), [failing]);
  await assert.rejects(t.train(), /disk full/);
  assert.equal(stopped, "Failed: disk full");
  await t.evaluate(); // the trainer is free again
});
