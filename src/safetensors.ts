// Read and write the safetensors format: an 8-byte little-endian header length, a JSON header
// ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}), then raw
// little-endian tensor bytes. Pickled checkpoints (pytorch_model.bin) are read by ./pytorch/.
import { promises as fs } from "node:fs";
import * as path from "node:path";

export type SafetensorsDtype =
  | "F64" | "F32" | "F16" | "BF16"
  | "I64" | "I32" | "I16" | "I8"
  | "U64" | "U32" | "U16" | "U8" | "BOOL";

export type TensorArray =
  | Float64Array | Float32Array
  | BigInt64Array | Int32Array | Int16Array | Int8Array
  | BigUint64Array | Uint32Array | Uint16Array | Uint8Array;

/** One tensor as read. `dtype` is the file's dtype; F16 and BF16 data are converted to Float32Array. */
export interface TensorData {
  dtype: SafetensorsDtype;
  shape: number[];
  data: TensorArray;
}

export interface SafetensorsFile {
  tensors: Map<string, TensorData>;
  metadata: Record<string, string>;
}

export type TensorsToWrite =
  | Record<string, { shape: number[]; data: Float32Array }>
  | Map<string, { shape: number[]; data: Float32Array }>;

export class SafetensorsError extends Error {
  override name = "SafetensorsError";
}

const ITEM_SIZE: Record<SafetensorsDtype, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2,
  I64: 8, I32: 4, I16: 2, I8: 1,
  U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};

// The reference implementation refuses headers above 100 MB; a real one is a few hundred KB.
const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per value of `dtype`. */
export function dtypeItemSize(dtype: SafetensorsDtype): number {
  return ITEM_SIZE[dtype];
}

/** Read a .safetensors file into memory. */
export async function readSafetensors(file: string): Promise<SafetensorsFile> {
  let buffer: Buffer;
  try {
    buffer = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new SafetensorsError(`${file}: no such file; check the model path or download it first.`);
    throw new SafetensorsError(`${file}: cannot read (${(err as Error).message}).`);
  }
  return parseSafetensors(buffer, file);
}

/** Parse safetensors bytes; `source` names the file in error messages. Every tensor is copied out of `buffer`. */
export function parseSafetensors(buffer: Uint8Array, source = "<buffer>"): SafetensorsFile {
  const fail = (what: string): never => {
    throw new SafetensorsError(`${source}: not a valid safetensors file: ${what}. Re-download or re-export it.`);
  };
  if (buffer.byteLength < 8) fail(`only ${buffer.byteLength} bytes, shorter than the 8-byte header length`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(headerLength);
  if (8 + n > buffer.byteLength) fail(`header length ${n} runs past the end of the file (${buffer.byteLength} bytes; truncated?)`);

  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(buffer.subarray(8, 8 + n)));
  } catch (err) {
    fail(`header is not valid JSON (${(err as Error).message})`);
  }
  if (!isPlainObject(header)) fail("header is not a JSON object");
  const entries = header as Record<string, unknown>;

  const metadata: Record<string, string> = {};
  const rawMetadata = entries.__metadata__;
  if (rawMetadata !== undefined) {
    if (!isPlainObject(rawMetadata)) fail("__metadata__ is not an object");
    for (const [k, v] of Object.entries(rawMetadata as Record<string, unknown>)) {
      if (typeof v !== "string") fail(`__metadata__.${k} is not a string`);
      metadata[k] = v as string;
    }
  }

  const dataStart = 8 + n;
  const dataLength = buffer.byteLength - dataStart;
  const specs: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(entries)) {
    if (name === "__metadata__") continue;
    if (!isPlainObject(raw)) fail(`entry "${name}" is not an object`);
    const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
    if (typeof dtype !== "string" || !(dtype in ITEM_SIZE)) {
      fail(`tensor "${name}" has unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(ITEM_SIZE).join(", ")})`);
    }
    if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) fail(`tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
      fail(`tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as number[];
    if (begin > end) fail(`tensor "${name}" has data_offsets [${begin}, ${end}] with begin after end`);
    if (end > dataLength) fail(`tensor "${name}" ends at byte ${end} but the data section has only ${dataLength} bytes (truncated?)`);
    const expected = (shape as number[]).reduce((a, b) => a * b, 1) * ITEM_SIZE[dtype as SafetensorsDtype];
    if (end - begin !== expected) {
      fail(`tensor "${name}" (${dtype} ${JSON.stringify(shape)}) needs ${expected} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`);
    }
    specs.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }

  const byOffset = [...specs].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1];
    const cur = byOffset[i];
    if (cur.begin < prev.end) fail(`tensors "${prev.name}" and "${cur.name}" overlap (bytes ${cur.begin}..${prev.end})`);
  }

  const tensors = new Map<string, TensorData>();
  for (const s of specs) {
    // A copy (Buffer.slice would be a view), so each tensor owns an aligned ArrayBuffer.
    const bytes = new Uint8Array(buffer.subarray(dataStart + s.begin, dataStart + s.end));
    tensors.set(s.name, { dtype: s.dtype, shape: s.shape, data: decodeTensorBytes(s.dtype, bytes) });
  }
  return { tensors, metadata };
}

/**
 * Write float32 tensors as PyTorch's safetensors does: `{"format": "pt"}` metadata (merged with
 * `metadata`), names sorted, header padded with spaces to a multiple of 8. Atomic (temp + rename).
 */
export async function writeSafetensors(file: string, tensors: TensorsToWrite, metadata: Record<string, string> = {}): Promise<void> {
  const list = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const header: Record<string, unknown> = { __metadata__: { format: "pt", ...metadata } };
  let offset = 0;
  for (const [name, t] of list) {
    if (name === "__metadata__") throw new SafetensorsError(`${file}: "__metadata__" is reserved and cannot name a tensor.`);
    if (!(t.data instanceof Float32Array)) throw new SafetensorsError(`${file}: tensor "${name}" must be a Float32Array (only F32 is written).`);
    if (!t.shape.every(isNonNegativeInteger)) throw new SafetensorsError(`${file}: tensor "${name}" has an invalid shape ${JSON.stringify(t.shape)}.`);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) {
      throw new SafetensorsError(`${file}: tensor "${name}" has shape ${JSON.stringify(t.shape)} (${size} values) but ${t.data.length} values.`);
    }
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + size * 4] };
    offset += size * 4;
  }

  let json = Buffer.from(JSON.stringify(header), "utf-8");
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = Buffer.concat([json, Buffer.alloc(padded - json.length, 0x20)]);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));

  const parts: Uint8Array[] = [prefix, json];
  for (const [, t] of list) parts.push(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));

  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    const handle = await fs.open(tmp, "w");
    try {
      for (const part of parts) await handle.write(part);
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

function isPlainObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isNonNegativeInteger(v: unknown): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Little-endian bytes as values of `dtype` (F16 and BF16 widened to Float32Array); every platform
 * Node runs on is little-endian. `bytes` must own its whole, aligned ArrayBuffer (a fresh copy).
 */
export function decodeTensorBytes(dtype: SafetensorsDtype, bytes: Uint8Array): TensorArray {
  const buf = bytes.buffer as ArrayBuffer;
  switch (dtype) {
    case "F64": return new Float64Array(buf);
    case "F32": return new Float32Array(buf);
    case "F16": return f16ToF32(new Uint16Array(buf));
    case "BF16": return bf16ToF32(new Uint16Array(buf));
    case "I64": return new BigInt64Array(buf);
    case "I32": return new Int32Array(buf);
    case "I16": return new Int16Array(buf);
    case "I8": return new Int8Array(buf);
    case "U64": return new BigUint64Array(buf);
    case "U32": return new Uint32Array(buf);
    case "U16": return new Uint16Array(buf);
    case "U8":
    case "BOOL": return new Uint8Array(buf);
  }
}

function bf16ToF32(src: Uint16Array): Float32Array {
  const bits = new Uint32Array(src.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i] << 16;
  return new Float32Array(bits.buffer);
}

function f16ToF32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const h = src[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) out[i] = sign * frac * 2 ** -24;
    else if (exp === 0x1f) out[i] = frac ? NaN : sign * Infinity;
    else out[i] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}
