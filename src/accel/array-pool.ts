// Recycled Float32Arrays for the native backend's kernel outputs. A fresh array costs its pages
// from the kernel (zero-filled, page faults) and later a garbage collection: a DistilBERT training
// step (batch 16, length 60) writes 1.9 GB of kernel outputs, and when only part of them came back
// from the pool, fresh arrays and the collections after them took ~14% of the step. Shapes change from batch to batch (dynamic
// padding, packed tokens), so arrays come in size classes: a request is served by a buffer of its
// class (at most 12.5% larger) through a view of the length asked for. The pool holds up to
// `maxBytes`; when over, the buffers given back longest ago go first.

/** The capacity in values of the buffers that serve a request for n: n rounded up to an eighth of its power of two. */
export function capacityFor(n: number): number {
  if (n <= 16) return 16;
  const step = 2 ** (28 - Math.clz32(n)); // 2^(floor(log2 n) - 3)
  return Math.ceil(n / step) * step;
}

export class ArrayPool {
  private readonly byCapacity = new Map<number, ArrayBuffer[]>();
  /** Every pooled buffer, oldest first. */
  private readonly order = new Set<ArrayBuffer>();
  private pooled = 0;
  private lastTake = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.pooled;
  }

  /** A new array of n values (zeros) in a buffer of its class, for the pool to take back later. */
  static allocate(n: number): Float32Array {
    return new Float32Array(new ArrayBuffer(4 * capacityFor(n)), 0, n);
  }

  /**
   * An array of n values (stale ones) on the latest buffer given back of its class, else of the
   * next classes up to 4 above (at most 1.6 times n), or undefined.
   */
  take(n: number): Float32Array | undefined {
    this.lastTake = performance.now();
    let buffer: ArrayBuffer | undefined;
    for (let c = capacityFor(n), i = 0; !buffer && i <= 4; c = capacityFor(c + 1), i++) buffer = this.byCapacity.get(c)?.pop();
    if (!buffer) return undefined;
    this.order.delete(buffer);
    this.pooled -= buffer.byteLength;
    return new Float32Array(buffer, 0, n);
  }

  /**
   * Keeps `a`'s buffer (from `allocate` or `take`) for a later take; the caller must hold no other
   * reference that could see it reused.
   */
  give(a: Float32Array): void {
    const buffer = a.buffer as ArrayBuffer;
    if (buffer.byteLength > this.maxBytes || this.order.has(buffer)) return;
    const capacity = buffer.byteLength / 4;
    const list = this.byCapacity.get(capacity);
    if (list) list.push(buffer);
    else this.byCapacity.set(capacity, [buffer]);
    this.order.add(buffer);
    this.pooled += buffer.byteLength;
    while (this.pooled > this.maxBytes) this.evictOldest();
  }

  /** Drops every pooled buffer when nothing was taken for `idleMs` (a notebook between cells): true if it did. */
  trimIfIdle(idleMs: number): boolean {
    if (this.pooled === 0 || performance.now() - this.lastTake < idleMs) return false;
    this.byCapacity.clear();
    this.order.clear();
    this.pooled = 0;
    return true;
  }

  private evictOldest(): void {
    const old = this.order.values().next().value as ArrayBuffer;
    this.order.delete(old);
    const list = this.byCapacity.get(old.byteLength / 4)!;
    list.splice(list.indexOf(old), 1); // the oldest of its class: at the bottom of its stack
    if (list.length === 0) this.byCapacity.delete(old.byteLength / 4);
    this.pooled -= old.byteLength;
  }
}
