// The Spanish solution notebook run top to bottom (quick mode, tiny model from a local hub) in real
// JupyterLab 4 with headless Chromium, twice: JupyterLab alone (figures drawn by the kit's inlined
// plotly.js) and with the `plotly` package, whose jupyterlab-plotly extension renders
// application/vnd.plotly.v1+json. The learning curves must show every epoch while training and after.
// JupyterLab comes from pip into a venv cached under ~/.cache/tweet-transformers/venvs; where pip
// cannot install it the test is skipped, loudly. Screenshots go to test-output/screenshots/jupyterlab-*/.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { chromium } from "playwright-core";
import { serveHub } from "../src/index.js";
import { jupyterLabVenv } from "./helpers/jupyterlab-venv.js";
import { buildTinyHub } from "./helpers/notebook-hub.js";
import { startNotebookServer } from "./helpers/notebook-server.js";
import { REPO_ROOT } from "./helpers/paths.js";

const { registerKernel } = require("../scripts/register-kernel.js") as { registerKernel(py?: string): string };

const SOURCE = path.join(REPO_ROOT, "notebooks", "es", "01-clasificando-tweets.solucion.ipynb");
const CHROMIUM = process.env.TT_CHROMIUM ?? "/usr/bin/chromium";
const CURVES_TITLE = "Curvas de aprendizaje";
const PLOTLY_MIME = "application/vnd.plotly.v1+json";
/** JupyterLab asks every kernel for a debugger; tslab has none and does not say so. */
const NO_DEBUGGER = /No active debugger session/;

/** Settings for a fresh JupyterLab: no news or update checks (no internet), every cell kept in the page. */
function writeLabSettings(jupyterHome: string): void {
  const dir = path.join(jupyterHome, "config", "lab", "user-settings", "@jupyterlab");
  const settings: Record<string, object> = {
    "apputils-extension/notification.jupyterlab-settings": { fetchNews: "false", checkForUpdates: false },
    "notebook-extension/tracker.jupyterlab-settings": { windowingMode: "none" },
  };
  for (const [file, value] of Object.entries(settings)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), JSON.stringify(value));
  }
}

/** What the page shows of the training cell: epoch-table rows, epochs on the curves, who drew them. */
interface Sample {
  rows: number;
  points: number;
  mime: string | null;
  running: boolean;
}

/** Runs in the page every 50 ms, recording each new state of the training cell in `window.__samples`. */
function sampleTrainingCell(title: string): void {
  const w = window as unknown as { __samples: Sample[] };
  w.__samples = [];
  setInterval(() => {
    const table = document.querySelector("table.tt-epoch-table");
    const cell = table?.closest(".jp-Cell");
    if (!table || !cell) return;
    const plot = [...cell.querySelectorAll(".js-plotly-plot")].find((p) => p.querySelector(".gtitle")?.textContent === title) as
      | (Element & { data?: Array<{ x: number[] }> })
      | undefined;
    const progress = cell.querySelector(".tt-progress progress") as HTMLProgressElement | null;
    const sample = {
      rows: table.querySelectorAll("tbody tr").length,
      points: plot?.data?.[1]?.x?.length ?? 0, // the validation loss: one point per evaluation
      // jupyterlab-plotly's output (class jp-RenderedPlotly) carries no data-mime-type.
      mime: plot?.closest(".jp-RenderedPlotly") ? "application/vnd.plotly.v1+json" : (plot?.closest("[data-mime-type]")?.getAttribute("data-mime-type") ?? null),
      running: progress ? progress.value < progress.max : true,
    };
    const last = w.__samples.at(-1);
    if (!last || JSON.stringify(last) !== JSON.stringify(sample)) w.__samples.push(sample);
  }, 50);
}

const SETUPS = [
  { name: "jupyterlab", requirements: ["jupyterlab"], curvesMime: "text/html" },
  { name: "jupyterlab-plotly", requirements: ["jupyterlab", "plotly"], curvesMime: PLOTLY_MIME },
];

for (const setup of SETUPS) {
  describe(`JupyterLab 4, ${setup.requirements.join(" + ")} from pip`, () => {
    const venv = jupyterLabVenv(setup.requirements);
    const skip = "skipped" in venv ? `NOT RUN: JupyterLab could not be installed: ${venv.skipped}` : false;
    if (skip) console.error(`\n!!! ${skip}\n`);

    test("the Spanish solution notebook runs; curves show every epoch while training and after", { skip }, async () => {
      if ("skipped" in venv) return;
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `tt-${setup.name}-`));
      const workDir = path.join(REPO_ROOT, "test-output", setup.name);
      const screenshots = path.join(REPO_ROOT, "test-output", "screenshots", setup.name);
      fs.rmSync(workDir, { recursive: true, force: true });
      fs.mkdirSync(workDir, { recursive: true });
      fs.mkdirSync(screenshots, { recursive: true });
      const notebook = path.join(workDir, path.basename(SOURCE));
      fs.copyFileSync(SOURCE, notebook);
      registerKernel(venv.python);
      writeLabSettings(path.join(tmp, "jupyter"));

      const hub = await serveHub(await buildTinyHub(path.join(tmp, "hub")));
      const server = await startNotebookServer(workDir, path.join(tmp, "jupyter"), [], {
        lab: true,
        python: venv.python,
        env: { HF_ENDPOINT: hub.url, HF_HOME: path.join(tmp, "hf-home"), HF_HUB_OFFLINE: "" },
      });
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
        const pageErrors: string[] = [];
        page.on("pageerror", (e) => {
          if (!NO_DEBUGGER.test(e.message)) pageErrors.push(e.message);
        });
        await page.goto(server.pageOf(notebook), { waitUntil: "domcontentloaded" });
        await page.locator(".jp-Notebook .jp-Cell").first().waitFor({ timeout: 120_000 });
        await page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').waitFor({ timeout: 120_000 });
        // The indicator says idle before the kernel has started: wait for the status bar's word too.
        await page.getByText(/TypeScript \| Idle/).first().waitFor({ timeout: 180_000 });
        // A first start may still ask about Jupyter news: answer no.
        const news = page.locator(".jp-Notification-Toast-content, .Toastify__toast").filter({ hasText: /news/i }).getByRole("button", { name: /^no$/i });
        if (await news.count()) await news.first().click({ noWaitAfter: true });

        await page.evaluate(sampleTrainingCell, CURVES_TITLE);
        // (JupyterLab rewrites its URL after `?reset`: no waiting for navigations after clicks.)
        await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click({ timeout: 90_000, noWaitAfter: true });
        await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click({ timeout: 90_000, noWaitAfter: true });

        // While training: the curves after the first evaluation, as the student sees them.
        const trainingCell = page.locator(".jp-Cell").filter({ has: page.locator("table.tt-epoch-table") }).first();
        await page.waitForFunction(
          () => ((window as unknown as { __samples: Sample[] }).__samples ?? []).some((s) => s.running && s.points >= 1),
          null,
          { timeout: 300_000, polling: 100 },
        );
        await trainingCell.scrollIntoViewIfNeeded();
        await trainingCell.screenshot({ path: path.join(screenshots, "training-live.png") });

        // Top to bottom: every code cell numbered, none running, the kernel idle.
        await page.waitForFunction(
          () => {
            const prompts = [...document.querySelectorAll(".jp-CodeCell .jp-InputPrompt")].map((p) => p.textContent ?? "");
            const idle = document.querySelector(".jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") === "idle";
            return idle && prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p));
          },
          null,
          { timeout: 600_000, polling: 500 },
        );
        const errors = await page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"], .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').allTextContents();
        // stderr holds failures (tslab writes them there) and transformers' expected loading notices
        // ("not used" for a pretraining checkpoint's extra weights, "newly initialized" for the new head).
        assert.deepEqual(errors.filter((e) => !/^Some weights of (\w+ were not initialized|the model checkpoint at \S+ were not used)/.test(e)), [], "no cell failed");

        // The learning curves: epoch 1 while training, both epochs once trained, drawn by Plotly.
        await page.waitForTimeout(500); // a last sample
        const samples = await page.evaluate(() => (window as unknown as { __samples: Sample[] }).__samples);
        console.log(`# ${setup.name}: training cell states ${JSON.stringify(samples)}`);
        assert.ok(samples.some((s) => s.running && s.rows === 1 && s.points === 1), "epoch 1 on the curves while epoch 2 trains");
        const final = samples.at(-1)!;
        assert.deepEqual(final, { rows: 2, points: 2, mime: setup.curvesMime, running: false }, "both epochs on the finished curves");
        const curves = page.locator(".jp-OutputArea-child").filter({ has: page.locator(".js-plotly-plot .gtitle", { hasText: CURVES_TITLE }) }).first();
        await curves.scrollIntoViewIfNeeded();
        assert.equal(await curves.locator(".scatterlayer .trace").count(), 3, "training loss, validation loss, accuracy");
        await trainingCell.screenshot({ path: path.join(screenshots, "training-final.png") });

        // Every figure drawn; tables, progress bars and the checkers' verdicts on the page.
        const figures = page.locator(".js-plotly-plot .main-svg");
        assert.ok((await page.locator(".js-plotly-plot").count()) >= 4, "label distributions, curves, confusion matrix");
        assert.ok(await figures.count());
        const matrix = page.locator(".jp-OutputArea-child").filter({ has: page.locator(".js-plotly-plot .gtitle", { hasText: "Matriz de confusión" }) }).first();
        await matrix.scrollIntoViewIfNeeded();
        await matrix.screenshot({ path: path.join(screenshots, "confusion-matrix.png") });
        assert.ok((await page.locator("table.dataframe").count()) >= 8, "dataset previews, label counts, history, predictions");
        assert.ok((await page.locator(".tt-progress progress").count()) >= 1, "the training progress bar");
        const verdicts = page.locator(".tt-verdict");
        assert.equal(await verdicts.count(), 4);
        for (const verdict of await verdicts.allTextContents()) assert.doesNotMatch(verdict, /✘/, verdict);
        await verdicts.nth(1).scrollIntoViewIfNeeded();
        await verdicts.nth(1).screenshot({ path: path.join(screenshots, "stance-climate-check.png") });
        assert.deepEqual(pageErrors, [], "no page errors");

        // The executed notebook handed out: saved, copied (so JupyterLab's signature does not cover
        // it) and opened untrusted, as from disk. Every figure still shows, at least as its picture.
        await page.locator(".lm-MenuBar-itemLabel", { hasText: /^File$/ }).click({ timeout: 90_000, noWaitAfter: true });
        await page.locator(".lm-Menu-itemLabel", { hasText: /^Save Notebook$/ }).click({ timeout: 90_000, noWaitAfter: true });
        // (An autosave may have written part of the run already: wait for every cell's execution count.)
        const savedRun = () => {
          try {
            const nb = JSON.parse(fs.readFileSync(notebook, "utf8")) as { cells: Array<{ cell_type: string; execution_count?: number | null }> };
            return nb.cells.every((c) => c.cell_type !== "code" || typeof c.execution_count === "number") ? nb : undefined;
          } catch {
            return undefined; // being written
          }
        };
        const deadline = Date.now() + 60_000;
        while (!savedRun() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
        const saved = savedRun() as unknown as { cells: unknown[]; metadata: Record<string, unknown> };
        assert.ok(saved, "the notebook saved with every cell run");
        const figureCount = (saved.cells as Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }>)
          .flatMap((c) => c.outputs ?? [])
          .filter((o) => o.data?.[PLOTLY_MIME]).length;
        assert.ok(figureCount >= 4, `${figureCount} figures saved`);
        saved.metadata.tt_untrusted_copy = true;
        const handedOut = path.join(workDir, "sin-confianza.ipynb");
        fs.writeFileSync(handedOut, JSON.stringify(saved));
        const other = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
        await other.goto(server.pageOf(handedOut), { waitUntil: "domcontentloaded" });
        await other.locator(".tt-verdict").nth(3).waitFor({ timeout: 120_000 });
        // jupyterlab-plotly draws a figure once it is in view: scroll to each.
        const shown = other.locator(".jp-OutputArea-child").filter({ has: other.locator(".jp-RenderedPlotly, img.tt-figure-still") });
        await other.locator(".jp-RenderedPlotly, img.tt-figure-still").nth(figureCount - 1).waitFor({ state: "attached", timeout: 60_000 });
        assert.equal(await shown.count(), figureCount, "every figure shown");
        if (setup.curvesMime === PLOTLY_MIME) {
          // jupyterlab-plotly outranks the HTML that holds the still picture and draws untrusted Plotly
          // JSON itself, after loading plotly.js (slow under load): recorded by a screenshot.
          await shown.first().scrollIntoViewIfNeeded();
          await shown.first().screenshot({ path: path.join(screenshots, "untrusted-first-figure.png") });
          const drawn = await other.locator(".js-plotly-plot .main-svg").count();
          console.log(`# ${setup.name}, untrusted: ${figureCount} figures given to jupyterlab-plotly, ${drawn} drawn when looked at`);
          await other.close();
          return;
        }
        for (let i = 0; i < figureCount; i++) {
          await shown.nth(i).scrollIntoViewIfNeeded();
          await shown.nth(i).locator(".js-plotly-plot .main-svg, img.tt-figure-still").first().waitFor({ timeout: 30_000 });
        }
        const stills = other.locator("img.tt-figure-still");
        for (let i = 0; i < (await stills.count()); i++) {
          const size = await stills.nth(i).evaluate(async (img: HTMLImageElement) => {
            img.scrollIntoView();
            await img.decode().catch(() => undefined);
            return [img.naturalWidth, img.naturalHeight];
          });
          assert.ok(size[0] > 300 && size[1] > 200, `still picture ${i} decoded: ${size}`);
        }
        console.log(`# ${setup.name}, untrusted: ${await other.locator(".js-plotly-plot").count()} figures by Plotly, ${await stills.count()} still pictures`);
        const untrustedCurves = shown.filter({ has: other.locator(`.gtitle:text("${CURVES_TITLE}"), img[alt^="${CURVES_TITLE}"]`) }).first();
        await untrustedCurves.scrollIntoViewIfNeeded();
        await untrustedCurves.screenshot({ path: path.join(screenshots, "untrusted-learning-curves.png") });
      } finally {
        await browser.close();
        await server.close();
        await hub.close();
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  });
}
