// The native backend's kernels (src/accel, native/tt_native.c) and the fused ops
// (src/kernels/fast-*.ts) against tfjs's own cpu kernels, on small shapes. Skipped when the
// native addon is not built (npm run build:native).
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { NATIVE_BACKEND, profileNativeKernels, registerNativeBackend } from "../src/accel/native-backend.js";
import { fastGelu } from "../src/kernels/fast-gelu.js";
import { fastLayerNorm } from "../src/kernels/fast-layer-norm.js";
import { fusedAdamWStep } from "../src/kernels/fast-adamw.js";
import { fastDropout } from "../src/kernels/fast-dropout.js";
import { fastSumOfSquares } from "../src/kernels/fast-grad-norm.js";
import { float32Bound } from "./helpers/float32.js";

const native = registerNativeBackend();
const skip = native.ok ? false : `native addon unavailable: ${native.why}`;

let seed = 7;
function randn(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const u = seed / 2 ** 31;
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const v = seed / 2 ** 31;
    out[i] = Math.sqrt(-2 * Math.log(u + 1e-12)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

type Inputs = { values: Float32Array; shape: number[] }[];

/** Run `fn` on fresh tensors of `inputs` on `backend`; the outputs' values and shapes. */
async function on(backend: string, inputs: Inputs, fn: (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<{ values: Float32Array; shape: number[] }[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const r = fn(...inputs.map((i) => tf.tensor(i.values.slice(), i.shape, "float32")));
    return (Array.isArray(r) ? r : [r]).map((t) => ({ values: Float32Array.from(t.dataSync()), shape: [...t.shape] }));
  });
}

/**
 * `fn` on the native backend equals tfjs's cpu kernels up to float32 rounding: each output within
 * float32Bound(roundings + 1, magnitude), where `roundings` counts the roundings of the longest chain that
 * computes one output (a dot product of length K: K) and magnitude is Σ|terms|, which `fn` on |inputs| bounds
 * for sums of products (at least 1: inputs are O(1) normal draws, so every chain has terms of order 1).
 */
async function assertSameAsCpu(what: string, inputs: Inputs, fn: (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[], roundings = 1): Promise<void> {
  const expected = await on("cpu", inputs, fn);
  const magnitude = await on("cpu", inputs.map((i) => ({ values: i.values.map(Math.abs), shape: i.shape })), fn);
  profileNativeKernels(true);
  const actual = await on(NATIVE_BACKEND, inputs, fn);
  const ran = profileNativeKernels(false);
  assert.ok(ran.size > 0, `${what}: nothing ran on the native backend`);
  assert.equal(actual.length, expected.length, `${what}: number of outputs`);
  for (let k = 0; k < expected.length; k++) {
    assert.deepEqual(actual[k].shape, expected[k].shape, `${what}: shape of output ${k}`);
    let worst = 0;
    for (let i = 0; i < expected[k].values.length; i++) {
      const e = expected[k].values[i], a = actual[k].values[i];
      if (Number.isNaN(e) !== Number.isNaN(a)) assert.fail(`${what}: output ${k}[${i}] is ${a}, cpu gives ${e}`);
      const bound = float32Bound(roundings + 1, Math.max(1, Math.abs(e), Math.abs(magnitude[k].values[i])));
      worst = Math.max(worst, Math.abs(a - e) / bound);
    }
    worstRatio = Math.max(worstRatio, worst);
    assert.ok(worst <= 1, `${what}: output ${k} differs from cpu by ${worst.toFixed(2)} times its float32 bound`);
  }
}

const t = (...shape: number[]) => ({ values: randn(shape.reduce((a, b) => a * b, 1)), shape });
/** The largest |native - cpu| seen, as a fraction of its bound (printed at the end). */
let worstRatio = 0;
after(() => console.log(`# kernels: worst native-vs-cpu difference ${(worstRatio * 100).toFixed(1)}% of its float32 bound`));
// Roundings of the transcendental kernels (native/tt_native.c): expf about 1 ulp; erf is A&S 7.1.26, a degree-5
// Horner polynomial times expf, subtracted from 1 (so its error is relative to 1).
const EXP = 2;
const ERF = 14;
// GELU 0.5·x·(1 + erf(x/√2)) and the gradient of Σ gelu(u)·u, which adds the pdf (an expf) and a few products.
const GELU = ERF + 4 + EXP + 6;
/**
 * LayerNorm over n features: a mean (n), the centred squares' mean (n), rsqrt and the affine map; its input
 * gradient adds two more row sums (n each); the gain and bias gradients (outputs k = 2, 3) sum over `rows`.
 */
function layerNormRoundings(n: number, output: number, rows: number): number {
  const forward = 2 * n + 8;
  return output === 0 ? forward : output === 1 ? 2 * forward + 2 * n : forward + rows;
}

test("native matMul: plain, transposed, batched, broadcast, fused bias; and its gradients", { skip }, async () => {
  for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const a = tA ? t(2, 3, 5, 4) : t(2, 3, 4, 5);
    const b = tB ? t(2, 3, 6, 5) : t(2, 3, 5, 6);
    await assertSameAsCpu(`batched matMul tA=${tA} tB=${tB}`, [a, b], (x, y) => tf.matMul(x, y, tA, tB), 5);
  }
  await assertSameAsCpu("2-D", [t(7, 9), t(9, 4)], (x, y) => tf.matMul(x, y), 9);
  profileNativeKernels(true);
  await on(NATIVE_BACKEND, [t(7, 9), t(9, 4)], (x, y) => tf.matMul(x, y));
  assert.equal(profileNativeKernels(false).get("BatchMatMul")?.calls, 1, "matMul runs the native BatchMatMul");
  await assertSameAsCpu("broadcast b", [t(3, 7, 9), t(1, 9, 4)], (x, y) => tf.matMul(x, y), 9);
  await assertSameAsCpu("broadcast a", [t(1, 7, 9), t(3, 9, 4)], (x, y) => tf.matMul(x, y), 9);
  await assertSameAsCpu("fused bias, transposeB", [t(6, 8), t(5, 8), t(5)], (x, w, b) => tf.fused.matMul({ a: x, b: w, transposeB: true, bias: b }), 9);
  await assertSameAsCpu("fused relu (cpu path)", [t(6, 8), t(8, 5), t(5)], (x, w, b) => tf.fused.matMul({ a: x, b: w, bias: b, activation: "relu" }), 9);
  await assertSameAsCpu("matMul gradients", [t(2, 4, 5), t(2, 5, 3)], (x, y) => {
    const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p, q, false, false))));
    return g([x, y]);
  }, 5 + 1 + 4);
  await assertSameAsCpu("fused matMul gradients", [t(6, 8), t(5, 8), t(5)], (x, w, b) => {
    const g = tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.square(tf.fused.matMul({ a: p, b: q, transposeB: true, bias: r }))));
    return g([x, w, b]);
  }, 8 + 1 + 1 + 6);
});

test("native transpose, softmax, element-wise ops with broadcasting, reductions", { skip }, async () => {
  for (const perm of [[1, 0, 2, 3], [0, 2, 1, 3], [0, 2, 3, 1], [3, 2, 1, 0], [0, 1, 2, 3]]) {
    await assertSameAsCpu(`transpose ${perm}`, [t(2, 3, 4, 5)], (x) => tf.transpose(x, perm));
  }
  await assertSameAsCpu("transpose 2-D", [t(7, 3)], (x) => tf.transpose(x));
  await assertSameAsCpu("softmax", [t(2, 3, 7)], (x) => tf.softmax(x), 1 + EXP + 6 + 1);
  const masked = t(2, 5);
  masked.values[3] = -3.4e38;
  await assertSameAsCpu("softmax with a masked score", [masked], (x) => tf.softmax(x), 1 + EXP + 4 + 1);
  const pairs: [string, number[], number[]][] = [
    ["same shape", [3, 4], [3, 4]], ["row", [3, 4], [4]], ["column", [3, 4], [3, 1]], ["scalar", [3, 4], []],
    ["scalar first", [], [3, 4]], ["both ways", [2, 1, 4], [3, 1]], ["4-D mask", [2, 3, 5, 5], [2, 1, 1, 5]],
  ];
  for (const [what, sa, sb] of pairs) {
    const b = t(...sb);
    for (let i = 0; i < b.values.length; i++) b.values[i] = Math.abs(b.values[i]) + 0.5; // no division by ~0
    await assertSameAsCpu(`add ${what}`, [t(...sa), b], (x, y) => tf.add(x, y));
    await assertSameAsCpu(`sub ${what}`, [t(...sa), b], (x, y) => tf.sub(x, y));
    await assertSameAsCpu(`mul ${what}`, [t(...sa), b], (x, y) => tf.mul(x, y));
    await assertSameAsCpu(`div ${what}`, [t(...sa), b], (x, y) => tf.div(x, y));
  }
  const pos = t(5, 6);
  for (let i = 0; i < pos.values.length; i++) pos.values[i] = Math.abs(pos.values[i]) + 0.1;
  await assertSameAsCpu("exp", [t(5, 6)], (x) => tf.exp(x), EXP);
  await assertSameAsCpu("sqrt", [pos], (x) => tf.sqrt(x));
  await assertSameAsCpu("rsqrt", [pos], (x) => tf.rsqrt(x), 2);
  await assertSameAsCpu("log", [pos], (x) => tf.log(x), 2);
  await assertSameAsCpu("neg, square, relu", [t(5, 6)], (x) => [tf.neg(x), tf.square(x), tf.relu(x)]);
  await assertSameAsCpu("erf", [t(5, 6)], (x) => tf.erf(x), ERF);
  for (const axis of [0, 1, 2, -1, [0, 1], [1, 2], [0, 2]]) {
    await assertSameAsCpu(`sum axis ${axis}`, [t(3, 4, 5)], (x) => tf.sum(x, axis), 20);
    await assertSameAsCpu(`mean axis ${axis} keepDims`, [t(3, 4, 5)], (x) => tf.mean(x, axis, true), 20 + 1);
  }
  await assertSameAsCpu("sum of all", [t(3, 4, 5)], (x) => tf.sum(x), 60);
  for (const [begin, sz] of [[[0, 0, 0], [3, 1, 5]], [[1, 2, 0], [2, 2, 5]], [[0, 1, 2], [-1, 2, 3]], [[2, 0, 0], [1, 4, 5]], [[0, 0, 4], [3, 4, 1]]]) {
    await assertSameAsCpu(`slice ${begin} ${sz}`, [t(3, 4, 5)], (x) => tf.slice(x, begin, sz));
  }
  await assertSameAsCpu("slice 1-D", [t(9)], (x) => tf.slice(x, [2], [4]));
  await assertSameAsCpu("gather rows", [t(6, 4)], (x) => tf.gather(x, tf.tensor2d([[5, 0, 5], [2, 2, 1]], undefined, "int32")));
  await assertSameAsCpu("gather axis 1 (tfjs path)", [t(6, 4)], (x) => tf.gather(x, tf.tensor1d([3, 0], "int32"), 1));
  await assertSameAsCpu("scatter rows, repeated indices summed", [t(5, 3)], (u) => tf.scatterND(tf.tensor2d([[1], [4], [1], [0], [1]], undefined, "int32"), u, [6, 3]), 3);
  await tf.setBackend(NATIVE_BACKEND);
  assert.throws(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([3], "int32")), /GatherV2: the index value 3 is not in \[0, 2\]/);
  await assertSameAsCpu("cast bool to float32, then a float op", [t(4, 3)], (x) => tf.mul(x, tf.cast(tf.greater(x, 0), "float32")));
  await tf.setBackend(NATIVE_BACKEND);
  assert.ok((tf.backend() as unknown as { data: { get(id: object): { values: unknown } } }).data.get(tf.cast(tf.tensor1d([1, 0], "bool"), "float32").dataId).values instanceof Float32Array);
  // int32 stays on tfjs's kernels.
  await tf.setBackend(NATIVE_BACKEND);
  assert.deepEqual(Array.from(tf.add(tf.tensor1d([1, 2], "int32"), tf.tensor1d([3, 4], "int32")).dataSync()), [4, 6]);
});

test("fused GELU and LayerNorm match tfjs's composition, forward and backward", { skip }, async () => {
  const geluRef = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  const x = t(4, 6, 8);
  const expected = await on("cpu", [x], (v) => [geluRef(v), tf.grad((u: tf.Tensor) => tf.sum(tf.mul(geluRef(u), u)))(v)]);
  const actual = await on(NATIVE_BACKEND, [x], (v) => [fastGelu(v)!, tf.grad((u: tf.Tensor) => tf.sum(tf.mul(fastGelu(u)!, u)))(v)]);
  for (let k = 0; k < 2; k++) {
    expected[k].values.forEach((e, i) => assert.ok(Math.abs(actual[k].values[i] - e) <= float32Bound(GELU, Math.max(1, Math.abs(e))), `gelu output ${k}[${i}]`));
  }
  const eps = 1e-12;
  const lnRef = (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const c = tf.sub(v, tf.mean(v, -1, true));
    return tf.add(tf.mul(tf.mul(c, tf.rsqrt(tf.add(tf.mean(tf.square(c), -1, true), eps))), g), b);
  };
  const w = t(4, 6, 8);
  const inputs = [t(4, 6, 8), t(8), t(8)];
  const loss = (ln: (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(ln(v, g, b), tf.tensor(w.values, w.shape)));
  const lnE = await on("cpu", inputs, (v, g, b) => [lnRef(v, g, b), ...tf.grads(loss(lnRef))([v, g, b])]);
  const lnA = await on(NATIVE_BACKEND, inputs, (v, g, b) => [fastLayerNorm(v, g, b, eps)!, ...tf.grads(loss((p, q, r) => fastLayerNorm(p, q, r, eps)!))([v, g, b])]);
  for (let k = 0; k < 4; k++) {
    assert.deepEqual(lnA[k].shape, lnE[k].shape);
    lnE[k].values.forEach((e, i) => assert.ok(Math.abs(lnA[k].values[i] - e) <= float32Bound(layerNormRoundings(8, k, 6 * 4), Math.max(1, Math.abs(e))), `layerNorm output ${k}[${i}]: ${lnA[k].values[i]} vs ${e}`));
  }
  // On other backends the fast paths step aside.
  await tf.setBackend("cpu");
  assert.equal(fastGelu(tf.zeros([2])), null);
  assert.equal(fastLayerNorm(tf.zeros([2, 2]), tf.ones([2]), tf.zeros([2]), eps), null);
});

test("fused AdamW equals clip_grad_norm_'s scaling then torch.optim.AdamW's arithmetic, in place, and leaves shared arrays alone", { skip }, async () => {
  await tf.setBackend(NATIVE_BACKEND);
  const n = 50;
  const p0 = randn(n), g = randn(n);
  const shared = p0.slice();
  const param = tf.variable(tf.tensor(shared, [n]));
  const m = tf.variable(tf.zeros([n]));
  const v = tf.variable(tf.zeros([n]));
  const [lr, b1, b2, eps, wd] = [1e-2, 0.9, 0.999, 1e-8, 0.01];
  const ref = { p: Float64Array.from(p0), m: new Float64Array(n), v: new Float64Array(n) };
  // Clipping's coefficient: none, then two scales (torch multiplies the gradient in float32 first).
  const scales = [undefined, 0.37, 0.81];
  for (let step = 1; step <= 3; step++) {
    const gradScale = scales[step - 1];
    assert.ok(fusedAdamWStep(param, tf.tensor(g, [n]), m, v, { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, step, gradScale }));
    for (let i = 0; i < n; i++) {
      const gi = Math.fround(g[i] * Math.fround(gradScale ?? 1));
      ref.m[i] = b1 * ref.m[i] + (1 - b1) * gi;
      ref.v[i] = b2 * ref.v[i] + (1 - b2) * gi * gi;
      const denom = Math.sqrt(ref.v[i]) / Math.sqrt(1 - b2 ** step) + eps;
      ref.p[i] = ref.p[i] * (1 - lr * wd) - (lr / (1 - b1 ** step)) * (ref.m[i] / denom);
    }
  }
  const got = param.dataSync();
  // About 12 float32 roundings per step (moments, bias corrections, sqrt, division, decay), 3 steps, against float64.
  for (let i = 0; i < n; i++) assert.ok(Math.abs(got[i] - ref.p[i]) <= float32Bound(12 * 3, Math.max(1, Math.abs(ref.p[i]))), `param[${i}]: ${got[i]} vs ${ref.p[i]}`);
  assert.deepEqual(Array.from(shared), Array.from(p0), "the array the parameter was created from is not modified");
  const snapshot = param.dataSync();
  const before = Array.from(snapshot);
  assert.ok(fusedAdamWStep(param, tf.tensor(g, [n]), m, v, { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, step: 4 }));
  assert.deepEqual(Array.from(snapshot), before, "a dataSync() taken before a step keeps its values");
  assert.notDeepEqual(Array.from(param.dataSync()), before);
  await tf.setBackend("cpu");
  assert.equal(fusedAdamWStep(param, tf.tensor(g, [n]), m, v, { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, step: 5 }), false);
});

test("native dropout is tf.dropout bit for bit (same seed, same mask), gradient through the mask", { skip }, async () => {
  const x = t(40, 50);
  for (const [p, seed] of [[0.1, 42], [0.2, -123456789], [0.5, 0], [0.1, 2147483647]] as const) {
    const expected = await on("cpu", [x], (v) => tf.dropout(v, p, undefined, seed));
    const actual = await on(NATIVE_BACKEND, [x], (v) => fastDropout(v, p, seed)!);
    assert.deepEqual(Array.from(actual[0].values), Array.from(expected[0].values), `p ${p} seed ${seed}`);
  }
  await tf.setBackend(NATIVE_BACKEND);
  const ones = tf.ones([100, 100]);
  const y = fastDropout(ones, 0.1, 42)!.dataSync();
  const kept = y.filter((v) => v !== 0).length;
  assert.ok(Math.abs(kept / 10000 - 0.9) < 0.02, `kept ${kept} of 10000`);
  const g = tf.grad((u: tf.Tensor) => tf.sum(fastDropout(u, 0.1, 42)!))(ones).dataSync();
  assert.deepEqual(Array.from(g), Array.from(y));
  await tf.setBackend("cpu");
  assert.equal(fastDropout(ones, 0.1, 42), null);
});

test("native kernels split across threads give the single-thread results (large shapes)", { skip }, async () => {
  await assertSameAsCpu("mul, 4-D broadcast", [t(8, 12, 60, 60), t(8, 1, 1, 60)], (x, y) => tf.mul(x, y));
  await assertSameAsCpu("add rows", [t(600, 768), t(768)], (x, y) => tf.add(x, y));
  await assertSameAsCpu("exp, erf", [t(300, 500)], (x) => [tf.exp(tf.mul(x, 0.1)), tf.erf(x)], 1 + ERF);
  await assertSameAsCpu("softmax rows", [t(4000, 60)], (x) => tf.softmax(x), 1 + EXP + 59 + 1);
  const geluRef = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  const x = t(300, 768);
  const e = await on("cpu", [x], (v) => [geluRef(v), tf.grad((u: tf.Tensor) => tf.sum(tf.mul(geluRef(u), u)))(v)]);
  const a = await on(NATIVE_BACKEND, [x], (v) => [fastGelu(v)!, tf.grad((u: tf.Tensor) => tf.sum(tf.mul(fastGelu(u)!, u)))(v)]);
  for (let k = 0; k < 2; k++) e[k].values.forEach((ev, i) => assert.ok(Math.abs(a[k].values[i] - ev) <= float32Bound(GELU, Math.max(1, Math.abs(ev))), `gelu ${k}[${i}]`));
  const w = t(300, 768);
  const lnRef = (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const c = tf.sub(v, tf.mean(v, -1, true));
    return tf.add(tf.mul(tf.mul(c, tf.rsqrt(tf.add(tf.mean(tf.square(c), -1, true), 1e-12))), g), b);
  };
  const loss = (ln: (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(ln(v, g, b), tf.tensor(w.values, w.shape)));
  const inputs = [t(300, 768), t(768), t(768)];
  const lnE = await on("cpu", inputs, (v, g, b) => [lnRef(v, g, b), ...tf.grads(loss(lnRef))([v, g, b])]);
  const lnA = await on(NATIVE_BACKEND, inputs, (v, g, b) => [fastLayerNorm(v, g, b, 1e-12)!, ...tf.grads(loss((p, q, r) => fastLayerNorm(p, q, r, 1e-12)!))([v, g, b])]);
  for (let k = 0; k < 4; k++) lnE[k].values.forEach((ev, i) => assert.ok(Math.abs(lnA[k].values[i] - ev) <= float32Bound(layerNormRoundings(768, k, 300), Math.max(1, Math.abs(ev))), `layerNorm ${k}[${i}]: ${lnA[k].values[i]} vs ${ev}`));
  // AdamW over 200k values: the same as over the same values in small pieces.
  await tf.setBackend(NATIVE_BACKEND);
  const n = 200000, g = randn(n), p0 = randn(n);
  const big = tf.variable(tf.tensor(p0.slice(), [n])), bm = tf.variable(tf.zeros([n])), bv = tf.variable(tf.zeros([n]));
  const o = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 1 };
  assert.ok(fusedAdamWStep(big, tf.tensor(g, [n]), bm, bv, o));
  const small = tf.variable(tf.tensor(p0.slice(0, 1000), [1000])), sm = tf.variable(tf.zeros([1000])), sv = tf.variable(tf.zeros([1000]));
  assert.ok(fusedAdamWStep(small, tf.tensor(g.slice(0, 1000), [1000]), sm, sv, o));
  assert.deepEqual(Array.from(big.dataSync().slice(0, 1000)), Array.from(small.dataSync()));
});

test("native sum of squares (gradient clipping's norm) equals tfjs's", { skip }, async () => {
  const inputs = [t(300, 500), t(7), t(70000)];
  const expected = (await on("cpu", inputs, (...xs) => tf.addN(xs.map((x) => tf.sum(tf.square(x))))))[0].values[0];
  await tf.setBackend(NATIVE_BACKEND);
  const actual = fastSumOfSquares(inputs.map((i) => tf.tensor(i.values, i.shape)))!;
  // Both sum in double: tfjs rounds each square and each tensor's sum to float32 (positive terms: at most
  // half an ulp of the total each), the native kernel sums the exact squares.
  assert.ok(Math.abs(actual - expected) <= float32Bound(1 + inputs.length + 1, expected), `${actual} vs ${expected}`);
  await tf.setBackend("cpu");
  assert.equal(fastSumOfSquares([tf.ones([2])]), null);
});
