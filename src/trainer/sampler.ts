// The order rows are visited in each epoch. Shuffling uses a Fisher-Yates shuffle driven by the
// mulberry32 stream of nn/random.ts, seeded from (dataSeed, epoch): an epoch's order depends on
// nothing else, so a run resumed from a checkpoint replays the same batches.
import { Generator } from "../nn/random.js";

function epochGenerator(seed: number, epoch: number): Generator {
  return new Generator((Math.trunc(seed) ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0);
}

/** A random permutation of `0..n-1` for `epoch`. */
export function shuffledOrder(n: number, seed: number, epoch: number): number[] {
  const g = epochGenerator(seed, epoch);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Like transformers' LengthGroupedSampler: a random permutation cut into mega-batches of up to 50
 * batches, each sorted by decreasing length, so a batch holds rows of similar length (less padding);
 * the longest row goes first, so running out of memory happens at once if at all.
 */
export function lengthGroupedOrder(lengths: number[], batchSize: number, seed: number, epoch: number): number[] {
  const n = lengths.length;
  const order = shuffledOrder(n, seed, epoch);
  const mult = Math.min(Math.floor(n / (batchSize * 4)), 50) || 1;
  const megaSize = mult * batchSize;
  const megabatches: number[][] = [];
  for (let i = 0; i < n; i += megaSize) {
    megabatches.push(order.slice(i, i + megaSize).sort((a, b) => lengths[b] - lengths[a]));
  }
  const batches = megabatches.map((mb) => {
    const out: number[][] = [];
    for (let i = 0; i < mb.length; i += batchSize) out.push(mb.slice(i, i + batchSize));
    return out;
  });
  let longest = 0;
  for (let m = 0; m < batches.length; m++) if (lengths[batches[m][0][0]] > lengths[batches[longest][0][0]]) longest = m;
  [batches[0][0][0], batches[longest][0][0]] = [batches[longest][0][0], batches[0][0][0]];
  return batches.flat(2);
}

/** Consecutive batches of `order`; the last one is short unless `dropLast`. */
export function toBatches(order: number[], batchSize: number, dropLast: boolean): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) {
    const b = order.slice(i, i + batchSize);
    if (b.length < batchSize && dropLast) break;
    out.push(b);
  }
  return out;
}
