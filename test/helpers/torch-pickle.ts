// Write pickles opcode by opcode and torch.save-style zip archives, for tests of the checkpoint
// reader: valid files (as torch.save writes them) and hostile ones.
import { crc32, deflateRawSync } from "node:zlib";

/** A pickle, one opcode at a time (names as in Python's pickletools). */
export class Pickle {
  private readonly chunks: Uint8Array[] = [];

  raw(...bytes: Array<number | Uint8Array>): this {
    for (const b of bytes) this.chunks.push(typeof b === "number" ? Uint8Array.of(b) : b);
    return this;
  }
  proto(n = 2): this { return this.raw(0x80, n); }
  stop(): this { return this.raw(0x2e); }
  mark(): this { return this.raw(0x28); }
  none(): this { return this.raw(0x4e); }
  bool(v: boolean): this { return this.raw(v ? 0x88 : 0x89); }
  emptyTuple(): this { return this.raw(0x29); }
  emptyList(): this { return this.raw(0x5d); }
  emptyDict(): this { return this.raw(0x7d); }
  tuple(): this { return this.raw(0x74); }
  tuple1(): this { return this.raw(0x85); }
  tuple2(): this { return this.raw(0x86); }
  append(): this { return this.raw(0x61); }
  appends(): this { return this.raw(0x65); }
  setitem(): this { return this.raw(0x73); }
  setitems(): this { return this.raw(0x75); }
  reduce(): this { return this.raw(0x52); }
  build(): this { return this.raw(0x62); }
  newobj(): this { return this.raw(0x81); }
  binpersid(): this { return this.raw(0x51); }
  stackGlobal(): this { return this.raw(0x93); }
  memoize(): this { return this.raw(0x94); }
  put(i: number): this { return i < 256 ? this.raw(0x71, i) : this.raw(0x72, le32(i)); }
  get(i: number): this { return i < 256 ? this.raw(0x68, i) : this.raw(0x6a, le32(i)); }
  global(module: string, name: string): this { return this.raw(0x63, utf8(`${module}\n${name}\n`)); }
  str(s: string): this {
    const b = utf8(s);
    return this.raw(0x58, le32(b.length), b);
  }
  shortStr(s: string): this {
    const b = utf8(s);
    return this.raw(0x8c, b.length, b);
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.raw(0x4b, n);
    if (n >= 0 && n < 65536) return this.raw(0x4d, n & 0xff, n >> 8);
    if (n >= -(2 ** 31) && n < 2 ** 31) return this.raw(0x4a, le32(n));
    const bytes: number[] = [];
    let v = BigInt(n);
    do {
      bytes.push(Number(v & 0xffn));
      v >>= 8n;
    } while (v !== 0n && v !== -1n);
    if ((bytes[bytes.length - 1] & 0x80) !== (n < 0 ? 0x80 : 0)) bytes.push(n < 0 ? 0xff : 0);
    return this.raw(0x8a, bytes.length, Uint8Array.from(bytes));
  }
  /** A tuple of ints (MARK ... TUPLE). */
  ints(values: number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

export interface TensorSpec {
  /** Storage key (its `data/<key>` entry). */
  key: string;
  /** Legacy storage class name, e.g. "FloatStorage". */
  storageType: string;
  /** Elements in the storage. */
  numel: number;
  offset: number;
  shape: number[];
  stride: number[];
}

/** The persistent id of a storage: ('storage', torch.<type>, key, 'cpu', numel). */
export function pickleStorage(p: Pickle, t: Pick<TensorSpec, "key" | "storageType" | "numel">): Pickle {
  const module = t.storageType === "UntypedStorage" ? "torch.storage" : "torch";
  return p.mark().str("storage").global(module, t.storageType).str(t.key).str("cpu").int(t.numel).tuple().binpersid();
}

/** The arguments tuple of _rebuild_tensor_v2: (storage, offset, shape, stride, False, OrderedDict()). */
export function pickleTensorArgs(p: Pickle, t: TensorSpec): Pickle {
  pickleStorage(p.mark(), t).int(t.offset).ints(t.shape).ints(t.stride).bool(false);
  return p.global("collections", "OrderedDict").emptyTuple().reduce().tuple();
}

/** One tensor as torch.save pickles it: _rebuild_tensor_v2(...). */
export function pickleTensor(p: Pickle, t: TensorSpec): Pickle {
  return pickleTensorArgs(p.global("torch._utils", "_rebuild_tensor_v2"), t).reduce();
}

/** The pickle of an OrderedDict state dict of `tensors`, as torch.save (protocol 2) writes it. */
export function stateDictPickle(tensors: Array<[string, TensorSpec]>): Uint8Array {
  const p = new Pickle().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().mark();
  for (const [name, t] of tensors) pickleTensor(p.str(name), t);
  return p.setitems().stop().bytes();
}

/** Row-major strides of `shape`. */
export function contiguousStride(shape: number[]): number[] {
  const stride = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    stride[d] = s;
    s *= shape[d];
  }
  return stride;
}

export interface ArchiveOptions {
  /** The archive folder (torch names it after the file, or "archive"). */
  prefix?: string;
  /** Contents of the `byteorder` record (torch >= 2.1 writes "little"); none when undefined. */
  byteorder?: string;
  /** Deflate the entries (torch stores them; a re-zipping tool may not). */
  deflate?: boolean;
}

/** A torch.save zip: `<prefix>/data.pkl`, `<prefix>/data/<key>` per storage, `<prefix>/version`. */
export function torchArchive(pickle: Uint8Array, storages: Record<string, Uint8Array>, options: ArchiveOptions = {}): Uint8Array {
  const prefix = options.prefix ?? "archive";
  const files: Array<[string, Uint8Array]> = [[`${prefix}/data.pkl`, pickle]];
  if (options.byteorder !== undefined) files.push([`${prefix}/byteorder`, utf8(options.byteorder)]);
  for (const [key, data] of Object.entries(storages)) files.push([`${prefix}/data/${key}`, data]);
  files.push([`${prefix}/version`, utf8("3\n")]);
  return zip(files, options.deflate ?? false);
}

/** torch.save(state_dict) of float32 tensors, one contiguous storage each. */
export function torchSave(tensors: Iterable<[string, { shape: number[]; data: Float32Array }]>, options: ArchiveOptions = {}): Uint8Array {
  const specs: Array<[string, TensorSpec]> = [];
  const storages: Record<string, Uint8Array> = {};
  for (const [name, t] of tensors) {
    const key = String(specs.length);
    specs.push([name, { key, storageType: "FloatStorage", numel: t.data.length, offset: 0, shape: t.shape, stride: contiguousStride(t.shape) }]);
    storages[key] = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  }
  return torchArchive(stateDictPickle(specs), storages, options);
}

/** A zip archive of `files`, stored or deflated, with CRC-32s. */
export function zip(files: Array<[string, Uint8Array]>, deflate = false): Uint8Array {
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = utf8(name);
    const body = deflate ? deflateRawSync(data) : data;
    // The local header and the central directory entry share these fields, from the method on.
    const header = (signature: number, size: number, methodAt: number) => {
      const h = Buffer.alloc(size);
      h.writeUInt32LE(signature, 0);
      h.writeUInt16LE(20, 4); // version needed (central: version made by)
      h.writeUInt16LE(deflate ? 8 : 0, methodAt);
      h.writeUInt32LE(crc32(data), methodAt + 6);
      h.writeUInt32LE(body.byteLength, methodAt + 10);
      h.writeUInt32LE(data.byteLength, methodAt + 14);
      h.writeUInt16LE(nameBytes.length, methodAt + 18);
      return h;
    };
    const local = header(0x04034b50, 30, 8);
    const entry = header(0x02014b50, 46, 10);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + body.byteLength;
  }
  const dirSize = central.reduce((s, c) => s + c.byteLength, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

function utf8(s: string): Uint8Array {
  return Buffer.from(s, "utf-8");
}

function le32(n: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n | 0);
  return b;
}
