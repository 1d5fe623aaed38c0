// fromPretrained / savePretrained through the Auto classes: the fixture, its masked-LM body (base/),
// a local hub, a save → load round trip, and the errors a user can run into.
import { after, before, describe, it, mock } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend.js";
import { serveHub, type HubServer } from "../src/hub/index.js";
import { AutoConfig, AutoModel, AutoModelForSequenceClassification, DistilBertConfig, DistilBertForSequenceClassification, DistilBertModel } from "../src/models/index.js";
import { readSafetensors } from "../src/safetensors.js";
import { SHARED_HUB, TINY_MODEL_DIR } from "./helpers/paths.js";
import { distilBertForwardBounds } from "./helpers/float32.js";

const BASE_DIR = path.join(TINY_MODEL_DIR, "base");
const ref = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "reference.json"), "utf-8")) as {
  inputs: { input_ids: number[][]; attention_mask: number[][]; labels: number[] };
  forward: { last_hidden_state: number[][][]; logits: number[][]; loss: number };
};
const batch = { input_ids: ref.inputs.input_ids, attention_mask: ref.inputs.attention_mask };
const bounds = distilBertForwardBounds(JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "config.json"), "utf-8")), ref);

function maxAbsDiff(actual: tf.Tensor, expected: unknown[]): number {
  const a = actual.dataSync();
  const e = expected.flat(3) as number[];
  assert.equal(a.length, e.length);
  return e.reduce((m, x, i) => Math.max(m, Math.abs(a[i] - x)), 0);
}

/** Run `fn` with console.warn captured; returns the weight notices it printed (not tfjs's own banner). */
async function captureWarnings<T>(fn: () => Promise<T>): Promise<{ result: T; warnings: string }> {
  const warn = mock.method(console, "warn", () => undefined);
  try {
    const result = await fn();
    const lines = warn.mock.calls.map((c) => c.arguments.join(" ")).filter((w) => w.startsWith("Some weights"));
    return { result, warnings: lines.join("\n") };
  } finally {
    warn.mock.restore();
  }
}

let tmp: string;
before(async () => {
  await initBackend();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tt-auto-"));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), content);
  return dir;
}

describe("AutoModelForSequenceClassification.fromPretrained", () => {
  it("loads the fixture: logits and loss match the reference, config labels kept, no notice", async () => {
    const { result: model, warnings } = await captureWarnings(() => AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR));
    assert.equal(warnings, "");
    assert.ok(model instanceof DistilBertForSequenceClassification);
    assert.deepEqual(model.config.id2label, { 0: "anger", 1: "joy", 2: "optimism", 3: "sadness" });
    assert.equal(model.config.numLabels, 4);
    tf.tidy(() => {
      const out = model.forward({ ...batch, labels: ref.inputs.labels });
      assert.ok(maxAbsDiff(out.logits, ref.forward.logits) <= bounds.logits);
      assert.ok(Math.abs(out.loss!.dataSync()[0] - ref.forward.loss) <= bounds.loss);
    });
    model.dispose();
  });

  it("from base/ (a masked-LM checkpoint): the body loads, a new head is initialised, and transformers' notices are printed", async () => {
    const { result: model, warnings } = await captureWarnings(() =>
      AutoModelForSequenceClassification.fromPretrained(BASE_DIR, { numLabels: 4, seed: 0 }),
    );
    assert.match(
      warnings,
      new RegExp(
        `^Some weights of the model checkpoint at ${BASE_DIR} were not used when initializing DistilBertForSequenceClassification: ` +
          `\\['vocab_transform.weight', 'vocab_transform.bias', 'vocab_layer_norm.weight', 'vocab_layer_norm.bias', 'vocab_projector.bias'\\]\n- This IS expected`,
      ),
    );
    assert.ok(
      warnings.includes(
        `Some weights of DistilBertForSequenceClassification were not initialized from the model checkpoint at ${BASE_DIR} and are newly initialized: ` +
          `['classifier.bias', 'classifier.weight', 'pre_classifier.bias', 'pre_classifier.weight']\n` +
          `You should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.`,
      ),
      warnings,
    );
    assert.deepEqual(model.config.id2label, { 0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2", 3: "LABEL_3" });
    tf.tidy(() => {
      const out = model.forward(batch, { outputHiddenStates: true });
      assert.ok(maxAbsDiff(out.hiddenStates![out.hiddenStates!.length - 1], ref.forward.last_hidden_state) <= bounds.hidden, "the body is the fixture's");
      assert.deepEqual(out.logits.shape, [5, 4]);
    });
    const head = model.stateDict();
    assert.ok(head["classifier.bias"].data.every((x) => x === 0) && head["pre_classifier.bias"].data.every((x) => x === 0));
    const w = head["pre_classifier.weight"].data;
    const std = Math.sqrt(w.reduce((s, x) => s + x * x, 0) / w.length);
    assert.ok(std > 0.015 && std < 0.025, `new weights ~ normal(0, initializer_range 0.02): std ${std}`);
    model.dispose();
  });

  it("id2label sets the labels and their number; config overrides use config.json's key names", async () => {
    const id2label = { 0: "negative", 1: "neutral", 2: "positive" };
    const { result: model } = await captureWarnings(() => AutoModelForSequenceClassification.fromPretrained(BASE_DIR, { id2label, dropout: 0, seq_classif_dropout: 0 }));
    assert.equal(model.config.numLabels, 3);
    assert.deepEqual(model.config.label2id, { negative: 0, neutral: 1, positive: 2 });
    assert.equal(model.config.dropout, 0);
    assert.equal(model.config.seq_classif_dropout, 0);
    assert.deepEqual(model.classifier.weight.shape, [3, 32]);
    model.dispose();
    await assert.rejects(AutoModelForSequenceClassification.fromPretrained(BASE_DIR, { numLabels: 2, id2label }), /numLabels is 2 but the label map given has 3 labels/);
    await assert.rejects(
      AutoModelForSequenceClassification.fromPretrained(BASE_DIR, { seqClassifDropout: 0.1 }),
      /Unknown fromPretrained option "seqClassifDropout"\. Did you mean "seq_classif_dropout"/,
    );
  });

  it("a head of another size is an error naming the tensor, unless ignoreMismatchedSizes", async () => {
    await assert.rejects(
      AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR, { numLabels: 3 }),
      (err: Error) => /size mismatch for classifier\.weight: shape \[4, 32\] in the checkpoint, \[3, 32\] in the model/.test(err.message) && err.message.includes("ignoreMismatchedSizes: true"),
    );
    const { result: model, warnings } = await captureWarnings(() =>
      AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR, { numLabels: 3, ignoreMismatchedSizes: true }),
    );
    assert.match(warnings, /newly initialized because the shapes did not match:\n- classifier\.weight: found shape \[4, 32\] in the checkpoint and \[3, 32\] in the model instantiated\n- classifier\.bias: found shape \[4\]/);
    assert.deepEqual(model.config.id2label, { 0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2" });
    assert.ok(model.classifier.bias!.dataSync().every((x) => x === 0));
    tf.tidy(() => assert.ok(maxAbsDiff(model.distilbert.forward(batch).lastHiddenState, ref.forward.last_hidden_state) <= bounds.hidden));
    model.dispose();
  });
});

describe("AutoModel.fromPretrained", () => {
  for (const [what, dir] of [["base/ (bare names)", BASE_DIR], ["the classification checkpoint (distilbert.-prefixed names)", TINY_MODEL_DIR]]) {
    it(`gives the reference hidden states from ${what}`, async () => {
      const { result: model, warnings } = await captureWarnings(() => AutoModel.fromPretrained(dir));
      assert.ok(model instanceof DistilBertModel);
      assert.match(warnings, /were not used when initializing DistilBertModel: \['(vocab_transform|pre_classifier)\.weight'/);
      assert.ok(!warnings.includes("newly initialized"));
      tf.tidy(() => assert.ok(maxAbsDiff(model.forward(batch).lastHiddenState, ref.forward.last_hidden_state) <= bounds.hidden));
      model.dispose();
    });
  }
});

describe("savePretrained", () => {
  it("writes config.json and model.safetensors as transformers does; loading them back gives identical logits", async () => {
    const model = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR);
    const dir = path.join(tmp, "saved");
    await model.savePretrained(dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["config.json", "model.safetensors"], "no temporary files left");

    const config = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf-8"));
    const original = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "config.json"), "utf-8"));
    assert.deepEqual(config, original, "the same keys and values as the fixture's config.json");
    assert.deepEqual(Object.keys(config), Object.keys(config).sort());

    const saved = await readSafetensors(path.join(dir, "model.safetensors"));
    const fixture = await readSafetensors(path.join(TINY_MODEL_DIR, "model.safetensors"));
    assert.deepEqual([...saved.tensors.keys()].sort(), [...fixture.tensors.keys()].sort());
    assert.equal(saved.metadata.format, "pt");
    for (const [name, t] of fixture.tensors) {
      assert.deepEqual(saved.tensors.get(name)!.shape, t.shape, name);
      assert.deepEqual(Buffer.from((saved.tensors.get(name)!.data as Float32Array).buffer), Buffer.from((t.data as Float32Array).buffer), name);
    }

    const reloaded = await AutoModelForSequenceClassification.fromPretrained(dir);
    tf.tidy(() => assert.deepEqual(Array.from(reloaded.forward(batch).logits.dataSync()), Array.from(model.forward(batch).logits.dataSync())));
    model.dispose();
    reloaded.dispose();
  });

  it("a random model built from a config round-trips, labels included", async () => {
    const config = new DistilBertConfig({ dim: 16, n_layers: 1, n_heads: 2, hidden_dim: 20, vocab_size: 100, max_position_embeddings: 32, id2label: { 0: "no", 1: "yes" } });
    const model = new DistilBertForSequenceClassification(config, { seed: 3 });
    const dir = path.join(tmp, "random");
    await model.savePretrained(dir);
    const json = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf-8"));
    assert.deepEqual(json.architectures, ["DistilBertForSequenceClassification"]);
    assert.equal(json.model_type, "distilbert");
    assert.deepEqual(json.label2id, { no: 0, yes: 1 });
    const { result: reloaded, warnings } = await captureWarnings(() => AutoModelForSequenceClassification.fromPretrained(dir));
    assert.equal(warnings, "");
    const ids = [[1, 5, 7, 2, 0]];
    model.eval();
    tf.tidy(() => assert.deepEqual(Array.from(reloaded.forward({ input_ids: ids }).logits.dataSync()), Array.from(model.forward({ input_ids: ids }).logits.dataSync())));
    model.dispose();
    reloaded.dispose();
  });
});

describe("fromPretrained errors", () => {
  it("an unknown model_type lists the supported ones", async () => {
    const dir = folder("gpt2", { "config.json": JSON.stringify({ model_type: "gpt2", n_embd: 8 }) });
    await assert.rejects(AutoModelForSequenceClassification.fromPretrained(dir), /is a "gpt2" model, which this library does not implement\. Supported model types: distilbert, bert, roberta[,.]/);
    await assert.rejects(AutoModel.fromPretrained(folder("untyped", { "config.json": "{}" })), /has no "model_type"/);
  });

  it("a pytorch_model.bin that is no checkpoint, and a folder without weights, say what to do", async () => {
    const config = fs.readFileSync(path.join(TINY_MODEL_DIR, "config.json"));
    const dir = folder("pickled", { "config.json": config, "pytorch_model.bin": Buffer.from("not read") });
    await assert.rejects(AutoModelForSequenceClassification.fromPretrained(dir), /pytorch_model\.bin: not a PyTorch checkpoint .*Re-download it/);
    await assert.rejects(
      AutoModel.fromPretrained(folder("noweights", { "config.json": config })),
      /has no model weights that fromPretrained reads \(model\.safetensors, model\.safetensors\.index\.json, pytorch_model\.bin, pytorch_model\.bin\.index\.json\); its files: config\.json/,
    );
  });

  it("a folder without config.json", async () => {
    await assert.rejects(AutoModel.fromPretrained(folder("empty", {})), /has no config\.json/);
  });
});

describe("fromPretrained from a hub", () => {
  let server: HubServer;
  before(async () => {
    const repo = folder(path.join("hub", "org", "tiny-distilbert"), {
      "config.json": fs.readFileSync(path.join(TINY_MODEL_DIR, "config.json")),
      "model.safetensors": fs.readFileSync(path.join(TINY_MODEL_DIR, "model.safetensors")),
    });
    server = await serveHub(path.dirname(path.dirname(repo)));
  });
  after(() => server.close());

  it("downloads config.json and model.safetensors by repository id", async () => {
    const options = { endpoint: server.url, cacheDir: path.join(tmp, "cache") };
    const model = await AutoModelForSequenceClassification.fromPretrained("org/tiny-distilbert", options);
    tf.tidy(() => assert.ok(maxAbsDiff(model.forward(batch).logits, ref.forward.logits) <= bounds.logits));
    model.dispose();
    const config = await AutoConfig.fromPretrained("org/tiny-distilbert", { ...options, numLabels: 2 });
    assert.deepEqual(config.id2label, { 0: "LABEL_0", 1: "LABEL_1" });
  });

  it("distilbert-base-uncased (no weights on this hub): the config loads, the model says what is missing", async () => {
    const hub = await serveHub(SHARED_HUB);
    try {
      const options = { endpoint: hub.url, cacheDir: path.join(tmp, "cache2") };
      const config = (await AutoConfig.fromPretrained("distilbert-base-uncased", options)) as DistilBertConfig;
      assert.equal(config.dim, 768);
      assert.equal(config.n_layers, 6);
      await assert.rejects(AutoModelForSequenceClassification.fromPretrained("distilbert-base-uncased", { ...options, numLabels: 4 }), /distilbert-base-uncased has no model weights that fromPretrained reads .*; its files: .*config\.json/);
    } finally {
      await hub.close();
    }
  });
});
