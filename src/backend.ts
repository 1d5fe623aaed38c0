// Pick the fastest tfjs backend present and say which one runs. Everyone imports tf from
// "@tensorflow/tfjs"; this module only loads, selects and patches backends.
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { NATIVE_BACKEND, registerNativeBackend } from "./accel/native-backend.js";
import { loadNative } from "./accel/native.js";
import { registerBatchMatMulGrad } from "./kernels/batch-matmul-grad.js";
import { installWasmHeapGuard } from "./kernels/wasm-heap-guard.js";
import { adapterName, NO_ADAPTER_ADVICE, probeWebGpu, registerWebGpuBackend, WEBGPU_BACKEND } from "./accel/webgpu.js";

// On webgpu: the error a lost device or out-of-memory raises, and the awaited read that makes
// synchronous reads (stateDict) of GPU tensors work.
export { readableSync, WebGpuError } from "./accel/webgpu.js";

/** The backends initBackend can pick, fastest first (also the values TT_BACKEND accepts). */
export const BACKEND_CHOICES = ["webgpu", "node-gpu", "node", "native", "wasm", "cpu"] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

const ALIASES: Record<string, BackendChoice> = {
  "node-gpu": "node-gpu", "tfjs-node-gpu": "node-gpu", "@tensorflow/tfjs-node-gpu": "node-gpu", gpu: "node-gpu",
  node: "node", "tfjs-node": "node", "@tensorflow/tfjs-node": "node", tensorflow: "node",
  webgpu: "webgpu", dawn: "webgpu", native: "native", wasm: "wasm", cpu: "cpu",
};

export interface BackendInfo {
  /** tfjs's name for it: "webgpu", "tensorflow", "native", "wasm" or "cpu". */
  name: string;
  /** One line: which backend runs, and why faster ones did not. */
  description: string;
  /** How to get a faster backend ("" when none is). */
  hint: string;
}

let current: (BackendInfo & { choice: BackendChoice }) | undefined;
let queue: Promise<unknown> = Promise.resolve();
const announced = new Set<string>();

/**
 * Select a backend: `preferred`, else the TT_BACKEND environment variable, else the fastest of
 * webgpu (on a hardware adapter only), tfjs-node-gpu, tfjs-node, native (src/accel: tfjs cpu +
 * OpenBLAS addon), wasm, cpu that loads.
 * Idempotent; returns tfjs's backend name.
 */
export function initBackend(preferred?: string): Promise<string> {
  const fromEnv = preferred === undefined && Boolean(process.env.TT_BACKEND);
  const request = fromEnv ? process.env.TT_BACKEND : preferred;
  const next = queue.then(() => select(request, fromEnv ? "TT_BACKEND" : "initBackend's argument"));
  queue = next.catch(() => undefined);
  return next;
}

let announce = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Where the one line naming the chosen backend goes (stderr by default; notebooks show it as output). */
export function setBackendAnnouncer(next: (line: string) => void): void {
  announce = next;
}

/** Which backend runs, and how to get a faster one. */
export function backendInfo(): BackendInfo {
  if (!current) throw new Error("No tfjs backend selected yet: call `await initBackend()` first.");
  const { name, description, hint } = current;
  return { name, description, hint };
}

async function select(request: string | undefined, source: string): Promise<string> {
  let wanted: BackendChoice | undefined;
  if (request !== undefined) {
    wanted = ALIASES[request.trim().toLowerCase()];
    if (!wanted) {
      const available = BACKEND_CHOICES.filter((c) => c !== "webgpu" && load(c).ok);
      throw new Error(
        `Unknown tfjs backend "${request}" (from ${source}). ` +
          `Use one of: ${BACKEND_CHOICES.join(", ")}; available here: ${available.join(", ")}.`,
      );
    }
  }
  if (current && (wanted === undefined || wanted === current.choice) && tf.getBackend() === current.name) return current.name;

  const reasons: string[] = [];
  for (const choice of wanted ? [wanted] : BACKEND_CHOICES) {
    const loaded = choice === "webgpu" ? await loadWebGpu(wanted === "webgpu") : load(choice);
    const ok = loaded.ok && (await activate(choice));
    if (ok) {
      current = { ...(await describe(choice, reasons)), choice };
      if (!announced.has(current.description)) {
        announced.add(current.description);
        announce(`tfjs backend: ${current.description}${current.hint ? ` — ${current.hint}` : ""}`);
      }
      return current.name;
    }
    reasons.push(loaded.ok ? `${choice} failed to initialise` : loaded.why);
  }
  if (!wanted) throw new Error(`No tfjs backend could be initialised (${reasons.join("; ")}).`);
  const available = BACKEND_CHOICES.filter((c) => c !== wanted && c !== "webgpu" && load(c).ok);
  throw new Error(
    `tfjs backend "${wanted}" is not available (${reasons.join("; ")}). ` +
      `Available here: ${available.join(", ") || "none"}; set ${source} to one of those.`,
  );
}

const PACKAGES: Partial<Record<BackendChoice, string>> = {
  "node-gpu": "@tensorflow/tfjs-node-gpu",
  node: "@tensorflow/tfjs-node",
};
const loadResults = new Map<BackendChoice, { ok: true } | { ok: false; why: string }>();

// The native packages are optional: absent, or present with a binding that does not load.
function load(choice: BackendChoice): { ok: true } | { ok: false; why: string } {
  const cached = loadResults.get(choice);
  if (cached) return cached;
  let result: { ok: true } | { ok: false; why: string } = { ok: true };
  const pkg = PACKAGES[choice];
  if (pkg) {
    try {
      require(pkg);
      if (!tf.findBackendFactory("tensorflow")) {
        result = { ok: false, why: `${pkg} loaded but registered with another copy of @tensorflow/tfjs-core (version mismatch?)` };
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const missing = e.code === "MODULE_NOT_FOUND" && String(e.message).includes(`'${pkg}'`);
      result = { ok: false, why: missing ? `${pkg} not installed` : `${pkg} failed to load (${firstLine(e.message)})` };
    }
  } else if (choice === "native") {
    const native = registerNativeBackend();
    if (!native.ok) result = { ok: false, why: `native addon ${native.why}` };
  } else if (choice === "wasm") {
    try {
      wasmPaths();
    } catch (err) {
      result = { ok: false, why: `wasm: ${firstLine((err as Error).message)}` };
    }
  }
  loadResults.set(choice, result);
  return result;
}

let webgpuAdapter = "";

// A software adapter (SwiftShader, lavapipe) is slower than every CPU backend: only on request.
async function loadWebGpu(requested: boolean): Promise<{ ok: true } | { ok: false; why: string }> {
  const probe = await probeWebGpu();
  if (!probe.ok) return requested && probe.why.endsWith("no GPU adapter") ? { ok: false, why: `${probe.why}: ${NO_ADAPTER_ADVICE}` } : probe;
  webgpuAdapter = adapterName(probe.info);
  if (probe.info.software && !requested) {
    return { ok: false, why: `webgpu: software adapter (${webgpuAdapter}) not picked, slower than the CPU; TT_BACKEND=webgpu forces it` };
  }
  registerWebGpuBackend(probe.info);
  return { ok: true };
}

let wasmPathsSet = false;
function wasmPaths(): void {
  if (wasmPathsSet) return;
  wasmPathsSet = true;
  // The .wasm binaries sit beside the package's main file; say so explicitly so that bundled or
  // relocated copies of this module still find them.
  setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep);
}

async function activate(choice: BackendChoice): Promise<boolean> {
  const name = choice === "node-gpu" || choice === "node" ? "tensorflow" : choice === "native" ? NATIVE_BACKEND : choice === "webgpu" ? WEBGPU_BACKEND : choice;
  if (!(await tf.setBackend(name))) return false;
  await tf.ready();
  if (choice === "wasm") installWasmHeapGuard(tf.backend());
  // tfjs's cpu kernels print a banner urging tfjs-node on first use, also where it cannot install;
  // the line announce() prints already names the backend and how to get a faster one.
  const backend = tf.backend() as { firstUse?: boolean };
  if (backend.firstUse) backend.firstUse = false;
  registerBatchMatMulGrad();
  return true;
}

async function describe(choice: BackendChoice, reasons: string[]): Promise<BackendInfo> {
  // An absent optional package or addon is the normal case; a present one that fails to load is news.
  // webgpu comes first: why it was not chosen is always said.
  const failures = reasons.filter((r) => r.startsWith("webgpu") || (!r.endsWith("not installed") && !r.startsWith("native addon not built") && !r.includes("disabled by TT_NATIVE")));
  const why = failures.length ? `; ${failures.join("; ")}` : "";
  switch (choice) {
    case "webgpu":
      return {
        name: WEBGPU_BACKEND,
        description: `webgpu (Dawn, ${webgpuAdapter})${why}`,
        hint: webgpuAdapter.endsWith("software") ? "a software adapter is slower than the CPU: unset TT_BACKEND to let initBackend pick" : "",
      };
    case "node-gpu":
      return { name: "tensorflow", description: `tensorflow (native, @tensorflow/tfjs-node-gpu)${why}`, hint: "" };
    case "node":
      return {
        name: "tensorflow",
        description: `tensorflow (native, @tensorflow/tfjs-node)${why}`,
        hint: "install @tensorflow/tfjs-node-gpu (CUDA) to train on an NVIDIA GPU",
      };
    case "native":
      return {
        name: NATIVE_BACKEND,
        description: `native (tfjs cpu with OpenBLAS ${loadNative().blasCore || "?"} matmuls)${why}`,
        hint: "with an NVIDIA GPU and CUDA, install @tensorflow/tfjs-node-gpu",
      };
    case "wasm": {
      const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
      const wasm = (tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } }).wasm;
      const threads = wasm?.tfjs?.getThreadsCount?.() ?? 1;
      return {
        name: "wasm",
        description: `wasm (${simd ? "SIMD" : "no SIMD"}, ${threads} thread${threads === 1 ? "" : "s"})${why}`,
        hint: "about 10x faster: build the native backend (apt-get install gcc libopenblas-dev, then npm run build:native) or install @tensorflow/tfjs-node",
      };
    }
    case "cpu":
      return {
        name: "cpu",
        description: `cpu (plain JavaScript, slowest)${why}`,
        hint: "the default backend (initBackend() with no argument and TT_BACKEND unset) picks a faster one",
      };
  }
}

function firstLine(s: string): string {
  return String(s).split("\n")[0];
}
