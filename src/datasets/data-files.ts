/** Data-file patterns as the hub's dataset cards write them ("emotion/train-*", "data/**\/*.parquet"). */
export type DataFilesSpec = string | string[] | Record<string, string | string[]>;

/** `*` matches within a folder, `**` across folders, `?` one character; `[...]` as in shell globs. */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        const slash = pattern[i + 2] === "/";
        re += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else re += "[^/]*";
    } else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      const close = pattern.indexOf("]", i + 1);
      if (close < 0) re += "\\[";
      else {
        re += `[${pattern.slice(i + 1, close).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Patterns of each split: a string or list means one "train" split, as in Python. */
export function splitPatterns(spec: DataFilesSpec): Record<string, string[]> {
  if (typeof spec === "string") return { train: [spec] };
  if (Array.isArray(spec)) return { train: [...spec] };
  const out: Record<string, string[]> = {};
  for (const [split, patterns] of Object.entries(spec)) out[split] = typeof patterns === "string" ? [patterns] : [...patterns];
  return out;
}

/** The files (sorted, no duplicates) that the patterns match; an error naming the pattern when one matches none. */
export function matchFiles(patterns: string[], files: readonly string[], where: string): string[] {
  const out = new Set<string>();
  for (const pattern of patterns) {
    const re = globToRegExp(pattern.replace(/^\.?\//, ""));
    const hits = files.filter((f) => re.test(f));
    if (hits.length === 0) throw new Error(`No file of ${where} matches "${pattern}". Files: ${files.slice(0, 20).join(", ")}${files.length > 20 ? ", ..." : ""}.`);
    for (const f of hits) out.add(f);
  }
  return [...out].sort();
}

// The keywords by which Python's datasets recognises split files when a card names none.
const SPLIT_KEYWORDS: Record<string, string[]> = {
  train: ["train", "training"],
  validation: ["validation", "valid", "dev", "val"],
  test: ["test", "testing", "eval", "evaluation"],
};

/** Splits of a repository without configs: files named or foldered by split keyword, else all in "train". */
export function inferSplitFiles(files: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [split, words] of Object.entries(SPLIT_KEYWORDS)) {
    const re = new RegExp(`(^|[/_.-])(${words.join("|")})([/_.0-9-]|$)`, "i");
    const hits = files.filter((f) => re.test(f));
    if (hits.length) out[split] = hits;
  }
  return Object.keys(out).length ? out : { train: [...files] };
}
