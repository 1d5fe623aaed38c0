// The language of the messages a learner meets most (set by the notebook's first cell), and the
// short form of this library's errors in a notebook: one line with what to do, no JavaScript stack.
import * as path from "node:path";
import { inspect } from "node:util";

export type Language = "en" | "es";

let language: Language = process.env.TT_LANG === "es" ? "es" : "en";

/** Messages in `language` from now on ("es" in the Spanish notebooks; "en" by default, or `TT_LANG=es`). */
export function setLanguage(lang: Language): void {
  if (lang !== "en" && lang !== "es") throw new Error(`setLanguage: "es" or "en", got ${JSON.stringify(lang)}.`);
  language = lang;
}

export function getLanguage(): Language {
  return language;
}

/** The text in the current language. */
export function say(text: Record<Language, string>): string {
  return text[language];
}

const PACKAGE_ROOT = path.resolve(__dirname, "..");
let showStacks = process.env.TT_SHOW_STACK === "1";

/** Notebook errors with their full JavaScript stack (`showStack(false)` goes back to one line). */
export function showStack(show = true): void {
  showStacks = show;
}

/** Where an error was thrown: its stack's first frame. */
function thrownInLibrary(err: Error): boolean {
  const frame = (err.stack ?? "").split("\n").find((l) => /^\s+at /.test(l)) ?? "";
  return frame.includes(PACKAGE_ROOT) && !frame.includes(`${path.sep}node_modules${path.sep}`);
}

const shortForm = Symbol("tweet-transformers short error");

/**
 * In a notebook, errors thrown by this library print as `Error: message` (what happened and what to
 * do) instead of the message and a stack of library internals; `err.stack` keeps the stack, and
 * `showStack()` prints it again. Errors from the learner's own code print as before.
 */
export function useShortErrors(): void {
  const proto = Error.prototype as unknown as Record<PropertyKey, unknown>;
  if (proto[shortForm]) return;
  proto[shortForm] = true;
  Object.defineProperty(proto, inspect.custom, {
    configurable: true,
    writable: true,
    value(this: Error, _depth: number, options: object, inspectFn: typeof inspect = inspect) {
      const full = () => inspectFn(this, { ...options, customInspect: false });
      if (showStacks || !(this instanceof Error) || !thrownInLibrary(this)) return full();
      const more = say({ en: "showStack() shows the JavaScript stack", es: "showStack() muestra la pila de JavaScript" });
      return `${this.name}: ${this.message}\n(${more})`;
    },
  });
}
