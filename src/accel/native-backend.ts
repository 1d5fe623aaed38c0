// The "native" tfjs backend: tfjs's own cpu backend (data in plain Float32Arrays) with its hot
// kernels replaced by native/tt_native.c: OpenBLAS sgemm for every matMul; element-wise ops,
// reductions, transposes and softmax in C on two threads; row gathers, scatters and slices as
// row copies; output arrays reused. Every other kernel is the cpu backend's, unchanged.
// Registered only when the addon loads; the fused ops of src/kernels/fast-*.ts add their own.
import * as tf from "@tensorflow/tfjs";
import * as os from "node:os";
import { ArrayPool } from "./array-pool.js";
import { loadNative, NativeAddon } from "./native.js";

export const NATIVE_BACKEND = "native";

type TensorInfo = { dataId: object; shape: number[]; dtype: tf.DataType };
interface CpuBackendLike {
  data: { get(dataId: object): { values: unknown; refCount: number }; has(dataId: object): boolean };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): TensorInfo;
  write(values: unknown, shape: number[], dtype: tf.DataType): object;
  move(dataId: object, values: unknown, shape: number[], dtype: tf.DataType, refCount: number): void;
  readSync(dataId: object): unknown;
  disposeData(dataId: object, force?: boolean): boolean;
}
type KernelArgs = { inputs: Record<string, TensorInfo | undefined>; backend: CpuBackendLike; attrs: Record<string, unknown> };
type KernelFunc = (args: KernelArgs) => TensorInfo | TensorInfo[];

let registered: { ok: boolean; why: string } | undefined;
const profile = new Map<string, { calls: number; ms: number }>();
let profiling = false;

// Output arrays are reused (see ArrayPool). An array's buffer goes back to the pool when its
// tensor is disposed, unless anything else may still see it: arrays that reach another tensor (a
// view, the same array written twice) are never reused, and reads (dataSync, data) return copies
// of pooled arrays. The pool holds up to 1.5 GiB (an eighth of the memory on smaller machines):
// measured on the exercise's DistilBERT (batch 16, tweets packed), more makes a step no faster and
// the process larger. It is dropped after 30 s without a kernel (between cells).
const pool = new ArrayPool(Math.min(1.5 * 2 ** 30, os.totalmem() / 8));
const POOL_IDLE_MS = 30_000;
const owned = new WeakSet<Float32Array>();
const ownedBuffers = new WeakSet<ArrayBufferLike>();
const live = new WeakSet<Float32Array>();
const shared = new WeakSet<ArrayBufferLike>();

/** A Float32Array of n values for a kernel's output (recycled: zeroed only when `zero`). */
export function alloc(n: number, zero = false): Float32Array {
  let a = pool.take(n);
  if (a && zero) a.fill(0);
  a ??= ArrayPool.allocate(n);
  owned.add(a);
  ownedBuffers.add(a.buffer);
  return a;
}

function noteWrite(values: unknown): void {
  if (!(values instanceof Float32Array) || !ownedBuffers.has(values.buffer)) return;
  if (!owned.has(values) || live.has(values)) shared.add(values.buffer);
  else live.add(values);
}

function recycle(values: unknown): void {
  if (!(values instanceof Float32Array) || !owned.has(values) || !live.has(values)) return;
  live.delete(values);
  if (!shared.has(values.buffer)) pool.give(values);
}

/** Hooks a cpu backend instance into the pool (see above). */
function poolOutputs(backend: CpuBackendLike): CpuBackendLike {
  const write = backend.write.bind(backend);
  const move = backend.move.bind(backend);
  const readSync = backend.readSync.bind(backend);
  const disposeData = backend.disposeData.bind(backend);
  backend.write = (values, shape, dtype) => {
    noteWrite(values);
    return write(values, shape, dtype);
  };
  backend.move = (dataId, values, shape, dtype, refCount) => {
    noteWrite(values);
    move(dataId, values, shape, dtype, refCount);
  };
  backend.readSync = (dataId) => {
    const v = readSync(dataId);
    return v instanceof Float32Array && owned.has(v) ? v.slice() : v;
  };
  backend.disposeData = (dataId, force) => {
    const values = backend.data.has(dataId) ? backend.data.get(dataId).values : undefined;
    const done = disposeData(dataId, force);
    if (values !== undefined && !backend.data.has(dataId)) recycle(values);
    return done;
  };
  return backend;
}

/** Float32 values of a tensor on the native backend, or null when they are something else. */
export function f32(backend: CpuBackendLike, t: TensorInfo | undefined): Float32Array | null {
  if (!t || t.dtype !== "float32") return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function matMulShapes(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean) {
  const ra = a.shape.length, rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) {
    throw new Error(`Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} ` +
      `and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  }
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return { m, n, k, batchA: size(a.shape.slice(0, -2)), batchB: size(b.shape.slice(0, -2)), batch: size(outer), outShape: [...outer, m, n] };
}

function makeKernels(addon: NativeAddon, cpu: (name: string) => KernelFunc): Record<string, KernelFunc> {
  const batchMatMul: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const av = f32(args.backend, a), bv = f32(args.backend, b);
    if (!av || !bv) return cpu(tf.BatchMatMul)(args);
    const s = matMulShapes(a, b, transposeA, transposeB);
    const out = alloc(s.batch * s.m * s.n);
    addon.bmm(av, bv, out, s.batch, s.batchA, s.batchB, s.m, s.n, s.k, transposeA, transposeB, null);
    return args.backend.makeTensorInfo(s.outShape, "float32", out);
  };

  const fusedMatMul: KernelFunc = (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const { transposeA, transposeB, activation } = args.attrs as { transposeA: boolean; transposeB: boolean; activation?: string };
    const av = f32(args.backend, a), bv = f32(args.backend, b);
    const biasv = bias ? f32(args.backend, bias) : null;
    const linear = activation === undefined || activation === "linear";
    if (!av || !bv || !linear || preluActivationWeights || (bias && !biasv)) return cpu(tf._FusedMatMul)(args);
    const s = matMulShapes(a!, b!, transposeA, transposeB);
    if (biasv && biasv.length !== s.n) return cpu(tf._FusedMatMul)(args);
    const out = alloc(s.batch * s.m * s.n);
    addon.bmm(av, bv, out, s.batch, s.batchA, s.batchB, s.m, s.n, s.k, transposeA, transposeB, biasv);
    return args.backend.makeTensorInfo(s.outShape, "float32", out);
  };

  const transpose: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { perm } = args.attrs as { perm: number[] };
    const xv = f32(args.backend, x);
    if (!xv || x.shape.length > 8) return cpu(tf.Transpose)(args);
    const out = alloc(xv.length);
    addon.transpose(xv, out, x.shape, perm);
    return args.backend.makeTensorInfo(perm.map((p) => x.shape[p]), "float32", out);
  };

  const softmax: KernelFunc = (args) => {
    const { logits } = args.inputs as { logits: TensorInfo };
    const { dim } = args.attrs as { dim: number };
    const xv = f32(args.backend, logits);
    const rank = logits.shape.length;
    if (!xv || (dim !== -1 && dim !== rank - 1) || xv.length === 0) return cpu(tf.Softmax)(args);
    const out = alloc(xv.length);
    addon.softmax(xv, out, logits.shape[rank - 1]);
    return args.backend.makeTensorInfo([...logits.shape], "float32", out);
  };

  const binary = (name: string, op: number): KernelFunc => (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const av = f32(args.backend, a), bv = f32(args.backend, b);
    if (!av || !bv || a.shape.length > 8 || b.shape.length > 8) return cpu(name)(args);
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = alloc(size(outShape));
    addon.binary(op, av, bv, out, outShape, a.shape, b.shape);
    return args.backend.makeTensorInfo(outShape, "float32", out);
  };

  const unary = (name: string, op: number): KernelFunc => (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const xv = f32(args.backend, x);
    if (!xv) return cpu(name)(args);
    const out = alloc(xv.length);
    addon.unary(op, xv, out);
    return args.backend.makeTensorInfo([...x.shape], "float32", out);
  };

  const reduce = (name: string, mean: boolean): KernelFunc => (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const xv = f32(args.backend, x);
    if (!xv || xv.length === 0 || x.shape.length > 8) return cpu(name)(args);
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    if (axes.length === 0) return cpu(name)(args);
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept.map((i) => x.shape[i]);
    const reduced = size(axes.map((i) => x.shape[i]));
    const out = alloc(xv.length / reduced);
    const trailing = axes.every((ax, i) => ax === rank - axes.length + i);
    const leading = axes.every((ax, i) => ax === i);
    if (trailing) {
      addon.reduceRows(xv, out, reduced, mean);
    } else if (leading) {
      addon.reduceCols(xv, out, reduced, mean);
    } else {
      const moved = new Float32Array(xv.length);
      addon.transpose(xv, moved, x.shape, [...kept, ...axes]);
      addon.reduceRows(moved, out, reduced, mean);
    }
    return args.backend.makeTensorInfo(outShape, "float32", out);
  };

  // Row gather / scatter (the embeddings' lookup and gradient) and slices: tfjs's cpu kernels
  // compute an index per value; these copy whole rows.
  const gatherRows: KernelFunc = (args) => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = args.attrs as { axis: number; batchDims?: number };
    const xv = f32(args.backend, x);
    const iv = args.backend.data.get(indices.dataId).values;
    if (!xv || !(iv instanceof Int32Array) || (batchDims ?? 0) !== 0 || tf.util.parseAxisParam(axis, x.shape)[0] !== 0) return cpu(tf.GatherV2)(args);
    const rows = x.shape[0], row = xv.length / Math.max(rows, 1);
    const out = alloc(iv.length * row);
    for (let i = 0; i < iv.length; i++) {
      const r = iv[i];
      if (!(r >= 0 && r < rows)) throw new Error(`GatherV2: the index value ${r} is not in [0, ${rows - 1}]`);
      out.set(xv.subarray(r * row, (r + 1) * row), i * row);
    }
    return args.backend.makeTensorInfo([...indices.shape, ...x.shape.slice(1)], "float32", out);
  };

  const scatterRows: KernelFunc = (args) => {
    const { indices, updates } = args.inputs as { indices: TensorInfo; updates: TensorInfo };
    const { shape } = args.attrs as { shape: number[] };
    const uv = f32(args.backend, updates);
    const iv = args.backend.data.get(indices.dataId).values;
    const n = indices.shape[0];
    if (!uv || !(iv instanceof Int32Array) || indices.shape.length !== 2 || indices.shape[1] !== 1 || shape.length < 1 ||
        updates.shape[0] !== n || uv.length !== n * size(shape.slice(1))) return cpu(tf.ScatterNd)(args);
    const row = size(shape.slice(1));
    const out = alloc(size(shape), true);
    for (let i = 0; i < n; i++) {
      const r = iv[i];
      if (!(r >= 0 && r < shape[0])) return cpu(tf.ScatterNd)(args); // tfjs's own message
      const o = r * row, u = i * row;
      for (let j = 0; j < row; j++) out[o + j] += uv[u + j];
    }
    return args.backend.makeTensorInfo([...shape], "float32", out);
  };

  const slice: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { begin, size: sizeAttr } = args.attrs as { begin: number | number[]; size: number | number[] };
    const xv = f32(args.backend, x);
    if (!xv || x.shape.length === 0) return cpu(tf.Slice)(args);
    const [b, sz] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, begin, sizeAttr);
    tf.slice_util.assertParamsValid(x as unknown as tf.Tensor, b, sz);
    const rank = x.shape.length;
    const strides = tf.util.computeStrides(x.shape);
    const out = alloc(size(sz));
    // The innermost run of whole trailing axes is one contiguous copy.
    let inner = rank - 1;
    while (inner > 0 && b[inner] === 0 && sz[inner] === x.shape[inner]) inner--;
    const run = size(sz.slice(inner));
    let o = 0;
    const idx = new Array(inner).fill(0);
    const outer = size(sz.slice(0, inner));
    for (let k = 0; k < outer && run > 0; k++) {
      let src = b[inner] * (inner < rank - 1 ? strides[inner] : 1);
      for (let d = 0; d < inner; d++) src += (b[d] + idx[d]) * strides[d];
      out.set(xv.subarray(src, src + run), o);
      o += run;
      for (let d = inner - 1; d >= 0; d--) {
        if (++idx[d] < sz[d]) break;
        idx[d] = 0;
      }
    }
    return args.backend.makeTensorInfo(sz, "float32", out);
  };

  // tfjs's cpu Cast leaves bool -> float32 data in a Uint8Array, which no float kernel takes.
  const cast: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as { dtype: tf.DataType };
    const v = args.backend.data.get(x.dataId).values;
    if (dtype !== "float32" || x.dtype === "float32" || !(v instanceof Uint8Array || v instanceof Int32Array)) return cpu(tf.Cast)(args);
    const out = alloc(v.length);
    out.set(v);
    return args.backend.makeTensorInfo([...x.shape], "float32", out);
  };

  return {
    [tf.Cast]: cast,
    [tf.GatherV2]: gatherRows, [tf.ScatterNd]: scatterRows, [tf.Slice]: slice,
    [tf.BatchMatMul]: batchMatMul, [tf._FusedMatMul]: fusedMatMul, [tf.Transpose]: transpose, [tf.Softmax]: softmax,
    [tf.Add]: binary(tf.Add, 0), [tf.Sub]: binary(tf.Sub, 1), [tf.Multiply]: binary(tf.Multiply, 2), [tf.RealDiv]: binary(tf.RealDiv, 3),
    [tf.Exp]: unary(tf.Exp, 0), [tf.Sqrt]: unary(tf.Sqrt, 1), [tf.Rsqrt]: unary(tf.Rsqrt, 2), [tf.Neg]: unary(tf.Neg, 3),
    [tf.Square]: unary(tf.Square, 4), [tf.Erf]: unary(tf.Erf, 5), [tf.Relu]: unary(tf.Relu, 6), [tf.Log]: unary(tf.Log, 7),
    [tf.Sum]: reduce(tf.Sum, false), [tf.Mean]: reduce(tf.Mean, true),
  };
}

function timed(name: string, fn: KernelFunc): KernelFunc {
  return (args) => {
    if (!profiling) return fn(args);
    const t0 = performance.now();
    const r = fn(args);
    const p = profile.get(name) ?? { calls: 0, ms: 0 };
    p.calls++;
    p.ms += performance.now() - t0;
    profile.set(name, p);
    return r;
  };
}

/**
 * Register the "native" backend (not selected: `tf.setBackend("native")` or initBackend does
 * that). Returns ok: false, with the reason, when the native addon is not available.
 */
export function registerNativeBackend(): { ok: boolean; why: string } {
  if (registered) return registered;
  const { addon, why } = loadNative();
  const cpuFactory = tf.findBackendFactory("cpu");
  if (!addon) return (registered = { ok: false, why });
  if (!cpuFactory) return (registered = { ok: false, why: "tfjs's cpu backend is not registered" });
  const cpuKernels = new Map(tf.getKernelsForBackend("cpu").map((k) => [k.kernelName, k.kernelFunc as unknown as KernelFunc]));
  // A native kernel handing a case back to tfjs's: profiled as "Name (tfjs)".
  const cpu = (name: string) => timed(`${name} (tfjs)`, cpuKernels.get(name)!);
  const native = makeKernels(addon, cpu);
  tf.registerBackend(NATIVE_BACKEND, () => poolOutputs(cpuFactory() as unknown as CpuBackendLike) as unknown as tf.KernelBackend, 0);
  setInterval(() => pool.trimIfIdle(POOL_IDLE_MS), POOL_IDLE_MS).unref();
  for (const [kernelName, fn] of cpuKernels) {
    tf.registerKernel({ kernelName, backendName: NATIVE_BACKEND, kernelFunc: timed(kernelName, native[kernelName] ?? fn) as unknown as tf.KernelFunc });
  }
  return (registered = { ok: true, why: "" });
}

/** Register an extra kernel (a fused op of src/kernels/fast-*.ts) on the native backend. */
export function registerNativeKernel(kernelName: string, fn: KernelFunc): void {
  tf.registerKernel({ kernelName, backendName: NATIVE_BACKEND, kernelFunc: timed(kernelName, fn) as unknown as tf.KernelFunc });
}

/** Time every kernel the native backend runs (for the bench's profile) until stopped. */
export function profileNativeKernels(on: boolean): Map<string, { calls: number; ms: number }> {
  if (on) profile.clear();
  profiling = on;
  return new Map(profile);
}
