// Display: figures, tables and the live training view, first as a terminal sees them, then inside a
// simulated tslab kernel (its real `jupyter` module loaded, the message writer captured).
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  ClassLabel,
  Dataset,
  NotebookProgressCallback,
  TrainerControl,
  TrainerState,
  TrainingArguments,
  confusionMatrixFigure,
  dataFrameFromColumns,
  dataFrameToHtml,
  dataFrameToText,
  displayDataFrame,
  epochRows,
  epochTableHtml,
  figureBundle,
  figureSvg,
  inNotebook,
  labelCounts,
  learningCurvesFigure,
  logHistoryDataFrame,
  notebookDownloadProgress,
  plotConfusionMatrix,
  predictionsDataFrame,
  previewDataFrame,
  setLanguage,
  showBundle,
  softmax,
  toDataFrame,
  type LogEntry,
  type MimeBundle,
} from "../src/index.js";

const HISTORY: LogEntry[] = [
  { eval_loss: 1.3, eval_accuracy: 0.4, eval_runtime: 2, eval_samples_per_second: 100, eval_steps_per_second: 7, epoch: 1, step: 10 },
  { loss: 1.2, grad_norm: 2.5, learning_rate: 2e-5, epoch: 2, step: 20 },
  { eval_loss: 1.1, eval_accuracy: 0.55, eval_runtime: 2, eval_samples_per_second: 100, eval_steps_per_second: 7, epoch: 2, step: 20 },
];

const emotions = () =>
  Dataset.fromDict({
    text: ["so happy", "angry!", "sad <b>day</b>", "yay"],
    label: [1, 0, 3, 1],
    input_ids: [[101, 102], [101, 7, 102], [101, 102], [101, 102]],
  }).castColumn("label", new ClassLabel({ names: ["anger", "joy", "optimism", "sadness"] }));

/** Captures console.log while `fn` runs. */
function logged(fn: () => void): string {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(" "));
  try {
    fn();
  } finally {
    console.log = log;
  }
  return lines.join("\n");
}

describe("figures", () => {
  test("learning curves: training and validation loss per epoch, metrics on the second axis", () => {
    const fig = learningCurvesFigure(HISTORY);
    const byName = Object.fromEntries(fig.data.map((t) => [t.name, t]));
    assert.deepEqual(Object.keys(byName), ["Training loss", "Validation loss", "Validation accuracy"]);
    assert.deepEqual(byName["Training loss"].x, [2]);
    assert.deepEqual(byName["Validation loss"].y, [1.3, 1.1]);
    assert.equal(byName["Validation accuracy"].yaxis, "y2");
  });

  test("confusion matrix: counts as text, colour as the share of the true class", () => {
    const fig = confusionMatrixFigure([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], ["a", "b", "c"]);
    const trace = fig.data[0];
    assert.equal(trace.type, "heatmap");
    assert.deepEqual(trace.text, [["1", "1", "0"], ["0", "1", "0"], ["1", "0", "2"]]);
    assert.deepEqual((trace.z as number[][])[2], [1 / 3, 0, 2 / 3]);
  });

  test("a figure's bundle: Plotly JSON as an object, HTML that cannot close its script early", () => {
    const fig = { data: [{ type: "bar", name: "</script><script>alert(1)</script>", x: [1], y: [2] }], layout: { title: { text: "T" } } };
    const bundle = figureBundle(fig);
    assert.deepEqual((bundle["application/vnd.plotly.v1+json"] as { data: unknown }).data, fig.data);
    const html = bundle["text/html"] as string;
    assert.equal(html.match(/<\/script>/g)?.length, 1, "only the fallback's own closing tag");
    assert.match(html, /window\.Plotly\.react/);
    assert.match(bundle["text/plain"] as string, /^T \[/);
  });

  test("every figure carries a still SVG picture, drawn by vega, for front ends that run no script", () => {
    const bundle = figureBundle(confusionMatrixFigure([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], ["anger", "joy", "sadness"]));
    const svg = bundle["image/svg+xml"] as string;
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const label of ["Confusion matrix", "Predicted", "True", "anger", "joy", "sadness"]) assert.ok(svg.includes(`>${label}</text>`), label);
    const html = bundle["text/html"] as string;
    const still = /<img class="tt-figure-still" alt="[^"]*" src="data:image\/svg\+xml;base64,([^"]+)"/.exec(html);
    assert.equal(Buffer.from(still![1], "base64").toString(), svg, "the same picture inside the HTML, shown when no script runs");
    assert.match(html, /run the cell again \(or trust the notebook\)/);
    // Learning curves: a line per series, the metric on the right-hand axis.
    const curves = figureSvg(learningCurvesFigure(HISTORY));
    for (const label of ["Learning curves", "Training loss", "Validation loss", "Validation accuracy", "Epoch", "Loss", "Metric"]) {
      assert.ok(curves.includes(`>${label}</text>`), label);
    }
    assert.equal(curves.match(/aria-roledescription="line mark"/g)?.length, 3);
  });

  test("figure labels follow setLanguage", () => {
    setLanguage("es");
    try {
      const fig = learningCurvesFigure(HISTORY);
      assert.deepEqual(fig.data.map((t) => t.name), ["Pérdida de entrenamiento", "Pérdida de validación", "Exactitud de validación"]);
      assert.equal((fig.layout.xaxis as { title: { text: string } }).title.text, "Época");
      const bundle = figureBundle(confusionMatrixFigure([0, 1], [0, 1], ["a", "b"]));
      assert.ok((bundle["image/svg+xml"] as string).includes(">Matriz de confusión</text>"));
      assert.match(bundle["text/html"] as string, /ejecuta la celda otra vez/);
    } finally {
      setLanguage("en");
    }
  });
});

describe("tables", () => {
  test("the epoch table: one row per evaluation, 'No log' before any training loss", () => {
    assert.deepEqual(
      epochRows(HISTORY).map((r) => [r.epoch, r.trainingLoss, r.validationLoss, r.metrics.accuracy]),
      [[1, undefined, 1.3, 0.4], [2, 1.2, 1.1, 0.55]],
    );
    const html = epochTableHtml(HISTORY);
    assert.match(html, /<th>Epoch<\/th><th>Training Loss<\/th><th>Validation Loss<\/th><th>Accuracy<\/th>/);
    assert.match(html, /<tr><td>1<\/td><td style="text-align: left;">No log<\/td><td>1\.300000<\/td><td>0\.400000<\/td><\/tr>/);
  });

  test("DataFrame to HTML: escaped, floats to 4 decimals, index shown", () => {
    const html = dataFrameToHtml(dataFrameFromColumns({ text: ["<b>&</b>"], score: [0.123456] }));
    assert.match(html, /<table border="1" class="dataframe">/);
    assert.match(html, /<tr><th>0<\/th><td style="text-align: left;">&#60;b&#62;&#38;&#60;\/b&#62;<\/td><td>0\.1235<\/td><\/tr>/);
  });

  test("a dataset as a DataFrame: token lists shortened, class names beside labels, tf format ignored", () => {
    const ds = emotions();
    ds.setFormat("tf", ["input_ids", "label"]);
    const df = toDataFrame(ds, 2);
    assert.deepEqual(df.columns, ["text", "label", "input_ids"]);
    assert.deepEqual(df.values, [["so happy", 1, "[101, 102]"], ["angry!", 0, "[101, 7, 102]"]]);
    const preview = previewDataFrame(ds, 3);
    assert.deepEqual(preview.column("label_name").values, ["joy", "anger", "sadness"]);
  });

  test("label counts: every class, with its share", () => {
    const df = labelCounts(emotions());
    assert.deepEqual(df.column("label_name").values, ["anger", "joy", "optimism", "sadness"]);
    assert.deepEqual(df.column("count").values, [1, 2, 0, 1]);
    assert.deepEqual(df.column("share").values, [0.25, 0.5, 0, 0.25]);
  });

  test("predictions: the class with the highest probability, probabilities summing to 1", () => {
    const df = predictionsDataFrame(["a", "b"], [[0, 2, 0], [1, 1, 3]], ["x", "y", "z"]);
    assert.deepEqual(df.column("prediction").values, ["y", "z"]);
    for (const row of softmax([[0, 2, 0]])) assert.ok(Math.abs(row.reduce((s, p) => s + p, 0) - 1) < 1e-12);
    assert.throws(() => predictionsDataFrame(["a"], [[0, 1]], ["x", "y", "z"]), /2 columns but there are 3 class names/);
  });

  test("the log history as a table: one column per key, epoch and step first", () => {
    const df = logHistoryDataFrame(HISTORY);
    assert.deepEqual(df.columns.slice(0, 3), ["epoch", "step", "eval_loss"]);
    assert.equal(df.shape[0], 3);
  });
});

describe("in a terminal", () => {
  test("nothing is sent to a notebook; tables and figures print as text", () => {
    assert.equal(inNotebook(), false);
    assert.equal(showBundle({ "text/plain": "x" }), false);
    const table = logged(() => displayDataFrame(dataFrameFromColumns({ a: [1, 2] })));
    assert.equal(table, dataFrameToText(dataFrameFromColumns({ a: [1, 2] })));
    assert.match(logged(() => plotConfusionMatrix([0, 1], [0, 1], ["a", "b"])), /^Confusion matrix \[share of the true class\]$/);
  });
});

describe("in a tslab kernel", () => {
  const sent: Array<{ data: MimeBundle; id?: string; update: boolean }> = [];
  before(() => {
    // tslab's own kernel module, with its message writer captured as the kernel would set it.
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
    jupyter.lastWriteDisplayData = (content: { data: MimeBundle; transient: { display_id?: string } }, update: boolean) =>
      sent.push({ data: content.data, id: content.transient.display_id, update });
  });

  test("figures: the plotly.js bundle goes out once, before the first figure", () => {
    sent.length = 0;
    plotConfusionMatrix([0, 1], [0, 1], ["a", "b"]);
    plotConfusionMatrix([0, 1], [1, 1], ["a", "b"]);
    assert.equal(sent.length, 3);
    assert.match(sent[0].data["text/html"] as string, /^<script type="text\/javascript">\/\* plotly\.js [\d.]+, inlined/);
    assert.ok((sent[0].data["text/html"] as string).length > 1_000_000);
    assert.ok((sent[0].data["text/html"] as string).length < 2_000_000, "the cartesian bundle, not the 10 MB one");
    for (const s of sent.slice(1)) assert.equal(typeof s.data["application/vnd.plotly.v1+json"], "object");
  });

  test("training: the epoch table and the learning curves update in place", async () => {
    sent.length = 0;
    const cb = new NotebookProgressCallback(0);
    const args = new TrainingArguments({ outputDir: "unused", numTrainEpochs: 2 });
    const state = new TrainerState({ maxSteps: 20, numTrainEpochs: 2 });
    cb.onTrainBegin(args, state);
    state.globalStep = 10;
    state.epoch = 1;
    state.logHistory.push(HISTORY[0]);
    cb.onStepEnd(args, state);
    cb.onEvaluate(args, state);
    state.globalStep = 20;
    state.epoch = 2;
    state.logHistory.push(HISTORY[1], HISTORY[2]);
    cb.onEvaluate(args, state);
    cb.onTrainEnd(args, state);
    const table = sent.filter((s) => (s.data["text/html"] as string).includes("tt-epoch-table"));
    const curves = sent.filter((s) => s.data["image/svg+xml"]);
    assert.equal(new Set(table.map((s) => s.id)).size, 1, "one table display");
    assert.deepEqual(table.map((s) => s.update), [false, true, true, true, true]);
    assert.match(table.at(-1)!.data["text/html"] as string, /\[20\/20 [\d:]+, [\d.]+ it\/s, Epoch 2\/2\][\s\S]*<td>2<\/td><td>1\.200000<\/td>/);
    assert.deepEqual(curves.map((s) => s.update), [false, true, true]);
    assert.equal(new Set(curves.map((s) => s.id)).size, 1, "one figure display");
    // While training the kit draws (JupyterLab's Plotly renderer ignores in-place updates); the
    // finished curves go to the Plotly renderer, which draws them afresh.
    assert.deepEqual(curves.map((s) => "application/vnd.plotly.v1+json" in s.data), [false, false, true]);
    assert.equal(curves[0].data["image/svg+xml"] === curves[1].data["image/svg+xml"], false, "epoch 2 redrawn");
    // An evaluate() after training leaves the finished display alone.
    const count = sent.length;
    cb.onEvaluate(args, state);
    assert.equal(sent.length, count);
  });

  test("evaluate() after training: a progress bar of its own, the epoch table left alone", () => {
    sent.length = 0;
    const cb = new NotebookProgressCallback(0);
    const args = new TrainingArguments({ outputDir: "unused" });
    const state = new TrainerState();
    const control = new TrainerControl();
    for (let step = 1; step <= 3; step++) cb.onPredictionStep(args, state, control, { predictionStep: step, predictionSteps: 3 });
    cb.onEvaluate(args, state);
    assert.deepEqual(sent.map((s) => s.update), [false, true, true]);
    assert.equal(new Set(sent.map((s) => s.id)).size, 1);
    assert.match(sent[2].data["text/html"] as string, /<progress value="3" max="3"[\s\S]*\[3\/3 [\d:]+, [\d.]+ it\/s\]/);
  });

  test("downloads: one progress bar per file, updated in place", () => {
    sent.length = 0;
    const bar = notebookDownloadProgress.start("model.safetensors", 1000);
    bar.update(1000);
    bar.done();
    assert.ok(sent.length >= 2 && sent.every((s) => s.id === sent[0].id));
    assert.deepEqual([sent[0].update, sent.at(-1)!.update], [false, true]);
    assert.match(sent.at(-1)!.data["text/html"] as string, /model\.safetensors<\/code> 100%/);
  });
});
