// Parity of the encoder families (BERT, RoBERTa, ELECTRA, ALBERT) against the float32 PyTorch
// references of ../shared/fixtures/<family>-tiny on every backend present: forward, gradients and
// 3 Trainer steps; save → load; the pretraining checkpoints of base/ with transformers' notices.
import { after, describe, it, mock } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend.js";
import { registerNativeBackend } from "../src/accel/native-backend.js";
import { Dataset } from "../src/datasets/index.js";
import {
  AlbertConfig,
  AlbertForSequenceClassification,
  AutoConfig,
  AutoModel,
  AutoModelForSequenceClassification,
  BertConfig,
  BertForSequenceClassification,
  ElectraConfig,
  ElectraForSequenceClassification,
  EncoderForSequenceClassification,
  RobertaConfig,
  RobertaForSequenceClassification,
} from "../src/models/index.js";
import { serveHub } from "../src/hub/index.js";
import { readSafetensors } from "../src/safetensors.js";
import { AutoTokenizer } from "../src/tokenizers/index.js";
import { Trainer, TrainingArguments, setDefaultProgressCallback } from "../src/trainer/index.js";
import { FIXTURES_DIR } from "./helpers/paths.js";

setDefaultProgressCallback(null);
const BACKENDS = ["cpu", "wasm", ...(registerNativeBackend().ok ? ["native"] : [])];

interface Family {
  name: string;
  /** Config overrides that switch every dropout off (the references run without dropout). */
  noDropout: Record<string, number>;
  /** The gradient that is zero in exact arithmetic (rounding noise in the reference). */
  keyBias: RegExp;
  /** The pretraining head's tensors in base/ (all unused by the classifier). */
  baseHead: RegExp;
}

const FAMILIES: Family[] = [
  { name: "bert", noDropout: { hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 }, keyBias: /attention\.self\.key\.bias$/, baseHead: /^cls\./ },
  { name: "electra", noDropout: { hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 }, keyBias: /attention\.self\.key\.bias$/, baseHead: /^discriminator_predictions\./ },
  { name: "albert", noDropout: { hidden_dropout_prob: 0, attention_probs_dropout_prob: 0, classifier_dropout_prob: 0 }, keyBias: /attention\.key\.bias$/, baseHead: /^(predictions|sop_classifier)\./ },
  { name: "roberta", noDropout: { hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 }, keyBias: /attention\.self\.key\.bias$/, baseHead: /^lm_head\./ },
];

interface Stats { sum: number; l2: number; head: number[] }
interface Reference {
  inputs: { texts: string[]; input_ids: number[][]; attention_mask: number[][]; token_type_ids: number[][]; labels: number[] };
  forward: { last_hidden_state: number[][][]; cls_hidden_state: number[][]; pooler_output?: number[][]; logits: number[][]; loss: number };
  gradients: { stats: Record<string, Stats>; full: Record<string, unknown[]>; padding_row_of_position_embeddings_is_zero?: boolean };
  training: {
    learning_rate: number;
    weight_decay: number;
    max_grad_norm: number;
    steps: number;
    log: { step: number; loss: number; logged_loss: number; grad_norm: number; learning_rate: number }[];
    params_after: Record<string, Stats>;
    logits_after: number[][];
    loss_after: number;
  };
}

function flat(values: unknown[]): number[] {
  return values.flat(3) as number[];
}

function maxAbsDiff(actual: tf.Tensor, expected: unknown[]): number {
  const a = actual.dataSync();
  const e = flat(expected);
  assert.equal(a.length, e.length);
  return e.reduce((m, x, i) => Math.max(m, Math.abs(a[i] - x)), 0);
}

function l2(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return Math.sqrt(s);
}

/** Run `fn` with console.warn captured; returns the weight notices it printed. */
async function captureWarnings<T>(fn: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warn = mock.method(console, "warn", () => undefined);
  try {
    const result = await fn();
    return { result, warnings: warn.mock.calls.map((c) => c.arguments.join(" ")).filter((w) => w.startsWith("Some weights")) };
  } finally {
    warn.mock.restore();
  }
}

/** The names a notice lists: ['a', 'b'] → [a, b]. */
function listedNames(notice: string | undefined): string[] {
  const list = notice?.match(/\[([^\]]*)\]/)?.[1] ?? "";
  return [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]).sort();
}

const tmpDirs: string[] = [];
after(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

for (const family of FAMILIES) {
  const dir = path.join(FIXTURES_DIR, `${family.name}-tiny`);
  const ref = JSON.parse(fs.readFileSync(path.join(dir, "reference.json"), "utf-8")) as Reference;
  const batch = { input_ids: ref.inputs.input_ids, attention_mask: ref.inputs.attention_mask, token_type_ids: ref.inputs.token_type_ids, labels: ref.inputs.labels };

  for (const backend of BACKENDS) {
    describe(`${family.name}-tiny vs the PyTorch reference on ${backend}`, () => {
      let model: EncoderForSequenceClassification;

      it("loads the fine-tuned classifier with its labels, without notices", async () => {
        assert.equal(await initBackend(backend), backend);
        const { result, warnings } = await captureWarnings(() => AutoModelForSequenceClassification.fromPretrained(dir));
        model = result;
        assert.deepEqual(warnings, []);
        assert.deepEqual(model.config.id2label, { 0: "anger", 1: "joy", 2: "optimism", 3: "sadness" });
        assert.equal(model.config.model_type, family.name);
      });

      it("forward: hidden states, pooler output and logits within 1e-5, loss within 1e-5", (t) => {
        const errors = tf.tidy(() => {
          const out = model.forward(batch, { outputHiddenStates: true });
          const last = out.hiddenStates![out.hiddenStates!.length - 1];
          const e: Record<string, number> = {
            last_hidden_state: maxAbsDiff(last, ref.forward.last_hidden_state),
            cls_hidden_state: maxAbsDiff(tf.squeeze(tf.slice(last, [0, 0, 0], [-1, 1, -1]), [1]), ref.forward.cls_hidden_state),
            logits: maxAbsDiff(out.logits, ref.forward.logits),
            loss: Math.abs(out.loss!.dataSync()[0] - ref.forward.loss),
          };
          // The default: the last layer computes only the first token, all the head reads.
          const first = model.forward(batch);
          e.first_token_only_logits = maxAbsDiff(first.logits, ref.forward.logits);
          e.first_token_only_loss = Math.abs(first.loss!.dataSync()[0] - ref.forward.loss);
          if (ref.forward.pooler_output) {
            const bare = (model as unknown as Record<string, { forward: typeof model.forward }>)[family.name];
            const pooled = (bare.forward(batch) as { poolerOutput?: tf.Tensor }).poolerOutput;
            assert.ok(pooled, "the bare model returns its pooler output");
            e.pooler_output = maxAbsDiff(pooled, ref.forward.pooler_output);
          }
          return e;
        });
        t.diagnostic(`${family.name} ${backend}: max |Δ| ${Object.entries(errors).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(", ")}`);
        for (const [k, v] of Object.entries(errors)) assert.ok(v <= 1e-5, `${k} off by ${v}`);
      });

      it("backward: each gradient within 1e-4 of its tensor's max (l2 within 1e-4 where only stats are stored); padding rows zero", (t) => {
        const before = tf.memory().numTensors;
        const { value, grads } = tf.variableGrads(() => model.forward(batch).loss!, model.parameters());
        const names = model.namedParameters();
        assert.deepEqual(names.map(([n]) => n).sort(), Object.keys(ref.gradients.stats).sort(), "one gradient per reference tensor");
        let worst = 0;
        let worstName = "";
        for (const [name, v] of names) {
          const g = grads[v.name].dataSync();
          const full = ref.gradients.full[name];
          let ratio: number;
          if (family.keyBias.test(name)) {
            ratio = Array.from(g).reduce((m, x) => Math.max(m, Math.abs(x)), 0) / 1e-7;
          } else if (full !== undefined) {
            const e = flat(full);
            const bound = 1e-4 * e.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
            ratio = e.reduce((m, x, i) => Math.max(m, Math.abs(g[i] - x)), 0) / bound;
          } else {
            const stats = ref.gradients.stats[name];
            ratio = Math.abs(l2(g) - stats.l2) / (1e-4 * stats.l2);
          }
          assert.ok(ratio <= 1, `${name}: gradient off by ${ratio.toFixed(2)} times the tolerance`);
          if (ratio > worst) [worst, worstName] = [ratio, name];
        }
        t.diagnostic(`${family.name} ${backend}: worst gradient error ${(worst * 100).toFixed(2)}% of its tolerance (${worstName})`);
        const pad = model.config.pad_token_id as number;
        const rowIsZero = (param: string) => {
          const v = new Map(names).get(param)!;
          return tf.tidy(() => grads[v.name].slice([pad, 0], [1, -1]).dataSync()).every((x) => x === 0);
        };
        assert.ok(rowIsZero(`${family.name}.embeddings.word_embeddings.weight`), "the padding row of the word embeddings gets no gradient");
        if (ref.gradients.padding_row_of_position_embeddings_is_zero) {
          assert.ok(rowIsZero(`${family.name}.embeddings.position_embeddings.weight`), "the padding row of the position embeddings gets no gradient");
        }
        tf.dispose([value, ...Object.values(grads)]);
        assert.equal(tf.memory().numTensors, before, "no tensor leaks from forward + backward");
      });

      it("3 Trainer steps as the reference's: losses, grad norms, learning rates, parameters and logits after", async (t) => {
        const r = ref.training;
        const trained = await AutoModelForSequenceClassification.fromPretrained(dir, family.noDropout);
        const { input_ids, attention_mask, token_type_ids, labels } = ref.inputs;
        const trainDataset = Dataset.fromDict({ input_ids, attention_mask, token_type_ids, label: labels });
        const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), `tt-${family.name}-`));
        tmpDirs.push(outputDir);
        const args = new TrainingArguments({
          outputDir,
          learningRate: r.learning_rate,
          weightDecay: r.weight_decay,
          maxGradNorm: r.max_grad_norm,
          numTrainEpochs: r.steps,
          perDeviceTrainBatchSize: ref.inputs.labels.length,
          loggingSteps: 1,
          saveStrategy: "no",
        });
        const trainer = new Trainer({ model: trained, args, trainDataset });
        const out = await trainer.train();
        assert.equal(out.globalStep, r.steps);
        const logged = trainer.state.logHistory.filter((e) => "loss" in e);
        assert.equal(logged.length, r.log.length);
        const errors = { loss: 0, gradNormRel: 0, lr: 0, paramsL2Rel: 0, logitsAfter: 0, lossAfter: 0 };
        r.log.forEach((expected, i) => {
          const got = logged[i];
          assert.equal(got.step, expected.step);
          errors.loss = Math.max(errors.loss, Math.abs(got.loss - expected.logged_loss));
          errors.gradNormRel = Math.max(errors.gradNormRel, Math.abs(got.grad_norm - expected.grad_norm) / expected.grad_norm);
          errors.lr = Math.max(errors.lr, Math.abs(got.learning_rate - expected.learning_rate));
        });
        const meanLoss = r.log.reduce((s, e) => s + e.loss, 0) / r.log.length;
        errors.loss = Math.max(errors.loss, Math.abs(out.trainingLoss - meanLoss));
        const params = new Map(trained.namedParameters());
        assert.deepEqual([...params.keys()].sort(), Object.keys(r.params_after).sort());
        for (const [name, stats] of Object.entries(r.params_after)) {
          if (family.keyBias.test(name)) continue; // rounding noise in the reference (see fixtures/README.md)
          errors.paramsL2Rel = Math.max(errors.paramsL2Rel, Math.abs(l2(params.get(name)!.dataSync()) - stats.l2) / stats.l2);
        }
        const prediction = await trainer.predict(trainDataset);
        prediction.predictions.forEach((row, i) => row.forEach((v, j) => (errors.logitsAfter = Math.max(errors.logitsAfter, Math.abs(v - r.logits_after[i][j])))));
        errors.lossAfter = Math.abs(prediction.metrics.test_loss - r.loss_after);
        t.diagnostic(`${family.name} ${backend}: training errors ${JSON.stringify(Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, Number(v.toExponential(2))])))}`);
        assert.ok(errors.loss <= 1e-4, `step loss error ${errors.loss}`);
        assert.ok(errors.gradNormRel <= 1e-3, `grad norm relative error ${errors.gradNormRel}`);
        assert.ok(errors.lr <= 1e-9, `learning rate error ${errors.lr}`);
        assert.ok(errors.paramsL2Rel <= 1e-3, `params_after l2 relative error ${errors.paramsL2Rel}`);
        assert.ok(errors.logitsAfter <= 1e-3, `logits_after error ${errors.logitsAfter}`);
        assert.ok(errors.lossAfter <= 1e-4, `loss_after error ${errors.lossAfter}`);
        trained.dispose();
      });

      it("frees its memory on dispose", () => {
        const before = tf.memory().numTensors;
        const n = model.parameters().length;
        model.dispose();
        assert.equal(tf.memory().numTensors, before - n);
      });
    });
  }

  describe(`${family.name}-tiny: save, load, pretraining checkpoint`, () => {
    it("savePretrained writes transformers' names and config; loading it back gives identical logits", async () => {
      await initBackend("cpu");
      const model = await AutoModelForSequenceClassification.fromPretrained(dir);
      const out = fs.mkdtempSync(path.join(os.tmpdir(), `tt-save-${family.name}-`));
      tmpDirs.push(out);
      await model.savePretrained(out);
      const saved = (await readSafetensors(path.join(out, "model.safetensors"))).tensors;
      const original = (await readSafetensors(path.join(dir, "model.safetensors"))).tensors;
      assert.deepEqual([...saved.keys()].sort(), [...original.keys()].sort());
      const config = JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf-8"));
      const fixtureConfig = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf-8"));
      assert.deepEqual(config.architectures, fixtureConfig.architectures);
      for (const key of Object.keys(fixtureConfig)) assert.deepEqual(config[key], fixtureConfig[key], `config.json key ${key}`);
      const again = await AutoModelForSequenceClassification.fromPretrained(out);
      const logits = (m: EncoderForSequenceClassification) => tf.tidy(() => Array.from(m.forward(batch).logits.dataSync()));
      assert.deepEqual(logits(again), logits(model));
      assert.equal(again.constructor.name, model.constructor.name);
      model.dispose();
      again.dispose();
    });

    it("base/ (the pretraining checkpoint) loads the body, leaves the pretraining head unused and initialises the classifier", async () => {
      await initBackend("cpu");
      const baseDir = path.join(dir, "base");
      const { result: model, warnings } = await captureWarnings(() => AutoModelForSequenceClassification.fromPretrained(baseDir, { numLabels: 4, seed: 0 }));
      assert.equal(warnings.length, 2, warnings.join("\n"));
      const checkpoint = [...(await readSafetensors(path.join(baseDir, "model.safetensors"))).tensors.keys()];
      const renamed = checkpoint.map((n) => n.replace(/\.gamma$/, ".weight").replace(/\.beta$/, ".bias"));
      const params = model.namedParameters().map(([n]) => n);
      assert.deepEqual(listedNames(warnings[0]), renamed.filter((n) => !params.includes(n)).sort());
      assert.ok(listedNames(warnings[0]).every((n) => family.baseHead.test(n)), warnings[0]);
      assert.match(warnings[0], new RegExp(`^Some weights of the model checkpoint at ${baseDir.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} were not used when initializing ${model.constructor.name}`));
      const missing = listedNames(warnings[1]);
      assert.ok(missing.length > 0 && missing.every((n) => n.startsWith("classifier.")), warnings[1]);
      assert.match(warnings[1], /You should probably TRAIN this model/);
      const tuned = await AutoModelForSequenceClassification.fromPretrained(dir);
      const tunedParams = new Map(tuned.namedParameters());
      for (const [name, v] of model.namedParameters()) {
        if (name.startsWith("classifier.")) continue;
        assert.deepEqual(Array.from(v.dataSync()), Array.from(tunedParams.get(name)!.dataSync()), `${name} loads from base/`);
      }
      const { result: bare } = await captureWarnings(() => AutoModel.fromPretrained(baseDir));
      assert.equal(bare.constructor.name, `${model.constructor.name.replace("ForSequenceClassification", "")}Model`);
      assert.equal((await AutoConfig.fromPretrained(baseDir)).model_type, family.name);
      for (const m of [model, tuned, bare]) m.dispose();
    });
  });
}

describe("XLM-RoBERTa and CamemBERT: RoBERTa under other model types", () => {
  for (const [modelType, cls] of [["xlm-roberta", "XLMRobertaForSequenceClassification"], ["camembert", "CamembertForSequenceClassification"]]) {
    it(`a "${modelType}" checkpoint loads as ${cls}, predicts as RoBERTa does and saves under its own names`, async () => {
      await initBackend("cpu");
      const src = path.join(FIXTURES_DIR, "roberta-tiny");
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tt-${modelType}-`));
      tmpDirs.push(dir);
      fs.copyFileSync(path.join(src, "model.safetensors"), path.join(dir, "model.safetensors"));
      const config = JSON.parse(fs.readFileSync(path.join(src, "config.json"), "utf-8"));
      fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ ...config, model_type: modelType, architectures: [cls] }));
      const ref = JSON.parse(fs.readFileSync(path.join(src, "reference.json"), "utf-8")) as Reference;
      const { result: model, warnings } = await captureWarnings(() => AutoModelForSequenceClassification.fromPretrained(dir));
      assert.deepEqual(warnings, []);
      assert.equal(model.constructor.name, cls);
      assert.equal((await AutoConfig.fromPretrained(dir)).model_type, modelType);
      const error = tf.tidy(() => maxAbsDiff(model.forward({ input_ids: ref.inputs.input_ids, attention_mask: ref.inputs.attention_mask }).logits, ref.forward.logits));
      assert.ok(error <= 1e-5, `logits off by ${error}`);
      const out = path.join(dir, "saved");
      await model.savePretrained(out);
      const saved = JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf-8"));
      assert.deepEqual([saved.model_type, saved.architectures], [modelType, [cls]]);
      model.dispose();
    });
  }
});

describe("token_type_ids: read by the models with token types, passed on by the Trainer", () => {
  const bertDir = path.join(FIXTURES_DIR, "bert-tiny");
  const ref = JSON.parse(fs.readFileSync(path.join(bertDir, "reference.json"), "utf-8")) as Reference;
  const { input_ids, attention_mask, labels } = ref.inputs;
  // Row 0's second half as a second segment, as a tokenized pair would have it.
  const pairTypes = attention_mask.map((row, i) => row.map((m, j) => (i === 0 && m === 1 && j >= 4 ? 1 : 0)));

  it("BERT reads token_type_ids (zeros when absent); DistilBERT has none and ignores them", async () => {
    await initBackend("cpu");
    const bert = await AutoModelForSequenceClassification.fromPretrained(bertDir);
    const logits = (m: EncoderForSequenceClassification, extra: object) => tf.tidy(() => m.forward({ input_ids, attention_mask, ...extra }).logits.arraySync() as number[][]);
    const none = logits(bert, {});
    assert.deepEqual(logits(bert, { token_type_ids: ref.inputs.token_type_ids }), none);
    const pair = logits(bert, { token_type_ids: pairTypes });
    assert.notDeepEqual(pair[0], none[0], "segment 1 changes row 0");
    assert.deepEqual(pair.slice(1), none.slice(1), "and no other row");
    assert.throws(() => bert.forward({ input_ids, token_type_ids: pairTypes.map((r) => r.map((x) => x * 2)) }), /token_type_ids holds ids up to 2 but this model has 2 token type\(s\)/);
    assert.throws(() => bert.forward({ input_ids, token_type_ids: [[0, 0]] }), /token_type_ids has shape \[1,2\] but input_ids has \[5,24\]/);
    assert.deepEqual(bert.inputNames, ["input_ids", "attention_mask", "token_type_ids"]);
    const distilbert = await AutoModelForSequenceClassification.fromPretrained(path.join(FIXTURES_DIR, "distilbert-tiny"));
    assert.deepEqual(distilbert.inputNames, ["input_ids", "attention_mask"]);
    assert.deepEqual(logits(distilbert, { token_type_ids: pairTypes }), logits(distilbert, {}));
    bert.dispose();
    distilbert.dispose();
  });

  for (const [family, expected] of [["bert", ["attention_mask", "input_ids", "labels", "token_type_ids"]], ["distilbert", ["attention_mask", "input_ids", "labels"]]] as const) {
    it(`the Trainer's batches for ${family} hold ${expected.join(", ")} (the columns its forward takes)`, async () => {
      await initBackend("cpu");
      const model = await AutoModelForSequenceClassification.fromPretrained(path.join(FIXTURES_DIR, `${family}-tiny`));
      const forward = mock.method(model, "forward");
      // Unpadded rows: DataCollatorWithPadding pads token_type_ids beside input_ids.
      const unpad = (rows: number[][]) => rows.map((row, i) => row.slice(0, attention_mask[i].reduce((a, b) => a + b, 0)));
      const dataset = Dataset.fromDict({ text: ref.inputs.texts, input_ids: unpad(input_ids), attention_mask: unpad(attention_mask), token_type_ids: unpad(pairTypes), label: labels });
      const tokenizer = await AutoTokenizer.fromPretrained(path.join(FIXTURES_DIR, `${family}-tiny`));
      const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-types-"));
      tmpDirs.push(outputDir);
      const args = new TrainingArguments({ outputDir, maxSteps: 1, perDeviceTrainBatchSize: 5, saveStrategy: "no" });
      const trainer = new Trainer({ model, args, trainDataset: dataset, tokenizer });
      await trainer.train();
      await trainer.predict(dataset);
      assert.ok(forward.mock.calls.length >= 2);
      for (const call of forward.mock.calls) {
        const batch = call.arguments[0] as unknown as Record<string, tf.Tensor>;
        assert.deepEqual(Object.keys(batch).sort(), expected);
        if (batch.token_type_ids) assert.deepEqual(batch.token_type_ids.shape, batch.input_ids.shape);
      }
      model.dispose();
    });
  }
});

describe("encoder families built from a config", () => {
  const small = { hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 37, vocab_size: 100, max_position_embeddings: 26, num_labels: 3 };
  const cases = [
    { family: "bert", config: () => new BertConfig(small), model: BertForSequenceClassification },
    { family: "roberta", config: () => new RobertaConfig(small), model: RobertaForSequenceClassification },
    { family: "electra", config: () => new ElectraConfig({ ...small, embedding_size: 16 }), model: ElectraForSequenceClassification },
    { family: "albert", config: () => new AlbertConfig({ ...small, embedding_size: 16 }), model: AlbertForSequenceClassification },
  ] as const;

  for (const c of cases) {
    it(`${c.family}: the checkpoint's parameter names, transformers' initialisation, reproducible from a seed`, async () => {
      await initBackend("cpu");
      const config = c.config();
      const a = new c.model(config as never, { seed: 1 });
      const b = new c.model(config as never, { seed: 1 });
      const fixture = (await readSafetensors(path.join(FIXTURES_DIR, `${c.family}-tiny`, "model.safetensors"))).tensors;
      assert.deepEqual(a.namedParameters().map(([n]) => n).sort(), [...fixture.keys()].sort());
      const state = a.stateDict();
      for (const [name, t] of Object.entries(b.stateDict())) assert.deepEqual(t.data, state[name].data, `${name} from the same seed`);
      const word = state[`${c.family}.embeddings.word_embeddings.weight`];
      const width = word.shape[1];
      const pad = config.pad_token_id as number;
      assert.ok(word.data.slice(pad * width, (pad + 1) * width).every((x) => x === 0), "the padding row starts at zero");
      const std = Math.sqrt(word.data.reduce((s, v) => s + v * v, 0) / (word.data.length - width));
      assert.ok(Math.abs(std - 0.02) < 2e-3, `word embeddings std ${std}`);
      assert.ok(Object.entries(state).filter(([n]) => /LayerNorm\.weight$|layer_norm\.weight$/.test(n)).every(([, t]) => t.data.every((x) => x === 1)));
      assert.ok(Object.entries(state).filter(([n]) => n.endsWith(".bias")).every(([, t]) => t.data.every((x) => x === 0)));
      const out = tf.tidy(() => a.forward({ input_ids: [[2, 5, 7, 3]], labels: [2] }));
      assert.deepEqual(out.logits.shape, [1, 3]);
      tf.dispose([out.logits, out.loss!]);
      a.dispose();
      b.dispose();
    });
  }

  it("family defaults as transformers' configs, and clear errors", async () => {
    assert.equal(new RobertaConfig().pad_token_id, 1);
    assert.equal(new RobertaConfig().type_vocab_size, 1);
    assert.equal(new AlbertConfig().hidden_act, "gelu_new");
    assert.equal(new AlbertConfig().toJSON().classifier_dropout, undefined, "ALBERT has classifier_dropout_prob instead");
    assert.equal(new ElectraConfig().embedding_size, 128);
    assert.equal(new BertConfig().toJSON().model_type, "bert");
    assert.throws(() => new BertConfig({ hidden_size: 30, num_attention_heads: 4 }), /BertConfig: hidden_size \(30\) must be a multiple of num_attention_heads \(4\)/);
    assert.throws(() => new BertConfig({ position_embedding_type: "relative_key" }), /position_embedding_type "relative_key" is not supported/);
    assert.throws(() => new AlbertConfig({ num_hidden_layers: 3, num_hidden_groups: 2 }), /num_hidden_layers \(3\) must be a multiple of num_hidden_groups \(2\)/);
    assert.throws(() => new ElectraConfig({ embedding_size: 0 }), /ElectraConfig: embedding_size must be a positive integer/);
    assert.throws(() => new RobertaConfig({ model_type: "bert" }), /RobertaConfig got model_type "bert"/);
    await assert.rejects(BertForSequenceClassification.fromPretrained(path.join(FIXTURES_DIR, "roberta-tiny")), /is a "roberta" model, not "bert": load it with AutoModel/);
    const forModel = AutoConfig.forModel("xlm-roberta", { hidden_size: 32, num_hidden_layers: 1, num_attention_heads: 4, intermediate_size: 37, vocab_size: 50 });
    assert.equal(forModel.pad_token_id, 1);
    const fromConfig = AutoModelForSequenceClassification.fromConfig(forModel, { seed: 0 });
    assert.equal(fromConfig.constructor.name, "XLMRobertaForSequenceClassification");
    assert.equal(AutoModel.fromConfig(forModel).constructor.name, "XLMRobertaModel");
    assert.throws(() => AutoConfig.forModel("gpt2"), /forModel's config is a "gpt2" model, which this library does not implement\. Supported model types: distilbert, bert/);
    fromConfig.dispose();
    await initBackend("cpu");
    const roberta = await RobertaForSequenceClassification.fromPretrained(path.join(FIXTURES_DIR, "roberta-tiny"));
    assert.ok(roberta instanceof RobertaForSequenceClassification);
    assert.throws(() => roberta.forward({ input_ids: [new Array(25).fill(5)] }), /25 tokens but this model has only 24 positions: truncate them/);
    roberta.dispose();
  });
});

describe("every family from a hub repository id", () => {
  it("AutoConfig, AutoModel and AutoModelForSequenceClassification load the fixtures served by a local hub", async () => {
    await initBackend("cpu");
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "tt-families-hub-"));
    tmpDirs.push(root);
    for (const family of ["bert", "roberta", "electra", "albert"]) fs.cpSync(path.join(FIXTURES_DIR, `${family}-tiny`), path.join(root, "tiny", family), { recursive: true });
    const hub = await serveHub(root, { port: 0, host: "127.0.0.1" });
    const cacheDir = path.join(root, ".cache");
    try {
      for (const family of ["bert", "roberta", "electra", "albert"]) {
        const id = `tiny/${family}`;
        assert.equal((await AutoConfig.fromPretrained(id, { endpoint: hub.url, cacheDir })).model_type, family);
        const model = await AutoModelForSequenceClassification.fromPretrained(id, { endpoint: hub.url, cacheDir });
        const ref = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, `${family}-tiny`, "reference.json"), "utf-8")) as Reference;
        const error = tf.tidy(() => maxAbsDiff(model.forward({ input_ids: ref.inputs.input_ids, attention_mask: ref.inputs.attention_mask }).logits, ref.forward.logits));
        assert.ok(error <= 1e-5, `${family}: logits off by ${error}`);
        const { result: bare, warnings } = await captureWarnings(() => AutoModel.fromPretrained(id, { endpoint: hub.url, cacheDir }));
        const unused = listedNames(warnings.find((w) => w.startsWith("Some weights of the model checkpoint")));
        assert.ok(unused.length > 0 && unused.every((n) => n.startsWith("classifier.")), `${family}: the bare model leaves only the head: ${unused}`);
        for (const m of [model, bare]) m.dispose();
      }
    } finally {
      await hub.close();
    }
  });
});
