// The executed solution notebook opened in Debian's classic Notebook with headless Chromium: the
// Plotly figures (drawn by the inlined plotly.js, the classic Notebook has no Plotly renderer), the
// Danfo tables, the epoch table and the checkers' verdicts are on the page. A copy opened untrusted
// (as a notebook handed out or opened from disk is) runs no script: each figure shows its still
// picture. Screenshots go to test-output/screenshots/.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { serveHub } from "../src/index.js";
import { buildTinyHub } from "./helpers/notebook-hub.js";
import { runNotebook } from "./helpers/notebook-run.js";
import { startNotebookServer, type NotebookServer } from "./helpers/notebook-server.js";
import { REPO_ROOT } from "./helpers/paths.js";

const SOURCE = path.join(REPO_ROOT, "notebooks", "es", "01-clasificando-tweets.solucion.ipynb");
const NOTEBOOK_DIR = path.join(REPO_ROOT, "test-output", "notebooks", "es");
const EXECUTED = path.join(NOTEBOOK_DIR, path.basename(SOURCE));
const SCREENSHOTS = path.join(REPO_ROOT, "test-output", "screenshots");
const CHROMIUM = process.env.TT_CHROMIUM ?? "/usr/bin/chromium";

let tmp: string;
let server: NotebookServer;
let browser: Browser;
let page: Page;
let untrusted: string;

/** The executed notebook that test/notebooks.test.ts saved, made now when it is missing or older than its source. */
async function executedNotebook(): Promise<string> {
  if (fs.existsSync(EXECUTED) && fs.statSync(EXECUTED).mtimeMs >= fs.statSync(SOURCE).mtimeMs) return EXECUTED;
  const hub = await serveHub(await buildTinyHub(path.join(tmp, "hub")));
  try {
    const env = { HF_ENDPOINT: hub.url, HF_HOME: path.join(tmp, "hf-home") };
    const { failure } = await runNotebook(SOURCE, EXECUTED, { env });
    if (failure) throw new Error(`cell ${failure.index} failed:\n${failure.source}\n${failure.stderr}`);
  } finally {
    await hub.close();
  }
  return EXECUTED;
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tt-browser-"));
  const notebook = await executedNotebook();
  // A copy that differs in its metadata, so that the signature of the trusted one does not cover it.
  untrusted = path.join(NOTEBOOK_DIR, "untrusted", path.basename(SOURCE));
  const copy = JSON.parse(fs.readFileSync(notebook, "utf8"));
  copy.metadata.tt_untrusted_copy = true;
  fs.mkdirSync(path.dirname(untrusted), { recursive: true });
  fs.writeFileSync(untrusted, JSON.stringify(copy));
  server = await startNotebookServer(NOTEBOOK_DIR, path.join(tmp, "jupyter"), [notebook]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.pageOf(notebook), { waitUntil: "domcontentloaded" });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** The output area of the Plotly figure whose title contains `title`. */
function figure(title: string) {
  return page.locator(".output_subarea").filter({ has: page.locator(".js-plotly-plot .gtitle", { hasText: title }) }).first();
}

test("the figures are drawn by the inlined plotly.js", async () => {
  await page.waitForFunction(() => document.querySelectorAll(".js-plotly-plot .main-svg").length >= 5, null, { timeout: 120_000 });
  const curves = figure("Curvas de aprendizaje");
  await curves.scrollIntoViewIfNeeded();
  assert.ok((await curves.locator(".scatterlayer .trace").count()) >= 3, "training loss, validation loss, accuracy");
  assert.match((await curves.locator(".scatterlayer .trace .js-line").first().getAttribute("d")) ?? "", /^M[\d.]+,[\d.]+L/);
  await curves.screenshot({ path: path.join(SCREENSHOTS, "learning-curves.png") });

  const matrix = figure("Matriz de confusión");
  await matrix.scrollIntoViewIfNeeded();
  assert.equal(await matrix.locator(".heatmaplayer image, .hm image").count(), 1, "the heat map");
  assert.equal(await matrix.locator(".heatmap-label").count(), 16, "a count in each of the 4 x 4 cells");
  await matrix.screenshot({ path: path.join(SCREENSHOTS, "confusion-matrix.png") });
});

test("the tables and the checkers' verdicts are shown", async () => {
  const epochTable = page.locator("table.tt-epoch-table").first();
  await epochTable.scrollIntoViewIfNeeded();
  assert.deepEqual(await epochTable.locator("th").allTextContents(), ["Epoch", "Training Loss", "Validation Loss", "Accuracy"]);
  assert.equal(await epochTable.locator("tbody tr").count(), 2);
  await page.locator(".output_subarea").filter({ has: epochTable }).first().screenshot({ path: path.join(SCREENSHOTS, "epoch-table.png") });

  const preview = page.locator("table.dataframe:not(.tt-epoch-table)").first();
  assert.ok((await preview.locator("tbody tr").count()) >= 5);
  await preview.scrollIntoViewIfNeeded();
  await preview.screenshot({ path: path.join(SCREENSHOTS, "dataset-preview.png") });
  assert.ok((await page.locator("table.dataframe").count()) >= 8, "dataset previews, label counts, history, predictions");
  const verdicts = page.locator(".tt-verdict");
  assert.equal(await verdicts.count(), 4);
  await verdicts.nth(1).scrollIntoViewIfNeeded();
  await verdicts.nth(1).screenshot({ path: path.join(SCREENSHOTS, "stance-climate-check.png") });
  // The training cell as the student sees it: code, live epoch table, learning curves.
  const trainingCell = page.locator(".cell").filter({ has: page.locator("table.tt-epoch-table") }).first();
  await trainingCell.scrollIntoViewIfNeeded();
  await trainingCell.screenshot({ path: path.join(SCREENSHOTS, "training-cell.png") });
  // The classic Notebook scrolls inside #site: the page's top is the first viewport.
  await page.locator("#notebook-container .cell").first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, "notebook-top.png") });
});

test("untrusted, every figure shows its still picture and says how to get the interactive one", async () => {
  const figures = (JSON.parse(fs.readFileSync(untrusted, "utf8")) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> }).cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o) => o.data?.["application/vnd.plotly.v1+json"]).length;
  assert.ok(figures >= 4, `${figures} figures in the notebook`);
  const other = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await other.goto(server.pageOf(untrusted), { waitUntil: "domcontentloaded" });
    await other.locator(".tt-verdict").nth(3).waitFor({ timeout: 120_000 });
    assert.match((await other.locator("#notification_trusted").textContent()) ?? "", /Not Trusted/);
    const stills = other.locator(".output_subarea img.tt-figure-still");
    assert.equal(await stills.count(), figures, "a still picture for every figure");
    assert.equal(await other.locator(".js-plotly-plot").count(), 0, "no script ran");
    for (let i = 0; i < figures; i++) {
      const still = stills.nth(i);
      await still.scrollIntoViewIfNeeded();
      const size = await still.evaluate((img: HTMLImageElement) => (img.complete ? [img.naturalWidth, img.naturalHeight] : [0, 0]));
      assert.ok(size[0] > 300 && size[1] > 200, `figure ${i} decoded: ${size}`);
      const note = still.locator("xpath=following-sibling::div[@class='tt-figure-note']");
      assert.match((await note.textContent()) ?? "", /ejecuta la celda otra vez/);
    }
    const shot = async (title: string, file: string) => {
      const output = other.locator(".output_subarea").filter({ has: other.locator(`img.tt-figure-still[alt^="${title}"]`) }).first();
      await output.scrollIntoViewIfNeeded();
      await output.screenshot({ path: path.join(SCREENSHOTS, file) });
    };
    await shot("Curvas de aprendizaje", "untrusted-learning-curves.png");
    await shot("Matriz de confusión", "untrusted-confusion-matrix.png");
    await shot("Tweets de entrenamiento", "untrusted-label-distribution.png");
  } finally {
    await other.close();
  }
});
