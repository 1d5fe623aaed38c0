// The tslab bridge: knows whether this process is a tslab Jupyter kernel and sends display messages.
import { randomBytes } from "node:crypto";

/** A Jupyter MIME bundle: `text/*` values are strings, `+json` values are JSON objects. */
export type MimeBundle = Record<string, unknown>;

interface TslabJupyter {
  lastWriteDisplayData:
    | ((content: { data: MimeBundle; metadata: object; transient: { display_id?: string } }, update: boolean) => void)
    | null;
}

/**
 * tslab's own `jupyter` module when this process is a tslab kernel, else `undefined`.
 * tslab's public `display.raw` sends one MIME type, as a string; the kernel module's writer sends
 * whole bundles, so `+json` types travel as JSON objects the way Jupyter expects.
 */
function tslabJupyter(): TslabJupyter | undefined {
  let file: string;
  try {
    file = require.resolve("tslab/dist/jupyter");
  } catch {
    return undefined;
  }
  // Loaded only when the kernel itself runs (`tslab kernel`): requiring it from a script would not
  // make that script a notebook.
  return require.cache[file]?.exports as TslabJupyter | undefined;
}

/** True while running inside a tslab kernel that can show rich output. */
export function inNotebook(): boolean {
  return typeof tslabJupyter()?.lastWriteDisplayData === "function";
}

/** A fresh id for a display that later updates in place. */
export function newDisplayId(): string {
  return randomBytes(8).toString("hex");
}

export interface ShowOptions {
  /** Shows under this id; a later `show` with `update: true` and the same id replaces it in place. */
  displayId?: string;
  update?: boolean;
}

/**
 * Sends a MIME bundle to the notebook (`display_data`, or `update_display_data` when `update`).
 * Returns false, sending nothing, outside a notebook.
 */
export function showBundle(data: MimeBundle, options: ShowOptions = {}): boolean {
  const write = tslabJupyter()?.lastWriteDisplayData;
  if (typeof write !== "function") return false;
  const transient = options.displayId ? { display_id: options.displayId } : {};
  write({ data, metadata: {}, transient }, Boolean(options.update && options.displayId));
  return true;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that can sit inside an HTML `<script>` element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
