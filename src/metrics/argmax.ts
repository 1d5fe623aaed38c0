/** Index of the largest value in each row (first one on ties), like `np.argmax(logits, axis=-1)`. */
export function argmax(rows: ArrayLike<ArrayLike<number>>): number[] {
  const out = new Array<number>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row.length === 0) throw new Error(`argmax: row ${i} is empty; pass logits shaped [batch, numLabels].`);
    let best = 0;
    for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
    out[i] = best;
  }
  return out;
}
