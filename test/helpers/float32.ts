// Tolerances from float32 rounding, not from one run: they must hold whichever kernels OpenBLAS picks
// (OPENBLAS_CORETYPE unset, Haswell, SkylakeX, Zen), on wasm, and against PyTorch's own order of sums.

/** float32 machine epsilon (2^-23): the spacing of floats in [1, 2); one rounding is off by at most eps32/2. */
export const EPS32 = 2 ** -23;

/**
 * The most two float32 evaluations of the same value may differ by, when each is a chain of `roundings`
 * roundings (a sum of n terms: n - 1; a dot product of length K: K) over terms whose magnitudes add up to
 * `magnitude` (Σ|terms|, e.g. Σ|a_k b_k| for a dot product): each result is within roundings·eps32/2·magnitude
 * of the exact one (Higham's γ_n), so they are within roundings·eps32·magnitude of each other.
 */
export function float32Bound(roundings: number, magnitude: number): number {
  return Math.max(1, roundings) * EPS32 * magnitude;
}
