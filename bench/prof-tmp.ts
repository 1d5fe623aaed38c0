import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend.js";
import { loadDataset } from "../src/datasets/index.js";
import { AutoTokenizer } from "../src/tokenizers/index.js";
import { AutoConfig, AutoModelForSequenceClassification } from "../src/models/index.js";
import { Trainer, TrainingArguments, AdamW, globalGradNorm, clipCoefficient } from "../src/trainer/index.js";

const HUB = path.resolve("../shared/hub");
const K = Number(process.env.K ?? 8);
async function main() {
  await initBackend("native");
  const dir = path.join(HUB, "datasets", "cardiffnlp", "tweet_eval", "emotion");
  const ds = await loadDataset("parquet", { dataFiles: { train: path.join(dir, "train-00000-of-00001.parquet"), validation: path.join(dir, "validation-00000-of-00001.parquet") } }) as any;
  const tok = await AutoTokenizer.fromPretrained(path.join(HUB, "distilbert", "distilbert-base-uncased"));
  const enc = ds.map((b: any) => tok(b.text, { padding: "max_length", truncation: true, maxLength: 60 }), { batched: true });
  const json = JSON.parse(fs.readFileSync(path.join(HUB, "distilbert", "distilbert-base-uncased", "config.json"), "utf8"));
  const model = AutoModelForSequenceClassification.fromConfig(AutoConfig.forModel("distilbert", { ...json, num_labels: 4 }), { seed: 0 });
  const train = enc.get("train").select(Array.from({ length: (K + 1) * 16 }, (_, i) => i));
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-prof-"));
  const steps: number[] = [];
  let t = 0, lastEnd = 0, saveS = NaN;
  const trainer = new Trainer({
    model, tokenizer: tok as any,
    args: new TrainingArguments({ outputDir, numTrainEpochs: 1, perDeviceTrainBatchSize: 16, perDeviceEvalBatchSize: 16, evalStrategy: "epoch", saveStrategy: "epoch", loggingStrategy: "epoch", loadBestModelAtEnd: true, saveTotalLimit: 2 }),
    trainDataset: train, evalDataset: enc.get("validation"),
    computeMetrics: ([logits, labels]: any) => ({ accuracy: labels.filter((l: number, i: number) => logits[i].indexOf(Math.max(...logits[i])) === l).length / labels.length }),
    callbacks: [{ onStepBegin: () => void (t = performance.now()), onStepEnd: () => void steps.push(((lastEnd = performance.now()) - t) / 1000), onSave: () => void (saveS = (performance.now() - lastEnd) / 1000) }],
  });
  const t0 = performance.now();
  const out = await trainer.train();
  console.log("train total", ((performance.now() - t0) / 1000).toFixed(2), JSON.stringify(out.metrics));
  console.log("steps", steps.map((s) => s.toFixed(3)).join(" "));
  console.log("eval", JSON.stringify(trainer.state.logHistory.find((l: any) => l.eval_runtime)), "save+eval after last step", saveS.toFixed(2));
  // bare steps, same batches
  const params = model.namedParameters().filter(([, v]) => v.trainable);
  const nameOf = new Map(params.map(([n, v]) => [v.name, n]));
  const opt = new AdamW(params, { lr: 5e-5 });
  model.train();
  const bare: number[] = [];
  for (let s = 0; s <= K; s++) {
    const rows = train.select(Array.from({ length: 16 }, (_, i) => s * 16 + i));
    const t1 = performance.now();
    const batch = { input_ids: tf.tensor2d(rows.column("input_ids"), undefined, "int32"), attention_mask: tf.tensor2d(rows.column("attention_mask"), undefined, "int32"), labels: tf.tensor1d(rows.column("label"), "int32") };
    const { value, grads } = tf.variableGrads(() => model.forward(batch).loss!, params.map(([, v]) => v));
    await value.data(); value.dispose();
    const g = new Map(Object.entries(grads).map(([k, x]) => [nameOf.get(k)!, x]));
    const norm = await globalGradNorm(g.values());
    opt.step(g, 5e-5, clipCoefficient(norm, 1));
    for (const x of g.values()) x.dispose();
    tf.dispose(Object.values(batch));
    bare.push((performance.now() - t1) / 1000);
  }
  console.log("bare", bare.map((s) => s.toFixed(3)).join(" "));
  console.log("mem", JSON.stringify(tf.memory()));
  fs.rmSync(outputDir, { recursive: true, force: true });
}
main();
