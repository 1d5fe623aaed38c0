// pytorch_model.bin without running it: the fixture saved by torch equals its safetensors twin bit for
// bit; every layout torch.save writes (dtypes, offsets, strides, shared storages, protocols 2 and 4,
// byte orders, deflated entries) reads as torch reads it; and hostile files are all refused while
// nothing they ask for runs.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseTorchCheckpoint, readTorchCheckpoint, TorchCheckpointError } from "../src/pytorch/index.js";
import { readSafetensors } from "../src/safetensors.js";
import { FIXTURES_DIR } from "./helpers/paths.js";
import { contiguousStride, Pickle, pickleStorage, pickleTensor, pickleTensorArgs, stateDictPickle, torchArchive, type TensorSpec, zip } from "./helpers/torch-pickle.js";

const BIN = path.join(FIXTURES_DIR, "roberta-tiny-bin", "pytorch_model.bin");

let tmp: string;
let marker: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tt-torch-"));
  marker = path.join(tmp, "PWNED");
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Bytes of little-endian values written by `write` (a Buffer method) at `size` bytes each. */
function le(size: number, values: Array<number | bigint>, write: (b: Buffer, v: never, at: number) => void): Uint8Array {
  const b = Buffer.alloc(size * values.length);
  values.forEach((v, i) => write(b, v as never, i * size));
  return b;
}

const spec = (key: string, storageType: string, numel: number, shape: number[], offset = 0, stride = contiguousStride(shape)): TensorSpec => ({
  key, storageType, numel, offset, shape, stride,
});

describe("reading torch.save checkpoints", () => {
  it("the roberta-tiny pytorch_model.bin (torch 1.13) equals roberta-tiny's model.safetensors bit for bit", async () => {
    const pickled = await readTorchCheckpoint(BIN);
    const safe = (await readSafetensors(path.join(FIXTURES_DIR, "roberta-tiny", "model.safetensors"))).tensors;
    assert.equal(pickled.size, 41);
    assert.deepEqual([...pickled.keys()].sort(), [...safe.keys()].sort());
    for (const [name, t] of safe) {
      const p = pickled.get(name)!;
      assert.equal(p.dtype, "F32", name);
      assert.deepEqual(p.shape, t.shape, name);
      assert.ok(Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength).equals(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)), name);
    }
  });

  it("every storage dtype, offsets, strides, shared storages, parameters, attributes, _metadata", () => {
    const f32 = Float32Array.from({ length: 12 }, (_, i) => i + 0.5);
    const storages: Record<string, Uint8Array> = {
      "0": new Uint8Array(f32.buffer),
      "1": le(2, [0x3c00, 0xc000, 0x7bff], (b, v, at) => b.writeUInt16LE(v, at)), // F16: 1, -2, 65504
      "2": le(2, [0x3f80, 0xc040], (b, v, at) => b.writeUInt16LE(v, at)), // BF16: 1, -3
      "3": le(8, [-1234567890123n, 5n], (b, v, at) => b.writeBigInt64LE(v, at)),
      "4": le(4, [-7, 8], (b, v, at) => b.writeInt32LE(v, at)),
      "5": le(2, [-3], (b, v, at) => b.writeInt16LE(v, at)),
      "6": le(1, [-5], (b, v, at) => b.writeInt8(v, at)),
      "7": Uint8Array.of(250),
      "8": Uint8Array.of(1, 0),
      "9": le(8, [Math.PI], (b, v, at) => b.writeDoubleLE(v, at)),
      "10": le(2, [1, 65535], (b, v, at) => b.writeUInt16LE(v, at)),
    };
    const p = new Pickle().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().put(0).mark();
    const plain: Array<[string, TensorSpec]> = [
      ["a", spec("0", "FloatStorage", 12, [3, 4])],
      ["a_t", spec("0", "FloatStorage", 12, [4, 3], 0, [1, 4])],
      ["a_slice", spec("0", "FloatStorage", 12, [2, 2], 5, [4, 1])],
      ["a_step", spec("0", "FloatStorage", 12, [2, 2], 0, [8, 3])],
      ["empty", spec("0", "FloatStorage", 12, [0, 3])],
      ["f16", spec("1", "HalfStorage", 3, [3])],
      ["bf16", spec("2", "BFloat16Storage", 2, [2, 1])],
      ["i64", spec("3", "LongStorage", 2, [2])],
      ["i32", spec("4", "IntStorage", 2, [2])],
      ["i16", spec("5", "ShortStorage", 1, [1])],
      ["i8", spec("6", "CharStorage", 1, [1])],
      ["u8", spec("7", "ByteStorage", 1, [1])],
      ["bool", spec("8", "BoolStorage", 2, [2])],
      ["scalar", spec("9", "DoubleStorage", 1, [])],
    ];
    for (const [name, t] of plain) pickleTensor(p.str(name), t);
    // torch >= 2.3: dtypes without a typed storage go through _rebuild_tensor_v3 and an UntypedStorage.
    p.str("u16").global("torch._utils", "_rebuild_tensor_v3").mark();
    pickleStorage(p, { key: "10", storageType: "UntypedStorage", numel: 4 }).int(0).ints([2]).ints([1]).bool(false);
    p.global("collections", "OrderedDict").emptyTuple().reduce().global("torch", "uint16").tuple().reduce();
    // nn.Parameter, and a tensor with a Python attribute.
    p.str("param").global("torch._utils", "_rebuild_parameter").mark();
    pickleTensor(p, spec("0", "FloatStorage", 12, [2])).bool(true).global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
    p.str("attr").global("torch._tensor", "_rebuild_from_type_v2").mark().global("torch._utils", "_rebuild_tensor_v2").global("torch", "Tensor");
    pickleTensorArgs(p, spec("0", "FloatStorage", 12, [3], 9)).emptyDict().str("note").str("hi").setitem().tuple().reduce();
    p.setitems();
    // module.state_dict() carries `_metadata`, set by BUILD.
    p.emptyDict().str("_metadata").global("collections", "OrderedDict").emptyTuple().reduce().str("").emptyDict().str("version").int(1).setitem().setitem().setitem().build();
    const archive = torchArchive(p.stop().bytes(), storages, { prefix: "pytorch_model", byteorder: "little" });

    const expected: Record<string, [string, number[], Array<number | bigint | boolean>]> = {
      a: ["F32", [3, 4], [...f32]],
      a_t: ["F32", [4, 3], [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11].map((i) => f32[i])],
      a_slice: ["F32", [2, 2], [5, 6, 9, 10].map((i) => f32[i])],
      a_step: ["F32", [2, 2], [0, 3, 8, 11].map((i) => f32[i])],
      empty: ["F32", [0, 3], []],
      f16: ["F16", [3], [1, -2, 65504]],
      bf16: ["BF16", [2, 1], [1, -3]],
      i64: ["I64", [2], [-1234567890123n, 5n]],
      i32: ["I32", [2], [-7, 8]],
      i16: ["I16", [1], [-3]],
      i8: ["I8", [1], [-5]],
      u8: ["U8", [1], [250]],
      bool: ["BOOL", [2], [1, 0]],
      scalar: ["F64", [], [Math.PI]],
      u16: ["U16", [2], [1, 65535]],
      param: ["F32", [2], [0.5, 1.5]],
      attr: ["F32", [3], [9.5, 10.5, 11.5]],
    };
    const check = (bytes: Uint8Array) => {
      const tensors = parseTorchCheckpoint(bytes, "layouts.bin");
      assert.deepEqual([...tensors.keys()], Object.keys(expected), "names, in the file's order");
      for (const [name, [dtype, shape, values]] of Object.entries(expected)) {
        const t = tensors.get(name)!;
        assert.equal(t.dtype, dtype, name);
        assert.deepEqual(t.shape, shape, name);
        assert.deepEqual([...t.data], values, name);
        assert.equal(t.data.byteOffset, 0, `${name} owns its buffer`);
      }
    };
    check(archive);
    check(torchArchive(p.bytes(), storages, { deflate: true }));
    // A big-endian machine's file: the same values with each item's bytes reversed.
    const swapped = Object.fromEntries(
      Object.entries(storages).map(([key, bytes]) => {
        const item = { "0": 4, "3": 8, "4": 4, "5": 2, "9": 8, "1": 2, "2": 2, "10": 2 }[key] ?? 1;
        const out = Uint8Array.from(bytes);
        for (let i = 0; i < out.length; i += item) out.subarray(i, i + item).reverse();
        return [key, out];
      }),
    );
    check(torchArchive(p.bytes(), swapped, { byteorder: "big" }));
  });

  it("protocol 4 (FRAME, SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE) and memo references", () => {
    const data = Float32Array.of(1, 2, 3, 4);
    const p = new Pickle().proto(4).raw(0x95, new Uint8Array(8));
    p.shortStr("collections").shortStr("OrderedDict").stackGlobal().memoize().emptyTuple().reduce().memoize().mark();
    p.shortStr("w").shortStr("torch._utils").shortStr("_rebuild_tensor_v2").stackGlobal().memoize();
    pickleTensorArgs(p, spec("0", "FloatStorage", 4, [2, 2])).reduce();
    p.shortStr("w_t").get(2); // the rebuild function again, from the memo
    pickleTensorArgs(p, spec("0", "FloatStorage", 4, [2, 2], 0, [1, 2])).reduce();
    p.setitems().stop();
    const tensors = parseTorchCheckpoint(torchArchive(p.bytes(), { "0": new Uint8Array(data.buffer) }));
    assert.deepEqual([...tensors.get("w")!.data], [1, 2, 3, 4]);
    assert.deepEqual([...tensors.get("w_t")!.data], [1, 3, 2, 4]);
  });

  it("the legacy (pre-1.6) format and other files get a message that says what to do", () => {
    // What torch.save(..., _use_new_zipfile_serialization=False) begins with: PROTO 2, LONG1 of the magic number.
    const legacy = new Pickle().proto(2).raw(0x8a, 0x0a, Uint8Array.of(0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19)).stop().bytes();
    assert.throws(() => parseTorchCheckpoint(legacy, "old.bin"), /^TorchCheckpointError: old\.bin: a checkpoint in the legacy \(pre-1\.6, non-zip\) torch\.save format.*Re-save it with a recent PyTorch.*safetensors/s);
    const tar = new Uint8Array(1024);
    tar.set(Buffer.from("ustar"), 257);
    assert.throws(() => parseTorchCheckpoint(tar, "old.tar"), /legacy/);
    assert.throws(() => parseTorchCheckpoint(Buffer.from("<html>404</html>"), "x.bin"), /x\.bin: not a PyTorch checkpoint .*3c 68 74 6d.*Re-download/);
    assert.rejects(readTorchCheckpoint(path.join(tmp, "missing.bin")), /missing\.bin: no such file/);
  });
});

describe("hostile and broken files are refused, and nothing runs", () => {
  let refusals = 0;
  const cmd = () => `touch ${marker}`;
  const storage0 = () => ({ "0": new Uint8Array(16) });

  /** `bytes` (a whole file) must be refused with a TorchCheckpointError matching `pattern`. */
  function refused(bytes: Uint8Array, pattern: RegExp): void {
    assert.throws(() => parseTorchCheckpoint(bytes, "evil.bin"), (err: unknown) => {
      assert.ok(err instanceof TorchCheckpointError, `expected a TorchCheckpointError, got ${String(err)}`);
      assert.match(err.message, /^evil\.bin: /);
      assert.match(err.message, pattern);
      return true;
    });
    assert.ok(!fs.existsSync(marker), "the payload ran");
    refusals++;
  }
  /** A pickle in an otherwise valid archive holding one 16-byte storage "0". */
  const inArchive = (p: Pickle, storages: Record<string, Uint8Array> = storage0()) => torchArchive(p.bytes(), storages);
  const stateDict = () => new Pickle().proto(2).global("collections", "OrderedDict").emptyTuple().reduce();
  const f32 = (shape: number[], extra: Partial<TensorSpec> = {}) => ({ ...spec("0", "FloatStorage", 4, shape), ...extra });

  it("globals that are not the tensor-rebuilding ones, however they are named", () => {
    refused(inArchive(new Pickle().proto(2).global("os", "system").str(cmd()).tuple1().reduce().stop()), /refused: it names the global os\.system, which a weights file never needs.*Nothing from it was run/);
    refused(inArchive(new Pickle().proto(2).global("posix", "system").str(cmd()).tuple1().reduce().stop()), /global posix\.system/);
    refused(inArchive(new Pickle().proto(2).global("builtins", "eval").str(`__import__('os').system('${cmd()}')`).tuple1().reduce().stop()), /global builtins\.eval/);
    refused(inArchive(new Pickle().proto(2).global("builtins", "getattr").stop()), /global builtins\.getattr/);
    refused(inArchive(new Pickle().proto(2).global("subprocess", "Popen").emptyList().mark().str("touch").str(marker).appends().tuple1().reduce().stop()), /global subprocess\.Popen/);
    refused(inArchive(new Pickle().proto(4).shortStr("os").shortStr("system").stackGlobal().shortStr(cmd()).tuple1().reduce().stop()), /global os\.system/);
    refused(inArchive(new Pickle().proto(4).int(1).int(2).stackGlobal().stop()), /refused: STACK_GLOBAL of 1 and 2/);
    refused(inArchive(new Pickle().proto(2).global("torch", "load").stop()), /global torch\.load/);
    refused(inArchive(new Pickle().proto(2).global("torch._utils", "_rebuild_tensor_v2.__globals__").stop()), /global torch\._utils\._rebuild_tensor_v2\.__globals__/);
    refused(inArchive(new Pickle().proto(2).global("torch.serialization", "_get_layout").stop()), /global torch\.serialization\._get_layout/);
    refused(inArchive(new Pickle().proto(2).raw(0x63, Buffer.from("os\nsys")).stop()), /ends inside a GLOBAL's name/);
  });

  it("calls and object building outside the allow-list: REDUCE, NEWOBJ, BUILD (__setstate__), INST, OBJ, EXT, PERSID", () => {
    refused(inArchive(new Pickle().proto(2).global("torch", "FloatStorage").emptyTuple().reduce().stop()), /refused: REDUCE calls torch\.FloatStorage; only .*_rebuild_tensor_v2/);
    refused(inArchive(new Pickle().proto(2).str("os.system").str(cmd()).tuple1().reduce().stop()), /REDUCE calls "os\.system"/);
    refused(inArchive(new Pickle().proto(2).global("collections", "OrderedDict").emptyList().reduce().stop()), /REDUCE with arguments a list of 0 instead of a tuple/);
    refused(inArchive(new Pickle().proto(2).global("collections", "OrderedDict").mark().str("x").tuple().reduce().stop()), /OrderedDict called with 1 arguments/);
    refused(inArchive(new Pickle().proto(2).global("torch", "FloatStorage").emptyTuple().newobj().stop()), /refused: NEWOBJ of torch\.FloatStorage/);
    refused(inArchive(new Pickle().proto(2).global("collections", "OrderedDict").str("x").tuple1().newobj().stop()), /NEWOBJ of collections\.OrderedDict/);
    // BUILD is __setstate__ / __dict__.update in Python: only an OrderedDict's attributes may be set.
    refused(inArchive(new Pickle().proto(2).emptyDict().emptyDict().str("__setstate__").str("os.system").setitem().build().stop()), /refused: BUILD \(__setstate__\) on a dict/);
    refused(inArchive(new Pickle().proto(2).global("collections", "OrderedDict").emptyDict().str("__reduce__").str(cmd()).setitem().build().stop()), /BUILD \(__setstate__\) on collections\.OrderedDict/);
    refused(inArchive(stateDict().none().emptyDict().str("__class__").str("os").setitem().tuple2().build().stop()), /BUILD with state a tuple of 2/);
    refused(inArchive(stateDict().emptyDict().int(7).int(1).setitem().build().stop()), /BUILD sets an attribute named 7/);
    const tensor = pickleTensor(new Pickle().proto(2), f32([4]));
    refused(inArchive(tensor.emptyDict().str("__setstate__").str(cmd()).setitem().build().stop()), /BUILD \(__setstate__\) on a tensor/);
    refused(inArchive(new Pickle().proto(2).mark().str(cmd()).raw(0x69, Buffer.from("os\nsystem\n")).stop()), /refused: opcode INST/);
    refused(inArchive(new Pickle().proto(2).mark().global("collections", "OrderedDict").raw(0x6f).stop()), /opcode OBJ/);
    refused(inArchive(new Pickle().proto(4).global("collections", "OrderedDict").emptyTuple().emptyDict().raw(0x92).stop()), /opcode NEWOBJ_EX/);
    refused(inArchive(new Pickle().proto(2).raw(0x82, 1).emptyTuple().reduce().stop()), /opcode EXT1/);
    refused(inArchive(new Pickle().proto(2).raw(0x84, 1, 0, 0, 0).stop()), /opcode EXT4/);
    refused(inArchive(new Pickle().proto(0).raw(0x50, Buffer.from("0\n")).stop()), /opcode PERSID/);
    refused(inArchive(new Pickle().raw(0x49, Buffer.from("1\n")).stop()), /opcode 0x49 \('I'\)/);
    refused(inArchive(new Pickle().proto(2).raw(0x30).stop()), /opcode 0x30/);
    refused(inArchive(new Pickle().proto(6).stop()), /protocol 6/);
    // _rebuild_from_type_v2 calls its first argument: only a rebuild function, to a tensor type.
    refused(inArchive(new Pickle().proto(2).global("torch._tensor", "_rebuild_from_type_v2").mark().global("collections", "OrderedDict").global("torch", "Tensor").emptyTuple().emptyDict().tuple().reduce().stop()), /_rebuild_from_type_v2 of collections\.OrderedDict/);
    refused(inArchive(new Pickle().proto(2).global("torch._tensor", "_rebuild_from_type_v2").mark().global("torch._utils", "_rebuild_tensor_v2").global("collections", "OrderedDict").emptyTuple().emptyDict().tuple().reduce().stop()), /_rebuild_from_type_v2 to type collections\.OrderedDict/);
    refused(inArchive(new Pickle().proto(2).global("torch._utils", "_rebuild_parameter").mark().str("x").bool(false).emptyDict().tuple().reduce().stop()), /a Parameter of "x"/);
    refused(inArchive(new Pickle().proto(2).global("torch._utils", "_rebuild_tensor_v2").mark().int(1).tuple().reduce().stop()), /_rebuild_tensor_v2 with 1 arguments/);
  });

  it("persistent ids that point outside the archive's storages", () => {
    const pid = (items: (p: Pickle) => Pickle) => inArchive(items(stateDict().str("w").global("torch._utils", "_rebuild_tensor_v2").mark().mark()).tuple().binpersid().stop());
    refused(pid((p) => p.str("storage").global("torch", "FloatStorage").str("../../../etc/passwd").str("cpu").int(4)), /refused: persistent id with storage key "\.\.\/\.\.\/\.\.\/etc\/passwd"/);
    refused(pid((p) => p.str("storage").global("torch", "FloatStorage").str("/etc/passwd").str("cpu").int(4)), /storage key "\/etc\/passwd"/);
    refused(pid((p) => p.str("storage").global("torch", "FloatStorage").str("7").str("cpu").int(4)), /refused: storage "7" is not in the archive \(no archive\/data\/7\)/);
    refused(pid((p) => p.str("storage").global("torch", "FloatStorage").str("0").str("cpu").int(1e9)), /storage "0" claims 1000000000 F32 values \(4000000000 bytes\) but archive\/data\/0 holds 16 bytes/);
    refused(pid((p) => p.str("storage").global("torch", "FloatStorage").str("0").str("cpu").int(-1)), /storage "0" with size -1/);
    refused(pid((p) => p.str("module").global("torch", "FloatStorage").str("0").str("cpu").int(4)), /refused: persistent id a tuple of 5; only \('storage'/);
    refused(pid((p) => p.str("storage").global("collections", "OrderedDict").str("0").str("cpu").int(4)), /storage type collections\.OrderedDict/);
    refused(pid((p) => p.str("storage").str("FloatStorage").str("0").str("cpu").int(4)), /storage type "FloatStorage"/);
    refused(pid((p) => p.str("storage").global("torch", "FloatStorage").str("0")), /persistent id a tuple of 3/);
    refused(inArchive(new Pickle().proto(2).str("0").binpersid().stop()), /persistent id "0"/);
    // The same storage named with two types (so that one view reads past the other's end).
    const two = stateDict().mark();
    pickleTensor(two.str("a"), f32([4]));
    pickleTensor(two.str("b"), spec("0", "DoubleStorage", 2, [2]));
    refused(inArchive(two.setitems().stop()), /storage "0" is named twice with different types or sizes/);
  });

  it("tensor views outside their storage, and stride-0 expansion bombs", () => {
    const one = (t: TensorSpec) => inArchive(pickleTensor(stateDict().str("w"), t).setitem().stop());
    refused(one(f32([5])), /"w" \(shape \[5\], stride \[1\], offset 0\) reaches element 4 of storage "0", which holds 4 F32 values/);
    refused(one(f32([2], { offset: 3 })), /reaches element 4/);
    refused(one(f32([2, 2], { stride: [3, 1] })), /reaches element 4/);
    refused(one(f32([1], { offset: 2 ** 52 })), /reaches element/);
    refused(one(f32([100000, 100000], { stride: [0, 0] })), /refused: its tensors would take 40000000000 bytes, more than 8 times the 16 bytes stored/);
    refused(one(f32([2 ** 40, 2 ** 40], { stride: [0, 0] })), /refused: its tensors would take/);
    refused(one(f32([-1])), /tensor shape a tuple of 1 is not a tuple of non-negative integers/);
    refused(one(f32([2, 2], { stride: [2] })), /shape \[2,2\] and stride \[2\] differ in length/);
  });

  it("deep nesting, memo bombs and huge counts stop early with a clear error", () => {
    const repeat = (op: number, n: number) => new Uint8Array(n).fill(op);
    refused(inArchive(new Pickle().proto(2).raw(repeat(0x28, 1001)).stop()), /refused: MARKs nested more than 1000 deep/);
    // 200000 nested 1-tuples: nothing walks into them, so no stack overflow.
    refused(inArchive(stateDict().str("x").int(1).raw(repeat(0x85, 200_000)).setitem().stop()), /"x" is a tuple of 1, not a tensor/);
    // Billion laughs: 40 levels of lists of 10 references to the level below (10^40 leaves if walked).
    const laughs = new Pickle().proto(2).emptyList().put(0);
    for (let i = 1; i <= 40; i++) {
      laughs.emptyList().mark();
      for (let j = 0; j < 10; j++) laughs.get(i - 1);
      laughs.appends().put(i);
    }
    refused(inArchive(laughs.stop()), /holds a list of 10, not a state dict/);
    refused(inArchive(stateDict().str("x").get(0).setitem().stop()), /BINGET of memo slot 0, which was never set/);
    const selfRef = stateDict().put(0);
    for (let i = 0; i < 2000; i++) selfRef.str(`k${i}`).get(0).setitem();
    refused(inArchive(selfRef.stop()), /"k0" is an OrderedDict, not a tensor/);
    refused(inArchive(new Pickle().proto(2).raw(0x58, 0xf0, 0xff, 0xff, 0xff).raw(Buffer.from("abc")).stop()), /ends inside a BINUNICODE string/);
    refused(inArchive(new Pickle().proto(3).raw(0x42, 0xff, 0xff, 0xff, 0x7f).stop()), /ends inside BINBYTES data/);
    refused(inArchive(new Pickle().proto(2).raw(0x6a, 0xff, 0xff, 0xff, 0xff).stop()), /BINGET of memo slot 4294967295/);
    refused(inArchive(new Pickle().proto(2).raw(0x58, 2, 0, 0, 0, 0xc3, 0x28).stop()), /not valid UTF-8/);
  });

  it("corrupt pickles: empty stacks, odd items, wrong targets, no STOP", () => {
    refused(inArchive(new Pickle().proto(2).reduce().stop()), /REDUCE finds an empty stack/);
    refused(inArchive(new Pickle().proto(2).stop()), /STOP finds an empty stack/);
    refused(inArchive(new Pickle().proto(2).tuple().stop()), /TUPLE without a MARK/);
    refused(inArchive(stateDict().mark().str("a").stop()), /STOP inside an open MARK/);
    refused(inArchive(stateDict().mark().str("a").setitems().stop()), /SETITEMS with an odd number of items/);
    refused(inArchive(new Pickle().proto(2).emptyList().str("a").str("b").setitem().stop()), /SETITEM on a list of 0; only dicts take items/);
    refused(inArchive(new Pickle().proto(2).emptyDict().str("a").append().stop()), /APPEND to a dict/);
    refused(inArchive(new Pickle().proto(2).emptyDict().mark().str("a").appends().stop()), /APPENDS to a dict/);
    refused(inArchive(new Pickle().proto(2).emptyDict().emptyTuple().str("a").setitem().stop()), /a dict key that is a tuple of 0/);
    refused(inArchive(new Pickle().proto(2).emptyList().stop()), /holds a list of 0, not a state dict/);
    refused(inArchive(new Pickle().proto(2).emptyDict().int(3).str("a").setitem().stop()), /has a key 3 that is no tensor name/);
    refused(inArchive(new Pickle().proto(2).emptyDict()), /the pickle ends without STOP/);
    refused(inArchive(new Pickle().proto(2).emptyDict().str("state_dict").emptyDict().setitem().stop()), /"state_dict" is a dict, not a tensor: save model\.state_dict\(\) alone/);
  });

  it("truncated pickles and truncated or malformed zips", () => {
    const whole = fs.readFileSync(BIN);
    const storages = Object.fromEntries(Array.from({ length: 41 }, (_, i) => [String(i), new Uint8Array(16)]));
    const original = stateDictPickle(Array.from({ length: 41 }, (_, i) => [`t${i}`, spec(String(i), "FloatStorage", 4, [2, 2])]));
    assert.equal(parseTorchCheckpoint(torchArchive(original, storages)).size, 41, "uncut, it reads");
    for (const cut of [1, 2, 3, 30, 100, Math.floor(original.length / 2), original.length - 2, original.length - 1]) {
      refused(torchArchive(original.subarray(0, cut), storages), /ends|truncated|empty stack|MARK/);
    }
    for (const cut of [0, 4, 21, 100, 4000, Math.floor(whole.length / 2), whole.length - 200, whole.length - 23, whole.length - 1]) {
      refused(whole.subarray(0, cut), /truncated|not a PyTorch checkpoint|end-of-central-directory|runs past the end/);
    }
    // The central directory intact but a data entry cut out from under it.
    const shifted = Buffer.concat([whole.subarray(0, 5000), whole.subarray(6000)]);
    refused(shifted, /runs past the end|no local header|no signature/);
    refused(zip([["archive/version", Buffer.from("3")]]), /holds one <archive>\/data\.pkl, this zip holds 0/);
    refused(zip([["a/data.pkl", Buffer.from("x")], ["b/data.pkl", Buffer.from("x")]]), /this zip holds 2/);
    refused(torchArchive(new Pickle().proto(2).emptyDict().stop().bytes(), {}, { byteorder: "middle" }), /byteorder is "middle"/);
    const bzip = Buffer.from(torchArchive(new Pickle().proto(2).emptyDict().stop().bytes(), {}));
    bzip.writeUInt16LE(12, bzip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10);
    refused(bzip, /uses compression method 12/);
  });

  it("pickles written by Python's own pickle module (a live payload) are refused", (t) => {
    const script =
      "import os,pickle,sys\n" +
      "class P:\n  def __reduce__(self): return (os.system, (sys.argv[1],))\n" +
      "class E:\n  def __reduce__(self): return (eval, ('__import__(\"os\").system(' + repr(sys.argv[1]) + ')',))\n" +
      "for proto in (2, 4, 5):\n  open(sys.argv[2] + f'/system{proto}.pkl', 'wb').write(pickle.dumps({'w': P()}, protocol=proto))\n" +
      "open(sys.argv[2] + '/eval.pkl', 'wb').write(pickle.dumps(E(), protocol=2))\n" +
      // The payload is live: Python's own unpickler runs it (the test checks, then removes the marker).
      "pickle.loads(open(sys.argv[2] + '/system2.pkl', 'rb').read())\n";
    const made = spawnSync("python3", ["-c", script, cmd(), tmp]);
    if (made.error !== undefined) {
      t.skip(`NOT RUN: python3 cannot be started (${made.error.message}), so the Python-written payloads were not made (the hand-written ones above still ran)`);
      return;
    }
    assert.equal(made.status, 0, String(made.stderr));
    const payloads = fs.readdirSync(tmp).filter((f) => f.endsWith(".pkl")).sort();
    assert.deepEqual(payloads, ["eval.pkl", "system2.pkl", "system4.pkl", "system5.pkl"]);
    assert.ok(fs.existsSync(marker), "Python's pickle.loads ran the payload");
    fs.rmSync(marker);
    for (const f of payloads) {
      const bytes = fs.readFileSync(path.join(tmp, f));
      refused(torchArchive(bytes, {}), f === "eval.pkl" ? /global (__builtin__|builtins)\.eval/ : /global (os|posix)\.system/);
      refused(bytes, /legacy/); // a bare pickle is what the pre-1.6 format looks like: never unpickled
    }
  });

  after(() => {
    assert.ok(!fs.existsSync(marker));
    console.log(`hostile or broken files refused: ${refusals}`);
  });
});
