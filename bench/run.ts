// `npm run bench`: tweet-transformers against PyTorch on this machine, in one run.
//
// - tokenization of the exercise's training split (3,257 tweets);
// - a DistilBERT of distilbert-base-uncased's shape (random weights), batch 16, sequence 60:
//   training step (forward, backward, AdamW) and inference, samples/s and peak RSS, on each
//   backend present (each in its own process);
// - the baseline, measured in the same run: bench/pytorch_distilbert.py, Hugging Face transformers'
//   DistilBertForSequenceClassification with torch.optim.AdamW and clipping on pip's PyTorch (a venv
//   this bench makes once and caches), else a plain DistilBERT on Debian's python3-torch;
// - --device: the same bench on the webgpu backend (a GPU through Dawn) beside the CPU backends;
//   on a software adapter (SwiftShader) its correctness only;
// - the exercise as the learner runs it, for a slice: our Trainer and transformers' Trainer on the
//   real tweets with the notebook's settings (evaluation, checkpoints), beside their bare steps;
//   the time of an epoch and of the whole exercise per backend;
// - ratios TS/PyTorch, and how long the training tweets are (on the CPU backends the model leaves
//   their padding out: dynamic padding and groupByLength change little there).
//
// - the same training step and inference for bert-base-uncased- and roberta-base-shaped models,
//   one round each beside PyTorch (--models to choose, --models "" for none).
//
// Flags: --quick (fewer steps, one round), --rounds N (default 2), --backends native,wasm (default:
//   every one present but cpu),
//   --with-cpu, --no-pytorch, --debian-torch (the Debian baseline even where pip works), --device,
//   --no-slice (skip the exercise slice: the real Trainer on real tweets beside transformers' Trainer),
//   --profile (per-kernel times on the native backend), --json FILE (write all figures).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadNative } from "../src/accel/native.js";
import { SWIFTSHADER_ENV } from "../src/accel/webgpu.js";
import { argValue, flag } from "./args.js";
import { ROOT, TSX, runJson, type Json } from "./child.js";

const SHARED = process.env.TT_SHARED_DIR ?? path.resolve(ROOT, "..", "shared");
const HUB = path.join(SHARED, "hub");
const CONFIG = path.join(HUB, "distilbert", "distilbert-base-uncased", "config.json");
/** The other families measured beside DistilBERT, with the configs of their base checkpoints (--models to choose). */
const OTHER_MODELS: Record<string, string> = {
  "bert-base-uncased": path.join(ROOT, "bench", "configs", "bert-base-uncased.json"),
  "roberta-base": path.join(ROOT, "bench", "configs", "roberta-base.json"),
};
const PYTHON = "/usr/bin/python3";
const FIXTURE = path.join(SHARED, "fixtures", "distilbert-tiny");
// Both sides clip gradients at 1.0 (transformers' Trainer default, and ours).
const MAX_GRAD_NORM = 1.0;
const BATCH = 16, SEQ = 60, EPOCHS = 5;
const quick = flag("--quick");

function tokenizeBench(): Json {
  return runJson(TSX, [path.join("bench", "tokenize.ts"), "--hub", HUB, "--repeats", quick ? "3" : "5"]);
}

function backendBench(backend: string, config = CONFIG): Json {
  const steps = backend === "native" || backend === "webgpu" ? (quick ? ["2", "3"] : ["3", "5"]) : backend === "wasm" ? ["1", "2"] : ["1", "1"];
  const args = [path.join("bench", "model-step.ts"), "--backend", backend, "--config", config, "--batch", String(BATCH), "--seq", String(SEQ),
    "--train-steps", steps[0], "--infer-steps", steps[1]];
  // The wasm heap (4 GiB) holds a step only in micro-batches of 8 (gradients summed: same work).
  if (backend === "wasm") args.push("--micro-batch", "8");
  if (backend === "native" && config === CONFIG) args.push("--sgemm-peak");
  if (flag("--profile")) args.push("--profile");
  return runJson(TSX, args);
}

/** Which OpenBLAS kernels a fresh process picks with this environment ("" when no OpenBLAS). */
function openblasCore(python: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync(python, ["-c", "import ctypes; ctypes.CDLL('libblas.so.3')"], { env: { ...env, OPENBLAS_VERBOSE: "2" }, encoding: "utf8" });
  return /Core: (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? "";
}

const PIP_MIRROR = ["--index-url", "file:///opt/pypi/simple", "--extra-index-url", "file:///opt/pypi-more/simple", "--find-links", "/opt/wheels"];

/**
 * The Python that runs the baseline: a venv with pip's torch and transformers (made once, cached
 * under ~/.cache/tweet-transformers/venvs; from the local mirror where there is one), else
 * Debian's python3 with python3-torch. `source` says which.
 */
let baseline: ReturnType<typeof findBaselinePython> | undefined;
function baselinePython(): ReturnType<typeof findBaselinePython> {
  return (baseline ??= findBaselinePython());
}

/** `slice`: whether it can run the exercise slice (transformers' Trainer needs accelerate; Debian's torch runs the plain loop). */
function findBaselinePython(): { python: string; source: string; slice: boolean; notes: string[] } | { error: string } {
  const notes: string[] = [];
  const imports = (python: string, mods: string) => fs.existsSync(python) && spawnSync(python, ["-c", `import ${mods}`], { encoding: "utf8" }).status === 0;
  if (!flag("--debian-torch")) {
    const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
    const venv = path.join(cache, "tweet-transformers", "venvs", "bench-pytorch");
    const python = path.join(venv, "bin", "python");
    const pipArgs = process.env.TT_BENCH_PIP_ARGS?.split(" ").filter(Boolean) ?? (fs.existsSync("/opt/pypi/simple") ? PIP_MIRROR : []);
    const install = (...pkgs: string[]) => spawnSync(python, ["-m", "pip", "install", "-q", ...pipArgs, ...pkgs], { encoding: "utf8", timeout: 1800_000 });
    if (!imports(python, "torch, transformers")) {
      console.log(`making the baseline's venv (pip install torch transformers accelerate) in ${venv} ...`);
      const made = spawnSync(PYTHON, ["-m", "venv", venv], { encoding: "utf8" });
      // Debian's pip (23.0) fails to resolve transformers' dependencies: a current pip first.
      const upgraded = made.status === 0 ? install("--upgrade", "pip") : made;
      const pip = upgraded.status === 0 ? install("torch", "transformers", "accelerate") : upgraded;
      if (pip.status !== 0) notes.push(`pip install torch transformers failed (${`${pip.stderr ?? ""}`.trim().split("\n").pop()}); baseline on Debian's python3-torch`);
    } else if (!imports(python, "accelerate")) {
      // transformers' Trainer (the exercise slice) needs it; venvs made before it was measured lack it.
      const pip = install("accelerate");
      if (pip.status !== 0) notes.push(`pip install accelerate failed (${`${pip.stderr ?? ""}`.trim().split("\n").pop()}): no transformers Trainer for the exercise slice`);
    }
    if (imports(python, "torch, transformers")) return { python, source: `pip (venv ${venv})`, slice: imports(python, "accelerate"), notes };
  }
  if (!imports(PYTHON, "torch")) return { error: `no PyTorch: pip install torch transformers failed and Debian's is missing (apt-get install python3-torch libopenblas0-pthread)` };
  return { python: PYTHON, source: "Debian python3-torch", slice: true, notes };
}

/** The OpenBLAS kernels the TS native backend uses ("" without the addon). */
const nativeCore = loadNative().blasCore;

/**
 * The baseline runs on the OpenBLAS kernels the native backend uses (the addon picks them from
 * /proc/cpuinfo, as Debian's OpenBLAS 0.3.21 falls back to SSE3 on recent Xeons); where the
 * native addon is absent, both sides run with OPENBLAS_CORETYPE unset.
 */
function baselineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (nativeCore) env.OPENBLAS_CORETYPE = nativeCore;
  // The native backend's OpenBLAS idles its threads after 2^16 cycles (src/accel/native.ts); Debian's torch alike.
  env.OPENBLAS_THREAD_TIMEOUT ??= "16";
  return env;
}

function pytorchBench(config = CONFIG): Json {
  const base = baselinePython();
  if ("error" in base) return base;
  const notes = [...base.notes];
  const env = baselineEnv();
  const steps = quick ? ["2", "3"] : ["3", "5"];
  const r = runJson(base.python, [path.join("bench", "pytorch_distilbert.py"), "--config", config, "--batch", String(BATCH), "--seq", String(SEQ),
    "--threads", "2", "--train-steps", steps[0], "--infer-steps", steps[1], "--clip", String(MAX_GRAD_NORM)], env);
  if (r.error) return r;
  if (r.blas === "reference") notes.push("PyTorch runs on the reference BLAS (slow): apt-get install libopenblas0-pthread");
  // A pip wheel bundles MKL and oneDNN: OpenBLAS (and OPENBLAS_CORETYPE) play no part in it.
  // (The mapped libraries can show numpy's own OpenBLAS beside torch's MKL: torch's build says,
  // unless it says "generic", Debian's: libblas.so.3, which the mapped libraries name.)
  const info = r.build?.blas_info;
  const openblas = info && info !== "generic" ? /^open/.test(info) : r.blas === "openblas";
  const kernels = openblas
    ? `OpenBLAS ${env.OPENBLAS_CORETYPE ? `OPENBLAS_CORETYPE=${env.OPENBLAS_CORETYPE}` : `unset (picks ${openblasCore(base.python, env) || "?"})`}`
    : `${r.build?.blas_info ?? r.blas} bundled in the wheel${r.build?.mkldnn ? " + oneDNN" : ""} (OPENBLAS_CORETYPE does not apply)`;
  return { ...r, source: base.source, kernels, notes };
}

const SLICE_STEPS = quick ? 4 : 8;
const SLICE_DATA = path.join(os.tmpdir(), `tt-bench-slice-${process.pid}.json`);

/**
 * The exercise as the learner runs it, for a slice (bench/trainer-slice.ts): the Trainer on the
 * real tweets with the notebook's settings, and the bare step beside it; the full slices write the
 * tokenized slice for PyTorch's side. wasm: 1 timed step of 2 micro-batches of 8 (its 4 GiB heap),
 * an evaluation of 32 tweets, no bare steps (its figures are for reference).
 */
function tsSlice(backend: string): Json {
  const wasm = backend === "wasm";
  return runJson(TSX, [path.join("bench", "trainer-slice.ts"), "--backend", backend, "--hub", HUB,
    ...(wasm ? ["--steps", "1", "--eval-rows", "32", "--micro-batch", "8", "--bare", "0"] : ["--steps", String(SLICE_STEPS), "--data-out", SLICE_DATA])]);
}

/** The same slice through transformers' own Trainer (on Debian's torch: the Trainer's work as a plain loop), and its own loop's bare step. */
function torchSlice(): Json {
  const base = baselinePython();
  if ("error" in base) return base;
  if (!base.slice) return { error: "transformers' Trainer needs accelerate (pip install accelerate in the bench's venv)" };
  if (!fs.existsSync(SLICE_DATA)) return { error: "no tokenized slice (the TS side failed)" };
  return runJson(base.python, [path.join("bench", "pytorch_trainer_slice.py"), "--data", SLICE_DATA, "--hub", HUB, "--steps", String(SLICE_STEPS), "--threads", "2"], baselineEnv());
}

/** An epoch of the exercise (all training steps, the evaluation of every validation tweet, a checkpoint) from a slice. */
function sliceEpoch(r: Json, rows: { train: number; validation: number }): Json {
  const epochS = Math.ceil(rows.train / r.batch) * r.trainer_step_s + (r.eval_s * rows.validation) / r.eval_rows + r.save_s;
  return {
    ...r,
    epoch_s: epochS,
    epoch_samples_per_s: rows.train / epochS,
    bare_samples_per_s: r.bare_step_s ? r.batch / r.bare_step_s : null,
    trainer_samples_per_s: r.batch / r.trainer_step_s,
    exercise_s: EPOCHS * epochS + r.end_s,
  };
}

/** Of several runs of a slice, the least disturbed (the shortest epoch). */
function bestSlice(runs: Json[], rows: { train: number; validation: number } | undefined): Json {
  const ok = runs.filter((r) => !r.error);
  if (ok.length === 0 || !rows) return runs[0] ?? { error: "not run" };
  return { ...ok.map((r) => sliceEpoch(r, rows)).sort((a, b) => a.epoch_s - b.epoch_s)[0], runs: ok.length };
}

/**
 * --device: the webgpu adapter and its correctness on the tiny fixture. Without an adapter, and
 * where Debian's chromium is installed, again on its SwiftShader (software: correctness only).
 */
function deviceCheck(): Json {
  const args = [path.join("bench", "device-check.ts"), "--fixture", FIXTURE];
  const r = runJson(tsx, args, { ...process.env, TT_BACKEND: undefined }, 600);
  if (!String(r.error ?? "").endsWith("no GPU adapter") || !fs.existsSync(SWIFTSHADER_ENV.VK_ICD_FILENAMES)) return r;
  console.log("webgpu: no GPU adapter; trying chromium's SwiftShader (software)");
  return runJson(tsx, args, { ...process.env, TT_BACKEND: undefined, ...SWIFTSHADER_ENV }, 600);
}

/** One result from several runs of one bench: the best step times, the highest peak RSS. */
function best(runs: Json[]): Json {
  const ok = runs.filter((r) => !r.error);
  if (ok.length === 0) return runs[0] ?? { error: "not run" };
  const min = (key: string) => Math.min(...ok.flatMap((r) => r[key] as number[]));
  const out: Json = { ...ok[ok.length - 1], runs: ok.length };
  out.train_step_s = min("train_times");
  out.infer_batch_s = min("infer_times");
  out.train_samples_per_s = out.batch / out.train_step_s;
  out.infer_samples_per_s = out.batch / out.infer_batch_s;
  out.peak_rss_mb = Math.max(...ok.map((r) => r.peak_rss_mb));
  if (ok.some((r) => r.sgemm_gflops)) out.sgemm_gflops = Math.max(...ok.map((r) => r.sgemm_gflops ?? 0));
  if (ok.every((r) => r.optimizer_s !== undefined)) out.optimizer_s = Math.min(...ok.map((r) => r.optimizer_s));
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  out.train_step_median_s = med(ok.flatMap((r) => r.train_times));
  out.infer_batch_median_s = med(ok.flatMap((r) => r.infer_times));
  out.train_median_samples_per_s = out.batch / out.train_step_median_s;
  return out;
}

const fmt = (x: unknown, d = 2) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(d) : "n/a");
const hms = (s: number | undefined) => (s === undefined ? "n/a" : `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, "0")}m`);

function main(): void {
  const started = new Date();
  const results: Json = { date: started.toISOString(), machine: machine() };
  console.log(`tweet-transformers bench — ${results.date}\n${results.machine}\n`);

  const tok = tokenizeBench();
  results.tokenize = { ...tok, lengths: undefined };
  console.log(tok.error ? `tokenization: ${tok.error}` : `tokenization of the ${tok.texts} training tweets (maxLength 60, padding): ${fmt(tok.tokenize_s, 3)} s (target < 0.5 s)`);

  const wanted = argValue("--backends", "native,wasm").split(",").filter(Boolean);
  if (flag("--with-cpu")) wanted.push("cpu");
  const device = flag("--device") ? deviceCheck() : undefined;
  if (device) {
    results.device = device;
    console.log(device.error ? `webgpu: ${device.error}` : `webgpu: ${device.description}; tiny DistilBERT fixture vs PyTorch: logits max |Δ| ${device.logits_max_abs_err.toExponential(2)}, loss |Δ| ${device.loss_abs_err.toExponential(2)}`);
    if (!device.error && !device.adapter.software) wanted.push("webgpu");
    else if (!device.error) console.log("  software adapter: correctness only (its samples/s say nothing of a GPU)");
  }
  // The machine may be shared: PyTorch and the fast backend take turns for `rounds` rounds, and
  // each figure is the best step seen (the least disturbed); the slow backends run once.
  const rounds = Number(argValue("--rounds", quick ? "1" : "2"));
  const torchRuns: Json[] = [];
  const torchSlices: Json[] = [];
  const backendRuns: Record<string, Json[]> = Object.fromEntries(wanted.map((b) => [b, []]));
  const sliceRuns: Record<string, Json[]> = Object.fromEntries(wanted.map((b) => [b, []]));
  for (let r = 0; r < rounds; r++) {
    for (const b of wanted) if (r === 0 || b === "native" || b === "webgpu") backendRuns[b].push(backendBench(b));
    if (!flag("--no-pytorch")) torchRuns.push(pytorchBench());
    if (flag("--no-slice")) continue;
    for (const b of wanted) if (r === 0 || b === "native" || b === "webgpu") sliceRuns[b].push(tsSlice(b));
    if (!flag("--no-pytorch")) torchSlices.push(torchSlice());
  }
  fs.rmSync(SLICE_DATA, { force: true });
  const torch = flag("--no-pytorch") ? { error: "skipped (--no-pytorch)" } : best(torchRuns);
  const runs: Json = Object.fromEntries(wanted.map((b) => [b, best(backendRuns[b])]));
  results.pytorch = torch;
  results.backends = runs;
  if (!flag("--with-cpu")) console.log("(the pure-JS cpu backend is skipped, 0.07 samples/s: --with-cpu to include it)");

  console.log(`\nDistilBERT (${CONFIG.split(path.sep).slice(-2, -1)[0]} shape, random weights), batch ${BATCH}, sequence ${SEQ}`);
  console.log(`(best step of ${rounds} round${rounds === 1 ? "" : "s"}; median step in brackets)`);
  console.log(`${"".padEnd(52)}${"train samples/s".padStart(20)}${"infer samples/s".padStart(20)}${"peak RSS".padStart(10)}`);
  const row = (name: string, r: Json) =>
    console.log(r.error ? `${name.padEnd(52)}${String(r.error).split("\n")[0].slice(0, 160)}` :
      `${name.padEnd(52)}${`${fmt(r.train_samples_per_s)} (${fmt(r.train_median_samples_per_s)})`.padStart(20)}` +
      `${`${fmt(r.infer_samples_per_s)} (${fmt(r.batch / r.infer_batch_median_s)})`.padStart(20)}${`${fmt(r.peak_rss_mb / 1024)} GB`.padStart(10)}`);
  row(`PyTorch ${torch.torch ?? ""} (${torch.threads ?? "?"} threads)`, torch);
  for (const b of wanted) row(`TS ${runs[b].description ?? b}`, runs[b]);
  if (!torch.error) {
    console.log(`  baseline: ${torch.model}, torch.optim.AdamW, clip_grad_norm_ ${torch.clip}; PyTorch from ${torch.source}`);
    console.log(`  kernels: PyTorch ${torch.kernels}; TS native ${nativeCore ? `OpenBLAS ${nativeCore} (OPENBLAS_CORETYPE=${nativeCore} for its load)` : "absent"}`);
    console.log(`  train samples/s include gradient clipping (max norm ${MAX_GRAD_NORM}) on both sides`);
  }
  for (const n of torch.notes ?? []) console.log(`  note: ${n}`);

  if (!flag("--no-slice")) results.slice = reportSlices(wanted, sliceRuns, torchSlices);

  results.models = otherModels(wanted, row);

  const ok = wanted.map((b) => [b, runs[b]] as [string, Json]).filter(([, r]) => !r.error);
  const fastest = ok.sort((x, y) => y[1].train_samples_per_s - x[1].train_samples_per_s)[0];
  if (fastest && !torch.error) {
    const [name, r] = fastest;
    const train = r.train_samples_per_s / torch.train_samples_per_s, infer = r.infer_samples_per_s / torch.infer_samples_per_s;
    results.ratios = { backend: name, train, infer };
    console.log(`\nratio TS(${name})/PyTorch: training ${fmt(train)}x, inference ${fmt(infer)}x (target >= 1.0x); ` +
      `peak RSS ${fmt(r.peak_rss_mb / 1024)} GB (target <= 3 GB)`);
    if (r.sgemm_gflops) {
      const gflops = r.train_samples_per_s * r.train_gflop_per_sample;
      results.ratios.share_of_sgemm_peak = gflops / r.sgemm_gflops;
      console.log(`training step on ${name}: ${fmt(r.train_gflop_per_sample, 1)} GFLOP a sample, ${fmt(gflops, 0)} GFLOP/s = ${fmt(100 * gflops / r.sgemm_gflops, 0)}% ` +
        `of this machine's sgemm peak with the same kernels (${fmt(r.sgemm_gflops, 0)} GFLOP/s, a 2048³ product; target 50%)`);
    }
    for (const [b, o] of ok) if (b !== name) console.log(`ratio TS(${b})/PyTorch: training ${fmt(o.train_samples_per_s / torch.train_samples_per_s)}x, inference ${fmt(o.infer_samples_per_s / torch.infer_samples_per_s)}x`);
  }
  if (!tok.error) {
    const mean = tok.lengths.reduce((a: number, b: number) => a + b, 0) / tok.lengths.length;
    console.log(`\nthe training tweets average ${fmt(mean, 1)} tokens of the ${SEQ} they are padded to: on the CPU backends the model leaves the padding out ` +
      `(src/models/encoder/row-layout.ts), so the exercise slice's steps run on those tokens, and dynamic padding or groupByLength change little there`);
  }
  if (flag("--profile") && runs.native?.train_profile) {
    console.log("\nnative backend, one training step, time per kernel (ms):");
    for (const [k, v] of runs.native.train_profile.slice(0, 15)) console.log(`  ${k.padEnd(20)}${fmt(v.ms, 0).padStart(8)}  (${v.calls} calls)`);
  }
  const out = argValue("--json", "");
  if (out) {
    fs.writeFileSync(`${out}.tmp`, JSON.stringify(results, null, 2));
    fs.renameSync(`${out}.tmp`, out);
  }
  console.log(`\n(${Math.round((Date.now() - started.getTime()) / 1000)} s)`);
}

/** The exercise slice's table: bare step, Trainer step, evaluation, save, the epoch and the whole exercise per backend. */
function reportSlices(wanted: string[], sliceRuns: Record<string, Json[]>, torchSlices: Json[]): Json {
  const first = [...Object.values(sliceRuns).flat()].find((r) => !r.error);
  const rows = first ? { train: first.train_rows as number, validation: first.validation_rows as number } : undefined;
  const torch = flag("--no-pytorch") ? { error: "skipped (--no-pytorch)" } : bestSlice(torchSlices, rows);
  const ts: Json = Object.fromEntries(wanted.map((b) => [b, bestSlice(sliceRuns[b], rows)]));
  console.log(`\nthe exercise as the learner runs it: the Trainer on the real tweets (emotion), the notebook's settings (batch ${BATCH}, padding to ${SEQ}, ` +
    `evaluation and checkpoint each epoch, best model reloaded at the end), a slice of ${SLICE_STEPS + 1} steps (the first not timed) beside the bare step ` +
    `(forward, backward, clipping, AdamW) on the same batches; an epoch = ${rows ? Math.ceil(rows.train / BATCH) : "?"} steps + the evaluation of ${rows?.validation ?? "?"} tweets + a checkpoint (model and optimizer); median steps`);
  const head = ["bare step/s", "Trainer step", "Trainer/bare", "eval", "save", "epoch", "epoch samples/s", `${EPOCHS} epochs`];
  console.log(`${"".padEnd(40)}${head.map((h) => h.padStart(16)).join("")}`);
  const line = (name: string, r: Json) => {
    if (r.error) return console.log(`${name.padEnd(40)}${String(r.error).split("\n")[0].slice(0, 160)}`);
    const cells = [r.bare_samples_per_s ? `${fmt(r.bare_samples_per_s)}` : "n/a", `${fmt(r.trainer_step_s)} s`, r.bare_step_s ? `${fmt(r.trainer_step_s / r.bare_step_s, 3)}` : "n/a",
      `${fmt((r.eval_s * rows!.validation) / r.eval_rows, 1)} s`, `${fmt(r.save_s, 1)} s`, hms(r.epoch_s), fmt(r.epoch_samples_per_s), hms(r.exercise_s)];
    console.log(`${name.padEnd(40)}${cells.map((c) => c.padStart(16)).join("")}`);
  };
  line(`PyTorch ${torch.model ?? ""}`.slice(0, 39), torch);
  for (const b of wanted) line(`TS ${b}${ts[b].micro_batch < BATCH ? ` (2 x ${ts[b].micro_batch})` : ""}`, ts[b]);
  console.log(`  (bare step/s: samples/s of the bare step; wasm: 1 timed step and an evaluation of 32 tweets, scaled)`);
  const native = ts.native ?? ts[wanted[0]];
  const pct = (x: number) => `${x >= 1 ? "+" : ""}${fmt(100 * (x - 1), 1)}%`;
  const over = (r: Json) => `${pct(r.trainer_step_s / r.bare_step_s)} wall, ${pct(r.trainer_step_cpu_s / r.bare_cpu_s)} CPU time`;
  if (native && !native.error && !torch.error) {
    console.log(`  ratio TS(${native.backend})/PyTorch: bare step ${fmt(native.bare_samples_per_s / torch.bare_samples_per_s)}x, ` +
      `Trainer epoch ${fmt(native.epoch_samples_per_s / torch.epoch_samples_per_s)}x (target >= 1.5x); ` +
      `Trainer step over the bare step ${over(native)} (target <= 5%; PyTorch's ${over(torch)})`);
    const share = (r: Json) => `${fmt((100 * r.epoch_samples_per_s) / r.bare_samples_per_s, 1)}%`;
    console.log(`  the Trainer's epoch (with evaluation and checkpoint) runs at ${share(native)} of the bare step's samples/s (target >= 95%; PyTorch's ${share(torch)})`);
  }
  return { pytorch: torch, ...ts };
}

/** BERT- and RoBERTa-shaped models: one round each of PyTorch and the fastest backend asked for (wasm only if alone). */
function otherModels(wanted: string[], row: (name: string, r: Json) => void): Json {
  const names = argValue("--models", Object.keys(OTHER_MODELS).join(",")).split(",").filter(Boolean);
  const unknown = names.filter((n) => !(n in OTHER_MODELS));
  if (unknown.length) throw new Error(`--models: unknown ${unknown.join(", ")}; choose among ${Object.keys(OTHER_MODELS).join(", ")}.`);
  const backend = wanted.includes("native") ? "native" : wanted[0];
  const out: Json = {};
  for (const name of names) {
    const torch = flag("--no-pytorch") ? { error: "skipped (--no-pytorch)" } : best([pytorchBench(OTHER_MODELS[name])]);
    const ts = best([backendBench(backend, OTHER_MODELS[name])]);
    out[name] = { pytorch: torch, [backend]: ts };
    console.log(`\n${name} shape (random weights, ${fmt((ts.params ?? torch.params) / 1e6, 1)}M parameters), batch ${BATCH}, sequence ${SEQ}, one round`);
    row(`PyTorch ${torch.torch ?? ""} (${torch.threads ?? "?"} threads)`, torch);
    row(`TS ${ts.description ?? backend}`, ts);
    if (!ts.error && !torch.error) {
      if (ts.params !== torch.params) console.log(`  note: ${ts.params} parameters in TS, ${torch.params} in PyTorch`);
      console.log(`  ratio TS(${backend})/PyTorch: training ${fmt(ts.train_samples_per_s / torch.train_samples_per_s)}x, inference ${fmt(ts.infer_samples_per_s / torch.infer_samples_per_s)}x`);
    }
  }
  return out;
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "?";
  return `${cpu}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30, 0)} GB, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}, node ${process.version}`;
}

main();
