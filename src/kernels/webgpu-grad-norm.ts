// The sum of squares of many tensors on the webgpu backend (the counterpart of fast-grad-norm.ts):
// one WGSL pass per tensor writes a few partial sums (a workgroup's each) into one shared buffer,
// one more pass adds them up, and one read brings the total back, for all the gradients of a step.
// tfjs's ops take three kernels and two temporaries per tensor.
import * as tf from "@tensorflow/tfjs";
import { WEBGPU_BACKEND } from "../accel/webgpu.js";
import type { TensorInfo, WebGpuBackendLike } from "./webgpu-fused.js";

const WORKGROUP = 256;
/** Workgroups per tensor: each thread first adds up a strided share of the tensor. */
const MAX_GROUPS = 64;

// Each thread adds up its strided share, then the workgroup's tree adds the threads' sums.
const treeSum = (target: string) => `
  buf[tid] = s;
  workgroupBarrier();
  for (var half = ${WORKGROUP / 2}; half > 0; half = half >> 1) {
    if (tid < half) { buf[tid] = buf[tid] + buf[tid + half]; }
    workgroupBarrier();
  }
  if (tid == 0) { ${target} }`;

function program(key: string, n: number, dispatch: number, body: string, outputShape: number[]): object {
  return {
    variableNames: ["x"],
    outputShape,
    uniforms: "n : i32, offset : i32, stride : i32,",
    workgroupSize: [WORKGROUP, 1, 1],
    dispatchLayout: { x: [0] },
    dispatch: [dispatch, 1, 1],
    shaderKey: key,
    getUserCode: () => `
      var<workgroup> buf : array<f32, ${WORKGROUP}>;
      fn main(index : i32) {
        let tid = i32(localId.x);
        let group = index / ${WORKGROUP};
        var s = 0.0;
        for (var i = index; i < uniforms.n; i += uniforms.stride) { ${body} }
        ${treeSum("setOutputAtIndex(uniforms.offset + group, buf[0]);")}
      }`,
    n,
  };
}

const uniforms = (n: number, offset: number, stride: number) => [
  { type: "int32", data: [n] },
  { type: "int32", data: [offset] },
  { type: "int32", data: [stride] },
];

/** sum over tensors of sum(t^2), accumulated in float32 on the GPU; null on another backend (or a tensor not float32). */
export async function webGpuSumOfSquares(tensors: tf.Tensor[]): Promise<number | null> {
  if (tf.getBackend() !== WEBGPU_BACKEND) return null;
  if (tensors.some((t) => t.dtype !== "float32")) return null;
  const backend = tf.backend() as unknown as WebGpuBackendLike & { makeTensorInfo(shape: number[], dtype: tf.DataType): TensorInfo };
  const groups = tensors.map((t) => Math.max(1, Math.min(MAX_GROUPS, Math.ceil(t.size / WORKGROUP))));
  const total = groups.reduce((a, b) => a + b, 0);
  const partials = backend.makeTensorInfo([total], "float32");
  let offset = 0;
  tensors.forEach((t, k) => {
    const x = { dataId: t.dataId, shape: [t.size], dtype: t.dtype };
    const p = program("tt_sum_squares", t.size, groups[k], "let a = x[i]; s += a * a;", [total]);
    backend.runWebGPUProgram(p, [x], "float32", uniforms(t.size, offset, groups[k] * WORKGROUP), partials);
    offset += groups[k];
  });
  const sum = backend.runWebGPUProgram(program("tt_sum", total, 1, "s += x[i];", [1]), [partials], "float32", uniforms(total, 0, WORKGROUP));
  backend.disposeData(partials.dataId);
  const result = tf.engine().makeTensorFromTensorInfo(sum);
  try {
    return (await result.data())[0];
  } finally {
    result.dispose();
  }
}
