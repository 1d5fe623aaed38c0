import { test } from "node:test";
import * as assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  parseSafetensors,
  readSafetensors,
  SafetensorsError,
  writeSafetensors,
} from "../src/safetensors.js";
import { TINY_MODEL_DIR } from "./helpers/paths.js";

const FIXTURE = path.join(TINY_MODEL_DIR, "model.safetensors");

/** A safetensors file from a header (object or raw JSON text) and data bytes. */
function build(header: unknown, data: Uint8Array = new Uint8Array(), headerLength?: bigint): Uint8Array {
  const json = Buffer.from(typeof header === "string" ? header : JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(headerLength ?? BigInt(json.length));
  return Buffer.concat([prefix, json, data]);
}

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), "tt-safetensors-"));
}

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => parseSafetensors(bytes, "bad.safetensors"), (err: unknown) => {
    assert.ok(err instanceof SafetensorsError, `expected a SafetensorsError, got ${String(err)}`);
    assert.match(err.message, /^bad\.safetensors: /);
    assert.match(err.message, pattern);
    return true;
  });
}

test("reads the fixture: PyTorch names, shapes, float32 values", async () => {
  const { tensors, metadata } = await readSafetensors(FIXTURE);
  assert.deepEqual(metadata, { format: "pt" });
  const words = tensors.get("distilbert.embeddings.word_embeddings.weight");
  assert.ok(words);
  assert.equal(words.dtype, "F32");
  assert.deepEqual(words.shape, [30522, 32]);
  assert.ok(words.data instanceof Float32Array);
  assert.equal(words.data.length, 30522 * 32);
  assert.deepEqual(tensors.get("distilbert.embeddings.position_embeddings.weight")?.shape, [512, 32]);
  assert.deepEqual(tensors.get("distilbert.transformer.layer.0.attention.q_lin.weight")?.shape, [32, 32]);
  assert.deepEqual(tensors.get("distilbert.transformer.layer.1.ffn.lin1.weight")?.shape, [37, 32]);
  assert.deepEqual(tensors.get("classifier.weight")?.shape, [4, 32]);
  // Randomly initialised: small, finite, not all zero; LayerNorm weights near one.
  let sq = 0;
  for (const v of words.data) {
    assert.ok(Number.isFinite(v));
    sq += v * v;
  }
  const std = Math.sqrt(sq / words.data.length);
  assert.ok(std > 0.01 && std < 1, `word embedding std ${std}`);
  const ln = tensors.get("distilbert.embeddings.LayerNorm.weight")!.data as Float32Array;
  assert.ok(ln.every((v) => Math.abs(v - 1) < 0.5));
  for (const [name, t] of tensors) {
    assert.equal(t.data.length, t.shape.reduce((a, b) => a * b, 1), name);
  }
});

test("write then read is bit-identical, with a PyTorch-style header", async () => {
  const dir = await tempDir();
  try {
    const special = new Float32Array([0, -0, 1.5, -3.25e-39, Infinity, -Infinity, 3.4028234663852886e38]);
    const nanBits = new Float32Array(new Uint32Array([0x7fc00000, 0xffc12345, 0x7f800001]).buffer);
    const random = Float32Array.from({ length: 1000 }, () => (Math.random() - 0.5) * 10 ** (Math.random() * 20 - 10));
    const tensors = {
      "z.last": { shape: [special.length], data: special },
      "a.first": { shape: [10, 100], data: random },
      "m.nan": { shape: [3, 1], data: nanBits },
      "e.empty": { shape: [0, 4], data: new Float32Array() },
      scalar: { shape: [], data: new Float32Array([42]) },
    };
    const file = path.join(dir, "sub", "out.safetensors");
    await writeSafetensors(file, tensors, { note: "hi" });
    const back = await readSafetensors(file);
    assert.deepEqual(back.metadata, { format: "pt", note: "hi" });
    assert.deepEqual([...back.tensors.keys()].sort(), Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const got = back.tensors.get(name)!;
      assert.equal(got.dtype, "F32");
      assert.deepEqual(got.shape, t.shape);
      const gotBits = new Uint32Array((got.data as Float32Array).slice().buffer);
      assert.deepEqual(gotBits, new Uint32Array(t.data.slice().buffer), name);
    }

    const bytes = await fs.readFile(file);
    const n = Number(bytes.readBigUInt64LE(0));
    assert.equal(n % 8, 0);
    const header = bytes.subarray(8, 8 + n).toString("utf-8");
    assert.match(header, /^\{"__metadata__":\{"format":"pt","note":"hi"\},"a\.first":\{"dtype":"F32","shape":\[10,100\],"data_offsets":\[0,4000\]\}/);
    assert.match(header, /\} *$/);
    const names = Object.keys(JSON.parse(header)).filter((k) => k !== "__metadata__");
    assert.deepEqual(names, [...names].sort());

    // The fixture rewritten reads back the same and rewrites to the same bytes.
    const fixture = await readSafetensors(FIXTURE);
    const asF32 = new Map([...fixture.tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data as Float32Array }]));
    const again = path.join(dir, "again.safetensors");
    await writeSafetensors(again, asF32);
    const again2 = path.join(dir, "again2.safetensors");
    await writeSafetensors(again2, new Map([...(await readSafetensors(again)).tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data as Float32Array }])));
    assert.ok((await fs.readFile(again)).equals(await fs.readFile(again2)));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test("writes atomically: replaces an existing file, leaves no temp file, nothing on bad input", async () => {
  const dir = await tempDir();
  try {
    const file = path.join(dir, "w.safetensors");
    await writeSafetensors(file, { a: { shape: [2], data: new Float32Array([1, 2]) } });
    await writeSafetensors(file, { b: { shape: [1], data: new Float32Array([3]) } });
    assert.deepEqual([...(await readSafetensors(file)).tensors.keys()], ["b"]);
    await assert.rejects(
      writeSafetensors(path.join(dir, "bad.safetensors"), { a: { shape: [3], data: new Float32Array([1, 2]) } }),
      /tensor "a" has shape \[3\] \(3 values\) but 2 values/,
    );
    await assert.rejects(
      writeSafetensors(path.join(dir, "bad.safetensors"), { a: { shape: [2], data: new Float64Array([1, 2]) as unknown as Float32Array } }),
      /must be a Float32Array/,
    );
    assert.deepEqual(await fs.readdir(dir), ["w.safetensors"]);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test("F16 and BF16 decode to float32 (hand-computed values)", () => {
  const f16 = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x3555, 0x8000, 0x7c00, 0xfc00, 0x7e00];
  const f16Want = [1, -2, 65504, 2 ** -24, 2 ** -14, 0.333251953125, -0, Infinity, -Infinity, NaN];
  const bf16 = [0x3f80, 0xc040, 0x3eab, 0x4049, 0x0001, 0x8000, 0x7f80, 0xff80, 0x7fc0];
  const bf16Want = [1, -3, 0.333984375, 3.140625, 2 ** -133, -0, Infinity, -Infinity, NaN];
  const data = Buffer.alloc((f16.length + bf16.length) * 2);
  [...f16, ...bf16].forEach((v, i) => data.writeUInt16LE(v, i * 2));
  const bytes = build(
    {
      h: { dtype: "F16", shape: [f16.length], data_offsets: [0, f16.length * 2] },
      b: { dtype: "BF16", shape: [bf16.length], data_offsets: [f16.length * 2, data.length] },
    },
    data,
  );
  const { tensors } = parseSafetensors(bytes);
  const h = tensors.get("h")!;
  const b = tensors.get("b")!;
  assert.equal(h.dtype, "F16");
  assert.ok(h.data instanceof Float32Array && b.data instanceof Float32Array);
  assert.deepEqual([...h.data], f16Want);
  assert.deepEqual([...b.data], bf16Want);
  assert.ok(Object.is(h.data[6], -0) && Object.is(b.data[5], -0));
});

test("integer dtypes keep their values; unaligned data is copied out", () => {
  const data = Buffer.alloc(1 + 8 + 4);
  data.writeInt8(-5, 0);
  data.writeBigInt64LE(-1234567890123n, 1);
  data.writeInt32LE(-7, 9);
  // The header length is odd, so the I64 and I32 data are not aligned in the file.
  const bytes = build(
    {
      a: { dtype: "I8", shape: [1], data_offsets: [0, 1] },
      b: { dtype: "I64", shape: [1], data_offsets: [1, 9] },
      c: { dtype: "I32", shape: [1, 1], data_offsets: [9, 13] },
    },
    data,
  );
  const { tensors } = parseSafetensors(bytes);
  assert.deepEqual([...tensors.get("a")!.data], [-5]);
  assert.deepEqual([...tensors.get("b")!.data], [-1234567890123n]);
  assert.deepEqual([...tensors.get("c")!.data], [-7]);
});

test("malformed files fail with a clear error naming the file", async () => {
  const f32 = (shape: number[], offsets: number[]) => ({ dtype: "F32", shape, data_offsets: offsets });
  rejects(new Uint8Array(4), /only 4 bytes/);
  rejects(build({}, undefined, 2n ** 63n), /header length \d+ exceeds the 100000000-byte limit/);
  rejects(build({}, undefined, 2n ** 64n - 1n), /exceeds/);
  rejects(build({ a: f32([1], [0, 4]) }, new Uint8Array(4), 5000n), /runs past the end of the file .*truncated/);
  rejects(build("{not json", new Uint8Array()), /not valid JSON/);
  rejects(build("[1, 2]"), /not a JSON object/);
  rejects(build("null"), /not a JSON object/);
  rejects(build({ a: { dtype: "F4", shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /unknown dtype "F4"/);
  rejects(build({ a: { shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /unknown dtype undefined/);
  rejects(build({ a: f32([2, 2], [0, 8]) }, new Uint8Array(16)), /needs 16 bytes but data_offsets \[0, 8\] span 8/);
  rejects(build({ a: f32([4], [0, 16]) }, new Uint8Array(8)), /ends at byte 16 but the data section has only 8 bytes/);
  rejects(build({ a: f32([2], [0, 8]), b: f32([2], [4, 12]) }, new Uint8Array(12)), /"a" and "b" overlap/);
  rejects(build({ a: f32([-1], [0, 4]) }, new Uint8Array(4)), /invalid shape/);
  rejects(build({ a: f32([1.5], [0, 4]) }, new Uint8Array(4)), /invalid shape/);
  rejects(build({ a: f32([1], [8, 4]) }, new Uint8Array(8)), /begin after end/);
  rejects(build({ a: f32([1], [0]) }, new Uint8Array(4)), /invalid data_offsets/);
  rejects(build({ a: f32([1], [0, 4]), __metadata__: { format: 1 } }, new Uint8Array(4)), /__metadata__\.format is not a string/);
  rejects(build({ a: 3 }), /entry "a" is not an object/);
  rejects(build({ a: f32([2 ** 40, 2 ** 40], [0, 4]) }, new Uint8Array(4)), /needs/);

  // The real fixture, cut short.
  const whole = await fs.readFile(FIXTURE);
  rejects(whole.subarray(0, whole.length - 100), /"[^"]+" ends at byte \d+ but the data section has only \d+ bytes \(truncated\?\)/);
  rejects(whole.subarray(0, 1000), /runs past the end of the file/);

  await assert.rejects(readSafetensors("/nonexistent/model.safetensors"), /\/nonexistent\/model\.safetensors: no such file/);
});
