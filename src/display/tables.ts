// Tables as notebooks show them (HTML with the `dataframe` class) and as terminals do (aligned text).
import { escapeHtml } from "./notebook.js";

/**
 * `<table class="dataframe ...">` with a header row and body rows; with `index`, each body row's
 * first cell is a header cell, as pandas shows row labels. Cells are escaped.
 */
export function htmlTable(head: readonly string[], rows: readonly (readonly string[])[], options: { className?: string; caption?: string; index?: boolean; align?: "left" | "right" } = {}): string {
  const th = (c: string) => `<th>${escapeHtml(c)}</th>`;
  // Numbers right-aligned (the notebooks' default), text left-aligned so tweets read naturally.
  const td = (c: string) => (c === "" || Number.isFinite(Number(c)) ? `<td>${escapeHtml(c)}</td>` : `<td style="text-align: left;">${escapeHtml(c)}</td>`);
  const body = rows
    .map((row) => `<tr>${row.map((c, j) => (options.index && j === 0 ? th(c) : td(c))).join("")}</tr>`)
    .join("\n");
  const cls = ["dataframe", options.className].filter(Boolean).join(" ");
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "";
  return `<table border="1" class="${cls}">${caption}\n<thead><tr style="text-align: ${options.align ?? "right"};">${head.map(th).join("")}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Rows as text with aligned columns (cells longer than `maxWidth` are cut with "…"). */
export function textTable(rows: readonly (readonly string[])[], maxWidth = 60): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => Math.min(maxWidth, (r[j] ?? "").length))));
  const clip = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  return rows.map((r) => r.map((c, j) => clip(c, widths[j])).join("  ").trimEnd()).join("\n");
}
