// Danfo.js tables in the notebook: datasets to DataFrames, DataFrames to HTML (danfojs-node has no HTML output).
import type { DataFrame } from "danfojs-node";
import { inspect } from "node:util";
import type { Dataset } from "../datasets/dataset.js";
import { showBundle, type ShowOptions } from "./notebook.js";
import { htmlTable, textTable } from "./tables.js";

type Danfo = typeof import("danfojs-node");
let danfo: Danfo | undefined;

/**
 * danfojs-node, loaded on first use (it takes seconds). It brings its own copy of tfjs, whose kernels
 * collide with the ones already registered: hundreds of harmless "already registered" warnings,
 * muted while it loads.
 */
export function loadDanfo(): Danfo {
  if (!danfo) {
    const warn = console.warn;
    console.warn = () => {};
    try {
      danfo = require("danfojs-node") as Danfo;
      // A DataFrame left as a cell's value, or logged, prints as its table, not its internals.
      Object.defineProperty(danfo.DataFrame.prototype, inspect.custom, {
        value(this: DataFrame) {
          return dataFrameToText(this);
        },
      });
    } finally {
      console.warn = warn;
    }
  }
  return danfo;
}

/** A cell as a table shows it: long lists shortened, like pandas. */
function cellValue(value: unknown): string | number | boolean {
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "bigint") return Number(value);
  if (value == null) return "";
  if (ArrayBuffer.isView(value) || Array.isArray(value)) {
    const items = Array.from(value as ArrayLike<unknown>);
    const shown = items.slice(0, 8).map((v) => (typeof v === "number" ? v : JSON.stringify(v)));
    return `[${shown.join(", ")}${items.length > 8 ? `, … (${items.length})` : ""}]`;
  }
  return JSON.stringify(value);
}

/** A DataFrame from columns of equal length (lists inside cells are shown shortened). */
export function dataFrameFromColumns(columns: Record<string, ArrayLike<unknown>>, index?: Array<string | number>): DataFrame {
  const data: Record<string, Array<string | number | boolean>> = {};
  for (const [name, values] of Object.entries(columns)) data[name] = Array.from(values, cellValue);
  const { DataFrame } = loadDanfo();
  return new DataFrame(data, index ? { index } : undefined);
}

/** The first `n` rows of a dataset (all rows when `n` is left out) as a Danfo DataFrame. */
export function toDataFrame(dataset: Dataset, n = dataset.numRows): DataFrame {
  return dataFrameFromColumns(dataset.withFormat("python").slice(0, n));
}

/** Floats to 4 decimals, or 3 significant digits when smaller than 0.001 (learning rates). */
function formatCell(value: unknown): string {
  if (typeof value === "number" && !Number.isInteger(value)) {
    return Math.abs(value) < 1e-3 ? value.toExponential(2) : value.toFixed(4);
  }
  return String(value ?? "");
}

/** The rows of a DataFrame as strings, its index first. */
function bodyRows(df: DataFrame): string[][] {
  const values = df.values as unknown[][];
  return df.index.map((label, i) => [String(label), ...(values[i] ?? []).map(formatCell)]);
}

/** An HTML `<table class="dataframe">` (the class notebooks style), values escaped, floats to 4 decimals. */
export function dataFrameToHtml(df: DataFrame, caption?: string): string {
  return htmlTable(["", ...df.columns.map(String)], bodyRows(df), { caption, index: true });
}

/** A plain-text table (columns aligned), for terminals. */
export function dataFrameToText(df: DataFrame): string {
  return textTable([["", ...df.columns.map(String)], ...bodyRows(df)]);
}

/** Shows a DataFrame: an HTML table in a notebook, aligned text in a terminal. */
export function displayDataFrame(df: DataFrame, options: ShowOptions & { caption?: string } = {}): void {
  const shown = showBundle(
    { "text/html": dataFrameToHtml(df, options.caption), "text/plain": dataFrameToText(df) },
    options,
  );
  if (!shown) console.log(`${options.caption ? `${options.caption}\n` : ""}${dataFrameToText(df)}`);
}
