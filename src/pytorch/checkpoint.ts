// Read a PyTorch checkpoint (`pytorch_model.bin`, torch.save of a state dict, zip format of
// PyTorch >= 1.6) without running any of it: `archive/data.pkl` is run by the restricted unpickler
// with only the tensor-rebuilding globals of torch.load(weights_only=True) implemented here in
// TypeScript, and each storage is read from the zip's `archive/data/<key>` entry. The result has
// the shape readSafetensors gives: name → { dtype, shape, data }, every tensor contiguous.
import { promises as fs } from "node:fs";
import { decodeTensorBytes, dtypeItemSize, type SafetensorsDtype, type TensorData } from "../safetensors.js";
import { describe, PyDict, PyGlobal, PyObject, PyTuple, type PyValue, unpickle } from "./unpickler.js";
import { type ZipEntry, zipEntries, zipEntryData } from "./zip.js";

export class TorchCheckpointError extends Error {
  override name = "TorchCheckpointError";
}

// A state dict's tensors may share storages (tied weights: a few views of one storage). Far more
// than this factor of the stored bytes is no checkpoint but a bomb of stride-0 views.
const MAX_EXPANSION = 8;

const STORAGE_DTYPES: Record<string, SafetensorsDtype> = {
  "torch.DoubleStorage": "F64", "torch.FloatStorage": "F32", "torch.HalfStorage": "F16", "torch.BFloat16Storage": "BF16",
  "torch.LongStorage": "I64", "torch.IntStorage": "I32", "torch.ShortStorage": "I16", "torch.CharStorage": "I8",
  "torch.ByteStorage": "U8", "torch.BoolStorage": "BOOL",
  // Bytes, for _rebuild_tensor_v3 (dtypes without a typed storage, e.g. uint16).
  "torch.storage.UntypedStorage": "U8",
};

const DTYPES: Record<string, SafetensorsDtype> = {
  "torch.float64": "F64", "torch.float32": "F32", "torch.float16": "F16", "torch.bfloat16": "BF16",
  "torch.int64": "I64", "torch.int32": "I32", "torch.int16": "I16", "torch.int8": "I8",
  "torch.uint64": "U64", "torch.uint32": "U32", "torch.uint16": "U16", "torch.uint8": "U8", "torch.bool": "BOOL",
};

/** One `data/<key>` entry of the archive, as a persistent id names it. */
class Storage extends PyObject {
  readonly typeName = "storage";
  constructor(
    readonly key: string,
    readonly dtype: SafetensorsDtype,
    readonly bytes: Uint8Array,
  ) {
    super();
  }
}

/** What torch._utils._rebuild_tensor* returns: a view of a storage, materialised later. */
class TensorView extends PyObject {
  readonly typeName = "tensor";
  constructor(
    readonly storage: Storage,
    readonly dtype: SafetensorsDtype,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {
    super();
  }
}

/** Read `file` (a PyTorch >= 1.6 checkpoint) into name → tensor. */
export async function readTorchCheckpoint(file: string): Promise<Map<string, TensorData>> {
  let buffer: Buffer;
  try {
    buffer = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TorchCheckpointError(code === "ENOENT" ? `${file}: no such file; check the model path or download it first.` : `${file}: cannot read (${(err as Error).message}).`);
  }
  return parseTorchCheckpoint(buffer, file);
}

/** Parse checkpoint bytes; `source` names the file in error messages. */
export function parseTorchCheckpoint(bytes: Uint8Array, source = "<buffer>"): Map<string, TensorData> {
  const fail = (what: string): never => {
    throw new TorchCheckpointError(`${source}: ${what}`);
  };
  const corrupt = (what: string): never => fail(`not a readable PyTorch checkpoint: ${what}. Re-download or re-save it.`);
  checkFormat(bytes, fail);

  const entries = zipEntries(bytes, corrupt);
  const pickles = [...entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) corrupt(`a torch.save archive holds one <archive>/data.pkl, this zip holds ${pickles.length} (${[...entries.keys()].slice(0, 5).join(", ")})`);
  const prefix = pickles[0].slice(0, -"data.pkl".length);
  const bigEndian = byteOrder(bytes, entries.get(`${prefix}byteorder`), corrupt);

  const storages = new Map<string, Storage>();
  const persistentLoad = (pid: PyValue): Storage => {
    const items = pid instanceof PyTuple ? pid.items : [];
    const [kind, type, key, , numel] = items;
    if (items.length !== 5 || kind !== "storage") fail(`refused: persistent id ${describe(pid)}; only ('storage', type, key, location, size) is allowed`);
    const dtype = type instanceof PyGlobal ? STORAGE_DTYPES[type.path] : undefined;
    if (dtype === undefined) fail(`refused: persistent id with storage type ${describe(type)}`);
    if (typeof key !== "string" || !/^\w+$/.test(key)) fail(`refused: persistent id with storage key ${describe(key)}; keys name data/ entries of the archive`);
    if (typeof numel !== "number" || !Number.isSafeInteger(numel) || numel < 0) fail(`refused: storage "${key}" with size ${describe(numel)}`);
    const k = key as string;
    const size = (numel as number) * dtypeItemSize(dtype!);
    const seen = storages.get(k);
    if (seen !== undefined) {
      if (seen.dtype !== dtype || seen.bytes.byteLength !== size) fail(`storage "${k}" is named twice with different types or sizes (a corrupt or crafted file)`);
      return seen;
    }
    const entry = entries.get(`${prefix}data/${k}`);
    if (entry === undefined) fail(`refused: storage "${k}" is not in the archive (no ${prefix}data/${k})`);
    if (entry!.size < size) fail(`storage "${k}" claims ${numel} ${dtype} values (${size} bytes) but ${prefix}data/${k} holds ${entry!.size} bytes (truncated or crafted)`);
    const storage = new Storage(k, dtype!, zipEntryData(bytes, entry!, corrupt).subarray(0, size));
    storages.set(k, storage);
    return storage;
  };

  const result = unpickle(zipEntryData(bytes, entries.get(pickles[0])!, corrupt), {
    globals: torchGlobals(fail),
    persistentLoad,
    fail: (what) => fail(`${prefix}data.pkl: ${what}`),
  });
  if (!(result instanceof PyDict)) fail(`holds ${describe(result)}, not a state dict (a dict of name → tensor): save model.state_dict().`);
  const views = new Map<string, TensorView>();
  for (const [name, value] of (result as PyDict).entries) {
    if (typeof name !== "string") fail(`has a key ${describe(name)} that is no tensor name: is it a state dict?`);
    if (!(value instanceof TensorView)) fail(`"${name}" is ${describe(value)}, not a tensor: save model.state_dict() alone (not a training checkpoint).`);
    views.set(name as string, value as TensorView);
  }

  const stored = [...storages.values()].reduce((s, st) => s + st.bytes.byteLength, 0);
  const wanted = [...views.values()].reduce((s, v) => s + v.shape.reduce((a, b) => a * b, 1) * dtypeItemSize(v.dtype), 0);
  if (wanted > MAX_EXPANSION * stored + 4096) {
    fail(`refused: its tensors would take ${wanted} bytes, more than ${MAX_EXPANSION} times the ${stored} bytes stored (views that repeat data, a crafted file).`);
  }
  const tensors = new Map<string, TensorData>();
  for (const [name, view] of views) tensors.set(name, materialise(name, view, bigEndian, fail));
  return tensors;
}

/** Fail unless `bytes` start as a zip; name the legacy formats torch.save wrote before 1.6. */
function checkFormat(bytes: Uint8Array, fail: (what: string) => never): void {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return; // "PK"
  const legacy = bytes[0] === 0x80 || (bytes.byteLength > 262 && new TextDecoder("latin1").decode(bytes.subarray(257, 262)) === "ustar");
  if (legacy) {
    fail(
      "a checkpoint in the legacy (pre-1.6, non-zip) torch.save format, which is not read. Re-save it with a recent PyTorch " +
        "(`torch.save(torch.load(f, weights_only=True), f)`) or convert it to safetensors " +
        '(`AutoModel.from_pretrained(dir).save_pretrained(out, safe_serialization=True)`).',
    );
  }
  fail(`not a PyTorch checkpoint (neither a zip archive nor a pickle; it begins with bytes ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ")}). Re-download it.`);
}

function byteOrder(bytes: Uint8Array, entry: ZipEntry | undefined, corrupt: (what: string) => never): boolean {
  if (entry === undefined) return false; // written before torch 2.1: little-endian
  const order = new TextDecoder().decode(zipEntryData(bytes, entry, corrupt)).trim();
  if (order !== "little" && order !== "big") corrupt(`byteorder is ${JSON.stringify(order)}`);
  return order === "big";
}

/** The globals torch.save writes for a state dict, each call done here in TypeScript. */
function torchGlobals(fail: (what: string) => never): Map<string, PyGlobal> {
  const rebuild = (name: string, call: (args: readonly PyValue[]) => PyValue) => new PyGlobal(`torch._utils.${name}`, call);
  const arity = (name: string, args: readonly PyValue[], min: number, max: number) => {
    if (args.length < min || args.length > max) fail(`refused: ${name} with ${args.length} arguments`);
  };
  const v2 = rebuild("_rebuild_tensor_v2", (args) => {
    arity("_rebuild_tensor_v2", args, 6, 7);
    return tensorView(args, undefined, fail);
  });
  const rebuilders = [
    rebuild("_rebuild_tensor", (args) => {
      arity("_rebuild_tensor", args, 4, 4);
      return tensorView(args, undefined, fail);
    }),
    v2,
    rebuild("_rebuild_tensor_v3", (args) => {
      arity("_rebuild_tensor_v3", args, 7, 8);
      const dtype = args[6] instanceof PyGlobal ? DTYPES[args[6].path] : undefined;
      if (dtype === undefined) fail(`refused: _rebuild_tensor_v3 with dtype ${describe(args[6])}`);
      return tensorView(args, dtype, fail);
    }),
    // A Parameter is its data.
    rebuild("_rebuild_parameter", (args) => {
      arity("_rebuild_parameter", args, 3, 3);
      return tensorArg(args[0], fail);
    }),
    rebuild("_rebuild_parameter_with_state", (args) => {
      arity("_rebuild_parameter_with_state", args, 4, 4);
      return tensorArg(args[0], fail);
    }),
  ];
  const tensorTypes = [new PyGlobal("torch.Tensor"), new PyGlobal("torch.nn.parameter.Parameter")];
  // A tensor with Python attributes: rebuild it and leave the attributes (`state`) out.
  const fromType = new PyGlobal("torch._tensor._rebuild_from_type_v2", (args) => {
    arity("_rebuild_from_type_v2", args, 4, 4);
    const [func, type, inner] = args;
    if (!(func instanceof PyGlobal) || !rebuilders.includes(func)) fail(`refused: _rebuild_from_type_v2 of ${describe(func)}`);
    if (!(type instanceof PyGlobal) || !tensorTypes.includes(type)) fail(`refused: _rebuild_from_type_v2 to type ${describe(type)}`);
    if (!(inner instanceof PyTuple)) fail(`refused: _rebuild_from_type_v2 with arguments ${describe(inner)}`);
    return (func as PyGlobal).call!((inner as PyTuple).items);
  });
  const orderedDict = new PyGlobal("collections.OrderedDict", (args) => {
    if (args.length > 0) fail(`refused: OrderedDict called with ${args.length} arguments (torch.save writes OrderedDict())`);
    return new PyDict(true);
  });
  const values = [...Object.keys(STORAGE_DTYPES), ...Object.keys(DTYPES)].map((path) => new PyGlobal(path));
  return new Map([...rebuilders, ...tensorTypes, fromType, orderedDict, ...values].map((g) => [g.path, g]));
}

function tensorArg(v: PyValue, fail: (what: string) => never): TensorView {
  if (!(v instanceof TensorView)) fail(`refused: a Parameter of ${describe(v)}`);
  return v as TensorView;
}

function tensorView(args: readonly PyValue[], dtype: SafetensorsDtype | undefined, fail: (what: string) => never): TensorView {
  const [storage, offset, shape, stride] = args;
  if (!(storage instanceof Storage)) fail(`refused: a tensor of ${describe(storage)} instead of a storage`);
  const s = storage as Storage;
  const ints = (v: PyValue, what: string): number[] => {
    const items = v instanceof PyTuple ? v.items : undefined;
    if (items === undefined || !items.every((x) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0)) {
      fail(`storage "${s.key}": tensor ${what} ${describe(v)} is not a tuple of non-negative integers`);
    }
    return items as number[];
  };
  const shapeOf = ints(shape, "shape");
  const strideOf = ints(stride, "stride");
  if (shapeOf.length !== strideOf.length) fail(`storage "${s.key}": shape [${shapeOf}] and stride [${strideOf}] differ in length`);
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) fail(`storage "${s.key}": storage offset ${describe(offset)}`);
  const own = dtype ?? s.dtype;
  if (own !== s.dtype && s.dtype !== "U8") fail(`refused: a ${own} tensor of a ${s.dtype} storage`);
  return new TensorView(s, own, offset as number, shapeOf, strideOf);
}

/** The tensor's values in row-major order, decoded as readSafetensors decodes them. */
function materialise(name: string, v: TensorView, bigEndian: boolean, fail: (what: string) => never): TensorData {
  const item = dtypeItemSize(v.dtype);
  const numel = v.shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(numel * item)) fail(`"${name}" has shape [${v.shape}], too large`);
  const out = new Uint8Array(numel * item);
  if (numel > 0) {
    const available = Math.floor(v.storage.bytes.byteLength / item);
    const last = v.shape.reduce((at, n, d) => at + (n - 1) * v.stride[d], v.offset);
    if (last >= available) {
      fail(`"${name}" (shape [${v.shape}], stride [${v.stride}], offset ${v.offset}) reaches element ${last} of storage "${v.storage.key}", which holds ${available} ${v.dtype} values (truncated or crafted)`);
    }
    if (isContiguous(v.shape, v.stride)) out.set(v.storage.bytes.subarray(v.offset * item, (v.offset + numel) * item));
    else gather(v, item, numel, out);
  }
  if (bigEndian && item > 1) for (let i = 0; i < out.length; i += item) out.subarray(i, i + item).reverse();
  return { dtype: v.dtype, shape: v.shape, data: decodeTensorBytes(v.dtype, out) };
}

function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** Copy a strided view element by element, in words of up to 4 bytes (no float reinterpretation). */
function gather(v: TensorView, item: number, numel: number, out: Uint8Array): void {
  const word = Math.min(item, 4);
  const per = item / word;
  const own = new Uint8Array(v.storage.bytes); // an aligned copy (slice() of a Buffer would be a view)
  const Words = word === 1 ? Uint8Array : word === 2 ? Uint16Array : Uint32Array;
  const src = new Words(own.buffer as ArrayBuffer);
  const dst = new Words(out.buffer as ArrayBuffer);
  const rank = v.shape.length;
  const index = new Array<number>(rank).fill(0);
  let at = v.offset;
  for (let n = 0; n < numel; n++) {
    for (let w = 0; w < per; w++) dst[n * per + w] = src[at * per + w];
    for (let d = rank - 1; d >= 0; d--) {
      at += v.stride[d];
      if (++index[d] < v.shape[d]) break;
      at -= v.stride[d] * v.shape[d];
      index[d] = 0;
    }
  }
}
