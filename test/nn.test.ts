import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend.js";
import { registerNativeBackend } from "../src/accel/native-backend.js";
import { Dropout, Embedding, Generator, LayerNorm, Linear, Module, ModuleList, gelu, getActivation, manualSeed } from "../src/nn/index.js";

const BACKENDS = ["cpu", "wasm", ...(registerNativeBackend().ok ? ["native"] : [])];

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= atol, `${what}[${i}]: ${actual[i]} vs ${expected[i]} (atol ${atol})`);
  }
}

class Block extends Module {
  readonly lin: Linear;
  readonly norm: LayerNorm;
  readonly stack: ModuleList<Linear>;
  constructor() {
    super();
    this.lin = this.registerModule("lin", new Linear(3, 2));
    this.norm = this.registerModule("norm", new LayerNorm(2));
    this.stack = this.registerModule("stack", new ModuleList([new Linear(2, 2, { bias: false }), new Linear(2, 1)]));
  }
}

describe("Module", () => {
  before(() => initBackend("cpu"));

  it("names parameters as PyTorch does, in registration order", () => {
    const m = new Block();
    assert.deepEqual(
      m.namedParameters().map(([n, v]) => [n, v.shape]),
      [
        ["lin.weight", [2, 3]], ["lin.bias", [2]], ["norm.weight", [2]], ["norm.bias", [2]],
        ["stack.0.weight", [2, 2]], ["stack.1.weight", [1, 2]], ["stack.1.bias", [1]],
      ],
    );
    assert.equal(m.numParameters(), 6 + 2 + 2 + 2 + 4 + 2 + 1);
    assert.deepEqual(m.namedModules().map(([n]) => n), ["", "lin", "norm", "stack", "stack.0", "stack.1"]);
    m.dispose();
  });

  it("train() and eval() switch every submodule", () => {
    const m = new Block();
    assert.equal(m.training, true);
    m.eval();
    assert.ok(m.namedModules().every(([, x]) => !x.training));
    m.train();
    assert.ok(m.namedModules().every(([, x]) => x.training));
    m.dispose();
  });

  it("stateDict → loadStateDict copies every value; bad shapes and names are errors that name the tensor", () => {
    const a = new Block();
    const b = new Block();
    const state = a.stateDict();
    assert.deepEqual(b.loadStateDict(state), { missingKeys: [], unexpectedKeys: [] });
    for (const [name, v] of b.namedParameters()) assert.deepEqual(Array.from(v.dataSync()), Array.from(state[name].data), name);

    const wrong = { ...state, "lin.weight": { shape: [3, 2], data: new Float32Array(6) } };
    assert.throws(() => b.loadStateDict(wrong), /size mismatch for lin\.weight: copying a param with shape \[3, 2\], the shape in the current model is \[2, 3\]/);
    const { "lin.bias": _dropped, ...partial } = state;
    assert.throws(() => b.loadStateDict(partial), /Missing key\(s\): lin\.bias/);
    assert.deepEqual(b.loadStateDict({ ...partial, extra: { shape: [1], data: [1] } }, { strict: false }), {
      missingKeys: ["lin.bias"],
      unexpectedKeys: ["extra"],
    });
    a.dispose();
    b.dispose();
  });
});

describe("Generator", () => {
  it("is reproducible from a seed and draws normal(0, 1)", () => {
    const x = new Generator(42).normalArray(20000);
    assert.deepEqual(Array.from(new Generator(42).normalArray(5)), Array.from(x.slice(0, 5)));
    assert.notDeepEqual(Array.from(new Generator(43).normalArray(5)), Array.from(x.slice(0, 5)));
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const std = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(std - 1) < 0.03, `mean ${mean}, std ${std}`);
  });
});

for (const backend of BACKENDS) {
  describe(`nn layers on ${backend}`, () => {
    it("selects the backend", async () => {
      assert.equal(await initBackend(backend), backend);
    });

    it("Linear keeps weight [out, in] and computes x W^T + b, with PyTorch's gradients", () => {
      const lin = new Linear(3, 2);
      lin.weight.assign(tf.tensor2d([[1, 2, 3], [-1, 0, 0.5]]));
      lin.bias!.assign(tf.tensor1d([0.5, -0.5]));
      const x = tf.tensor3d([[[1, 0, 2], [0, 1, -1]]]); // [1, 2, 3]
      const y = lin.forward(x);
      assert.deepEqual(y.shape, [1, 2, 2]);
      assertClose(y.dataSync(), [7.5, -0.5, -0.5, -1], 1e-6, "y");
      const { grads } = tf.variableGrads(() => tf.sum(lin.forward(x)) as tf.Scalar, [lin.weight, lin.bias!]);
      // d sum / dW[o, i] = sum over rows of x[:, i]; d sum / db = number of rows.
      assertClose(grads[lin.weight.name].dataSync(), [1, 1, 1, 1, 1, 1], 1e-6, "dW");
      assertClose(grads[lin.bias!.name].dataSync(), [2, 2], 1e-6, "db");
      assert.throws(() => lin.forward(tf.zeros([2, 4])), /last dimension is 4 but the layer takes 3/);
      lin.dispose();
    });

    it("Embedding gives the padding row no gradient and sums repeated ids", () => {
      const emb = new Embedding(5, 2, { paddingIdx: 0 });
      assert.deepEqual(Array.from(emb.weight.dataSync().slice(0, 2)), [0, 0], "padding row starts at zero");
      const ids = tf.tensor2d([[1, 0, 3], [3, 0, 0]], undefined, "int32");
      const out = emb.forward(ids);
      assert.deepEqual(out.shape, [2, 3, 2]);
      const w = emb.weight.arraySync() as number[][];
      assertClose(out.dataSync().slice(0, 2), w[1], 0, "row 1");
      const { grads } = tf.variableGrads(() => tf.sum(emb.forward(ids)) as tf.Scalar, [emb.weight]);
      assert.deepEqual(Array.from(grads[emb.weight.name].dataSync()), [0, 0, 1, 1, 0, 0, 2, 2, 0, 0]);
      emb.dispose();
    });

    it("LayerNorm matches PyTorch (biased variance, eps inside the root)", () => {
      const ln = new LayerNorm(4);
      ln.weight.assign(tf.tensor1d([1, 0.5, -2, 1.5]));
      ln.bias.assign(tf.tensor1d([0.1, 0, -0.1, 0.2]));
      const y = ln.forward(tf.tensor2d([[1, 2, 4, -3], [0.5, 0.5, 0.5, 0.5]]));
      // torch.nn.functional.layer_norm, computed in float64.
      assertClose(y.dataSync(), [0.1, 0.19611598427979263, -2.4533918113575117, -2.1533918113575115, 0.1, 0, -0.1, 0.2], 2e-6, "y");
      assert.equal(new LayerNorm(8, { eps: 1e-12 }).eps, 1e-12);
      ln.dispose();
    });

    it("gelu is the exact erf GELU, value and gradient", () => {
      const xs = [-6, -3, -1.5, -0.5, -1e-3, 0, 1e-3, 0.3, 1, 2.5, 6];
      // x * 0.5 * (1 + math.erf(x / sqrt(2))) and its derivative, in Python float64.
      const values = [-5.919525869479969e-9, -0.00404969409489031, -0.10021080190328713, -0.15426876936299344, -0.000499601057786089, 0, 0.000500398942213911, 0.18537342665668577, 0.8413447460685429, 2.4844758366855597, 5.999999994080474];
      const slopes = [-3.546870945402639e-8, -0.011945647204183918, -0.12746919222997954, 0.13250487534383712, 0.4992021157051586, 0.5, 0.5007978842948414, 0.7323277668271098, 1.0833154705876864, 1.037611085908145, 1.0000000354687093];
      const x = tf.tensor1d(xs);
      assertClose(gelu(x).dataSync(), values, 1e-6, "gelu");
      assertClose(tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x).dataSync(), slopes, 1e-6, "gelu'");
      assert.throws(() => getActivation("swish"), /Unknown activation "swish"; supported: gelu, gelu_new, gelu_pytorch_tanh, relu, tanh/);
    });

    it("gelu_new is the tanh approximation (ALBERT's), value and a gradient", () => {
      const xs = [-6, -3, -1.5, -0.5, -0.001, 0, 0.001, 0.3, 1, 2.5, 6];
      // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), in Python float64.
      const values = [-8.43964897967453e-11, -0.0036373920817729943, -0.10042842301976707, -0.15428599017485606, -0.000499601057786418, 0.0, 0.000500398942213582, 0.18537092354275922, 0.8411919906082768, 2.484915733910001, 5.9999999999156035];
      const x = tf.tensor1d(xs);
      assertClose(getActivation("gelu_new")(x).dataSync(), values, 1e-6, "gelu_new");
      assert.ok(Math.abs(values[8] - 0.8413447460685429) > 1e-4, "differs from the exact GELU");
      const slope = tf.grad((t: tf.Tensor) => tf.sum(getActivation("gelu_new")(t)))(tf.tensor1d([0])).dataSync()[0];
      assert.ok(Math.abs(slope - 0.5) < 1e-6, `gelu_new'(0) ${slope}`);
    });

    it("Dropout is active in training mode only, scaled by 1/(1-p), reproducible after manualSeed", () => {
      const drop = new Dropout(0.25);
      const x = tf.ones([4000]);
      manualSeed(7);
      const a = drop.forward(x).dataSync();
      const kept = a.filter((v) => v !== 0);
      assert.ok(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6));
      assert.ok(Math.abs(kept.length / a.length - 0.75) < 0.03, `kept ${kept.length}`);
      manualSeed(7);
      assert.deepEqual(Array.from(drop.forward(x).dataSync()), Array.from(a));
      drop.eval();
      assert.equal(drop.forward(x), x);
      assert.throws(() => new Dropout(1), /p must be in \[0, 1\)/);
    });
  });
}
