// tfjs-wasm's heap is capped at 4 GiB and tfjs does not check for running out of it:
// - when XNNPACK cannot allocate, the C++ kernel writes "XNN status for xnn_... is not successful"
//   to stderr and returns, leaving its output uninitialised: the numbers are silently wrong;
// - the backend's `_malloc(bytes)` returns 0 when the heap cannot grow (and tfjs then writes at
//   address 0), and a request of 4 GiB or more wraps around to a small allocation.
// Both are turned into a WasmHeapError here.
import fs = require("node:fs"); // the module object itself, whose writeSync Emscripten calls
import * as tf from "@tensorflow/tfjs";

export class WasmHeapError extends Error {
  override name = "WasmHeapError";
}

const WASM_HEAP_MAX = 2 ** 32;
const XNN_FAILURE = /XNN status for (\w+) is not successful\. Got status (\d+)/;

interface WasmModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(address: number): void;
}

let pending: string | undefined;
let kernelsWrapped = false;
const guardedModules = new WeakSet<object>();

function advice(wasm: WasmModule | undefined): string {
  const heap = wasm ? ` (wasm heap ${(wasm.HEAPU8.length / 2 ** 30).toFixed(2)} GiB of at most 4 GiB)` : "";
  return `${heap}. Use a smaller batch size or maxLength, or install @tensorflow/tfjs-node, which has no 4 GiB limit.`;
}

/** Guard the running wasm backend (call after tf.setBackend("wasm")). Idempotent. */
export function installWasmHeapGuard(backend: tf.KernelBackend): void {
  const wasm = (backend as unknown as { wasm?: WasmModule }).wasm;
  if (!wasm) throw new Error("installWasmHeapGuard: the backend given is not tfjs's wasm backend.");
  if (!guardedModules.has(wasm)) {
    guardedModules.add(wasm);
    // Emscripten's first _malloc call replaces Module._malloc with the raw export, which would
    // overwrite our wrapper: make that call now.
    wasm._free(wasm._malloc(8));
    const malloc = wasm._malloc.bind(wasm);
    wasm._malloc = (bytes: number) => {
      const address = bytes >= WASM_HEAP_MAX ? 0 : malloc(bytes);
      if (address === 0 && bytes > 0) {
        throw new WasmHeapError(`The wasm backend cannot allocate ${(bytes / 2 ** 30).toFixed(2)} GiB for a tensor${advice(wasm)}`);
      }
      return address;
    };
  }
  if (kernelsWrapped) return;
  kernelsWrapped = true;

  // Emscripten prints wasm's stderr through fs.writeSync(2, line) in Node, looked up at each call.
  const writeSync = fs.writeSync;
  (fs as { writeSync: unknown }).writeSync = function (this: unknown, fd: number, data: unknown, ...rest: unknown[]) {
    if (fd === 2 && typeof data === "string") noteWasmStderr(data);
    return (writeSync as (...args: unknown[]) => number).call(this, fd, data, ...rest);
  };

  for (const config of tf.getKernelsForBackend("wasm")) {
    const kernelFunc = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, "wasm");
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const out = kernelFunc(args);
        if (pending !== undefined) {
          const what = pending;
          pending = undefined;
          const kernelBackend = args.backend as tf.KernelBackend;
          for (const t of Array.isArray(out) ? out : [out]) kernelBackend.disposeData(t.dataId);
          const wasmOfKernel = (kernelBackend as unknown as { wasm?: WasmModule }).wasm;
          throw new WasmHeapError(
            `${config.kernelName} on the wasm backend could not allocate memory: ${what}; its result would be garbage${advice(wasmOfKernel)}`,
          );
        }
        return out;
      },
    });
  }
}

// An XNNPACK failure line from wasm's stderr: the kernel that printed it then throws.
function noteWasmStderr(text: string): void {
  const m = XNN_FAILURE.exec(text);
  if (m && pending === undefined) pending = `${m[1]} failed with XNNPACK status ${m[2]}`;
}
