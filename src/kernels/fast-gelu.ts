// GELU as one kernel forward and one backward (native backend: C; webgpu: WGSL, in
// webgpu-fused.ts), instead of tfjs's four ops forward and about eight backward over the FFN's
// largest activation.
import * as tf from "@tensorflow/tfjs";
import { alloc, f32, NATIVE_BACKEND, registerNativeKernel } from "../accel/native-backend.js";
import { loadNative } from "../accel/native.js";
import { WEBGPU_BACKEND } from "../accel/webgpu.js";
import { registerWebGpuKernel } from "./webgpu-fused.js";

const GELU = "TTGelu";
const GELU_GRAD = "TTGeluGrad";
let registered = false;
let gradRegistered = false;

function registerNative(): void {
  if (registered) return;
  registered = true;
  const addon = loadNative().addon!;
  registerNativeKernel(GELU, ({ inputs, backend }) => {
    const x = inputs.x!;
    const xv = f32(backend, x)!;
    const out = alloc(xv.length);
    addon.gelu(xv, out);
    return backend.makeTensorInfo([...x.shape], "float32", out);
  });
  registerNativeKernel(GELU_GRAD, ({ inputs, backend }) => {
    const { x, dy } = inputs as Record<string, NonNullable<(typeof inputs)[string]>>;
    const out = alloc(f32(backend, x)!.length);
    addon.geluGrad(f32(backend, x)!, f32(backend, dy)!, out);
    return backend.makeTensorInfo([...x.shape], "float32", out);
  });
}

function registerGrad(): void {
  if (gradRegistered) return;
  gradRegistered = true;
  tf.registerGradient({
    kernelName: GELU,
    inputsToSave: ["x"],
    gradFunc: (dy, saved) => ({ x: () => tf.engine().runKernel(GELU_GRAD, { x: saved[0], dy: dy as tf.Tensor }) as tf.Tensor }),
  });
}

/**
 * The exact GELU, 0.5 x (1 + erf(x / √2)), as one kernel with its gradient; null when neither the
 * native nor the webgpu backend is the one in use (the caller then composes it from tfjs ops).
 */
export function fastGelu(x: tf.Tensor): tf.Tensor | null {
  if (x.dtype !== "float32") return null;
  const backend = tf.getBackend();
  if (backend === NATIVE_BACKEND && loadNative().addon) registerNative();
  else if (backend === WEBGPU_BACKEND) [GELU, GELU_GRAD].forEach(registerWebGpuKernel);
  else return null;
  registerGrad();
  return tf.engine().runKernel(GELU, { x }) as tf.Tensor;
}
