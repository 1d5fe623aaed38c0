// The entries of a zip archive held in memory, found through its central directory (ZIP64 included),
// as torch.save (PyTorch >= 1.6) writes them: stored, or deflated by a tool that re-zipped the file.
import { inflateRawSync } from "node:zlib";

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_EXTRA = 0x0001;

/** The archive's entries by name. `fail` throws with a message that names what is wrong. */
export function zipEntries(bytes: Uint8Array, fail: (what: string) => never): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number): number => {
    const v = view.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`a ZIP64 field holds ${v}, beyond any real file`);
    return Number(v);
  };
  const within = (at: number, length: number, what: string) => {
    if (at < 0 || at + length > bytes.byteLength) fail(`${what} runs past the end of the file (${bytes.byteLength} bytes; truncated?)`);
  };

  // End of central directory: 22 bytes plus a comment of up to 65535 bytes, at the very end.
  let eocd = -1;
  for (let at = bytes.byteLength - 22; at >= Math.max(0, bytes.byteLength - 22 - 0xffff); at--) {
    if (u32(at) === EOCD && at + 22 + u16(at + 20) === bytes.byteLength) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) fail("no end-of-central-directory record (a truncated download?)");
  let count = u16(eocd + 10);
  let dirSize = u32(eocd + 12);
  let dirOffset = u32(eocd + 16);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || u32(locator) !== EOCD64_LOCATOR) fail("a ZIP64 archive without its ZIP64 locator");
    const eocd64 = u64(locator + 8);
    within(eocd64, 56, "the ZIP64 end-of-central-directory record");
    if (u32(eocd64) !== EOCD64) fail("the ZIP64 locator points at no ZIP64 record");
    count = u64(eocd64 + 32);
    dirSize = u64(eocd64 + 40);
    dirOffset = u64(eocd64 + 48);
  }
  within(dirOffset, dirSize, "the central directory");

  const entries = new Map<string, ZipEntry>();
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    within(at, 46, "a central directory entry");
    if (u32(at) !== CENTRAL) fail(`central directory entry ${i} has no signature`);
    const method = u16(at + 10);
    let compressedSize = u32(at + 20);
    let size = u32(at + 24);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    let localHeaderOffset = u32(at + 42);
    within(at + 46, nameLength + extraLength + commentLength, `central directory entry ${i}`);
    const name = new TextDecoder("utf-8").decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // ZIP64 sizes and offset, each present only when its 32-bit field is saturated, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = u16(extra);
      const length = u16(extra + 2);
      let field = extra + 4;
      if (id === ZIP64_EXTRA) {
        const next = (): number => {
          if (field + 8 > extra + 4 + length) fail(`entry "${name}" has a short ZIP64 extra field`);
          const v = u64(field);
          field += 8;
          return v;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      extra += 4 + length;
    }
    if (entries.has(name)) fail(`entry "${name}" appears twice`);
    entries.set(name, { name, method, compressedSize, size, localHeaderOffset });
    at = extraEnd + commentLength;
  }
  return entries;
}

/** The uncompressed bytes of `entry` (a view into `bytes` when stored). */
export function zipEntryData(bytes: Uint8Array, entry: ZipEntry, fail: (what: string) => never): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.byteLength || view.getUint32(at, true) !== LOCAL) fail(`entry "${entry.name}" has no local header where the directory says`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + entry.compressedSize > bytes.byteLength) {
    fail(`entry "${entry.name}" (${entry.compressedSize} bytes) runs past the end of the file (${bytes.byteLength} bytes; truncated?)`);
  }
  const raw = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) {
    if (entry.size !== entry.compressedSize) fail(`stored entry "${entry.name}" has two sizes (${entry.size} and ${entry.compressedSize})`);
    return raw;
  }
  if (entry.method !== 8) fail(`entry "${entry.name}" uses compression method ${entry.method}; only stored and deflated entries are read`);
  let out: Buffer;
  try {
    out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
  } catch (err) {
    fail(`entry "${entry.name}" does not inflate (${(err as Error).message})`);
  }
  if (out!.byteLength !== entry.size) fail(`entry "${entry.name}" inflates to ${out!.byteLength} bytes, not the ${entry.size} announced`);
  return out!;
}
