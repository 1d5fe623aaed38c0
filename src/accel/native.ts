// Loads the optional native accelerator (native/tt_native.c, built by `npm run build:native`).
// Absent or broken, it reports why and the kit runs without it.
import * as fs from "node:fs";
import * as path from "node:path";

/** The functions native/tt_native.c exports; all work in place on Float32Arrays. */
export interface NativeAddon {
  /** out[i] = op(a[i % batchA]) @ op(b[i % batchB]) (+ bias over rows), row-major. */
  bmm(a: Float32Array, b: Float32Array, out: Float32Array, batch: number, batchA: number, batchB: number,
    m: number, n: number, k: number, transposeA: boolean, transposeB: boolean, bias: Float32Array | null): void;
  gelu(x: Float32Array, out: Float32Array): void;
  geluGrad(x: Float32Array, dy: Float32Array, out: Float32Array): void;
  softmax(x: Float32Array, out: Float32Array, cols: number): void;
  transpose(x: Float32Array, out: Float32Array, shape: number[], perm: number[]): void;
  adamw(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, lr: number, beta1: number,
    beta2: number, eps: number, weightDecay: number, step: number, gradScale?: number): void;
  /** out = a op b with broadcasting; op 0 add, 1 sub, 2 mul, 3 div. */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, outShape: number[], aShape: number[], bShape: number[]): void;
  /** op 0 exp, 1 sqrt, 2 rsqrt, 3 neg, 4 square, 5 erf, 6 relu, 7 log. */
  unary(op: number, x: Float32Array, out: Float32Array): void;
  /** Sum (or mean) of each row of `cols` values. */
  reduceRows(x: Float32Array, out: Float32Array, cols: number, mean: boolean): void;
  /** Sum (or mean) over `rows` rows, per column. */
  reduceCols(x: Float32Array, out: Float32Array, rows: number, mean: boolean): void;
  /** Per row of `cols` values: (x - mean) / sqrt(var + eps) * gamma + beta. */
  layerNorm(x: Float32Array, gamma: Float32Array, beta: Float32Array, out: Float32Array, cols: number, eps: number): void;
  layerNormGrad(x: Float32Array, gamma: Float32Array, dy: Float32Array, dx: Float32Array, dgamma: Float32Array,
    dbeta: Float32Array, cols: number, eps: number): void;
  /** tf.dropout's multiplier (0 or 1 / (1 - p)) from seedrandom Alea's state (s0, s1, s2, c). */
  dropoutMask(out: Float32Array, p: number, s0: number, s1: number, s2: number, c: number): void;
  /** The sum of the squares, in double. */
  sumSquares(x: Float32Array): number;
  info(): { blasCore: string; blasThreads: number };
  setThreads(n: number): void;
}

export interface NativeStatus {
  addon: NativeAddon | null;
  /** Why it is not there ("" when it is). */
  why: string;
  /** The OpenBLAS kernel set in use, e.g. "SkylakeX" ("" without the addon). */
  blasCore: string;
}

let status: NativeStatus | undefined;

/** The repository root: this file is src/accel/native.ts, or dist/src/accel/native.js once built. */
function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * OpenBLAS's idle worker threads spin for 2^28 cycles (~0.1 s) after each product before they
 * sleep, competing on a 2-core laptop with the threads of the element-wise kernels that run between
 * products; 2^16 cycles (~20 µs) keeps them from it (a DistilBERT training step, measured: 10-16%
 * less CPU time, 2-7% less wall time). Unless the user set it.
 */
function threadTimeoutFor(): string | undefined {
  return process.env.OPENBLAS_THREAD_TIMEOUT === undefined ? "16" : undefined;
}

/**
 * OpenBLAS 0.3.21 (Debian 12) does not recognise recent Xeons and falls back to its slowest
 * (Prescott, SSE3) kernels, about 5x slower. When the user has not chosen a kernel set
 * (OPENBLAS_CORETYPE unset), pick the AVX-512 or AVX2 one the CPU supports.
 */
function blasCoreFor(): string | undefined {
  if (process.env.OPENBLAS_CORETYPE !== undefined || process.platform !== "linux" || process.arch !== "x64") return undefined;
  let flags = "";
  try {
    flags = /^flags\s*:(.*)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "";
  } catch {
    return undefined;
  }
  const has = (f: string) => new RegExp(`\\b${f}\\b`).test(flags);
  if (has("avx512f") && has("avx512bw") && has("avx512vl") && has("avx512dq")) return "SkylakeX";
  if (has("avx2") && has("fma")) return "Haswell";
  return undefined;
}

/** The native addon, loaded once; `addon` is null (and `why` says why) when it cannot load. */
export function loadNative(): NativeStatus {
  if (status) return status;
  const file = process.env.TT_NATIVE_PATH ?? path.join(packageRoot(), "native", "build", "tt_native.node");
  if (process.env.TT_NATIVE === "0") {
    status = { addon: null, why: "disabled by TT_NATIVE=0", blasCore: "" };
  } else if (!fs.existsSync(file)) {
    status = { addon: null, why: `not built (${file} is missing): apt-get install gcc libopenblas-dev && npm run build:native`, blasCore: "" };
  } else {
    try {
      // OpenBLAS reads its environment once, as it loads: set only for that moment (child
      // processes do not inherit it), and only what the user has not set.
      const settings = Object.entries({ OPENBLAS_CORETYPE: blasCoreFor(), OPENBLAS_THREAD_TIMEOUT: threadTimeoutFor() }).filter(([, v]) => v !== undefined);
      for (const [name, value] of settings) process.env[name] = value;
      let addon: NativeAddon;
      try {
        addon = require(file) as NativeAddon; // eslint-disable-line @typescript-eslint/no-var-requires
      } finally {
        for (const [name] of settings) delete process.env[name];
      }
      status = { addon, why: "", blasCore: addon.info().blasCore };
    } catch (e) {
      status = { addon: null, why: `failed to load ${file}: ${(e as Error).message.split("\n")[0]}`, blasCore: "" };
    }
  }
  return status;
}
