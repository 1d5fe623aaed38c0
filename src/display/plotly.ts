// Plotly figures in the notebook: the `application/vnd.plotly.v1+json` MIME type for front ends with a
// Plotly renderer, and an HTML fallback drawn by the plotly.js bundle (read from node_modules, inlined
// once per kernel, no internet) for those without one, like the classic Notebook.
import * as fs from "node:fs";
import { inNotebook, jsonForScript, newDisplayId, showBundle, type MimeBundle, type ShowOptions } from "./notebook.js";

/** A Plotly figure, as `plotly.js` and Jupyter's Plotly MIME type take it. */
export interface Figure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
}

const PLOTLY_CONFIG = { displaylogo: false, responsive: true };

let bundleShown = false;

/** The plotly.js bundle as a `<script>` element (10 MB: sent once per kernel). */
function plotlyBundleHtml(): string {
  const file = require.resolve("plotly.js-dist/plotly.js");
  const source = fs.readFileSync(file, "utf8");
  if (/<\/script/i.test(source)) throw new Error(`${file} contains "</script" and cannot be inlined in HTML.`);
  const version = /plotly\.js v([\d.]+)/.exec(source)?.[1] ?? "";
  return `<script type="text/javascript">/* plotly.js ${version}, inlined for offline figures */\n${source}\n</script>`;
}

/**
 * HTML that draws `figure` with the page's `window.Plotly`: it waits a few seconds for the bundle
 * (another output may still be loading it), then says how to get it.
 */
export function figureHtml(figure: Figure): string {
  const id = `tt-plotly-${newDisplayId()}`;
  const height = typeof figure.layout.height === "number" ? figure.layout.height : 420;
  return `<div id="${id}" class="tt-plotly" style="width:100%;height:${height}px"></div>
<script type="text/javascript">
(function () {
  var fig = ${jsonForScript(figure)};
  var config = ${jsonForScript(PLOTLY_CONFIG)};
  var tries = 0;
  function draw() {
    var el = document.getElementById(${jsonForScript(id)});
    if (!el) return;
    if (window.Plotly) { window.Plotly.react(el, fig.data, fig.layout, config); return; }
    if (++tries < 100) { setTimeout(draw, 100); return; }
    el.style.height = "auto";
    el.textContent = "plotly.js is not loaded in this page: run the notebook again (or trust it) to see the figure.";
  }
  draw();
})();
</script>`;
}

/** A one-line description of the figure, for terminals and text-only front ends. */
export function figureText(figure: Figure): string {
  const title = figure.layout.title;
  const text = typeof title === "string" ? title : ((title as { text?: string } | undefined)?.text ?? "Figure");
  const traces = figure.data.map((t) => String(t.name ?? t.type ?? "trace"));
  return `${text} [${traces.join(", ")}]`;
}

/** The MIME bundle of a figure: Plotly JSON (a JSON object), HTML fallback, plain text. */
export function figureBundle(figure: Figure): MimeBundle {
  return {
    "application/vnd.plotly.v1+json": { data: figure.data, layout: figure.layout, config: PLOTLY_CONFIG },
    "text/html": figureHtml(figure),
    "text/plain": figureText(figure),
  };
}

/**
 * Shows a figure: in a notebook as Plotly (the bundle goes out before the first figure), in a
 * terminal as its one-line description.
 */
export function showFigure(figure: Figure, options: ShowOptions = {}): void {
  if (!inNotebook()) {
    if (!options.update) console.log(figureText(figure));
    return;
  }
  if (!bundleShown) {
    showBundle({ "text/html": plotlyBundleHtml(), "text/plain": "plotly.js loaded" });
    bundleShown = true;
  }
  showBundle(figureBundle(figure), options);
}
