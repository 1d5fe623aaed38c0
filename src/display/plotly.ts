// Plotly figures in the notebook: the `application/vnd.plotly.v1+json` MIME type for front ends with a
// Plotly renderer; an HTML fallback drawn by the plotly.js bundle (read from node_modules, inlined
// once per kernel, no internet) for those without one, like the classic Notebook; and inside that HTML,
// and as `image/svg+xml`, a still picture of the figure for front ends that run no script (an untrusted
// notebook, GitHub, nbviewer).
import * as fs from "node:fs";
import { words } from "./language.js";
import { escapeHtml, inNotebook, jsonForScript, newDisplayId, showBundle, type MimeBundle, type ShowOptions } from "./notebook.js";
import { figureSvg } from "./static-figure.js";

/** A Plotly figure, as `plotly.js` and Jupyter's Plotly MIME type take it. */
export interface Figure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
}

const PLOTLY_CONFIG = { displaylogo: false, responsive: true };

let bundleShown = false;

/** The plotly.js bundle (its cartesian traces: 1.5 MB) as a `<script>` element, sent once per kernel. */
function plotlyBundleHtml(): string {
  const file = require.resolve("plotly.js-cartesian-dist-min");
  const source = fs.readFileSync(file, "utf8");
  if (/<\/script/i.test(source)) throw new Error(`${file} contains "</script" and cannot be inlined in HTML.`);
  const version = /plotly\.js .*?v([\d.]+)/.exec(source)?.[1] ?? "";
  return `<script type="text/javascript">/* plotly.js ${version}, inlined for offline figures */\n${source}\n</script>`;
}

/**
 * HTML that draws `figure` with the page's `window.Plotly` over its still picture (`svg`): it waits a few
 * seconds for the bundle (another output may still be loading it), then says how to get it. Where no
 * script runs, the still picture and a line saying how to get the interactive figure stay.
 */
export function figureHtml(figure: Figure, svg = figureSvg(figure)): string {
  const id = `tt-plotly-${newDisplayId()}`;
  const height = typeof figure.layout.height === "number" ? figure.layout.height : 420;
  const still = `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
  return `<div id="${id}" class="tt-plotly" style="width:100%;min-height:${height}px">
<img class="tt-figure-still" alt="${escapeHtml(figureText(figure))}" src="${still}" style="max-width:100%">
<div class="tt-figure-note" style="font-size:smaller;color:#666">${escapeHtml(words().staticPicture)}</div>
</div>
<script type="text/javascript">
(function () {
  var fig = ${jsonForScript(figure)};
  var config = ${jsonForScript(PLOTLY_CONFIG)};
  var tries = 0;
  function draw() {
    var el = document.getElementById(${jsonForScript(id)});
    if (!el) return;
    if (window.Plotly) {
      if (!el.classList.contains("js-plotly-plot")) { el.textContent = ""; el.style.height = "${height}px"; }
      window.Plotly.react(el, fig.data, fig.layout, config);
      return;
    }
    if (++tries < 100) { setTimeout(draw, 100); return; }
    el.querySelector(".tt-figure-note").textContent = ${jsonForScript(words().noPlotly)};
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

export interface FigureOptions extends ShowOptions {
  /**
   * A drawing that later updates replace (the Trainer's curves while it trains): without the Plotly
   * MIME type, whose JupyterLab renderer keeps its first drawing through in-place updates.
   */
  live?: boolean;
}

/** The MIME bundle of a figure: Plotly JSON (a JSON object) unless `live`, HTML fallback, SVG, plain text. */
export function figureBundle(figure: Figure, options: { live?: boolean } = {}): MimeBundle {
  const svg = figureSvg(figure);
  const plotly = options.live ? {} : { "application/vnd.plotly.v1+json": { data: figure.data, layout: figure.layout, config: PLOTLY_CONFIG } };
  return { ...plotly, "text/html": figureHtml(figure, svg), "image/svg+xml": svg, "text/plain": figureText(figure) };
}

/**
 * Shows a figure: in a notebook as Plotly (the bundle goes out before the first figure), in a
 * terminal as its one-line description.
 */
export function showFigure(figure: Figure, options: FigureOptions = {}): void {
  if (!inNotebook()) {
    if (!options.update) console.log(figureText(figure));
    return;
  }
  if (!bundleShown) {
    showBundle({ "text/html": plotlyBundleHtml(), "text/plain": "plotly.js loaded" });
    bundleShown = true;
  }
  showBundle(figureBundle(figure, options), options);
}
