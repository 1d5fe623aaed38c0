// One backend's figures for `npm run bench` (run in its own process, so that its peak RSS is its
// own): a model of the given config.json (any model_type: DistilBERT, BERT, RoBERTa...) with random weights, a training step (forward,
// cross-entropy, backward, global-norm clipping at 1.0 and AdamW update, as the Trainer's) and inference (eval mode, no gradients), samples/s.
// Prints one JSON line on stdout.
// On a GPU backend (webgpu) work is queued: each timed step ends with a read, which waits for it.
//   tsx bench/model-step.ts --backend native|wasm|cpu|webgpu --config config.json [--batch 16 --seq 60]
//     [--train-steps 3 --infer-steps 5 --warmup 1 --micro-batch 16 --profile]
import * as fs from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { initBackend, backendInfo } from "../src/backend.js";
import { NATIVE_BACKEND, profileNativeKernels } from "../src/accel/native-backend.js";
import { AutoConfig, AutoModelForSequenceClassification } from "../src/models/auto.js";
import { AdamW } from "../src/trainer/adamw.js";
import { clipCoefficient, globalGradNorm } from "../src/trainer/clip-grad-norm.js";
import { argValue, flag } from "./args.js";

/**
 * GFLOP of one training sample at length `seq` (forward and backward: 3 times the forward's
 * products): the linear layers per token (the classifier head per sample) and attention's two
 * products, except in the last layer, which computes keys and values for every token and the rest
 * for the first token only (all the head reads). Layers used once each (not ALBERT's shared ones).
 */
function trainGflopPerSample(model: { namedParameters(): Array<[string, tf.Variable]> }, config: Record<string, unknown>, seq: number): number {
  let perToken = 0;
  let perSample = 0;
  for (const [name, v] of model.namedParameters()) {
    if (v.shape.length !== 2 || /embeddings/.test(name)) continue;
    const flops = 2 * v.shape[0] * v.shape[1];
    if (/^(pre_)?classifier|pooler/.test(name)) perSample += flops;
    else perToken += flops;
  }
  const layers = Number(config.num_hidden_layers ?? config.n_layers);
  const hidden = Number(config.hidden_size ?? config.dim);
  const keysAndValues = 2 * 2 * hidden * hidden;
  const lastLayerFirstTokenOnly = perToken / layers - keysAndValues;
  const linear = perToken * seq - lastLayerFirstTokenOnly * (seq - 1);
  const attention = (layers - 1) * 4 * seq * hidden * seq + 4 * seq * hidden;
  return (3 * (linear + attention + perSample)) / 1e9;
}

async function main(): Promise<void> {
  const backend = argValue("--backend", "native");
  const configPath = argValue("--config", "");
  const batch = Number(argValue("--batch", "16"));
  const seq = Number(argValue("--seq", "60"));
  const trainSteps = Number(argValue("--train-steps", "3"));
  const inferSteps = Number(argValue("--infer-steps", "5"));
  const warmup = Number(argValue("--warmup", "1"));
  const microBatch = Number(argValue("--micro-batch", String(batch)));
  const numLabels = 4;

  await initBackend(backend);
  const description = backendInfo().description;

  const json = JSON.parse(fs.readFileSync(configPath, "utf8")) as Record<string, unknown>;
  const config = AutoConfig.forModel(String(json.model_type), { ...json, num_labels: numLabels });
  const model = AutoModelForSequenceClassification.fromConfig(config, { seed: 0 });
  const firstId = (config.pad_token_id as number) + 1; // no padding among the ids (RoBERTa's pad id is 1)
  const params = model.namedParameters().filter(([, v]) => v.trainable);
  const nameOf = new Map(params.map(([n, v]) => [v.name, n]));
  const optimizer = new AdamW(params, { lr: 5e-5, weightDecay: 0 });

  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const makeInputs = (seqLength: number) => {
    const ids = Array.from({ length: batch }, () => Array.from({ length: seqLength }, () => firstId + Math.floor(rand() * (config.vocab_size - firstId))));
    const labels = Array.from({ length: batch }, () => Math.floor(rand() * numLabels));
    const slices = Array.from({ length: Math.ceil(batch / microBatch) }, (_, i) => [i * microBatch, Math.min(batch, (i + 1) * microBatch)]);
    return slices.map(([a, b]) => ({
      input_ids: tf.tensor2d(ids.slice(a, b), undefined, "int32"),
      attention_mask: tf.ones([b - a, seqLength], "int32") as tf.Tensor2D,
      labels: tf.tensor1d(labels.slice(a, b), "int32"),
    }));
  };
  const inputs = makeInputs(seq);

  // A read of one value waits for all queued GPU work (no cost on the CPU backends).
  const lastParam = params[params.length - 1][1];
  const finish = async () => {
    const t = tf.sum(lastParam);
    await t.data();
    t.dispose();
  };
  const optimizerTimes: number[] = [];
  const trainStep = async () => {
    model.train();
    let total: Map<string, tf.Tensor> | undefined;
    for (const inp of inputs) {
      const scale = inp.labels.shape[0] / batch;
      const { value, grads } = tf.variableGrads(() => tf.mul(model.forward(inp).loss!, scale) as tf.Scalar, params.map(([, v]) => v));
      value.dispose();
      if (!total) {
        total = new Map(Object.entries(grads).map(([k, g]) => [nameOf.get(k)!, g]));
      } else {
        for (const [k, g] of Object.entries(grads)) {
          const name = nameOf.get(k)!;
          const sum = tf.add(total.get(name)!, g);
          total.get(name)!.dispose();
          g.dispose();
          total.set(name, sum);
        }
      }
    }
    await finish();
    const t0 = performance.now();
    optimizer.step(total!, 5e-5, clipCoefficient(await globalGradNorm(total!.values()), 1.0));
    await finish();
    optimizerTimes.push((performance.now() - t0) / 1000);
    for (const g of total!.values()) g.dispose();
  };
  const inferStep = async () => {
    model.eval();
    for (const inp of inputs) {
      const out = model.forward({ input_ids: inp.input_ids, attention_mask: inp.attention_mask });
      await out.logits.data();
      out.logits.dispose();
    }
  };
  const times = async (fn: () => Promise<void>, steps: number) => {
    for (let i = 0; i < warmup; i++) await fn();
    const out: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await fn();
      out.push((performance.now() - t0) / 1000);
    }
    return out;
  };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  const profile = flag("--profile") && backend === NATIVE_BACKEND;
  const trainTimes = await times(trainStep, trainSteps);
  const trainS = mean(trainTimes);
  let trainProfile: [string, { calls: number; ms: number }][] = [];
  if (profile) {
    profileNativeKernels(true);
    await trainStep();
    trainProfile = [...profileNativeKernels(false)].sort((a, b) => b[1].ms - a[1].ms);
  }
  const inferTimes = inferSteps > 0 ? await times(inferStep, inferSteps) : [];
  const inferS = inferSteps > 0 ? mean(inferTimes) : NaN;
  let inferProfile: [string, { calls: number; ms: number }][] = [];
  if (profile && inferSteps > 0) {
    profileNativeKernels(true);
    await inferStep();
    inferProfile = [...profileNativeKernels(false)].sort((a, b) => b[1].ms - a[1].ms);
  }
  // The machine's single-precision GEMM peak with these kernels (a 2048³ product, best of 3): what a step's GFLOP/s compare to.
  let sgemmGflops: number | undefined;
  if (flag("--sgemm-peak")) {
    const [a, b] = [tf.randomNormal([2048, 2048]), tf.randomNormal([2048, 2048])];
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      const corner = tf.slice(c, [0, 0], [1, 1]); // one value read: waits for the product, copies nothing big
      await corner.data();
      times.push((performance.now() - t0) / 1000);
      tf.dispose([c, corner]);
    }
    sgemmGflops = (2 * 2048 ** 3) / Math.min(...times.slice(1)) / 1e9;
    tf.dispose([a, b]);
  }

  process.stdout.write(JSON.stringify({
    backend,
    description,
    params: params.reduce((n, [, v]) => n + v.size, 0),
    batch,
    seq,
    microBatch,
    train_times: trainTimes,
    infer_times: inferTimes,
    optimizer_s: Math.min(...optimizerTimes),
    train_step_s: trainS,
    train_samples_per_s: batch / trainS,
    infer_batch_s: inferS,
    infer_samples_per_s: batch / inferS,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    train_gflop_per_sample: trainGflopPerSample(model, config as unknown as Record<string, unknown>, seq),
    ...(sgemmGflops ? { sgemm_gflops: sgemmGflops } : {}),
    ...(profile ? { train_profile: trainProfile.slice(0, 25), infer_profile: inferProfile.slice(0, 15) } : {}),
  }) + "\n");
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String((e as Error).stack ?? e) }) + "\n");
  process.exitCode = 1;
});
