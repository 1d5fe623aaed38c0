// Parity of DistilBERT against the float32 PyTorch reference of the fixture (forward and gradients),
// on every backend present, plus the model's options and random initialisation.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend.js";
import { registerNativeBackend } from "../src/accel/native-backend.js";
import { DistilBertConfig, DistilBertForSequenceClassification, DistilBertModel, FLOAT32_MIN, attentionMaskBias } from "../src/models/index.js";
import { distilBertForwardBounds, float32Bound } from "./helpers/float32.js";
import { TINY_MODEL_DIR } from "./helpers/paths.js";

// test/webgpu.test.ts runs this file again with TT_TEST_BACKENDS=webgpu over SwiftShader.
const BACKENDS = process.env.TT_TEST_BACKENDS?.split(",") ?? ["cpu", "wasm", ...(registerNativeBackend().ok ? ["native"] : [])];

interface GradStats { sum: number; l2: number; head: number[] }
const ref = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "reference.json"), "utf-8")) as {
  inputs: { input_ids: number[][]; attention_mask: number[][]; labels: number[] };
  forward: { last_hidden_state: number[][][]; logits: number[][]; loss: number; cls_hidden_state: number[][] };
  gradients: { stats: Record<string, GradStats>; full: Record<string, unknown[]> };
};
const batch = { input_ids: ref.inputs.input_ids, attention_mask: ref.inputs.attention_mask, labels: ref.inputs.labels };

// Reads are awaited throughout: webgpu has no synchronous read in Node.
async function maxAbsDiff(actual: tf.Tensor, expected: unknown[]): Promise<number> {
  const a = await actual.data();
  const e = expected.flat(3) as number[];
  assert.equal(a.length, e.length);
  let max = 0;
  for (let i = 0; i < e.length; i++) max = Math.max(max, Math.abs(a[i] - e[i]));
  return max;
}

/** tf.tidy for an async body (nothing else runs tfjs meanwhile in this file). */
async function scoped(fn: () => Promise<void>): Promise<void> {
  tf.engine().startScope();
  try {
    await fn();
  } finally {
    tf.engine().endScope();
  }
}

function l2(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return Math.sqrt(s);
}

for (const backend of BACKENDS) {
  describe(`DistilBertForSequenceClassification vs the PyTorch reference on ${backend}`, () => {
    let model: DistilBertForSequenceClassification;

    it("loads the fixture", async () => {
      assert.equal(await initBackend(backend), backend);
      model = await DistilBertForSequenceClassification.fromPretrained(TINY_MODEL_DIR);
      assert.equal(model.training, false, "fromPretrained returns the model in eval mode");
    });

    it("forward: last_hidden_state, logits and loss within their float32 bounds, with the last layer whole or first token only", async (t) => {
      const o = model.forward(batch, { outputHiddenStates: true });
      const first = model.forward(batch); // the default: the last layer computes only the first token, all the head reads
      const lossOff = async (loss: tf.Scalar) => Math.abs((await loss.data())[0] - ref.forward.loss);
      const out = {
        hidden: await maxAbsDiff(o.hiddenStates![o.hiddenStates!.length - 1], ref.forward.last_hidden_state),
        logits: await maxAbsDiff(o.logits, ref.forward.logits),
        loss: await lossOff(o.loss!),
        firstTokenLogits: await maxAbsDiff(first.logits, ref.forward.logits),
        firstTokenLoss: await lossOff(first.loss!),
      };
      tf.dispose([...o.hiddenStates!, o.logits, o.loss!, first.logits, first.loss!]);
      assert.equal(first.hiddenStates, undefined);
      const bounds = distilBertForwardBounds(model.config, ref);
      t.diagnostic(
        `${backend}: max |Δ| last_hidden_state ${out.hidden.toExponential(2)} (bound ${bounds.hidden.toExponential(2)}), ` +
          `logits ${out.logits.toExponential(2)} / ${out.firstTokenLogits.toExponential(2)} first token only (bound ${bounds.logits.toExponential(2)}), ` +
          `|Δ loss| ${out.loss.toExponential(2)} / ${out.firstTokenLoss.toExponential(2)} (bound ${bounds.loss.toExponential(2)})`,
      );
      assert.ok(out.hidden <= bounds.hidden, `last_hidden_state ${out.hidden}`);
      assert.ok(out.logits <= bounds.logits && out.firstTokenLogits <= bounds.logits, `logits ${out.logits}, first token only ${out.firstTokenLogits}`);
      assert.ok(out.loss <= bounds.loss && out.firstTokenLoss <= bounds.loss, `loss ${out.loss}, first token only ${out.firstTokenLoss}`);
    });

    it("backward: every parameter's gradient within ||g - g_ref|| <= 1e-3 ||g_ref|| + 1e-6 sqrt(n); [PAD] row exactly zero", async (t) => {
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => model.forward(batch).loss!, model.parameters());
      assert.ok(Math.abs((await value.data())[0] - ref.forward.loss) <= distilBertForwardBounds(model.config, ref).loss);
      const names = model.namedParameters();
      assert.deepEqual(names.map(([n]) => n).sort(), Object.keys(ref.gradients.stats).sort(), "one gradient per reference tensor");
      let worst = 0;
      let worstName = "";
      for (const [name, v] of names) {
        const g = (await grads[v.name].data()) as Float32Array;
        const stats = ref.gradients.stats[name];
        const absBound = 1e-6 * Math.sqrt(g.length);
        const full = ref.gradients.full[name];
        // k_lin.bias's gradient is zero in exact arithmetic: its values are rounding noise.
        const bound = name.endsWith("attention.k_lin.bias") ? absBound : 1e-3 * stats.l2 + absBound;
        let ratio: number;
        if (full !== undefined) {
          const e = full.flat(3) as number[];
          ratio = l2(e.map((x, i) => g[i] - x)) / bound;
        } else {
          // Only stats: each is a lower bound of ||g - g_ref|| (the sum's up to sqrt(n)).
          const head = stats.head.map((x, i) => g[i] - x);
          const sum = g.reduce((s, x) => s + x, 0);
          ratio = Math.max(Math.abs(l2(g) - stats.l2) / bound, l2(head) / bound, Math.abs(sum - stats.sum) / (Math.sqrt(g.length) * bound));
        }
        assert.ok(ratio <= 1, `${name}: gradient off by ${ratio.toFixed(2)} times the tolerance`);
        if (ratio > worst) [worst, worstName] = [ratio, name];
      }
      t.diagnostic(`${backend}: worst gradient error ${(worst * 100).toFixed(3)}% of its tolerance (${worstName})`);
      const word = model.distilbert.embeddings.word_embeddings.weight;
      const padSlice = grads[word.name].slice([0, 0], [1, model.config.dim]);
      const padRow = await padSlice.data();
      padSlice.dispose();
      assert.ok(padRow.every((x) => x === 0), "the [PAD] row of the word embeddings gets no gradient");
      tf.dispose([value, ...Object.values(grads)]);
      assert.equal(tf.memory().numTensors, before, "no tensor leaks from forward + backward");
    });

    it("hidden states (embeddings + each layer) and attentions on request", async () => {
      await scoped(async () => {
        const out = model.forward(batch, { outputHiddenStates: true, outputAttentions: true });
        assert.equal(out.hiddenStates!.length, model.config.n_layers + 1);
        const bounds = distilBertForwardBounds(model.config, ref);
        assert.ok((await maxAbsDiff(out.hiddenStates![model.config.n_layers], ref.forward.last_hidden_state)) <= bounds.hidden);
        assert.equal(out.attentions!.length, model.config.n_layers);
        const att = out.attentions![0];
        assert.deepEqual(att.shape, [5, model.config.n_heads, 24, 24]);
        const rowSums = await tf.sum(att, -1).data();
        // 24 probabilities (each an expf and a division) summed: about 24 + 4 roundings on a total of 1.
        assert.ok(rowSums.every((s) => Math.abs(s - 1) <= float32Bound(24 + 4, 1)));
        // The first text has 8 tokens: keys 8.. are padding and get no attention.
        const padKeys = await att.slice([0, 0, 0, 8], [1, -1, -1, -1]).data();
        assert.ok(padKeys.every((x) => x === 0));
        assert.ok((await maxAbsDiff(tf.squeeze(out.hiddenStates![model.config.n_layers].slice([0, 0, 0], [-1, 1, -1]), [1]), ref.forward.cls_hidden_state)) <= bounds.hidden);
        const plain = model.forward(batch);
        assert.equal(plain.hiddenStates, undefined);
        assert.equal(plain.attentions, undefined);
        const first = model.distilbert.forward(batch, { firstTokenOnly: true }).lastHiddenState;
        assert.deepEqual(first.shape, [5, 1, model.config.dim]);
        assert.ok((await maxAbsDiff(tf.squeeze(first, [1]), ref.forward.cls_hidden_state)) <= bounds.hidden);
        assert.throws(() => model.distilbert.forward(batch, { firstTokenOnly: true, outputAttentions: true }), /cannot be combined with outputHiddenStates or outputAttentions/);
      });
    });

    it("dropout only in training mode; labels of -100 are left out of the loss", async () => {
      await scoped(async () => {
        const evalLogits = await model.forward(batch).logits.data();
        model.train();
        const trainLogits = await model.forward(batch).logits.data();
        model.eval();
        assert.ok(evalLogits.some((x, i) => x !== trainLogits[i]), "dropout changes the logits in training mode");
        assert.deepEqual(Array.from(await model.forward(batch).logits.data()), Array.from(evalLogits));
        const two = { input_ids: batch.input_ids.slice(0, 2), attention_mask: batch.attention_mask.slice(0, 2) };
        const both = (await model.forward({ ...two, labels: batch.labels.slice(0, 2) }).loss!.data())[0];
        const first = (await model.forward({ input_ids: [two.input_ids[0]], attention_mask: [two.attention_mask[0]], labels: [batch.labels[0]] }).loss!.data())[0];
        const ignored = (await model.forward({ ...two, labels: [batch.labels[0], -100] }).loss!.data())[0];
        // The same row in batches of 1 and 2: kernels may sum in another order per batch shape.
        const lossBound = distilBertForwardBounds(model.config, ref).loss;
        assert.ok(Math.abs(ignored - first) <= lossBound && Math.abs(both - first) > lossBound, `${ignored} ${first} ${both}`);
      });
    });

    it("clear errors for bad inputs", () => {
      assert.throws(() => model.forward({ input_ids: [[101, 102], [101]] }), /rows have different lengths .* pad them/);
      assert.throws(() => model.forward({ input_ids: [[101, 30522]] }), /ids up to 30522 but the vocabulary has 30522 tokens/);
      assert.throws(() => model.forward({ input_ids: [[101, 102]], labels: [7] }), /label 7 is not a class id of this model \(0 to 3\)/);
      assert.throws(() => tf.tidy(() => model.forward({ input_ids: [[101, 102]], labels: tf.tensor1d([4], "int32") })), /label 4 is not a class id/);
      assert.throws(() => model.forward({ input_ids: [[101, 102]], attention_mask: [[1, 1, 0]] }), /attention_mask has shape \[1,3\] but input_ids has \[1,2\]/);
      assert.throws(() => model.forward({ input_ids: [new Array(513).fill(0)] }), /513 tokens but this model has only 512 positions/);
    });

    it("frees its memory on dispose", () => {
      const before = tf.memory().numTensors;
      const n = model.parameters().length;
      model.dispose();
      assert.equal(tf.memory().numTensors, before - n);
    });
  });
}

describe("DistilBERT built from a config", () => {
  it("initialises like transformers, reproducibly from a seed", async () => {
    await initBackend("cpu");
    const config = new DistilBertConfig({ dim: 32, n_layers: 2, n_heads: 4, hidden_dim: 37, num_labels: 3 });
    assert.deepEqual(config.id2label, { 0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2" });
    assert.equal(new DistilBertConfig({ numLabels: 5 }).numLabels, 5);
    assert.equal(new DistilBertConfig().numLabels, 2, "transformers' default");
    assert.equal(config.toJSON().num_labels, undefined, "num_labels is not stored: id2label says it");
    const a = new DistilBertForSequenceClassification(config, { seed: 1 });
    const b = new DistilBertForSequenceClassification(config, { seed: 1 });
    const c = new DistilBertForSequenceClassification(config, { seed: 2 });
    const state = a.stateDict();
    assert.deepEqual(Array.from(b.stateDict()["classifier.weight"].data), Array.from(state["classifier.weight"].data));
    assert.notDeepEqual(Array.from(c.stateDict()["classifier.weight"].data), Array.from(state["classifier.weight"].data));
    assert.deepEqual(state["classifier.weight"].shape, [3, 32]);
    const std = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
    const word = state["distilbert.embeddings.word_embeddings.weight"].data;
    assert.ok(word.slice(0, 32).every((x) => x === 0), "the [PAD] row starts at zero");
    assert.ok(Math.abs(std(word) - 0.02) < 5e-4, `word embeddings std ${std(word)}`);
    assert.ok(Math.abs(std(state["distilbert.transformer.layer.1.ffn.lin1.weight"].data) - 0.02) < 3e-3);
    assert.ok(state["distilbert.transformer.layer.0.attention.q_lin.bias"].data.every((x) => x === 0));
    assert.ok(state["distilbert.transformer.layer.0.sa_layer_norm.weight"].data.every((x) => x === 1));
    assert.ok(state["distilbert.embeddings.LayerNorm.bias"].data.every((x) => x === 0));
    assert.equal(a.training, true, "a new model starts in training mode, as in PyTorch");
    for (const m of [a, b, c]) m.dispose();
  });

  it("sinusoidal_pos_embds gives a frozen sin/cos position table", async () => {
    await initBackend("cpu");
    const model = new DistilBertModel(new DistilBertConfig({ dim: 8, n_layers: 1, n_heads: 2, hidden_dim: 16, vocab_size: 50, max_position_embeddings: 16, sinusoidal_pos_embds: true }), { seed: 0 });
    const pos = model.embeddings.position_embeddings.weight;
    assert.equal(pos.trainable, false);
    const row1 = Array.from(pos.dataSync().slice(8, 16));
    const expected = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => {
      const angle = 1 / Math.pow(10000, (2 * Math.floor(j / 2)) / 8);
      return j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    });
    row1.forEach((x, j) => assert.ok(Math.abs(x - expected[j]) < 1e-6));
    const out = model.forward({ input_ids: [[1, 2, 3]] });
    assert.deepEqual(out.lastHiddenState.shape, [1, 3, 8]);
    model.dispose();
  });

  it("masks padding with float32's minimum, as transformers", async () => {
    await initBackend("cpu");
    const bias = attentionMaskBias(tf.tensor2d([[1, 1, 0]], undefined, "int32"));
    assert.deepEqual(bias.shape, [1, 1, 1, 3]);
    assert.ok(Array.from(bias.dataSync()).every((x, i) => x === [0, 0, FLOAT32_MIN][i]));
    assert.equal(Math.fround(FLOAT32_MIN), FLOAT32_MIN);
  });

  it("rejects inconsistent configs with a clear message", () => {
    assert.throws(() => new DistilBertConfig({ dim: 30, n_heads: 4 }), /dim \(30\) must be a multiple of n_heads \(4\)/);
    assert.throws(() => new DistilBertConfig({ dropout: 1.5 }), /dropout must be a probability/);
    assert.throws(() => new DistilBertConfig({ model_type: "bert" }), /got model_type "bert"/);
    assert.throws(() => new DistilBertConfig({ problem_type: "multi_label_classification" }) && new DistilBertForSequenceClassification(new DistilBertConfig({ problem_type: "multi_label_classification", dim: 8, n_heads: 2, n_layers: 1, vocab_size: 10 })), /problem_type "multi_label_classification" is not supported/);
  });
});
