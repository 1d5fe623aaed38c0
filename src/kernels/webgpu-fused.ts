// The fused GELU and LayerNorm of fast-gelu.ts / fast-layer-norm.ts as WGSL programs for the
// webgpu backend: one pass forward and one (GELU) or four (LayerNorm: row statistics, dx, dgamma,
// dbeta) backward, instead of tfjs's 4 and ~8 (GELU), 9 and ~20 (LayerNorm) kernels.
// Rows are reduced by a workgroup each (shared-memory tree, as tfjs-webgpu's softmax); erf is
// tfjs-webgpu's own approximation, so results match the unfused ops on this backend.
import * as tf from "@tensorflow/tfjs";
import { WEBGPU_BACKEND } from "../accel/webgpu.js";

export type TensorInfo = { dataId: object; shape: number[]; dtype: tf.DataType };
/** What tfjs-backend-webgpu keeps per dataId: values cached on the CPU and/or its GPU buffer. */
export interface TensorData {
  values: unknown;
  resource: unknown;
  refCount: number;
}
export interface WebGpuBackendLike {
  runWebGPUProgram(program: object, inputs: TensorInfo[], dtype: tf.DataType, uniforms?: { type: string; data: number[] }[], output?: TensorInfo): TensorInfo;
  disposeData(dataId: object): boolean;
}
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: WebGpuBackendLike; attrs: Record<string, unknown> };

const b = tf.backend_util;
const ERF = `fn erf_(a : f32) -> f32 {
  let t = 1.0 / (1.0 + ${b.ERF_P} * abs(a));
  return sign(a) * (1.0 - (((((${b.ERF_A5} * t + ${b.ERF_A4}) * t) + ${b.ERF_A3}) * t + ${b.ERF_A2}) * t + ${b.ERF_A1}) * t * exp(-a * a));
}`;

/** An element-wise program over inputs of the output's shape (`expr` uses x_, dy_: their values). */
function elementwise(key: string, names: string[], shape: number[], expr: string): object {
  const size = shape.reduce((n, d) => n * d, 1);
  const workgroupSize = [128, 1, 1];
  return {
    variableNames: names,
    outputShape: shape,
    size: true,
    workgroupSize,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / workgroupSize[0]), 1, 1],
    shaderKey: key,
    getUserCode: () => `${ERF}
      ${"fn main(index : i32)"} {
        if (index < uniforms.size) {
          ${names.map((n) => `let ${n}_ = ${n}[index];`).join("\n")}
          setOutputAtIndex(index, ${expr});
        }
      }`,
  };
}

/** A copy of `x` in a GPU buffer of its own (tf.clone shares the buffer). */
export function copyOnWebGpu(x: tf.Tensor, backend: WebGpuBackendLike): tf.Tensor {
  const flat = [x.size];
  const out = backend.runWebGPUProgram(elementwise("tt_copy", ["x"], flat, "x_"), [{ dataId: x.dataId, shape: flat, dtype: x.dtype }], x.dtype);
  return tf.engine().makeTensorFromTensorInfo({ ...out, shape: [...x.shape] });
}

const BLOCK = 64;
// Sums `value` (an f32 expression of `col`) over the row's columns into `target`, with `buf`.
const rowSum = (value: string, target: string) => `
  {
    var s = 0.0;
    for (var col = tid; col < cols; col += ${BLOCK}) { s += ${value}; }
    buf[tid] = s;
    workgroupBarrier();
    for (var half = ${BLOCK / 2}; half > 0; half = half >> 1) {
      if (tid < half) { buf[tid] = buf[tid] + buf[tid + half]; }
      workgroupBarrier();
    }
    if (tid == 0) { ${target} = buf[0]; }
    workgroupBarrier();
  }`;

/** A program with one workgroup per row of `rows` x `cols` (`body` sees row, tid, cols). */
function perRow(key: string, names: string[], outputShape: number[], rows: number, cols: number, body: string, shared: string[]): object {
  return {
    variableNames: names,
    outputShape,
    uniforms: "cols : i32, eps : f32,",
    workgroupSize: [BLOCK, 1, 1],
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [rows, 1, 1],
    shaderKey: key,
    getUserCode: () => `
      var<workgroup> buf : array<f32, ${BLOCK}>;
      ${shared.map((v) => `var<workgroup> ${v} : f32;`).join("\n")}
      fn main(index : i32) {
        let row = index / ${BLOCK};
        let tid = i32(localId.x);
        let cols = uniforms.cols;
        let base = row * cols;
        ${body}
      }`,
    cols,
  };
}

// Sums land in workgroup variables (sumX, sumSq); each thread derives its own mean and rstd.
const MEAN_RSTD = `
  ${rowSum("x[base + col]", "sumX")}
  let mean = sumX / f32(cols);
  ${rowSum("(x[base + col] - mean) * (x[base + col] - mean)", "sumSq")}
  let rstd = 1.0 / sqrt(sumSq / f32(cols) + uniforms.eps);`;

function rowsCols(x: TensorInfo): [number, number] {
  const cols = x.shape[x.shape.length - 1];
  return [x.shape.reduce((n, d) => n * d, 1) / cols, cols];
}

function uniforms(cols: number, eps: number): { type: string; data: number[] }[] {
  return [{ type: "int32", data: [cols] }, { type: "float32", data: [eps] }];
}

const kernels: Record<string, (args: KernelArgs) => TensorInfo | TensorInfo[]> = {
  TTGelu: ({ inputs: { x }, backend }) =>
    backend.runWebGPUProgram(elementwise("tt_gelu", ["x"], x.shape, "0.5 * x_ * (1.0 + erf_(x_ * 0.7071067811865476))"), [x], "float32"),
  TTGeluGrad: ({ inputs: { x, dy }, backend }) =>
    backend.runWebGPUProgram(
      elementwise("tt_gelu_grad", ["x", "dy"], x.shape, "dy_ * (0.5 * (1.0 + erf_(x_ * 0.7071067811865476)) + x_ * exp(-0.5 * x_ * x_) * 0.3989422804014327)"),
      [x, dy],
      "float32",
    ),
  TTLayerNorm: ({ inputs: { x, gamma, beta }, backend, attrs }) => {
    const [rows, cols] = rowsCols(x);
    const body = `${MEAN_RSTD}
      for (var col = tid; col < cols; col += ${BLOCK}) {
        setOutputAtIndex(base + col, (x[base + col] - mean) * rstd * gamma[col] + beta[col]);
      }`;
    return backend.runWebGPUProgram(perRow("tt_layer_norm", ["x", "gamma", "beta"], x.shape, rows, cols, body, ["sumX", "sumSq"]), [x, gamma, beta], "float32", uniforms(cols, attrs.eps as number));
  },
  TTLayerNormGrad: ({ inputs: { x, gamma, dy }, backend, attrs }) => {
    const [rows, cols] = rowsCols(x);
    const u = uniforms(cols, attrs.eps as number);
    // Per row: mean and 1/std (stats [rows, 2]).
    const statsBody = `${MEAN_RSTD}
      if (tid == 0) { setOutputAtIndex(row * 2, mean); setOutputAtIndex(row * 2 + 1, rstd); }`;
    const stats = backend.runWebGPUProgram(perRow("tt_ln_stats", ["x"], [rows, 2], rows, cols, statsBody, ["sumX", "sumSq"]), [x], "float32", u);
    // dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * gamma.
    const dxBody = `
      let mean = stats[row * 2];
      let rstd = stats[row * 2 + 1];
      ${rowSum("dy[base + col] * gamma[col]", "sumG")}
      ${rowSum("dy[base + col] * gamma[col] * (x[base + col] - mean) * rstd", "sumGX")}
      for (var col = tid; col < cols; col += ${BLOCK}) {
        let xhat = (x[base + col] - mean) * rstd;
        setOutputAtIndex(base + col, rstd * (dy[base + col] * gamma[col] - sumG / f32(cols) - xhat * sumGX / f32(cols)));
      }`;
    const dx = backend.runWebGPUProgram(perRow("tt_ln_dx", ["x", "gamma", "dy", "stats"], x.shape, rows, cols, dxBody, ["sumG", "sumGX"]), [x, gamma, dy, stats], "float32", u);
    // dgamma = sum over rows of dy * xhat, dbeta = sum over rows of dy: a thread per column.
    // (A program binds only the inputs its shader reads.)
    const column = (key: string, names: string[], expr: string) => ({
      variableNames: names,
      outputShape: [cols],
      uniforms: "cols : i32, eps : f32, rows : i32,",
      size: true,
      workgroupSize: [64, 1, 1],
      dispatchLayout: { x: [0] },
      dispatch: [Math.ceil(cols / 64), 1, 1],
      shaderKey: key,
      getUserCode: () => `
        fn main(col : i32) {
          if (col < uniforms.size) {
            var s = 0.0;
            for (var row = 0; row < uniforms.rows; row++) {
              let i = row * uniforms.cols + col;
              s += ${expr};
            }
            setOutputAtIndex(col, s);
          }
        }`,
    });
    const ur = [...u, { type: "int32", data: [rows] }];
    const dgamma = backend.runWebGPUProgram(column("tt_ln_dgamma", ["x", "dy", "stats"], "dy[i] * (x[i] - stats[row * 2]) * stats[row * 2 + 1]"), [x, dy, stats], "float32", ur);
    const dbeta = backend.runWebGPUProgram(column("tt_ln_dbeta", ["dy"], "dy[i]"), [dy], "float32", ur);
    backend.disposeData(stats.dataId);
    return [dx, dgamma, dbeta];
  },
};

const registered = new Set<string>();

/** Register the WGSL kernel of `kernelName` (TTGelu, TTGeluGrad, TTLayerNorm, TTLayerNormGrad) on webgpu. */
export function registerWebGpuKernel(kernelName: keyof typeof kernels & string): void {
  if (registered.has(kernelName)) return;
  registered.add(kernelName);
  tf.registerKernel({ kernelName, backendName: WEBGPU_BACKEND, kernelFunc: kernels[kernelName] as unknown as tf.KernelFunc });
}
