// Child process of test/webgpu.test.ts: the WGSL AdamW (src/kernels/webgpu-adamw.ts) and sum of
// squares (src/kernels/webgpu-grad-norm.ts) against torch.optim.AdamW's formulas in float64 and
// against the tf-ops path on cpu; snapshots taken before a step keep their values; tf.memory() step
// to step. Prints a JSON report: errors as multiples of their float32 bounds (test/helpers/float32.ts).
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend.js";
import { webGpuAdamWStep } from "../../src/kernels/webgpu-adamw.js";
import { webGpuSumOfSquares } from "../../src/kernels/webgpu-grad-norm.js";
import { AdamW } from "../../src/trainer/adamw.js";
import { globalGradNorm } from "../../src/trainer/clip-grad-norm.js";
import { float32Bound } from "./float32.js";
import { seededNormal } from "./random.js";

const randn = seededNormal(7);

// A weight (decayed), a bias (not decayed), and one wider than the kernels' workgroups many times over.
const PARAMS: Array<[string, number[]]> = [["dense.weight", [30, 40]], ["dense.bias", [40]], ["wide.weight", [70001]]];
const [LR, B1, B2, EPS, WD] = [1e-2, 0.9, 0.999, 1e-8, 0.01];
// Steps 1-3 as they are, 4-5 clipped (gradScale < 1, as the Trainer's clipCoefficient gives).
const SCALES = [1, 1, 1, 0.37, 0.052];

const initial = PARAMS.map(([, shape]) => randn(shape.reduce((a, b) => a * b, 1)));
const gradients = SCALES.map(() => PARAMS.map(([, shape]) => randn(shape.reduce((a, b) => a * b, 1))));

interface State {
  p: Float32Array[];
  m: Float32Array[];
  v: Float32Array[];
  memory: Array<{ numTensors: number; numBytes: number }>;
  kernels: string[];
}

/** The five steps with AdamW on `backend` (webgpu: the WGSL kernel; cpu: tf ops). */
async function adamw(backend: string): Promise<State> {
  await initBackend(backend);
  const params = PARAMS.map(([name, shape], k) => [name, tf.variable(tf.tensor(initial[k], shape))] as [string, tf.Variable]);
  const opt = new AdamW(params, { lr: LR, betas: [B1, B2], eps: EPS, weightDecay: WD });
  const memory: State["memory"] = [];
  let kernels: string[] = [];
  for (const [step, scale] of SCALES.entries()) {
    const grads = new Map(PARAMS.map(([name, shape], k) => [name, tf.tensor(gradients[step][k], shape)]));
    // The tfjs kernels the step runs (none when the WGSL pass does it all).
    kernels = (await tf.profile(() => opt.step(grads, LR, scale))).kernels.map((k) => k.name);
    tf.dispose([...grads.values()]);
    const { numTensors, numBytes } = tf.memory();
    memory.push({ numTensors, numBytes });
  }
  const read = async (ts: tf.Tensor[]) => Promise.all(ts.map(async (t) => Float32Array.from(await t.data())));
  const moments = opt.tensors();
  const state = { p: await read(params.map(([, p]) => p)), m: await read(moments.filter((_, i) => i % 2 === 0)), v: await read(moments.filter((_, i) => i % 2 === 1)), memory, kernels };
  opt.dispose();
  tf.dispose(params.map(([, p]) => p));
  return state;
}

/** torch.optim.AdamW in float64, with clip_grad_norm_'s scaling of the gradient. */
function reference(): { p: Float64Array[]; m: Float64Array[]; v: Float64Array[]; gMax: Float64Array[] } {
  const p = initial.map((x) => Float64Array.from(x));
  const m = initial.map((x) => new Float64Array(x.length));
  const v = initial.map((x) => new Float64Array(x.length));
  const gMax = initial.map((x) => new Float64Array(x.length));
  for (const [s, scale] of SCALES.entries()) {
    const t = s + 1;
    PARAMS.forEach(([name], k) => {
      const wd = name.endsWith(".bias") ? 0 : WD;
      for (let i = 0; i < p[k].length; i++) {
        const g = gradients[s][k][i] * scale;
        gMax[k][i] = Math.max(gMax[k][i], Math.abs(g));
        m[k][i] = B1 * m[k][i] + (1 - B1) * g;
        v[k][i] = B2 * v[k][i] + (1 - B2) * g * g;
        p[k][i] = p[k][i] * (1 - LR * wd) - (LR / (1 - B1 ** t)) * (m[k][i] / (Math.sqrt(v[k][i]) / Math.sqrt(1 - B2 ** t) + EPS));
      }
    });
  }
  return { p, m, v, gMax };
}

/** The worst |a - e| / bound(i) over all values, and the worst |a - e| itself. */
function worst(a: Float32Array[], e: ArrayLike<number>[], bound: (k: number, i: number) => number): { ratio: number; abs: number } {
  let ratio = 0;
  let abs = 0;
  a.forEach((ak, k) =>
    ak.forEach((x, i) => {
      const d = Math.abs(x - e[k][i]);
      abs = Math.max(abs, d);
      ratio = Math.max(ratio, d / bound(k, i));
    }),
  );
  return { ratio, abs };
}

/**
 * In-place updates must not show through snapshots: an awaited read's array, a clone, a read in
 * flight during the step (it caches what it copied). A twin set of variables, stepped the same way
 * and never snapshotted, gives the values each should hold.
 */
async function snapshots(): Promise<Record<string, boolean>> {
  await initBackend("webgpu");
  const n = 1000;
  const p0 = randn(n);
  const g = tf.tensor(randn(n));
  const make = () => ({ p: tf.variable(tf.tensor(p0)), m: tf.variable(tf.zeros([n])), v: tf.variable(tf.zeros([n])) });
  const [a, twin] = [make(), make()];
  let t = 0;
  const stepBoth = () => {
    t++;
    for (const s of [a, twin]) {
      if (!webGpuAdamWStep(s.p, g, s.m, s.v, { lr: LR, beta1: B1, beta2: B2, eps: EPS, weightDecay: WD, step: t })) throw new Error("webGpuAdamWStep declined on webgpu");
    }
  };
  const same = (x: ArrayLike<number>, y: ArrayLike<number>) => x.length === y.length && Array.from(x).every((e, i) => e === y[i]);
  stepBoth();
  const read = await a.p.data();
  const readCopy = Float32Array.from(read);
  const clone = tf.clone(a.p);
  stepBoth();
  const awaitedReadKept = same(read, readCopy);
  const cloneKept = same(await clone.data(), readCopy);
  const twinBefore = Float32Array.from(await twin.p.data());
  const inFlight = a.p.data(); // its copy is recorded before the step
  stepBoth();
  const late = await inFlight;
  const twinAfter = Float32Array.from(await twin.p.data());
  const result = {
    awaitedReadKept,
    cloneKept,
    readInFlightGotOldValues: same(late, twinBefore),
    // The update is not hidden by what that read cached.
    readAfterStepIsNew: same(await a.p.data(), twinAfter) && !same(twinAfter, twinBefore),
    dataSyncAfterStepIsNew: same(a.p.dataSync(), twinAfter),
    momentsAsTwin: same(await a.m.data(), await twin.m.data()) && same(await a.v.data(), await twin.v.data()),
  };
  tf.dispose([a.p, a.m, a.v, twin.p, twin.m, twin.v, g, clone]);
  return result;
}

/**
 * A parameter of more than 65535 workgroups of 256 values (DistilBERT's word embeddings have 23M): the
 * dispatch takes a second dimension. Every value starts equal, so every value must end equal.
 */
async function beyondOneDimension(): Promise<{ n: number; headValue: number; headRatio: number; tailEqualsHead: boolean; momentsEqual: boolean; normRatio: number }> {
  await initBackend("webgpu");
  const n = 65535 * 256 + 1000;
  const p = tf.variable(tf.fill([n], 0.5)), m = tf.variable(tf.zeros([n])), v = tf.variable(tf.zeros([n]));
  const g = tf.ones([n]);
  if (!webGpuAdamWStep(p, g, m, v, { lr: LR, beta1: B1, beta2: B2, eps: EPS, weightDecay: WD, step: 1 })) throw new Error("webGpuAdamWStep declined on webgpu");
  const ends = async (t: tf.Tensor) => {
    const [head, tail] = [tf.slice(t, [0], [1000]), tf.slice(t, [n - 2000], [2000])];
    const values = [Array.from(await head.data()), Array.from(await tail.data())];
    tf.dispose([head, tail]);
    return values;
  };
  const [pHead, pTail] = await ends(p);
  const [mHead, mTail] = await ends(m);
  const norm = await globalGradNorm([g]);
  tf.dispose([p, m, v, g]);
  // Step 1 with g = 1: m / sqrt(v) after the bias corrections is 1.
  const expected = 0.5 * (1 - LR * WD) - LR / (1 + EPS);
  // One thread adds 1024 ones exactly; the sums above 2^24 round: 16 roundings at most.
  const normBound = float32Bound(16, n) / (2 * Math.sqrt(n));
  return {
    n,
    headValue: pHead[0],
    headRatio: Math.abs(pHead[0] - expected) / float32Bound(12, 1),
    tailEqualsHead: [...pHead, ...pTail].every((x) => x === pHead[0]),
    momentsEqual: [...mHead, ...mTail].every((x) => x === mHead[0]) && mHead[0] !== 0,
    normRatio: Math.abs(norm - Math.sqrt(n)) / normBound,
  };
}

async function main(): Promise<void> {
  const gpu = await adamw("webgpu");
  const cpu = await adamw("cpu");
  const ref = reference();
  const steps = SCALES.length;
  // About 12 float32 roundings per step for p (moments, bias corrections, sqrt, division, decay) on
  // values of size max(1, |p|); 6 for a moment (scaling, two products, a sum) on values of size max|g|
  // (m) or max g^2 (v) over the steps. Two float32 evaluations: twice that apart.
  const pBound = (k: number, i: number) => float32Bound(12 * steps, Math.max(1, Math.abs(ref.p[k][i])));
  const mBound = (k: number, i: number) => float32Bound(6 * steps, ref.gMax[k][i]);
  const vBound = (k: number, i: number) => float32Bound(6 * steps, ref.gMax[k][i] ** 2);
  const report = {
    vsFloat64: { p: worst(gpu.p, ref.p, pBound), m: worst(gpu.m, ref.m, mBound), v: worst(gpu.v, ref.v, vBound) },
    cpuVsFloat64: { p: worst(cpu.p, ref.p, pBound) },
    vsCpu: { p: worst(gpu.p, cpu.p, (k, i) => 2 * pBound(k, i)), m: worst(gpu.m, cpu.m, (k, i) => 2 * mBound(k, i)), v: worst(gpu.v, cpu.v, (k, i) => 2 * vBound(k, i)) },
    memory: gpu.memory,
    kernelsInStep: { webgpu: gpu.kernels.length, cpu: cpu.kernels.length },
    snapshots: await snapshots(),
    norm: await norm(),
    wide: await beyondOneDimension(),
    declinesOnCpu: await declines(),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** The global norm of gradients of several sizes on webgpu against float64; memory around it. */
async function norm(): Promise<{ got: number; expected: number; ratio: number; tensorsBefore: number; tensorsAfter: number; kernels: number }> {
  await initBackend("webgpu");
  const sizes = [150000, 7, 70000, 1];
  const values = sizes.map(randn);
  const tensors = values.map((x) => tf.tensor(x));
  const expected = Math.sqrt(values.reduce((s, x) => s + x.reduce((a, b) => a + b * b, 0), 0));
  const tensorsBefore = tf.memory().numTensors;
  let got = NaN;
  // The tfjs kernels it runs (none when the WGSL passes do it all).
  const { kernels } = await tf.profile(async () => {
    got = await globalGradNorm(tensors);
  });
  const tensorsAfter = tf.memory().numTensors;
  // float32 sums in the kernel's order: each thread adds at most ceil(n / (64 workgroups * 256)) squares,
  // a workgroup's tree 8 levels, the final pass over the 64 + 1 + 64 + 1 partials 1 term a thread and
  // 8 levels; one rounding per square. The norm's square root halves the relative error.
  const roundings = 1 + Math.ceil(150000 / (64 * 256)) + 8 + 1 + 8;
  const ratio = Math.abs(got - expected) / (float32Bound(roundings, expected ** 2) / (2 * expected));
  tf.dispose(tensors);
  return { got, expected, ratio, tensorsBefore, tensorsAfter, kernels: kernels.length };
}

async function declines(): Promise<boolean> {
  await initBackend("cpu");
  const v = tf.variable(tf.zeros([2]));
  const declined = !webGpuAdamWStep(v, tf.zeros([2]), v, v, { lr: LR, beta1: B1, beta2: B2, eps: EPS, weightDecay: 0, step: 1 }) && (await webGpuSumOfSquares([v])) === null;
  v.dispose();
  return declined;
}

void main();
