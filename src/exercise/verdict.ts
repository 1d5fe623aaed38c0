// What a checker found, shown as a coloured list in a notebook or as lines in a terminal.
import { inspect } from "node:util";
import { escapeHtml, showBundle } from "../display/notebook.js";

export type Level = "ok" | "warn" | "error";

export interface Finding {
  level: Level;
  text: string;
}

const MARK: Record<Level, string> = { ok: "✔", warn: "⚠", error: "✘" };
const COLOUR: Record<Level, string> = { ok: "#1a7f37", warn: "#9a6700", error: "#cf222e" };

/** A checker's verdict: `ok` when nothing is wrong (warnings are advice), `messages` as shown. */
export class Verdict {
  readonly findings: Finding[] = [];

  constructor(readonly title: string) {}

  get ok(): boolean {
    return this.findings.every((f) => f.level !== "error");
  }

  get messages(): string[] {
    return this.findings.map((f) => `${MARK[f.level]} ${f.text}`);
  }

  add(level: Level, text: string): this {
    this.findings.push({ level, text });
    return this;
  }

  toText(): string {
    return [`${this.ok ? MARK.ok : MARK.error} ${this.title}`, ...this.messages.map((m) => `  ${m}`)].join("\n");
  }

  toHtml(): string {
    const colour = this.ok ? COLOUR.ok : COLOUR.error;
    const items = this.findings
      .map((f) => `<li style="color:${COLOUR[f.level]}">${MARK[f.level]} ${inlineCode(f.text)}</li>`)
      .join("");
    return `<div class="tt-verdict" style="border-left:4px solid ${colour};padding:4px 12px;margin:4px 0">
<b style="color:${colour}">${this.ok ? MARK.ok : MARK.error} ${escapeHtml(this.title)}</b><ul style="margin:4px 0">${items}</ul></div>`;
  }

  /** Shows the verdict in the notebook, or prints it. */
  show(): this {
    if (!showBundle({ "text/html": this.toHtml(), "text/plain": this.toText() })) console.log(this.toText());
    return this;
  }

  /** Left as a cell's value it prints one line (the full report is already shown). */
  [inspect.custom](): string {
    return `Verdict { ok: ${this.ok}, messages: ${this.findings.length} }`;
  }
}

/** `code` in backticks becomes `<code>`; everything else is escaped. */
function inlineCode(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}
