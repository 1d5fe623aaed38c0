import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { run } from "../src/cli/predict.js";
import { TINY_MODEL_DIR } from "./helpers/paths.js";
import { distilBertForwardBounds, float32Bound, type ForwardReference } from "./helpers/float32.js";

interface Reference extends ForwardReference {
  inputs: ForwardReference["inputs"] & { texts: string[]; max_length: number };
  forward: ForwardReference["forward"] & { cls_hidden_state: number[][] };
}
const reference = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "reference.json"), "utf8")) as Reference;
const config = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "config.json"), "utf8")) as { id2label: Record<string, string> };
const bounds = distilBertForwardBounds(config, reference);

/** Run the command in-process and collect the JSON lines it prints. */
async function predict(args: string[]): Promise<Record<string, any>[]> {
  const lines: string[] = [];
  const write = process.stdout.write;
  // The command writes strings; node:test's own messages (binary) pass through.
  process.stdout.write = function (this: unknown, chunk: string | Uint8Array, ...rest: unknown[]) {
    if (typeof chunk !== "string") return (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    lines.push(chunk);
    return true;
  } as typeof process.stdout.write;
  try {
    assert.equal(await run(args), 0);
  } finally {
    process.stdout.write = write;
  }
  return lines.join("").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, any>);
}

function assertAllClose(actual: number[], expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tol, `${what}[${i}]: ${v} vs ${expected[i]}`));
}

function softmaxTop(logits: number[]): { index: number; p: number } {
  const index = logits.indexOf(Math.max(...logits));
  const sum = logits.reduce((s, v) => s + Math.exp(v - logits[index]), 0);
  return { index, p: 1 / sum };
}

test("predict reproduces the reference logits, labels, scores and [CLS] hidden states", async () => {
  const { texts, max_length } = reference.inputs;
  const out = await predict(["--model", TINY_MODEL_DIR, "--max-length", String(max_length), "--padding", "max_length", "--hidden-states", ...texts]);
  assert.equal(out.length, texts.length);
  out.forEach((line, i) => {
    assert.deepEqual(Object.keys(line).sort(), ["cls_hidden_state", "label", "logits", "score"]);
    assertAllClose(line.logits, reference.forward.logits[i], bounds.logits, `logits of text ${i}`);
    assertAllClose(line.cls_hidden_state, reference.forward.cls_hidden_state[i], bounds.hidden, `cls_hidden_state of text ${i}`);
    const top = softmaxTop(reference.forward.logits[i]);
    assert.equal(line.label, config.id2label[String(top.index)]);
    // The softmax probability moves by at most max|Δ logit| (its gradient has an L1 norm ≤ 1), plus its own roundings.
    assert.ok(Math.abs(line.score - top.p) <= bounds.logits + float32Bound(line.logits.length + 4, 1), `score of text ${i}`);
  });
});

test("predict pads to the longest text by default and in small batches, with the same logits", async () => {
  const { texts, max_length } = reference.inputs;
  const out = await predict(["--model", TINY_MODEL_DIR, "--max-length", String(max_length), "--batch-size", "2", ...texts]);
  assert.equal(out.length, texts.length);
  out.forEach((line, i) => {
    assert.equal(line.cls_hidden_state, undefined);
    assertAllClose(line.logits, reference.forward.logits[i], bounds.logits, `logits of text ${i}`);
  });
});

test("predict rejects bad arguments with a usage message", async () => {
  await assert.rejects(run(["hello"]), /--model is required.*\nusage: tweet-transformers predict/s);
  await assert.rejects(run(["--model", TINY_MODEL_DIR]), /Give at least one TEXT/);
  await assert.rejects(run(["--model", TINY_MODEL_DIR, "--max-length", "ten", "x"]), /--max-length must be a positive integer, got "ten"/);
  await assert.rejects(run(["--model", TINY_MODEL_DIR, "--bogus", "x"]), /Unknown option '--bogus'/);
});
