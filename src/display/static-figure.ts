// The still picture of a figure: the kit's Plotly figures (line, bar and heat-map traces) redrawn as
// Vega-Lite and rendered to SVG by vega in Node, with no browser. It travels with every figure so that
// front ends that run no script (an untrusted notebook, GitHub, nbviewer) still show it.
import { pathToFileURL } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { Figure } from "./plotly.js";

type Trace = Record<string, any>;
type Spec = Record<string, unknown>;

/** plotly.js's default trace colours, so that both drawings agree. */
const COLORWAY = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const WIDTH = 640;

const text = (title: unknown): string | undefined =>
  typeof title === "string" ? title : ((title as { text?: string } | undefined)?.text ?? undefined);
const axisTitle = (axis: unknown): string | undefined => text((axis as { title?: unknown } | undefined)?.title);

function lineSpec(traces: Trace[], layout: Record<string, any>): Spec {
  const names = traces.map((t) => String(t.name));
  const colour = { field: "series", type: "nominal", scale: { domain: names, range: COLORWAY.slice(0, names.length) }, legend: { orient: "bottom", title: null } };
  const layer = (axis: "y" | "y2") => {
    const rows = traces
      .filter((t) => (t.yaxis ?? "y") === axis)
      .flatMap((t) => (t.x as number[]).map((x, i) => ({ x, y: (t.y as number[])[i], series: String(t.name), dash: t.line?.dash === "dot" })));
    const yAxis = layout[axis === "y" ? "yaxis" : "yaxis2"] ?? {};
    const range = Array.isArray(yAxis.range) ? { domain: yAxis.range } : { zero: yAxis.rangemode === "tozero" };
    return {
      data: { values: rows },
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "x", type: "quantitative", title: axisTitle(layout.xaxis) ?? null, axis: { tickMinStep: 1, format: "d" } },
        y: { field: "y", type: "quantitative", title: axisTitle(yAxis) ?? null, scale: range, axis: { orient: axis === "y" ? "left" : "right", grid: axis === "y" } },
        color: colour,
        strokeDash: { field: "dash", type: "nominal", scale: { domain: [false, true], range: [[1, 0], [2, 3]] }, legend: null },
      },
    };
  };
  const layers = (["y", "y2"] as const).filter((axis) => traces.some((t) => (t.yaxis ?? "y") === axis)).map(layer);
  return { layer: layers, resolve: { scale: { y: "independent" } } };
}

function barSpec(trace: Trace, layout: Record<string, any>): Spec {
  const rows = (trace.x as unknown[]).map((x, i) => ({ x: String(x), y: (trace.y as number[])[i] }));
  const x = { field: "x", type: "nominal", sort: null, title: axisTitle(layout.xaxis) ?? null, axis: { labelAngle: 0 } };
  const y = { field: "y", type: "quantitative", title: axisTitle(layout.yaxis) ?? null };
  return {
    data: { values: rows },
    layer: [
      { mark: { type: "bar", color: COLORWAY[0] }, encoding: { x, y } },
      { mark: { type: "text", dy: -8 }, encoding: { x, y, text: { field: "y", type: "quantitative" } } },
    ],
  };
}

function heatmapSpec(trace: Trace, layout: Record<string, any>): Spec {
  const xs = (trace.x as unknown[]).map(String);
  const ys = (trace.y as unknown[]).map(String);
  const z = trace.z as number[][];
  const labels = trace.text as string[][] | undefined;
  const rows = ys.flatMap((y, i) => xs.map((x, j) => ({ x, y, z: z[i][j], label: labels?.[i]?.[j] ?? String(z[i][j]) })));
  const encoding = {
    x: { field: "x", type: "nominal", sort: xs, title: axisTitle(layout.xaxis) ?? null, axis: { labelAngle: 0 } },
    y: { field: "y", type: "nominal", sort: ys, title: axisTitle(layout.yaxis) ?? null },
  };
  const domain = [trace.zmin ?? 0, trace.zmax ?? 1];
  return {
    data: { values: rows },
    encoding,
    layer: [
      { mark: "rect", encoding: { color: { field: "z", type: "quantitative", scale: { scheme: "blues", domain }, title: null, legend: { format: ".0%" } } } },
      {
        mark: "text",
        encoding: {
          text: { field: "label" },
          color: { condition: { test: `datum.z > ${(domain[0] + domain[1]) / 2}`, value: "white" }, value: "black" },
        },
      },
    ],
  };
}

/** The Vega-Lite specification of a figure made of the kit's trace types (scatter lines, bar, heatmap). */
export function vegaLiteSpec(figure: Figure): Spec {
  const layout = figure.layout as Record<string, any>;
  const types = new Set(figure.data.map((t) => t.type));
  const [first] = figure.data;
  let body: Spec;
  if (types.size === 1 && first?.type === "heatmap") body = heatmapSpec(first, layout);
  else if (types.size === 1 && first?.type === "bar") body = barSpec(first, layout);
  else if (figure.data.every((t) => t.type === "scatter")) body = lineSpec(figure.data, layout);
  else throw new Error(`No still picture for traces of type ${[...types].join(", ")}: only scatter, bar and heatmap.`);
  const height = (typeof layout.height === "number" ? layout.height : 420) - 140;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: text(layout.title),
    width: WIDTH - 120,
    height,
    background: "white",
    config: { font: "sans-serif", title: { fontSize: 16, fontWeight: "normal" }, legend: { labelLimit: 0 }, view: { stroke: null } },
    ...body,
  };
}

// vega is an ES module and renders asynchronously; figures are shown synchronously (from the Trainer's
// callbacks too). A worker thread renders, and the kernel waits for it on a shared flag.
const WORKER = `
const { workerData } = require("node:worker_threads");
const { port, flag, vega, vegaLite } = workerData;
const modules = Promise.all([import(vega), import(vegaLite)]);
port.on("message", async (spec) => {
  let reply;
  try {
    const [vg, vl] = await modules;
    const view = new vg.View(vg.parse(vl.compile(spec).spec), { renderer: "none" });
    reply = { svg: await view.toSVG() };
    view.finalize();
  } catch (e) {
    reply = { error: String((e && e.stack) || e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

let renderer: { port: MessagePort; flag: Int32Array } | undefined;

/** The file URL of an installed ES module package, for the worker's `import()`. */
const moduleUrl = (name: string): string => pathToFileURL(require.resolve(name)).href;

function startRenderer(): { port: MessagePort; flag: Int32Array } {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER, { eval: true, workerData: { port: port2, flag, vega: moduleUrl("vega"), vegaLite: moduleUrl("vega-lite") }, transferList: [port2] });
  worker.unref();
  port1.unref();
  return { port: port1, flag };
}

/** Renders a Vega-Lite specification to SVG markup (the first call loads vega: about a second). */
export function renderSvg(spec: Spec): string {
  renderer ??= startRenderer();
  const { port, flag } = renderer;
  Atomics.store(flag, 0, 0);
  port.postMessage(spec);
  if (Atomics.wait(flag, 0, 0, 60_000) === "timed-out") {
    renderer = undefined;
    throw new Error("vega did not render the figure's still picture within 60 s.");
  }
  const reply = receiveMessageOnPort(port)?.message as { svg?: string; error?: string } | undefined;
  if (!reply?.svg) throw new Error(`vega could not render the figure's still picture: ${reply?.error ?? "no answer"}`);
  return reply.svg;
}

/** The figure as SVG markup, drawn without a browser. */
export function figureSvg(figure: Figure): string {
  return renderSvg(vegaLiteSpec(figure));
}
