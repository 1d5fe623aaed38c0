// A seedable random stream for weight initialisation and dropout masks, like torch.manual_seed.
// mulberry32 for uniforms, Box-Muller for normals: fast enough to fill a 23M-value embedding.

/** A deterministic stream of random numbers. */
export class Generator {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number = Math.floor(Math.random() * 2 ** 32)) {
    if (!Number.isFinite(seed)) throw new Error(`Generator: the seed must be a finite number, got ${seed}.`);
    this.state = seed >>> 0;
  }

  /** A uniform number in [0, 1). */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A standard normal number. */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u = 1 - this.uniform(); // (0, 1]: log(u) is finite
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** `size` values drawn from normal(mean, std). */
  normalArray(size: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(size);
    let i = 0;
    if (this.spare !== undefined && size > 0) out[i++] = mean + std * this.normal();
    // Both values of each Box-Muller pair, without the per-value call overhead.
    for (; i + 1 < size; i += 2) {
      const r = std * Math.sqrt(-2 * Math.log(1 - this.uniform()));
      const theta = 2 * Math.PI * this.uniform();
      out[i] = mean + r * Math.cos(theta);
      out[i + 1] = mean + r * Math.sin(theta);
    }
    if (i < size) out[i] = mean + std * this.normal();
    return out;
  }

  /** A 32-bit integer, e.g. to seed a tfjs random op. */
  int32(): number {
    return Math.floor(this.uniform() * 2 ** 32) | 0;
  }
}

let defaultGenerator = new Generator();

/** Seed the stream used by weight initialisation and dropout when no generator is passed. */
export function manualSeed(seed: number): void {
  defaultGenerator = new Generator(seed);
}

/** The stream that `manualSeed` seeds. */
export function getDefaultGenerator(): Generator {
  return defaultGenerator;
}
