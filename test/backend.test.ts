import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { registerNativeBackend } from "../src/accel/native-backend.js";
import { backendInfo, initBackend } from "../src/backend.js";
import { embeddingLookup } from "../src/kernels/embedding.js";
import { batchMatMulGradConfig } from "../src/kernels/batch-matmul-grad.js";
import { WasmHeapError } from "../src/kernels/wasm-heap-guard.js";
import { float32Bound } from "./helpers/float32.js";

// tfjs's own gradient, captured before initBackend registers ours over it.
const DEFAULT_MATMUL_GRAD = tf.getGradient("BatchMatMul");

async function withEnv<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.TT_BACKEND;
  if (value === undefined) delete process.env.TT_BACKEND;
  else process.env.TT_BACKEND = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.TT_BACKEND;
    else process.env.TT_BACKEND = saved;
  }
}

function assertClose(actual: tf.Tensor, expected: tf.Tensor, tol: number, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.dataSync();
  const e = expected.dataSync();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]) / (1 + Math.abs(e[i])));
  assert.ok(worst <= tol, `${what}: max relative difference ${worst} > ${tol}`);
}

/** Plain arrays, so values survive a change of backend. */
function snapshot(t: tf.Tensor): { shape: number[]; values: Float32Array } {
  return { shape: t.shape, values: t.dataSync() as Float32Array };
}
const restore = (s: { shape: number[]; values: Float32Array }) => tf.tensor(s.values, s.shape);

test("picks the fastest present (wasm here unless the native addon is built); TT_BACKEND=cpu forces cpu", async () => {
  const tfjsNode = (() => {
    try {
      require.resolve("@tensorflow/tfjs-node");
      return true;
    } catch {
      return false;
    }
  })();
  await withEnv(undefined, async () => {
    const name = await initBackend();
    assert.equal(name, tfjsNode ? "tensorflow" : registerNativeBackend().ok ? "native" : "wasm");
    assert.equal(tf.getBackend(), name);
    assert.equal(await initBackend(), name);
    assert.equal(backendInfo().name, name);
  });
  assert.equal(await initBackend("wasm"), "wasm");
  const info = backendInfo();
  assert.match(info.description, /^wasm \(SIMD, 1 thread\)$/);
  assert.match(info.hint, /npm run build:native/);
  await withEnv("cpu", async () => {
    assert.equal(await initBackend(), "cpu");
    assert.equal(tf.getBackend(), "cpu");
    assert.equal(backendInfo().name, "cpu");
  });
  // An explicit argument wins over TT_BACKEND.
  await withEnv("cpu", async () => assert.equal(await initBackend("wasm"), "wasm"));
});

test("an unknown or absent TT_BACKEND is a clear error listing what is available", async () => {
  await withEnv("bogus", async () => {
    await assert.rejects(initBackend(), /Unknown tfjs backend "bogus" \(from TT_BACKEND\)\. Use one of: webgpu, node-gpu, node, native, wasm, cpu; available here: .*wasm, cpu\./);
  });
  let nodeInstalled = true;
  try {
    require.resolve("@tensorflow/tfjs-node-gpu");
  } catch {
    nodeInstalled = false;
  }
  if (!nodeInstalled) {
    await withEnv("node-gpu", async () => {
      await assert.rejects(initBackend(), /tfjs backend "node-gpu" is not available \(@tensorflow\/tfjs-node-gpu not installed\)\. Available here: .*wasm, cpu; set TT_BACKEND to one of those\./);
    });
  }
  // A failed request leaves the previous backend running.
  assert.equal(await initBackend("cpu"), "cpu");
  await assert.rejects(initBackend("tpu"), /Unknown tfjs backend "tpu" \(from initBackend's argument\)/);
  assert.equal(tf.getBackend(), "cpu");
});

// Sum of (embedding * weights), so each output position gets a distinct gradient.
function embeddingCase() {
  const vocab = 11;
  const dim = 3;
  const table = tf.tensor2d(Float32Array.from({ length: vocab * dim }, (_, i) => Math.sin(i + 1)), [vocab, dim]);
  const ids = tf.tensor2d([[1, 2, 2, 0, 0], [3, 0, 1, 1, 10]], undefined, "int32");
  const w = tf.tensor3d(Float32Array.from({ length: 2 * 5 * dim }, (_, i) => Math.cos(i * 0.7)), [2, 5, dim]);
  return { table, ids, w };
}

test("embeddingLookup: values and gradient match tf.gather's on cpu; padding row gets none (cpu and wasm)", async () => {
  await initBackend("cpu");
  const { table, ids, w } = embeddingCase();
  const ours = (paddingIdx?: number) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t as tf.Tensor2D, ids, paddingIdx), w)))(table);
  const theirs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), w)))(table);

  assertClose(embeddingLookup(table, ids), tf.gather(table, ids), 0, "forward");
  assert.deepEqual(embeddingLookup(table, ids).shape, [2, 5, 3]);
  // Each gradient row sums at most 3 products of values in [-1, 1] (ids repeat up to 3 times).
  const embeddingTol = float32Bound(3 + 1, 3);
  assertClose(ours(), theirs, embeddingTol, "gradient");
  const rowMask = tf.tensor2d(Array.from({ length: 11 }, (_, i) => (i === 0 ? 0 : 1)), [11, 1]);
  const withPadding = ours(0);
  assertClose(withPadding, tf.mul(theirs, rowMask), embeddingTol, "gradient with paddingIdx 0");
  assert.ok(withPadding.slice([0, 0], [1, 3]).dataSync().every((v) => v === 0));
  assert.ok(theirs.slice([0, 0], [1, 3]).dataSync().some((v) => v !== 0), "the case must exercise the padding row");
  const cpuGrad = snapshot(withPadding);
  const cpuPlain = snapshot(ours());

  await initBackend("wasm");
  const c = embeddingCase();
  const wasmGrad = (paddingIdx?: number) =>
    tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t as tf.Tensor2D, c.ids, paddingIdx), c.w)))(c.table);
  assertClose(wasmGrad(0), restore(cpuGrad), embeddingTol, "wasm gradient with paddingIdx");
  assertClose(wasmGrad(), restore(cpuPlain), embeddingTol, "wasm gradient");
  // What embeddingLookup replaces: tf.gather's gradient needs a kernel wasm lacks.
  assert.throws(() => tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, c.ids)))(c.table), /UnsortedSegmentSum/);

  assert.throws(() => embeddingLookup(c.table, c.ids, 11), /paddingIdx 11 is not a row of a 11-row table/);
  const before = tf.memory().numTensors;
  tf.dispose([wasmGrad(0), embeddingLookup(c.table, c.ids, 0)]);
  assert.equal(tf.memory().numTensors, before, "no tensors leak");
});

type MatMulCase = { name: string; a: number[]; b: number[]; transposeA: boolean; transposeB: boolean };
function matMulCases(): MatMulCase[] {
  const cases: MatMulCase[] = [];
  for (const batch of [[], [3], [2, 2]]) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const [m, k, n] = [4, 5, 6];
        cases.push({
          name: `batch [${batch}] transposeA=${transposeA} transposeB=${transposeB}`,
          a: [...batch, ...(transposeA ? [k, m] : [m, k])],
          b: [...batch, ...(transposeB ? [n, k] : [k, n])],
          transposeA,
          transposeB,
        });
      }
    }
  }
  return cases;
}

function values(shape: number[], seed: number): tf.Tensor {
  const size = shape.reduce((x, y) => x * y, 1);
  return tf.tensor(Float32Array.from({ length: size }, (_, i) => Math.sin(seed * 31 + i * 1.3)), shape);
}

function matMulGrads(c: MatMulCase): tf.Tensor[] {
  const a = values(c.a, 1);
  const b = values(c.b, 2);
  const dyShape = tf.matMul(a, b, c.transposeA, c.transposeB).shape;
  const weights = values(dyShape, 3);
  return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, c.transposeA, c.transposeB), weights)))([a, b]);
}

test("BatchMatMul gradient override matches tfjs's default for every transpose, 2-D and batched", async () => {
  await initBackend("cpu");
  assert.equal(tf.getGradient("BatchMatMul"), batchMatMulGradConfig, "initBackend registers the override");
  tf.registerGradient(DEFAULT_MATMUL_GRAD);
  let reference: ReturnType<typeof snapshot>[][];
  try {
    reference = matMulCases().map((c) => matMulGrads(c).map(snapshot));
  } finally {
    tf.registerGradient(batchMatMulGradConfig);
  }
  // Same backend, only the gradient differs; then wasm, where the override transposes explicitly. Each gradient
  // value is a dot product of length at most 6 over products of values in [-1, 1] (and the weights' product).
  const matMulTol = float32Bound(6 + 1, 6);
  matMulCases().forEach((c, i) => matMulGrads(c).forEach((g, j) => assertClose(g, restore(reference[i][j]), matMulTol, `cpu ${c.name} d${"ab"[j]}`)));
  await initBackend("wasm");
  matMulCases().forEach((c, i) => matMulGrads(c).forEach((g, j) => assertClose(g, restore(reference[i][j]), matMulTol, `wasm ${c.name} d${"ab"[j]}`)));

  // Broadcast batch dimensions (tfjs's default gradient fails here): summed back to each input's shape.
  for (const backend of ["cpu", "wasm"]) {
    await initBackend(backend);
    const a = values([2, 3, 4, 5], 4);
    const b = values([3, 5, 6], 5);
    const w = values([2, 3, 4, 6], 6);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), w)))([a, b]);
    const [ea, eb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, tf.broadcastTo(y, [2, 3, 5, 6])), w)))([a, b]);
    // db sums over the broadcast batch (2) and the rows (4): 8 products of values in [-1, 1].
    assertClose(da, ea, float32Bound(6 + 1, 6), `${backend} broadcast da`);
    assertClose(db, eb, float32Bound(8 + 1, 8), `${backend} broadcast db`);
    const x = values([2, 4, 5], 7);
    const [dx, dw] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.matMul(p, q)))([x, b.slice([0, 0, 0], [1, 5, 6]).squeeze([0])]);
    assert.deepEqual([dx.shape, dw.shape], [[2, 4, 5], [5, 6]], `${backend} 3-D x 2-D`);
  }
});

test("the wasm heap guard turns an XNNPACK allocation failure into a clear error", async () => {
  await initBackend("wasm");
  const a = values([4, 8], 1);
  const b = values([8, 3], 2);
  const good = snapshot(tf.matMul(a, b));
  const before = tf.memory().numTensors;
  // Emscripten prints wasm's stderr through fs.writeSync(2, ...); this is the line XNNPACK's failure produces.
  fs.writeSync(2, "XNN status for xnn_setup_fully_connected_nc_f32 is not successful. Got status 6. Use -c dbg to see XNN logs.\n");
  assert.throws(
    () => tf.matMul(a, b),
    (err: unknown) =>
      err instanceof WasmHeapError &&
      /BatchMatMul on the wasm backend could not allocate memory: xnn_setup_fully_connected_nc_f32 failed with XNNPACK status 6/.test(err.message) &&
      /wasm heap [\d.]+ GiB of at most 4 GiB/.test(err.message) &&
      /smaller batch size or maxLength/.test(err.message),
  );
  assert.equal(tf.memory().numTensors, before, "the failed output is released");
  assertClose(tf.matMul(a, b), restore(good), 0, "the next matmul runs normally");
  fs.writeSync(2, "an unrelated line\n");
  assertClose(tf.matMul(a, b), restore(good), 0, "other stderr output is ignored");
});

test("the wasm heap guard refuses tensors the 4 GiB heap cannot hold instead of corrupting memory", async () => {
  await initBackend("wasm");
  const before = tf.memory().numTensors;
  const column = (n: number) => tf.zeros([n, 1]);
  const row = (n: number) => tf.zeros([1, n]);
  // 4 GiB exactly: tfjs would pass the size through a 32-bit int and get a tiny buffer.
  assert.throws(() => tf.tidy(() => tf.add(column(65536), row(16384))), (err: unknown) =>
    err instanceof WasmHeapError && /cannot allocate 4\.00 GiB for a tensor \(wasm heap [\d.]+ GiB of at most 4 GiB\)\. Use a smaller batch size or maxLength/.test(err.message));
  // Just under 4 GiB: the heap cannot grow that far, malloc returns 0 and tfjs would write at address 0.
  assert.throws(() => tf.tidy(() => tf.add(column(65535), row(16383))), WasmHeapError);
  assert.equal(tf.memory().numTensors, before, "nothing leaks");
  assert.deepEqual(Array.from(tf.add(column(2), row(3)).dataSync()), [0, 0, 0, 0, 0, 0], "the backend still works");
});

// The ops DistilBERT's forward and backward use, at toy size: the gradients on wasm must equal cpu's.
function miniTransformerLoss(): { loss: tf.Scalar; grads: tf.Tensor[] } {
  const vocab = 13;
  const dim = 8;
  const table = values([vocab, dim], 7) as tf.Tensor2D;
  const wq = values([dim, dim], 8);
  const w1 = values([dim, 12], 9);
  const w2 = values([12, dim], 10);
  const gamma = values([dim], 11);
  const classifier = values([dim, 3], 12);
  const ids = tf.tensor2d([[1, 5, 7, 0], [2, 2, 12, 3]], undefined, "int32");
  const mask = tf.tensor2d([[1, 1, 1, 0], [1, 1, 1, 1]]);
  const labels = tf.oneHot(tf.tensor1d([2, 0], "int32"), 3);
  const f = (t: tf.Tensor, q: tf.Tensor, l1: tf.Tensor, l2: tf.Tensor, g: tf.Tensor, c: tf.Tensor) => {
    const x = embeddingLookup(t as tf.Tensor2D, ids, 0);
    const heads = tf.transpose(tf.reshape(tf.matMul(x, q), [2, 4, 2, 4]), [0, 2, 1, 3]);
    const scores = tf.div(tf.matMul(heads, heads, false, true), Math.sqrt(4));
    const masked = tf.where(tf.equal(tf.reshape(mask, [2, 1, 1, 4]), 0), tf.fill(scores.shape, -3.4e38), scores);
    const context = tf.reshape(tf.transpose(tf.matMul(tf.softmax(masked), heads), [0, 2, 1, 3]), [2, 4, dim]);
    const h = tf.add(x, context);
    const { mean, variance } = tf.moments(h, -1, true);
    const normed = tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-12))), g);
    const gelu = (z: tf.Tensor) => tf.mul(tf.mul(z, 0.5), tf.add(1, tf.erf(tf.div(z, Math.SQRT2))));
    const ffn = tf.add(normed, tf.matMul(gelu(tf.matMul(normed, l1)), l2));
    const cls = tf.squeeze(tf.slice(ffn, [0, 0, 0], [2, 1, dim]), [1]);
    const logits = tf.matMul(tf.relu(cls), c);
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), labels), -1))) as tf.Scalar;
  };
  const { value, grads } = tf.valueAndGrads(f)([table, wq, w1, w2, gamma, classifier]);
  return { loss: value, grads };
}

test("every op of a DistilBERT-shaped forward and backward runs on each backend present and matches cpu", async () => {
  await initBackend("cpu");
  const ref = miniTransformerLoss();
  const refLoss = ref.loss.dataSync()[0];
  const refGrads = ref.grads.map(snapshot);
  for (const backend of ["wasm", ...(registerNativeBackend().ok ? ["native"] : [])]) {
    await initBackend(backend);
    const got = miniTransformerLoss();
    assert.ok(Math.abs(got.loss.dataSync()[0] - refLoss) < 1e-5, `${backend} loss`);
    got.grads.forEach((g, i) => assertClose(g, restore(refGrads[i]), 1e-4, `${backend} gradient ${i}`));
    assert.ok(got.grads[0].slice([0, 0], [1, 8]).dataSync().every((v) => v === 0), `${backend} padding row`);
  }
});
