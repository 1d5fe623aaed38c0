// Unknown options fail loudly with "did you mean": learners arrive from the Python course and write
// `max_length`, `num_labels`, `return_tensors`; an option silently ignored is worse than an error.

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Levenshtein distance (insert, delete, substitute), case-insensitive. */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[t.length];
}

/** The known name `name` was probably meant to be: its camelCase (or snake_case) spelling, else the nearest by edit distance. */
export function didYouMean(name: string, known: Iterable<string>): string | undefined {
  const names = [...known];
  for (const spelling of [camelCase(name), snakeCase(name), camelCase(name.toLowerCase())]) {
    if (spelling !== name && names.includes(spelling)) return spelling;
  }
  const folded = name.toLowerCase().replace(/[_-]/g, "");
  const sameLetters = names.find((n) => n.toLowerCase().replace(/[_-]/g, "") === folded);
  if (sameLetters) return sameLetters;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  for (const n of names) {
    const d = editDistance(name, n);
    if (d <= bestDistance && (best === undefined || d < bestDistance)) [best, bestDistance] = [n, d];
  }
  return best;
}

/** ` Did you mean "x"?` (with a word on camelCase when that is the slip), or "" when nothing is close. */
export function didYouMeanText(name: string, known: Iterable<string>): string {
  const guess = didYouMean(name, known);
  if (guess === undefined) return "";
  const camelSlip = guess === camelCase(name) || guess.toLowerCase() === name.toLowerCase().replace(/_/g, "");
  return ` Did you mean "${guess}"?${camelSlip && name.includes("_") ? " Options are camelCase in this kit." : ""}`;
}

export interface CheckOptions {
  /** Words added after the "did you mean" of this option (e.g. what the kit does instead). */
  notes?: Record<string, string>;
  /** List the known options in the message (default true; false where the list is long and given elsewhere). */
  list?: boolean;
}

/**
 * Throws when `options` has a key not in `known`: `${where}: unknown option "max_length". Did you mean "maxLength"?`.
 * `options` that is not an object fails too (a common slip is passing the value where the options go).
 */
export function checkOptions(where: string, options: unknown, known: Iterable<string>, how: CheckOptions = {}): void {
  if (options === undefined || options === null) return;
  const names = [...known];
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object like { ${names[0] ?? ""}: ... }, got ${Array.isArray(options) ? "an array" : typeof options}.`);
  }
  for (const key of Object.keys(options)) {
    if (names.includes(key)) continue;
    const note = how.notes?.[key] ?? how.notes?.[camelCase(key)];
    const list = how.list === false ? "" : ` Options: ${names.join(", ")}.`;
    throw new Error(`${where}: unknown option "${key}".${didYouMeanText(key, names)}${note ? ` ${note}` : ""}${list}`);
  }
}

/** The option names of an options interface, checked by the compiler: adding an option without listing it fails to build. */
export function optionNames<T>(names: { [K in keyof Required<T>]: true }): string[] {
  return Object.keys(names);
}
