// LayerNorm over the last axis as one kernel forward and one backward (native backend: C; webgpu:
// WGSL, in webgpu-fused.ts), instead of tfjs's nine ops forward and about twenty backward.
import * as tf from "@tensorflow/tfjs";
import { alloc, f32, NATIVE_BACKEND, registerNativeKernel } from "../accel/native-backend.js";
import { loadNative } from "../accel/native.js";
import { WEBGPU_BACKEND } from "../accel/webgpu.js";
import { registerWebGpuKernel } from "./webgpu-fused.js";

const LAYER_NORM = "TTLayerNorm";
const LAYER_NORM_GRAD = "TTLayerNormGrad";
let registered = false;
let gradRegistered = false;

function registerNative(): void {
  if (registered) return;
  registered = true;
  const addon = loadNative().addon!;
  registerNativeKernel(LAYER_NORM, ({ inputs, backend, attrs }) => {
    const { x, gamma, beta } = inputs as Record<string, NonNullable<(typeof inputs)[string]>>;
    const xv = f32(backend, x)!;
    const out = alloc(xv.length);
    addon.layerNorm(xv, f32(backend, gamma)!, f32(backend, beta)!, out, x.shape[x.shape.length - 1], attrs.eps as number);
    return backend.makeTensorInfo([...x.shape], "float32", out);
  });
  registerNativeKernel(LAYER_NORM_GRAD, ({ inputs, backend, attrs }) => {
    const { x, gamma, dy } = inputs as Record<string, NonNullable<(typeof inputs)[string]>>;
    const xv = f32(backend, x)!;
    const cols = x.shape[x.shape.length - 1];
    const dx = alloc(xv.length), dgamma = alloc(cols), dbeta = alloc(cols);
    addon.layerNormGrad(xv, f32(backend, gamma)!, f32(backend, dy)!, dx, dgamma, dbeta, cols, attrs.eps as number);
    return [
      backend.makeTensorInfo([...x.shape], "float32", dx),
      backend.makeTensorInfo([cols], "float32", dgamma),
      backend.makeTensorInfo([cols], "float32", dbeta),
    ];
  });
}

function registerGrad(): void {
  if (gradRegistered) return;
  gradRegistered = true;
  tf.registerGradient({
    kernelName: LAYER_NORM,
    inputsToSave: ["x", "gamma"],
    gradFunc: (dy, saved, attrs) => {
      // One kernel makes all three; made here, not in the closures, because tfjs runs each
      // closure in its own tidy (which would dispose the other two).
      const [dx, dgamma, dbeta] = tf.engine().runKernel(LAYER_NORM_GRAD, { x: saved[0], gamma: saved[1], dy: dy as tf.Tensor }, attrs) as tf.Tensor[];
      return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
    },
  });
}

/**
 * torch.nn.functional.layer_norm over the last axis (biased variance), as one kernel with its
 * gradient; null when neither the native nor the webgpu backend is the one in use (the caller then
 * composes it from tfjs ops).
 */
export function fastLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor | null {
  const backend = tf.getBackend();
  if (!(backend === NATIVE_BACKEND && loadNative().addon) && backend !== WEBGPU_BACKEND) return null;
  if ([x, gamma, beta].some((t) => t.dtype !== "float32") || x.rank < 1) return null;
  const cols = x.shape[x.rank - 1];
  if (gamma.size !== cols || beta.size !== cols || gamma.rank !== 1 || beta.rank !== 1 || x.size === 0) return null;
  if (backend === NATIVE_BACKEND) registerNative();
  else [LAYER_NORM, LAYER_NORM_GRAD].forEach(registerWebGpuKernel);
  registerGrad();
  return tf.engine().runKernel(LAYER_NORM, { x, gamma, beta }, { eps }) as tf.Tensor;
}
