/**
 * `numpy.random.default_rng(seed).permutation(n)`, bit for bit: SeedSequence -> PCG64 -> Fisher-Yates with
 * masked rejection sampling, as numpy's Generator does it. Python's `Dataset.shuffle(seed=...)` draws its
 * permutation this way, so `shuffle({ seed })` here picks the same rows in the same order.
 */
const M32 = 0xffffffff;
const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
const PCG_MULTIPLIER = (2549297995355413924n << 64n) + 4865540595714422341n;

// SeedSequence constants (numpy/random/bit_generator.pyx).
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

/** The seed as little-endian 32-bit words, as numpy coerces an int entropy. */
function seedWords(seed: number | bigint): number[] {
  let value = BigInt(seed);
  if (value < 0n) throw new RangeError(`A seed must be a non-negative integer, not ${seed}.`);
  const words: number[] = [];
  do {
    words.push(Number(value & 0xffffffffn));
    value >>= 32n;
  } while (value > 0n);
  return words;
}

/** SeedSequence(seed).generate_state(4, uint64) as [hi, lo] pairs of the 128-bit PCG seed and increment. */
function seedSequenceState(seed: number | bigint): bigint[] {
  const entropy = seedWords(seed);
  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    value = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const result = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (result ^ (result >>> 16)) >>> 0;
  };
  const pool: number[] = [];
  for (let i = 0; i < POOL_SIZE; i++) pool.push(hashmix(i < entropy.length ? entropy[i] : 0));
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src]));
  }
  let constB = INIT_B;
  const words: number[] = [];
  for (let i = 0; i < 8; i++) {
    let value = (pool[i % POOL_SIZE] ^ constB) >>> 0;
    constB = Math.imul(constB, MULT_B) >>> 0;
    value = Math.imul(value, constB) >>> 0;
    words.push((value ^ (value >>> 16)) >>> 0);
  }
  const u64: bigint[] = [];
  for (let i = 0; i < 8; i += 2) u64.push((BigInt(words[i + 1]) << 32n) | BigInt(words[i]));
  return u64;
}

/** numpy's PCG64 (XSL-RR 128/64) with its buffered 32-bit draws. */
class Pcg64 {
  private state = 0n;
  private readonly inc: bigint;
  private spare: number | undefined;

  constructor(seed: number | bigint) {
    const [s0, s1, i0, i1] = seedSequenceState(seed);
    const initState = (s0 << 64n) | s1;
    const initSeq = (i0 << 64n) | i1;
    this.inc = ((initSeq << 1n) | 1n) & MASK128;
    this.step();
    this.state = (this.state + initState) & MASK128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG_MULTIPLIER + this.inc) & MASK128;
  }

  next64(): bigint {
    this.step();
    const xored = ((this.state >> 64n) ^ this.state) & MASK64;
    const rot = this.state >> 122n;
    return ((xored >> rot) | (xored << ((64n - rot) & 63n))) & MASK64;
  }

  next32(): number {
    if (this.spare !== undefined) {
      const out = this.spare;
      this.spare = undefined;
      return out;
    }
    const next = this.next64();
    this.spare = Number(next >> 32n);
    return Number(next & 0xffffffffn);
  }

  /** A uniform integer in [0, max] (numpy's random_interval). */
  interval(max: number): number {
    if (max === 0) return 0;
    if (max > M32) throw new RangeError("Shuffling more than 2^32 rows is not supported.");
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.next32() & mask) >>> 0;
    while (value > max);
    return value;
  }
}

/** The same numbers as `numpy.random.default_rng(seed).permutation(n)`. */
export function numpyPermutation(n: number, seed: number | bigint): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  const rng = new Pcg64(seed);
  for (let i = n - 1; i >= 1; i--) {
    const j = rng.interval(i);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
