// fromPretrained reads every weight layout the hub has, from a folder and from a hub: pytorch_model.bin
// (single and sharded), sharded model.safetensors, and F16 / BF16 safetensors. Each is the
// distilbert-tiny fixture rewritten in a temp dir; logits are checked against the fixture's own.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend.js";
import { serveHub, type HubServer } from "../src/hub/index.js";
import { AutoModelForSequenceClassification, SUPPORTED_MODEL_TYPES } from "../src/models/index.js";
import { decodeTensorBytes, readSafetensors, writeSafetensors } from "../src/safetensors.js";
import { FIXTURES_DIR, TINY_MODEL_DIR } from "./helpers/paths.js";
import { torchSave } from "./helpers/torch-pickle.js";

const ref = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "reference.json"), "utf-8")) as {
  inputs: { input_ids: number[][]; attention_mask: number[][] };
  forward: { logits: number[][] };
};
const batch = { input_ids: ref.inputs.input_ids, attention_mask: ref.inputs.attention_mask };
const CONFIG = fs.readFileSync(path.join(TINY_MODEL_DIR, "config.json"));

type Weights = Map<string, { shape: number[]; data: Float32Array }>;
let weights: Weights;
let fixtureLogits: Float32Array;
let tmp: string;

before(async () => {
  await initBackend();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tt-formats-"));
  weights = new Map([...(await readSafetensors(path.join(TINY_MODEL_DIR, "model.safetensors"))).tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data as Float32Array }]));
  fixtureLogits = await logitsOf(TINY_MODEL_DIR);
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function logitsOf(idOrDir: string, options = {}): Promise<Float32Array> {
  const model = await AutoModelForSequenceClassification.fromPretrained(idOrDir, options);
  try {
    return tf.tidy(() => model.forward(batch).logits.dataSync() as Float32Array).slice();
  } finally {
    model.dispose();
  }
}

function maxAbsDiff(a: Float32Array, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  return Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
}

/** A model folder (or hub repository under `root`) holding config.json and `files`. */
function repo(root: string, name: string, files: Record<string, Uint8Array>): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "config.json"), CONFIG);
  for (const [f, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), bytes);
  return dir;
}

/** Two shards ("-00001-of-00002" ...) of the weights, split by name, and their index. */
async function shards(ext: string, write: (part: Weights) => Uint8Array | Promise<Uint8Array>): Promise<Record<string, Uint8Array>> {
  const names = [...weights.keys()];
  const files: Record<string, Uint8Array> = {};
  const weightMap: Record<string, string> = {};
  for (const [i, part] of [names.slice(0, 20), names.slice(20)].entries()) {
    const file = ext.replace("{}", `-0000${i + 1}-of-00002`);
    files[file] = await write(new Map(part.map((n) => [n, weights.get(n)!])));
    for (const n of part) weightMap[n] = file;
  }
  files[`${ext.replace("{}", "")}.index.json`] = Buffer.from(JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
  return files;
}

async function safetensorsBytes(part: Weights): Promise<Uint8Array> {
  const file = path.join(tmp, `part-${Math.random().toString(36).slice(2)}.safetensors`);
  await writeSafetensors(file, part);
  return fs.readFileSync(file);
}

describe("pytorch_model.bin through fromPretrained", () => {
  it("a folder with only pytorch_model.bin gives the fixture's logits bit for bit (and the reference's)", async () => {
    const dir = repo(tmp, "bin", { "pytorch_model.bin": torchSave(weights, { prefix: "pytorch_model" }) });
    const logits = await logitsOf(dir);
    assert.deepEqual(logits, fixtureLogits);
    assert.ok(maxAbsDiff(logits, ref.forward.logits.flat()) <= 1e-4);
  });

  it("sharded pytorch_model.bin.index.json", async () => {
    const dir = repo(tmp, "bin-sharded", await shards("pytorch_model{}.bin", (part) => torchSave(part)));
    assert.deepEqual(await logitsOf(dir), fixtureLogits);
  });

  it("model.safetensors wins over pytorch_model.bin when both are there (the .bin is not even read)", async () => {
    const dir = repo(tmp, "both", { "model.safetensors": fs.readFileSync(path.join(TINY_MODEL_DIR, "model.safetensors")), "pytorch_model.bin": Buffer.from("garbage") });
    assert.deepEqual(await logitsOf(dir), fixtureLogits);
  });

  it("roberta-tiny-bin reproduces roberta-tiny's logits", async (t) => {
    if (!(SUPPORTED_MODEL_TYPES as string[]).includes("roberta")) {
      t.skip('NOT RUN: no "roberta" model in this build yet (it comes with the other model families)');
      return;
    }
    const robertaRef = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, "roberta-tiny", "reference.json"), "utf-8"));
    const inputs = { input_ids: robertaRef.inputs.input_ids, attention_mask: robertaRef.inputs.attention_mask };
    const run = async (dir: string) => {
      const model = await AutoModelForSequenceClassification.fromPretrained(dir);
      try {
        return tf.tidy(() => model.forward(inputs).logits.dataSync() as Float32Array).slice();
      } finally {
        model.dispose();
      }
    };
    const fromBin = await run(path.join(FIXTURES_DIR, "roberta-tiny-bin"));
    assert.deepEqual(fromBin, await run(path.join(FIXTURES_DIR, "roberta-tiny")));
    assert.ok(maxAbsDiff(fromBin, (robertaRef.forward.logits as number[][]).flat()) <= 1e-5);
  });
});

describe("sharded, float16 and bfloat16 safetensors", () => {
  it("sharded model.safetensors.index.json gives the fixture's logits bit for bit", async () => {
    const files = await shards("model{}.safetensors", safetensorsBytes);
    const names = [...weights.keys()];
    const dir = repo(tmp, "st-sharded", files);
    assert.deepEqual(await logitsOf(dir), fixtureLogits);
    // A shard that lacks a tensor its index lists.
    fs.writeFileSync(path.join(dir, "model-00002-of-00002.safetensors"), await safetensorsBytes(new Map(names.slice(21).map((n) => [n, weights.get(n)!]))));
    await assert.rejects(logitsOf(dir), new RegExp(`index\\.json lists "${names[20].replace(/\./g, "\\.")}" in model-00002-of-00002\\.safetensors, which the shard does not hold`));
    // An index cannot send the loader outside the folder.
    fs.writeFileSync(path.join(dir, "model.safetensors.index.json"), JSON.stringify({ weight_map: { [names[0]]: "../bin/pytorch_model.bin" } }));
    await assert.rejects(logitsOf(dir), /Invalid filename "\.\.\/bin\/pytorch_model\.bin"/);
    fs.writeFileSync(path.join(dir, "model.safetensors.index.json"), JSON.stringify({ weights: {} }));
    await assert.rejects(logitsOf(dir), /model\.safetensors\.index\.json has no "weight_map" of tensor names to shard files/);
  });

  for (const [dtype, round, unitRoundoff] of [["F16", toF16, 2 ** -11], ["BF16", toBF16, 2 ** -8]] as const) {
    it(`${dtype}: loads exactly the rounded weights; logits within the ${dtype} rounding bound of the reference`, async () => {
      const rounded: Weights = new Map();
      const halves: Array<[string, number[], Uint16Array]> = [];
      for (const [name, t] of weights) {
        const bits = Uint16Array.from(f32Bits(t.data), round);
        const back = decodeTensorBytes(dtype, new Uint8Array(bits.slice().buffer)) as Float32Array;
        // Each value rounded to the nearest of the format (relative error at most the unit roundoff; subnormals absolute).
        const bad = t.data.findIndex((x, i) => !(Math.abs(back[i] - x) <= unitRoundoff * Math.abs(x) + 2 ** -25));
        assert.equal(bad, -1, `${name}[${bad}]: ${t.data[bad]} → ${back[bad]}`);
        rounded.set(name, { shape: t.shape, data: back });
        halves.push([name, t.shape, bits]);
      }
      const dir = repo(tmp, dtype, { "model.safetensors": halfSafetensors(dtype, halves) });
      const logits = await logitsOf(dir);
      // Exactly the rounded weights: the same logits as those weights stored as float32.
      const asF32 = repo(tmp, `${dtype}-as-f32`, { "model.safetensors": await safetensorsBytes(rounded) });
      assert.deepEqual(logits, await logitsOf(asF32));
      // Weights off by a relative u move each of the ~20 matrix products and LayerNorms on the way
      // to a logit by at most ~u (first order), so the logits by at most 20 u of their size, plus
      // the fixture's float32 tolerance.
      const scale = Math.max(...ref.forward.logits.flat().map(Math.abs));
      const diff = maxAbsDiff(logits, ref.forward.logits.flat());
      assert.ok(diff <= 20 * unitRoundoff * scale + 1e-4, `${dtype}: logits differ by ${diff} (bound ${20 * unitRoundoff * scale + 1e-4})`);
      assert.ok(diff > 0, "the rounding changed something");
      console.log(`${dtype}: logits within ${diff.toExponential(2)} of the reference (bound ${(20 * unitRoundoff * scale + 1e-4).toExponential(2)})`);
    });
  }
});

describe("from a hub", () => {
  let server: HubServer;
  let hubRoot: string;
  before(async () => {
    hubRoot = path.join(tmp, "hub");
    repo(hubRoot, "org/tiny-bin", { "pytorch_model.bin": torchSave(weights) });
    repo(hubRoot, "org/tiny-bin-sharded", await shards("pytorch_model{}.bin", (part) => torchSave(part)));
    const files = await shards("model{}.safetensors", safetensorsBytes);
    repo(hubRoot, "org/tiny-sharded", files);
    const halves = [...weights].map(([n, t]) => [n, t.shape, Uint16Array.from(f32Bits(t.data), toBF16)] as [string, number[], Uint16Array]);
    repo(hubRoot, "org/tiny-bf16", { "model.safetensors": halfSafetensors("BF16", halves) });
    server = await serveHub(hubRoot);
  });
  after(() => server.close());

  for (const id of ["org/tiny-bin", "org/tiny-bin-sharded", "org/tiny-sharded"]) {
    it(`${id}: downloaded and loaded, the fixture's logits bit for bit`, async () => {
      assert.deepEqual(await logitsOf(id, { endpoint: server.url, cacheDir: path.join(tmp, "cache") }), fixtureLogits);
    });
  }

  it("org/tiny-bf16: the same logits as the folder copy", async () => {
    const local = await logitsOf(path.join(hubRoot, "org/tiny-bf16"));
    assert.deepEqual(await logitsOf("org/tiny-bf16", { endpoint: server.url, cacheDir: path.join(tmp, "cache") }), local);
  });
});

/** A safetensors file of F16 or BF16 tensors given as raw 16-bit patterns. */
function halfSafetensors(dtype: "F16" | "BF16", tensors: Array<[string, number[], Uint16Array]>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape, bits] of tensors) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + bits.byteLength] };
    offset += bits.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([prefix, json, ...tensors.map(([, , bits]) => Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength))]);
}

const f32Bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);

/** float32 bits → bfloat16 bits, round to nearest even (finite inputs). */
function toBF16(bits: number): number {
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** float32 bits → float16 bits, round to nearest even (finite inputs; overflow to infinity). */
function toF16(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const e = ((bits >>> 23) & 0xff) - 127 + 15; // the float16 biased exponent
  if (e >= 0x1f) return sign | 0x7c00;
  if (e < -10) return sign; // below half the smallest subnormal
  // Normal: keep 10 of the 23 mantissa bits; subnormal: shift the implicit leading 1 in too.
  const mantissa = (bits & 0x7fffff) | (e > 0 ? 0 : 0x800000);
  const shift = e > 0 ? 13 : 14 - e;
  const kept = (e > 0 ? e << 10 : 0) | (mantissa >>> shift);
  const rest = mantissa & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return sign | (kept + (rest > half || (rest === half && kept & 1) ? 1 : 0));
}
