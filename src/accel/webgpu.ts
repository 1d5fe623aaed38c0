// The "webgpu" tfjs backend in Node: Dawn's Node bindings (the optional `webgpu` package) give a
// GPUAdapter, @tensorflow/tfjs-backend-webgpu runs tfjs on it. This module finds the adapter,
// says whether it is hardware (Metal, D3D12, Vulkan on a GPU) or software (SwiftShader, lavapipe:
// correct but slower than the CPU backends), registers the backend on it, and turns a lost device
// or an out-of-memory error into a WebGpuError at the next read instead of silent garbage.
import * as tf from "@tensorflow/tfjs";

export const WEBGPU_BACKEND = "webgpu";

/** What Dawn says of the adapter (GPUAdapterInfo), and whether it is a software renderer. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
}

export type WebGpuProbe = { ok: true; info: AdapterSummary } | { ok: false; why: string };

export class WebGpuError extends Error {
  override name = "WebGpuError";
}

/** Chromium's SwiftShader Vulkan driver (Debian's `chromium`): a software adapter for tests. */
export const SWIFTSHADER_ENV = {
  LD_LIBRARY_PATH: "/usr/lib/chromium",
  VK_ICD_FILENAMES: "/usr/lib/chromium/vk_swiftshader_icd.json",
};

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render|warp/i;

let probe: Promise<WebGpuProbe> | undefined;
let simulated: Partial<AdapterSummary> | undefined;

/**
 * Pretend the adapter Dawn finds has this info (for tests of the selection: a software adapter
 * presented as hardware); `undefined` restores the real one. Takes effect at the next probe.
 */
export function simulateAdapterInfo(info: Partial<AdapterSummary> | undefined): void {
  simulated = info;
}

function summarise(info: GPUAdapterInfo & { isFallbackAdapter?: boolean }): AdapterSummary {
  const s = { vendor: info.vendor || "?", architecture: info.architecture || "?", device: info.device || "", description: info.description || "" };
  const software = Boolean(info.isFallbackAdapter) || SOFTWARE.test(`${s.vendor} ${s.architecture} ${s.device} ${s.description}`);
  return { ...s, software, ...simulated };
}

interface Dawn {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}
let dawn: { gpu: GPU } | undefined;

/** Dawn's adapter (high-performance preference), or why there is none. Cached. */
export function probeWebGpu(): Promise<WebGpuProbe> {
  probe ??= (async (): Promise<WebGpuProbe> => {
    if (!dawn) {
      let module: Dawn;
      try {
        module = require("webgpu") as Dawn;
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        const missing = e.code === "MODULE_NOT_FOUND" && String(e.message).includes("'webgpu'");
        return { ok: false, why: missing ? "webgpu not installed" : `webgpu (Dawn) failed to load (${String(e.message).split("\n")[0]})` };
      }
      // tfjs-backend-webgpu uses the WebGPU constants (GPUBufferUsage, GPUMapMode...) as globals.
      for (const [k, v] of Object.entries(module.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
      dawn = { gpu: module.create([]) };
    }
    const adapter = await dawn.gpu.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) {
      return { ok: false, why: "webgpu: no GPU adapter" };
    }
    return { ok: true, info: summarise((adapter as GPUAdapter & { info: GPUAdapterInfo }).info) };
  })();
  return probe;
}

/** Forget the probe (the next one asks Dawn again; used with simulateAdapterInfo). */
export function resetWebGpuProbe(): void {
  probe = undefined;
}

/** Why TT_BACKEND=webgpu found nothing, and how to get a software adapter for tests. */
export const NO_ADAPTER_ADVICE =
  "Dawn found no Metal, D3D12 or Vulkan device; for a software one (slow, for tests) install Debian's chromium and run with " +
  `LD_LIBRARY_PATH=${SWIFTSHADER_ENV.LD_LIBRARY_PATH} VK_ICD_FILENAMES=${SWIFTSHADER_ENV.VK_ICD_FILENAMES}`;

export function adapterName(info: AdapterSummary): string {
  return `${info.vendor} ${info.architecture}${info.software ? ", software" : ""}`;
}

let failure: string | undefined;
let registered = false;

/** The error a lost device or an out-of-memory error left, thrown at the next read. */
function check(): void {
  if (failure) throw new WebGpuError(failure);
}

/**
 * Register tfjs's "webgpu" backend on Dawn's adapter (the device is requested when tfjs activates
 * it). After a lost device, registers it anew: the next activation gets a fresh device.
 */
export function registerWebGpuBackend(info: AdapterSummary): void {
  if (registered && !failure) return;
  registered = true;
  // tfjs-backend-webgpu checks navigator.gpu (Node 20 has no navigator; 21+ one without gpu).
  const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as { gpu?: GPU };
  if (!nav.gpu) Object.defineProperty(nav, "gpu", { value: dawn!.gpu, configurable: true });
  // The package registers its own factory when navigator.gpu exists; ours replaces it: the
  // adapter found above, the same device limits, and the error handling below.
  const { WebGPUBackend } = require("@tensorflow/tfjs-backend-webgpu") as typeof import("@tensorflow/tfjs-backend-webgpu");
  if (tf.findBackendFactory(WEBGPU_BACKEND)) tf.removeBackend(WEBGPU_BACKEND);
  tf.registerBackend(WEBGPU_BACKEND, async () => {
    // An adapter gives one device: a fresh one each time (the probe's only said what it is).
    const adapter = await dawn!.gpu.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) throw new WebGpuError("Dawn found no GPU adapter any more.");
    const l = adapter.limits;
    const requiredFeatures = (["timestamp-query"] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
    const device = await adapter.requestDevice({
      requiredFeatures,
      requiredLimits: {
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      },
    });
    failure = undefined;
    const where = `the WebGPU device (${adapterName(info)})`;
    void device.lost.then((lost) => {
      if (lost.reason !== "destroyed" || !failure) {
        failure ??= `${where} was lost (${lost.reason}: ${lost.message || "no message"}); tensors on it are gone. ` +
          "Restart the kernel or process, and resume from the last checkpoint (`resumeFromCheckpoint`).";
      }
    });
    device.addEventListener("uncapturederror", (event) => {
      const error = (event as GPUUncapturedErrorEvent).error;
      if (failure) return;
      failure = error.constructor.name === "GPUOutOfMemoryError" || /out of memory/i.test(error.message)
        ? `${where} ran out of memory (${error.message.split("\n")[0]}). Use a smaller batch size or maxLength, then resume from the last checkpoint.`
        : `${where} reported an error (${error.message.split("\n")[0]}); its results cannot be trusted. Resume from the last checkpoint.`;
    });
    return guardReads(new WebGPUBackend(device, info as unknown as GPUAdapterInfo));
  }, 0);
}

/** Awaited reads in progress, by dataId: their values will be cached on the CPU when they land. */
const reading = new WeakMap<object, number>();

/**
 * Whether an awaited read of `dataId` is in progress (it caches the values it copied, so the
 * buffer must not change under it: see webgpu-adamw.ts).
 */
export function readInFlight(dataId: object): boolean {
  return (reading.get(dataId) ?? 0) > 0;
}

/**
 * Reads of tensor values throw the device's failure instead of returning zeros or garbage; a
 * synchronous read (dataSync, arraySync) of values that are only on the GPU is a clear error: tfjs
 * reads them through an OffscreenCanvas, which Node lacks. An awaited read (data, array) caches the
 * values on the CPU, so a dataSync after it works.
 */
function guardReads(backend: tf.KernelBackend): tf.KernelBackend {
  const b = backend as unknown as {
    read(id: object): Promise<unknown>;
    readSync(id: object): unknown;
    tensorMap: { get(id: object): { values: unknown } | undefined };
  };
  const read = b.read.bind(b);
  const readSync = b.readSync.bind(b);
  b.read = async (id) => {
    check();
    reading.set(id, (reading.get(id) ?? 0) + 1);
    const values = await read(id)
      .catch((err: Error) => {
        check();
        throw err;
      })
      .finally(() => reading.set(id, reading.get(id)! - 1));
    check();
    return values;
  };
  b.readSync = (id) => {
    check();
    if (b.tensorMap.get(id)?.values == null) {
      throw new WebGpuError(
        "dataSync()/arraySync() cannot read a tensor that is on the GPU in Node (no synchronous GPU readback): " +
          "use `await tensor.data()` or `await tensor.array()`.",
      );
    }
    const values = readSync(id);
    check();
    return values;
  };
  return backend;
}

/**
 * Bring GPU tensors' values to the CPU (awaited) so that synchronous reads of them work after it
 * (stateDict, checkpoints); nothing to do on the other backends.
 */
export async function readableSync(tensors: Iterable<tf.Tensor>): Promise<void> {
  if (tf.getBackend() !== WEBGPU_BACKEND) return;
  for (const t of tensors) if (!t.isDisposed) await t.data();
}

/** The running backend's GPU device (null on other backends). */
export function webGpuDevice(): GPUDevice | null {
  if (tf.getBackend() !== WEBGPU_BACKEND) return null;
  return (tf.backend() as unknown as { device: GPUDevice }).device;
}
