/** Padding and truncation strategies, named as in Python (`padding="max_length"`, `truncation=True`). */
export type PaddingStrategy = boolean | "longest" | "max_length" | "do_not_pad";
export type TruncationStrategy = boolean | "longest_first" | "only_first" | "do_not_truncate";

const PADDINGS = new Set<unknown>([true, false, "longest", "max_length", "do_not_pad"]);
const TRUNCATIONS = new Set<unknown>([true, false, "longest_first", "only_first", "do_not_truncate"]);

export function checkPadding(padding: unknown): PaddingStrategy {
  if (!PADDINGS.has(padding)) {
    throw new TypeError(`padding must be true, false, "longest", "max_length" or "do_not_pad", not ${JSON.stringify(padding)}.`);
  }
  return padding as PaddingStrategy;
}

/** Whether to truncate. As in Python, a maxLength without `truncation` means longest-first truncation. */
export function wantsTruncation(truncation: unknown, maxLength: number | undefined): boolean {
  if (truncation === undefined) return maxLength !== undefined;
  if (!TRUNCATIONS.has(truncation)) {
    throw new TypeError(`truncation must be true, false, "longest_first", "only_first" or "do_not_truncate", not ${JSON.stringify(truncation)}.`);
  }
  return truncation !== false && truncation !== "do_not_truncate";
}

export function checkMaxLength(maxLength: unknown): number | undefined {
  if (maxLength === undefined || maxLength === null) return undefined;
  if (typeof maxLength !== "number" || !Number.isInteger(maxLength) || maxLength < 0) {
    throw new TypeError(`maxLength must be a non-negative integer, not ${JSON.stringify(maxLength)}.`);
  }
  return maxLength;
}

/**
 * The length every row is padded to, or undefined when there is no padding: `"max_length"` pads to maxLength,
 * `true`/`"longest"` to the longest row. Rows longer than the target are left as they are (as in Python).
 */
export function paddedLength(padding: PaddingStrategy, lengths: readonly number[], maxLength: number): number | undefined {
  if (padding === "max_length") return maxLength;
  if (padding === true || padding === "longest") return lengths.reduce((a, b) => Math.max(a, b), 0);
  return undefined;
}

/** Pads `row` on the right with `value` up to `length`. */
export function padRight<T>(row: readonly T[], length: number, value: T): T[] {
  const out = row.slice();
  while (out.length < length) out.push(value);
  return out;
}
