// Time per epoch of the exercise's "another model" prompt (stance_climate: 355 training tweets,
// batch 16, length 60, an evaluation of the 40 validation tweets and a checkpoint per epoch) for
// each model the notebooks suggest, on each backend. Pretrained weights are not needed for this:
// each model is built from its public config.json's shape with random weights, its tweets are
// random token ids with the lengths of stance_climate's tweets padded to 60, and the real Trainer
// runs a few training steps, one evaluation and one checkpoint save. Each model and
// backend runs in its own process; the machine's load is recorded beside the figures.
//   npx tsx bench/epoch-estimates.ts [--backends native,wasm] [--models id,id] [--quick]
//     [--json bench/epoch-estimates.json]
//   (one measurement: --model ID --backend NAME --steps N --micro-batch N)
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { backendInfo, initBackend } from "../src/backend.js";
import { Dataset, loadDataset } from "../src/datasets/index.js";
import { AutoConfig, AutoModelForSequenceClassification } from "../src/models/index.js";
import { AutoTokenizer } from "../src/tokenizers/index.js";
import { Trainer, TrainingArguments } from "../src/trainer/index.js";
import { argValue, flag } from "./args.js";
import { TSX, runJson, type Json } from "./child.js";

const TRAIN_ROWS = 355, EVAL_ROWS = 40, BATCH = 16, SEQ = 60, NUM_LABELS = 3;
const STEPS_PER_EPOCH = Math.ceil(TRAIN_ROWS / BATCH);
/** tfjs-wasm's heap: weights, gradients and AdamW's two moments (16 bytes a parameter) must fit in it. */
const WASM_HEAP_BYTES = 2 ** 32;

const ROBERTA_BASE = { vocab_size: 50265, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072,
  max_position_embeddings: 514, type_vocab_size: 1, layer_norm_eps: 1e-5, pad_token_id: 1, bos_token_id: 0, eos_token_id: 2 };
const BERT_BASE = { vocab_size: 30522, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072,
  max_position_embeddings: 512, type_vocab_size: 2, layer_norm_eps: 1e-12, pad_token_id: 0 };

/** The models of the notebooks' table: the shape keys of each one's config.json on the hub. */
export const MODELS: Array<{ id: string; config: Json }> = [
  { id: "distilbert-base-uncased", config: { model_type: "distilbert", vocab_size: 30522, dim: 768, n_layers: 6, n_heads: 12, hidden_dim: 3072, max_position_embeddings: 512, activation: "gelu" } },
  { id: "google/electra-small-discriminator", config: { model_type: "electra", ...BERT_BASE, embedding_size: 128, hidden_size: 256, num_attention_heads: 4, intermediate_size: 1024 } },
  { id: "bert-base-uncased", config: { model_type: "bert", ...BERT_BASE } },
  { id: "distilroberta-base", config: { model_type: "roberta", ...ROBERTA_BASE, num_hidden_layers: 6 } },
  { id: "roberta-base", config: { model_type: "roberta", ...ROBERTA_BASE } },
  { id: "cardiffnlp/twitter-roberta-base-sentiment", config: { model_type: "roberta", ...ROBERTA_BASE } },
  { id: "xlm-roberta-base", config: { model_type: "xlm-roberta", ...ROBERTA_BASE, vocab_size: 250002 } },
  { id: "albert-base-v2", config: { model_type: "albert", ...BERT_BASE, vocab_size: 30000, embedding_size: 128, hidden_act: "gelu_new",
    hidden_dropout_prob: 0, attention_probs_dropout_prob: 0, num_hidden_groups: 1, inner_group_num: 1, bos_token_id: 2, eos_token_id: 3 } },
  { id: "dccuchile/bert-base-spanish-wwm-uncased", config: { model_type: "bert", ...BERT_BASE, vocab_size: 31002, pad_token_id: 1 } },
  { id: "PlanTL-GOB-ES/roberta-base-bne", config: { model_type: "roberta", ...ROBERTA_BASE, vocab_size: 50262 } },
];

const HUB = path.join(process.env.TT_SHARED_DIR ?? path.resolve(__dirname, "..", "..", "shared"), "hub");

/**
 * Token counts of stance_climate's first `rows[split]` tweets of each split, from
 * distilbert-base-uncased's tokenizer truncating to SEQ (the only tokenizer on the local hub; the
 * others' counts are close).
 */
async function stanceLengths(rows: { train: number; validation: number }): Promise<{ train: number[]; validation: number[] }> {
  const tokenizer = await AutoTokenizer.fromPretrained(path.join(HUB, "distilbert", "distilbert-base-uncased"));
  const lengths = async (split: "train" | "validation") => {
    const file = path.join(HUB, "datasets", "cardiffnlp", "tweet_eval", "stance_climate", `${split}-00000-of-00001.parquet`);
    const texts = ((await loadDataset("parquet", { dataFiles: { [split]: file }, split })).column("text") as string[]).slice(0, rows[split]);
    return (tokenizer(texts, { maxLength: SEQ, truncation: true }) as unknown as { input_ids: number[][] }).input_ids.map((ids) => ids.length);
  };
  return { train: await lengths("train"), validation: await lengths("validation") };
}

/** Tweets of random token ids with the given lengths, padded to SEQ as the notebook does, labels 0..2. */
function randomTweets(lengths: number[], vocabSize: number, padId: number, seed: number): Dataset {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Dataset.fromDict({
    input_ids: lengths.map((len) => Array.from({ length: SEQ }, (_, p) => (p < len ? 5 + Math.floor(rand() * (vocabSize - 5)) : padId))),
    attention_mask: lengths.map((len) => Array.from({ length: SEQ }, (_, p) => (p < len ? 1 : 0))),
    token_type_ids: lengths.map(() => new Array(SEQ).fill(0)),
    label: lengths.map((_, i) => i % NUM_LABELS),
  });
}

/** One model on one backend: `steps` timed training steps after one warm-up step, a checkpoint, an evaluation. */
async function measureOne(id: string, backend: string, steps: number, microBatch: number): Promise<Json> {
  const spec = MODELS.find((m) => m.id === id);
  if (!spec) throw new Error(`unknown model ${id}: one of ${MODELS.map((m) => m.id).join(", ")}`);
  await initBackend(backend);
  let t = performance.now();
  const { model_type: modelType, ...values } = spec.config;
  const model = AutoModelForSequenceClassification.fromConfig(AutoConfig.forModel(modelType, { ...values, num_labels: NUM_LABELS }), { seed: 0 });
  const buildS = (performance.now() - t) / 1000;
  const params = model.namedParameters().reduce((n, [, v]) => n + v.size, 0);
  const padId = Number(spec.config.pad_token_id ?? 0);
  if (backend === "wasm" && params * 16 > WASM_HEAP_BYTES) {
    return { id, backend, params, skipped: `${(params * 16 / 2 ** 30).toFixed(1)} GiB of weights, gradients and AdamW moments do not fit in wasm's 4 GiB heap` };
  }
  const lengths = await stanceLengths({ train: (1 + steps) * BATCH, validation: EVAL_ROWS });
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-epoch-"));
  const stepTimes: number[] = [];
  const stepCpuTimes: number[] = [];
  let cpu = process.cpuUsage();
  let lastStepEnd = 0;
  let saveS = NaN;
  try {
    const trainer = new Trainer({
      model,
      args: new TrainingArguments({
        outputDir, maxSteps: 1 + steps, perDeviceTrainBatchSize: microBatch, gradientAccumulationSteps: BATCH / microBatch,
        perDeviceEvalBatchSize: BATCH, evalStrategy: "no", saveStrategy: "steps", saveSteps: 1 + steps, loggingStrategy: "no", disableTqdm: true,
      }),
      trainDataset: randomTweets(lengths.train, spec.config.vocab_size, padId, 1),
      callbacks: [{
        onStepBegin: () => void ((t = performance.now()), (cpu = process.cpuUsage())),
        onStepEnd: () => {
          stepTimes.push(((lastStepEnd = performance.now()) - t) / 1000);
          const used = process.cpuUsage(cpu);
          stepCpuTimes.push((used.user + used.system) / 1e6);
        },
        onSave: () => void (saveS = (performance.now() - lastStepEnd) / 1000),
      }],
    });
    await trainer.train();
    t = performance.now();
    await trainer.evaluate(randomTweets(lengths.validation, spec.config.vocab_size, padId, 2));
    const evalS = (performance.now() - t) / 1000;
    // Batches differ in length (the model leaves their padding out on the CPU backends): the mean of
    // the timed steps, but the first of them while the process's array pool still fills (native).
    const timed = stepTimes.slice(stepTimes.length > 3 ? 2 : 1);
    const stepS = timed.reduce((a, b) => a + b, 0) / timed.length;
    return {
      id, backend, description: backendInfo().description, params, build_s: buildS, step_times: stepTimes, step_cpu_times: stepCpuTimes, step_s: stepS, micro_batch: microBatch,
      eval_s: evalS, save_s: saveS, epoch_s: STEPS_PER_EPOCH * stepS + evalS + saveS, peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    fs.rmSync(outputDir, { recursive: true, force: true });
  }
}

const loadavg = () => os.loadavg().map((l) => Number(l.toFixed(1)));
const fmtTime = (s: number) => (!Number.isFinite(s) ? "n/a" : s < 90 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`);

/** Measures `ids` on `backends`, one process each; with `--json FILE`, merges into FILE (other models and backends kept) after each model. */
function drive(): void {
  const quick = flag("--quick");
  const backends = argValue("--backends", "native,wasm").split(",").filter(Boolean);
  const ids = argValue("--models", MODELS.map((m) => m.id).join(",")).split(",").filter(Boolean);
  const steps: Record<string, number> = { native: quick ? 2 : 6, wasm: 1 };
  const out = argValue("--json", "");
  const results: Json = out && fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, "utf8")) : {};
  results.exercise = { train_rows: TRAIN_ROWS, steps_per_epoch: STEPS_PER_EPOCH, batch: BATCH, seq: SEQ, eval_rows: EVAL_ROWS };
  results.machine = `${os.cpus()[0]?.model ?? "?"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, node ${process.version}`;
  const started = new Date();
  const runs: Json = (results.backends ??= {});
  for (const b of backends) runs[b] = { date: started.toISOString(), load_before: loadavg(), timed_steps: steps[b] ?? 1 };
  const models: Json = {};
  for (const m of MODELS) if (results.models?.[m.id] || ids.includes(m.id)) models[m.id] = results.models?.[m.id] ?? {};
  results.models = models;
  const save = () => {
    if (!out) return;
    fs.writeFileSync(`${out}.tmp`, JSON.stringify(results, null, 1) + "\n");
    fs.renameSync(`${out}.tmp`, out);
  };
  console.log(`one epoch of stance_climate (${TRAIN_ROWS} tweets: ${STEPS_PER_EPOCH} steps of ${BATCH} at length ${SEQ}, an evaluation of ${EVAL_ROWS}, a checkpoint) — ${started.toISOString()}, load ${loadavg().join(" ")}`);
  const configOf = (id: string) => JSON.stringify(MODELS.find((m) => m.id === id)?.config);
  for (const id of ids) {
    const row: Json = models[id];
    for (const backend of backends) {
      // A model of the same shape as one measured (e.g. a fine-tuned roberta-base) does the same work: its figures, said so.
      const twin = MODELS.find((m) => m.id !== id && configOf(m.id) === configOf(id) && models[m.id]?.[backend]?.date === runs[backend].date);
      if (twin) {
        row[backend] = { ...models[twin.id][backend], id, same_shape_as: twin.id };
        row.params = models[twin.id].params;
        console.log(`${id.padEnd(42)} ${backend.padEnd(7)} the shape of ${twin.id}: its figures`);
        continue;
      }
      const run = (micro: number) => runJson(TSX, [__filename, "--model", id, "--backend", backend, "--steps", String(steps[backend] ?? 1), "--micro-batch", String(micro)]);
      let r = run(BATCH);
      // A step of 16 that does not fit wasm's heap runs as 2 micro-batches of 8 (the same work, as gradientAccumulationSteps 2).
      if (r.error && /WasmHeapError|cannot allocate/.test(r.error)) r = run(BATCH / 2);
      row[backend] = { ...r, date: runs[backend].date, load_after: loadavg() };
      if (r.params) row.params = r.params;
      console.log(`${id.padEnd(42)} ${backend.padEnd(7)} ${r.error ? String(r.error).split("\n")[0].slice(0, 200) : r.skipped ? `skipped: ${r.skipped}` :
        `${(r.params / 1e6).toFixed(1)}M params, step ${r.step_s.toFixed(2)} s${r.micro_batch < BATCH ? ` (2 x ${r.micro_batch})` : ""}, eval ${r.eval_s.toFixed(1)} s, save ${r.save_s.toFixed(1)} s → epoch ${fmtTime(r.epoch_s)}`}`);
    }
    save();
  }
  for (const b of backends) runs[b].load_after = loadavg();
  save();
  console.log(`load after: ${loadavg().join(" ")} (${Math.round((Date.now() - started.getTime()) / 1000)} s)`);
}

async function main(): Promise<void> {
  const id = argValue("--model", "");
  if (!id) return drive();
  const backend = argValue("--backend", "native");
  process.stdout.write(JSON.stringify(await measureOne(id, backend, Number(argValue("--steps", "1")), Number(argValue("--micro-batch", String(BATCH))))) + "\n");
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String((e as Error).stack ?? e) }) + "\n");
  process.exitCode = 1;
});
