/** Python's split strings: "train", "train[:100]", "train[10%:20%]", "train+validation". */
export interface SplitPart {
  split: string;
  start?: string;
  end?: string;
}

export function parseSplit(spec: string): SplitPart[] {
  return spec.split("+").map((part) => {
    const m = /^\s*([\w.-]+)\s*(?:\[\s*(-?\d+%?)?\s*:\s*(-?\d+%?)?\s*\])?\s*$/.exec(part);
    if (!m) throw new Error(`Cannot read the split "${spec}": write "train", "train[:100]", "train[10%:]" or "train+test".`);
    return { split: m[1], start: m[2], end: m[3] };
  });
}

/** [from, to) of a part over `n` rows; percentages round as Python's default ("closest"). */
export function partBounds(part: SplitPart, n: number): [number, number] {
  const at = (bound: string | undefined, fallback: number): number => {
    if (bound === undefined) return fallback;
    let i = bound.endsWith("%") ? Math.round((Number(bound.slice(0, -1)) * n) / 100) : Number(bound);
    if (i < 0) i += n;
    return Math.min(Math.max(i, 0), n);
  };
  const from = at(part.start, 0);
  return [from, Math.max(from, at(part.end, n))];
}
