// Every notebook, unmodified, executed top to bottom with the tslab kernel against a local hub where
// distilbert-base-uncased is a tiny random DistilBERT (the quick-mode switch stays on, as in the
// workshop). Executed notebooks are saved under test-output/notebooks/. The English solution runs once
// more with TT_BACKEND=webgpu over SwiftShader, a software GPU (test-output/notebooks/webgpu/), where
// every value a cell shows comes from awaited reads of GPU tensors: against a hub with 8 tweets per
// split, as a training step there takes tens of times longer than on the CPU backends.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { TINY_DIM, useTinyHub } from "./helpers/notebook-hub.js";
import { cellText, runNotebook, text, type Notebook, type Output } from "./helpers/notebook-run.js";
import { REPO_ROOT } from "./helpers/paths.js";
import { WEBGPU_ENV, webgpuSkip } from "./helpers/webgpu-env.js";

export const NOTEBOOKS = [
  { file: "notebooks/es/01-clasificando-tweets.ipynb", lang: "es", solved: false },
  { file: "notebooks/es/01-clasificando-tweets.solucion.ipynb", lang: "es", solved: true },
  { file: "notebooks/en/01-classifying-tweets.ipynb", lang: "en", solved: false },
  { file: "notebooks/en/01-classifying-tweets.solution.ipynb", lang: "en", solved: true },
] as const;

export const OUTPUT_DIR = path.join(REPO_ROOT, "test-output", "notebooks");

const outputs = (nb: Notebook): Output[] => nb.cells.flatMap((c) => c.outputs ?? []);
const htmlOf = (o: Output) => text(o.data?.["text/html"] as string | string[] | undefined);
const plotlyFigures = (nb: Notebook) =>
  outputs(nb)
    .map((o) => o.data?.["application/vnd.plotly.v1+json"])
    .filter((f): f is { data: Array<Record<string, unknown>>; layout: Record<string, unknown> } => f !== undefined);
const cellsWith = (nb: Notebook, needle: string) => nb.cells.filter((c) => c.cell_type === "code" && text(c.source).includes(needle));

/** Runs `spec`'s notebook with `env` (saved to `outPath`), asserts what every run shows, returns it. */
async function runAndCheck(spec: (typeof NOTEBOOKS)[number], outPath: string, env: NodeJS.ProcessEnv): Promise<Notebook> {
  const { notebook: nb, failure, seconds } = await runNotebook(path.join(REPO_ROOT, spec.file), outPath, { env });
  console.log(`# ${path.relative(OUTPUT_DIR, outPath)}: ${seconds.toFixed(1)} s`);
  if (failure) {
    assert.fail(`cell ${failure.index} failed:\n${failure.source}\n--- stderr ---\n${failure.stderr || "(nothing on stderr)"}`);
  }

  // The exercise's own outputs.
  const all = nb.cells.map(cellText).join("\n");
  assert.match(all, /'mor',\s*'##dor'/, "the Mordor tokens");
  assert.match(all, /22822,\s*7983/, "the Mordor ids");
  assert.match(all, new RegExp(`\\[\\s*1,\\s*60,\\s*${TINY_DIM}\\s*\\]`), "the [1, 60, dim] embeddings");

  // Plotly: the bundle once, figures as JSON objects with an HTML fallback.
  const bundles = outputs(nb).filter((o) => /\/\* plotly\.js [\d.]+, inlined/.test(htmlOf(o)));
  assert.equal(bundles.length, 1, "the plotly.js bundle is inlined once");
  const figures = plotlyFigures(nb);
  const titles = figures.map((f) => (f.layout.title as { text: string }).text);
  assert.ok(figures.every((f) => typeof f === "object" && Array.isArray(f.data)), "Plotly JSON is an object");
  const curves = figures.find((f) => (f.layout.title as { text: string }).text === (spec.lang === "es" ? "Curvas de aprendizaje" : "Learning curves"));
  assert.ok(curves, `a learning-curve figure, titled in the notebook's language, among ${titles}`);
  assert.deepEqual(curves.data[0].x, [1, 2], "the final curves have both epochs of quick mode");
  assert.ok(figures.some((f) => f.data[0]?.type === "heatmap"), "a confusion matrix");
  assert.ok(figures.some((f) => f.data[0]?.type === "bar"), "the label distribution");
  // Each figure also carries its still picture, for front ends that run no script.
  const figureOutputs = outputs(nb).filter((o) => o.data?.["application/vnd.plotly.v1+json"]);
  for (const o of figureOutputs) {
    assert.match(text(o.data!["image/svg+xml"] as string | string[]), /^<svg /);
    assert.match(htmlOf(o), /<img class="tt-figure-still" [^>]*src="data:image\/svg\+xml;base64,/);
  }
  const megabytes = fs.statSync(outPath).size / 2 ** 20;
  console.log(`# ${spec.file}: executed notebook ${megabytes.toFixed(2)} MB`);
  assert.ok(megabytes < 4, `the executed notebook weighs ${megabytes.toFixed(1)} MB`);

  // Tables: Danfo DataFrames and the live epoch table (one row per epoch of quick mode).
  assert.ok(outputs(nb).some((o) => htmlOf(o).includes('class="dataframe"')), "a DataFrame table");
  const epochTable = htmlOf(outputs(nb).find((o) => htmlOf(o).includes("tt-epoch-table"))!);
  assert.match(epochTable, /Training Loss.*Validation Loss.*Accuracy/s);
  assert.equal((epochTable.match(/<tr><td>/g) ?? []).length, 2, "two epochs in quick mode");

  // "Train faster": the same training padded to 60, padded per batch, and grouped by length, in one table.
  const faster = cellText(cellsWith(nb, spec.lang === "es" ? "entrenarYMedir(" : "trainAndMeasure(")[0]);
  const rows = spec.lang === "es" ? ["hasta 60", "dinámico", "dinámico \\+ groupByLength"] : ["to 60", "dynamic", "dynamic \\+ groupByLength"];
  for (const row of rows) assert.match(faster, new RegExp(`\\d  ${row} +[\\d.]+ +[\\d.]+`), `the "${row}" run's seconds and accuracy`);

  // Checkers: the empty prompts are reported, the solutions pass.
  const stance = cellText(cellsWith(nb, spec.lang === "es" ? "comprobar.stanceClimate" : "check.stanceClimate")[0]);
  const checks = cellsWith(nb, spec.lang === "es" ? "comprobar." : "check.").map(cellText);
  assert.equal(checks.length, 4);
  for (const c of checks) assert.doesNotMatch(c, /Verdict \{/, "a checker shows its verdict and prints nothing more");
  if (spec.solved) {
    for (const c of checks) assert.doesNotMatch(c, /✘/, c);
    assert.match(stance, spec.lang === "es" ? /3 clases de salida/ : /3 output classes/);
    assert.match(stance, spec.lang === "es" ? /Exactitud en test: \d+,\d %/ : /Test accuracy: [\d.]+ %/);
  } else {
    for (const c of checks) assert.match(c, spec.lang === "es" ? /✘.*todavía no tiene valor/s : /✘.*has no value yet/s, c);
  }
  return nb;
}

// Two at a time (CI has 2 cores); each kernel works in its own folder (checkpoints), the hub cache is shared.
describe("notebooks run top to bottom", { concurrency: 2 }, () => {
  const hub = useTinyHub("tt-notebooks-");
  for (const spec of NOTEBOOKS) {
    test(spec.file, async () => {
      await runAndCheck(spec, path.join(OUTPUT_DIR, spec.lang, path.basename(spec.file)), hub.env);
    });
  }
});

describe("the solution notebook on webgpu", () => {
  const hub = useTinyHub("tt-notebooks-webgpu-", { rowsPerSplit: 8 });
  const spec = NOTEBOOKS[3];
  test(`${spec.file} with TT_BACKEND=webgpu (SwiftShader)`, { skip: webgpuSkip }, async () => {
    const nb = await runAndCheck(spec, path.join(OUTPUT_DIR, "webgpu", spec.lang, path.basename(spec.file)), { ...hub.env, ...WEBGPU_ENV });
    const info = cellText(cellsWith(nb, "backendInfo()")[0]);
    assert.match(info, /name: 'webgpu'/, info);
    assert.match(info, /webgpu \(Dawn, google swiftshader, software\)/, info);
  });
});
