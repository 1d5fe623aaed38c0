// The exercise as the learner runs it, for a bounded slice (`npm run bench`): the real Trainer on
// the real tweets (tweet_eval/emotion from the hub folder given), a DistilBERT of
// distilbert-base-uncased's shape with random weights, the notebook's settings (batch 16, padding
// to 60, an evaluation and a checkpoint at the epoch's end, the best model reloaded at the end),
// one epoch of `steps + 1` steps; beside it, in the same process and on the same batches, the bare
// training step with the same work (forward, backward, global-norm clipping, AdamW), measured
// before and after the Trainer so that a change of load shows. Prints one JSON line.
//   tsx bench/trainer-slice.ts --backend native --hub ../shared/hub [--steps 8 --eval-rows 374 --micro-batch 16
//     --bare 8 --data-out FILE]
// --micro-batch 8: steps of 2 micro-batches (gradient accumulation, the same work: wasm's heap);
// --bare N: bare steps (0: none); --data-out writes the tokenized slice (ids, masks, labels) for
// the PyTorch side to train on.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { backendInfo, initBackend } from "../src/backend.js";
import { loadDataset, range, type Dataset } from "../src/datasets/index.js";
import { accuracy, argmax } from "../src/metrics/index.js";
import { AutoConfig, AutoModelForSequenceClassification } from "../src/models/index.js";
import { AutoTokenizer } from "../src/tokenizers/index.js";
import { AdamW, Trainer, TrainingArguments, clipCoefficient, globalGradNorm, type EvalPrediction } from "../src/trainer/index.js";
import { argValue } from "./args.js";

const BATCH = 16, SEQ = 60, NUM_LABELS = 4;

const computeMetrics = ([logits, labels]: EvalPrediction) => ({ accuracy: accuracy(labels, argmax(logits)) });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** CPU seconds of this process (all its threads) since `from`: on a shared machine, less disturbed than wall time. */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
};

async function main(): Promise<void> {
  const backend = argValue("--backend", "native");
  const hub = argValue("--hub", "");
  const steps = Number(argValue("--steps", "8"));
  const bare = Number(argValue("--bare", String(steps)));
  const microBatch = Number(argValue("--micro-batch", String(BATCH)));
  await initBackend(backend);

  const dir = path.join(hub, "datasets", "cardiffnlp", "tweet_eval", "emotion");
  const file = (split: string) => path.join(dir, `${split}-00000-of-00001.parquet`);
  const raw = await loadDataset("parquet", { dataFiles: { train: file("train"), validation: file("validation") } });
  const repo = path.join(hub, "distilbert", "distilbert-base-uncased");
  const tokenizer = await AutoTokenizer.fromPretrained(repo);
  const tokenized = raw.map((b) => tokenizer(b.text as string[], { maxLength: SEQ, padding: "max_length", truncation: true }), { batched: true });
  const validation = tokenized.get("validation");
  const evalRows = Math.min(Number(argValue("--eval-rows", String(validation.numRows))), validation.numRows);
  const evalSet = validation.select(range(evalRows));
  const trainSet = tokenized.get("train").select(range((steps + 1) * BATCH));
  const dataOut = argValue("--data-out", "");
  if (dataOut) {
    const cols = (d: Dataset) => ({ input_ids: d.column("input_ids"), attention_mask: d.column("attention_mask"), label: d.column("label") });
    fs.writeFileSync(dataOut, JSON.stringify({ train: cols(trainSet), validation: cols(evalSet) }));
  }

  const json = JSON.parse(fs.readFileSync(path.join(repo, "config.json"), "utf8")) as Record<string, unknown>;
  const model = AutoModelForSequenceClassification.fromConfig(AutoConfig.forModel("distilbert", { ...json, num_labels: NUM_LABELS }), { seed: 0 });
  const params = model.namedParameters().filter(([, v]) => v.trainable);
  const nameOf = new Map(params.map(([n, v]) => [v.name, n]));

  // The bare step: what the Trainer's step computes, without the Trainer.
  const bareCpu: number[] = [];
  const bareSteps = async (count: number): Promise<number[]> => {
    const optimizer = new AdamW(params, { lr: 5e-5, weightDecay: 0 });
    model.train();
    const times: number[] = [];
    for (let s = 0; s <= count; s++) {
      const rows = trainSet.select(range(s * BATCH, (s + 1) * BATCH));
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const batch = {
        input_ids: tf.tensor2d(rows.column("input_ids") as number[][], undefined, "int32"),
        attention_mask: tf.tensor2d(rows.column("attention_mask") as number[][], undefined, "int32"),
        labels: tf.tensor1d(rows.column("label") as number[], "int32"),
      };
      const { value, grads } = tf.variableGrads(() => model.forward(batch).loss!, params.map(([, v]) => v));
      await value.data();
      const named = new Map(Object.entries(grads).map(([k, g]) => [nameOf.get(k)!, g]));
      optimizer.step(named, 5e-5, clipCoefficient(await globalGradNorm(named.values()), 1));
      tf.dispose([value, ...named.values(), ...Object.values(batch)]);
      if (s > 0) times.push((performance.now() - t0) / 1000), bareCpu.push(cpuSince(cpu0)); // the first is a warm-up
    }
    optimizer.dispose();
    return times;
  };

  const bareBefore = bare > 0 ? await bareSteps(Math.ceil(bare / 2)) : [];
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-slice-"));
  const stepTimes: number[] = [];
  const stepCpu: number[] = [];
  const marks: Record<string, number> = {};
  let t = 0;
  let cpu = process.cpuUsage();
  try {
    const trainer = new Trainer({
      model,
      tokenizer,
      args: new TrainingArguments({
        outputDir, numTrainEpochs: 1, perDeviceTrainBatchSize: microBatch, gradientAccumulationSteps: BATCH / microBatch, perDeviceEvalBatchSize: BATCH,
        evalStrategy: "epoch", saveStrategy: "epoch", loggingStrategy: "epoch", loadBestModelAtEnd: true, saveTotalLimit: 2,
      }),
      trainDataset: trainSet,
      evalDataset: evalSet,
      computeMetrics,
      callbacks: [{
        // A step: from the end of the one before (all the loop does between steps counts), the first from its start.
        onStepBegin: () => {
          if (stepTimes.length === 0) [t, cpu] = [performance.now(), process.cpuUsage()];
        },
        onStepEnd: () => {
          stepTimes.push(((marks.lastStep = performance.now()) - t) / 1000);
          stepCpu.push(cpuSince(cpu));
          [t, cpu] = [marks.lastStep, process.cpuUsage()];
        },
        onEvaluate: () => void (marks.evaluated = performance.now()),
        onSave: () => void (marks.saved = performance.now()),
      }],
    });
    const t0 = performance.now();
    const out = await trainer.train();
    const total = (performance.now() - t0) / 1000;
    const bareAfter = bare > 1 ? await bareSteps(Math.floor(bare / 2)) : [];
    const evalS = (marks.evaluated - marks.lastStep) / 1000;
    const saveS = (marks.saved - marks.evaluated) / 1000;
    const stepS = median(stepTimes.slice(1));
    const bareS = bare > 0 ? median([...bareBefore, ...bareAfter]) : null;
    process.stdout.write(JSON.stringify({
      backend, description: backendInfo().description, batch: BATCH, micro_batch: microBatch, seq: SEQ, steps: stepTimes.length,
      train_rows: tokenized.get("train").numRows, validation_rows: validation.numRows,
      bare_times: [...bareBefore, ...bareAfter], bare_step_s: bareS,
      trainer_step_times: stepTimes, trainer_step_s: stepS,
      // CPU seconds a step (both threads): the Trainer's overhead over the bare step, less disturbed by other processes.
      bare_cpu_s: bare > 0 ? median(bareCpu) : null, trainer_step_cpu_s: median(stepCpu.slice(1)),
      eval_rows: evalRows, eval_s: evalS, save_s: saveS,
      // After the save: the best checkpoint reloaded, the end of train().
      end_s: total - (marks.saved - t0) / 1000,
      train_runtime: out.metrics.train_runtime,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    }) + "\n");
  } finally {
    fs.rmSync(outputDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String((e as Error).stack ?? e) }) + "\n");
  process.exitCode = 1;
});
