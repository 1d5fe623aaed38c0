import { test } from "node:test";
import assert from "node:assert/strict";
import { accuracy, argmax, confusionMatrix, f1, loadMetric, precision, recall } from "../src/metrics/index.js";

const close = (a: number | number[], b: number | number[], tol = 1e-12) => {
  const x = ([] as number[]).concat(a);
  const y = ([] as number[]).concat(b);
  assert.equal(x.length, y.length);
  x.forEach((v, i) => assert.ok(Math.abs(v - y[i]) <= tol, `${JSON.stringify(a)} != ${JSON.stringify(b)}`));
};

async function warningsDuring(fn: () => void): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(`${w.name}: ${w.message}`);
  process.on("warning", listener);
  fn();
  await new Promise((r) => setImmediate(r));
  process.off("warning", listener);
  return seen;
}

test("argmax takes the first maximum of each row", () => {
  assert.deepEqual(argmax([[0.1, 2, -1], [3, 3, 1], [-5, -4, -4.5]]), [1, 0, 1]);
  assert.deepEqual(argmax([new Float32Array([0, 1]), new Float32Array([2, 1])]), [1, 0]);
});

test("accuracy, normalised and not, with weights", () => {
  assert.equal(accuracy([0, 1, 2, 3], [0, 2, 1, 3]), 0.5);
  assert.equal(accuracy([0, 1, 2, 3], [0, 2, 1, 3], { normalize: false }), 2);
  assert.equal(accuracy([0, 1], [0, 0], { sampleWeight: [3, 1] }), 0.75);
  assert.throws(() => accuracy([0, 1], [0]), /inconsistent numbers of samples: \[2, 1\]/);
  assert.throws(() => accuracy([0.5], [1]), /not an integer class id/);
});

// The examples of sklearn's documentation, with the values it prints.
const yTrue = [0, 1, 2, 0, 1, 2];
const yPred = [0, 2, 1, 0, 0, 1];

test("f1 / precision / recall match sklearn's documented multiclass example", () => {
  close(f1(yTrue, yPred, { average: "macro" }) as number, 0.26666666666666666);
  close(f1(yTrue, yPred, { average: "micro" }) as number, 0.3333333333333333);
  close(f1(yTrue, yPred, { average: "weighted" }) as number, 0.26666666666666666);
  close(f1(yTrue, yPred, { average: null }), [0.8, 0, 0]);
  close(precision(yTrue, yPred, { average: "macro" }), 0.2222222222222222);
  close(precision(yTrue, yPred, { average: "micro" }), 0.3333333333333333);
  close(precision(yTrue, yPred, { average: null }), [2 / 3, 0, 0]);
  close(recall(yTrue, yPred, { average: "macro" }), 1 / 3);
  close(recall(yTrue, yPred, { average: null }), [1, 0, 0]);
  // weighted by support: supports are 3, 1, 2 here
  close(recall([0, 0, 0, 1, 2, 2], [0, 0, 1, 1, 2, 0], { average: "weighted" }), (3 * (2 / 3) + 1 * 1 + 2 * 0.5) / 6);
});

test("binary average (the default) scores label 1 and refuses multiclass targets", () => {
  close(f1([0, 1, 1, 0, 1], [0, 1, 0, 0, 1]) as number, 0.8);
  close(precision([0, 1, 1, 0, 1], [0, 1, 0, 0, 1]) as number, 1);
  close(recall([0, 1, 1, 0, 1], [0, 1, 0, 0, 1]) as number, 2 / 3);
  assert.throws(() => f1(yTrue, yPred), /Target is multiclass but average='binary'/);
});

test("zero division gives 0 with an UndefinedMetricWarning, or the zeroDivision value", async () => {
  const t = [0, 1, 2, 0, 1, 2];
  const p = [0, 0, 0, 0, 0, 0];
  let result: number | number[] = [];
  const warnings = await warningsDuring(() => {
    result = precision(t, p, { average: null });
  });
  close(result, [1 / 3, 0, 0]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /UndefinedMetricWarning: Precision is ill-defined and being set to 0\.0 in labels with no predicted samples/);
  const quiet = await warningsDuring(() => {
    result = precision(t, p, { average: null, zeroDivision: 1 });
  });
  close(result, [1 / 3, 1, 1]);
  assert.equal(quiet.length, 0);
  // a label absent from both vectors: F-score undefined
  const fw = await warningsDuring(() => {
    result = f1([0, 1], [0, 1], { average: null, numLabels: 3 });
  });
  close(result, [1, 1, 0]);
  assert.match(fw[0], /F-score is ill-defined/);
});

test("confusionMatrix: rows are true labels, columns predictions", () => {
  assert.deepEqual(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]), [
    [2, 0, 0],
    [0, 0, 1],
    [1, 0, 2],
  ]);
  assert.deepEqual(confusionMatrix([0, 1], [1, 1], { numLabels: 3 }), [
    [0, 1, 0],
    [0, 1, 0],
    [0, 0, 0],
  ]);
  assert.throws(() => confusionMatrix([0, 5], [1, 1], { numLabels: 3 }), /label 5 is outside 0\.\.2/);
});

test("loadMetric mirrors evaluate.load(...).compute", () => {
  const metric = loadMetric("accuracy");
  assert.deepEqual(metric.compute({ predictions: [0, 1, 1, 3], references: [0, 1, 2, 3] }), { accuracy: 0.75 });
  const out = loadMetric("f1").compute({ predictions: yPred, references: yTrue, average: "macro" });
  close(out.f1 as number, 0.26666666666666666);
  assert.throws(() => loadMetric("bleu"), /Unknown metric "bleu". Available metrics: accuracy, f1, precision, recall/);
});
