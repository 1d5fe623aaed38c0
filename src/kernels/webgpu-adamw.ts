// AdamW's update of one parameter in one WGSL pass on the webgpu backend, in place on the
// parameter's and the moments' GPU buffers (the webgpu counterpart of fast-adamw.ts): tfjs's ops
// make about a dozen full-size temporaries per parameter and a dozen passes over them.
// tfjs's program framework writes one output per program, so this one is a compute pipeline of its
// own, recorded in the backend's command stream (its pass, its deferred disposals and submits).
import * as tf from "@tensorflow/tfjs";
import { readInFlight, WEBGPU_BACKEND } from "../accel/webgpu.js";
import type { FusedAdamWOptions } from "./fast-adamw.js";
import { copyOnWebGpu, type TensorData, type WebGpuBackendLike } from "./webgpu-fused.js";

/** The backend's command stream, which tfjs-backend-webgpu keeps to itself. */
interface CommandStream extends WebGpuBackendLike {
  device: GPUDevice;
  tensorMap: { get(dataId: object): TensorData | undefined };
  uploadToGPU(dataId: object): void;
  makeUniforms(uniforms: { type: string; data: number[] }[]): GPUBufferBinding;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  commandEncoder: GPUCommandEncoder;
  computePassEncoder: GPUComputePassEncoder | null;
  commandQueueOwnedIds: WeakSet<object>;
  dispatchCountInPass: number;
}

const WORKGROUP = 256;
const MAX_GROUPS_X = 65535; // WebGPU's default maxComputeWorkgroupsPerDimension

// fast-adamw.ts's C kernel, operation for operation, in float32.
const SHADER = `
struct Params { fb1 : f32, fb2 : f32, omb1 : f32, omb2 : f32, eps : f32, bc2Sqrt : f32, stepSize : f32, decay : f32, scale : f32, n : u32, width : u32, pad : u32 };
@group(0) @binding(0) var<storage, read_write> p : array<f32>;
@group(0) @binding(1) var<storage, read> g : array<f32>;
@group(0) @binding(2) var<storage, read_write> m : array<f32>;
@group(0) @binding(3) var<storage, read_write> v : array<f32>;
@group(0) @binding(4) var<uniform> u : Params;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id : vec3<u32>) {
  let i = id.y * u.width + id.x;
  if (i >= u.n) { return; }
  let gi = g[i] * u.scale;
  let mi = u.fb1 * m[i] + u.omb1 * gi;
  let vi = u.fb2 * v[i] + u.omb2 * (gi * gi);
  m[i] = mi;
  v[i] = vi;
  p[i] = p[i] * u.decay - (mi / (sqrt(vi) / u.bc2Sqrt + u.eps)) * u.stepSize;
}`;

const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();

function pipeline(device: GPUDevice): GPUComputePipeline {
  let p = pipelines.get(device);
  if (!p) {
    p = device.createComputePipeline({ layout: "auto", compute: { module: device.createShaderModule({ code: SHADER }), entryPoint: "main" } });
    pipelines.set(device, p);
  }
  return p;
}

/**
 * The GPU buffer of `v`, made private to it first (a copy, assigned to it) when something else may
 * see it change: a tensor sharing its data (tf.clone, another variable) or an awaited read in
 * progress, which caches what it copied. A read that has landed caches its own array, which the
 * update leaves alone (the cache is dropped, the next read fetches the new values).
 */
function exclusiveBuffer(v: tf.Variable, backend: CommandStream): GPUBuffer {
  const entry = backend.tensorMap.get(v.dataId)!;
  if (entry.refCount !== 1 || readInFlight(v.dataId)) {
    tf.tidy(() => v.assign(copyOnWebGpu(v, backend)));
  }
  backend.uploadToGPU(v.dataId);
  const mine = backend.tensorMap.get(v.dataId)!;
  mine.values = null;
  return mine.resource as GPUBuffer;
}

/**
 * One AdamW step on the webgpu backend, exactly torch.optim.AdamW's arithmetic as the C kernel
 * orders it (gradient times gradScale first), updating `param`, `expAvg`, `expAvgSq` in place.
 * Returns false (and does nothing) on another backend or other dtypes; the caller then uses tf ops.
 */
export function webGpuAdamWStep(param: tf.Variable, grad: tf.Tensor, expAvg: tf.Variable, expAvgSq: tf.Variable, o: FusedAdamWOptions): boolean {
  if (tf.getBackend() !== WEBGPU_BACKEND) return false;
  if ([param, grad, expAvg, expAvgSq].some((t) => t.dtype !== "float32" || t.size !== param.size)) return false;
  const n = param.size;
  if (n === 0) return true;
  const backend = tf.backend() as unknown as CommandStream;
  const p = exclusiveBuffer(param, backend);
  const m = exclusiveBuffer(expAvg, backend);
  const v = exclusiveBuffer(expAvgSq, backend);
  backend.uploadToGPU(grad.dataId);
  const g = backend.tensorMap.get(grad.dataId)!.resource as GPUBuffer;

  const groups = Math.ceil(n / WORKGROUP);
  const x = Math.min(groups, MAX_GROUPS_X);
  const y = Math.ceil(groups / x);
  // As the C kernel: bias corrections and 1 - beta in double, then rounded to float32.
  const f = (d: number) => ({ type: "float32", data: [d] });
  const uniforms = backend.makeUniforms([
    f(o.beta1), f(o.beta2), f(1 - o.beta1), f(1 - o.beta2), f(o.eps),
    f(Math.sqrt(1 - o.beta2 ** o.step)),
    f(Math.fround(o.lr) / Math.fround(1 - o.beta1 ** o.step)),
    f(1 - o.lr * o.weightDecay),
    f(o.gradScale ?? 1),
    { type: "uint32", data: [n] }, { type: "uint32", data: [x * WORKGROUP] }, { type: "uint32", data: [0] },
  ]);
  const pipe = pipeline(backend.device);
  const bindGroup = backend.device.createBindGroup({
    layout: pipe.getBindGroupLayout(0),
    entries: [p, g, m, v].map((buffer, binding) => ({ binding, resource: { buffer } })).concat({ binding: 4, resource: uniforms }),
  });
  // Recorded where tfjs records its programs, so that it runs after what produced the gradient and
  // before what reads the new values; the buffers are not released before the queue is submitted.
  backend.ensureCommandEncoderReady();
  backend.computePassEncoder ??= backend.commandEncoder.beginComputePass({});
  backend.computePassEncoder.setPipeline(pipe);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  backend.computePassEncoder.dispatchWorkgroups(x, y, 1);
  for (const t of [param, grad, expAvg, expAvgSq]) backend.commandQueueOwnedIds.add(t.dataId);
  if (++backend.dispatchCountInPass >= (tf.env().get("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE") as number)) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
  return true;
}
