/** Normal samples times `scale` (Box-Muller over an LCG seeded with `seed`): the same values on every run. */
export function seededNormal(seed: number, scale = 1): (n: number) => Float32Array {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return (n) =>
    Float32Array.from({ length: n }, () => {
      const u = next();
      return Math.sqrt(-2 * Math.log(u + 1e-12)) * Math.cos(2 * Math.PI * next()) * scale;
    });
}
