import { before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { initBackend } from "../src/backend.js";
import { AutoModelForSequenceClassification } from "../src/models/index.js";
import { pipeline, TextClassificationPipeline } from "../src/pipelines/index.js";
import { AutoTokenizer } from "../src/tokenizers/index.js";
import { TINY_MODEL_DIR } from "./helpers/paths.js";

const reference = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "reference.json"), "utf8"));
const texts: string[] = reference.inputs.texts;
const LABELS = ["anger", "joy", "optimism", "sadness"];

function softmax(row: number[]): number[] {
  const max = Math.max(...row);
  const e = row.map((x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}
const expected: number[][] = reference.forward.logits.map(softmax);
// The reference logits hold to 1e-4 absolute (fixtures/README.md); softmax moves no probability by more than that.
const TOLERANCE = 1e-4;

let classifier: TextClassificationPipeline;

before(async () => {
  await initBackend("cpu");
  // max_length 24 as the reference (its last text is cut there).
  classifier = await pipeline("text-classification", { model: TINY_MODEL_DIR, maxLength: reference.inputs.max_length, batchSize: 2 });
});

describe('pipeline("text-classification")', () => {
  test("gives the softmax of the reference logits for every label, best first (topK: null)", async () => {
    const results = (await classifier(texts, { topK: null })) as Array<Array<{ label: string; score: number }>>;
    assert.equal(results.length, texts.length);
    results.forEach((ranked, i) => {
      assert.deepEqual(ranked.map((r) => r.label).sort(), [...LABELS].sort());
      for (let k = 1; k < ranked.length; k++) assert.ok(ranked[k - 1].score >= ranked[k].score);
      for (const { label, score } of ranked) assert.ok(Math.abs(score - expected[i][LABELS.indexOf(label)]) <= TOLERANCE, `text ${i} ${label}: ${score} vs ${expected[i][LABELS.indexOf(label)]}`);
    });
  });

  test("a single text gives a list of one {label, score} (Python's shape); a list gives one dict per text", async () => {
    const one = await classifier(texts[0]);
    const best = expected[0].indexOf(Math.max(...expected[0]));
    assert.equal(one.length, 1);
    assert.equal(one[0].label, LABELS[best]);
    assert.ok(Math.abs(one[0].score - expected[0][best]) <= TOLERANCE);
    const many = (await classifier(texts.slice(0, 3))) as Array<{ label: string; score: number }>;
    assert.deepEqual(many.map((r) => r.label), expected.slice(0, 3).map((p) => LABELS[p.indexOf(Math.max(...p))]));
  });

  test("topK with a single text gives that many labels; sentiment-analysis is the same task", async () => {
    const sa = await pipeline("sentiment-analysis", { model: TINY_MODEL_DIR, maxLength: 24 });
    const top2 = await sa(texts[1], { topK: 2 });
    assert.equal(top2.length, 2);
    const order = expected[1].map((p, i) => [p, i]).sort((a, b) => b[0] - a[0]);
    assert.deepEqual(top2.map((r) => r.label), [LABELS[order[0][1]], LABELS[order[1][1]]]);
    const all = await pipeline("text-classification", { model: TINY_MODEL_DIR, maxLength: 24, topK: null });
    assert.deepEqual((await all(texts[1])).map((r) => r.label), order.map(([, i]) => LABELS[i]), "the pipeline's topK: null, for a single text");
    assert.equal((await all(texts[1], { topK: undefined })).length, 4, "an undefined call option keeps the pipeline's");
    const sig = await sa(texts[1], { topK: 1, functionToApply: "sigmoid" });
    assert.ok(Math.abs(sig[0].score - 1 / (1 + Math.exp(-reference.forward.logits[1][order[0][1]]))) <= TOLERANCE);
  });

  test("accepts a loaded model and tokenizer", async () => {
    const model = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR);
    const tokenizer = await AutoTokenizer.fromPretrained(TINY_MODEL_DIR);
    const fromObjects = await pipeline("text-classification", { model, tokenizer, maxLength: 24 });
    const [r] = await fromObjects(texts[3]);
    assert.ok(Math.abs(r.score - Math.max(...expected[3])) <= TOLERANCE);
    await assert.rejects(pipeline("text-classification", { model }), /without a tokenizer: pass tokenizer/);
  });

  test("a tokenizer without model_max_length leaves texts whole", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-pipeline-"));
    try {
      for (const file of ["config.json", "model.safetensors", "tokenizer.json"]) fs.copyFileSync(path.join(TINY_MODEL_DIR, file), path.join(dir, file));
      const { model_max_length: _, ...config } = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "tokenizer_config.json"), "utf8"));
      fs.writeFileSync(path.join(dir, "tokenizer_config.json"), JSON.stringify(config));
      const unbounded = await pipeline("text-classification", { model: dir });
      // The first four texts are shorter than the reference's max_length, so nothing was cut there.
      const results = (await unbounded(texts.slice(0, 4), { topK: null })) as Array<Array<{ label: string; score: number }>>;
      results.forEach((ranked, i) => {
        for (const { label, score } of ranked) assert.ok(Math.abs(score - expected[i][LABELS.indexOf(label)]) <= TOLERANCE);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("unknown tasks and options fail with a suggestion", async () => {
    await assert.rejects(pipeline("text-clasification" as "text-classification", { model: TINY_MODEL_DIR }), /Did you mean "text-classification"/);
    await assert.rejects(pipeline("text-classification", { model: TINY_MODEL_DIR, top_k: 2 } as never), /no option "top_k". Did you mean "topK"/);
    await assert.rejects(classifier(texts[0], { topk: 1 } as never), /no option "topk". Did you mean "topK"/);
    await assert.rejects(classifier(texts[0], { topK: 0 }), /topK must be a positive integer or null/);
    await assert.rejects(classifier(texts[0], { functionToApply: "softmx" as "softmax" }), /functionToApply must be/);
    await assert.rejects(classifier([texts[0], 3] as never), /a string or an array of strings/);
  });
});
