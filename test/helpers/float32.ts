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

const maxAbs = (values: unknown[]) => Math.max(...(values.flat(3) as number[]).map(Math.abs));

/** What the DistilBERT parity bounds need of a fixture's reference.json. */
export interface ForwardReference {
  inputs: { input_ids: number[][]; labels: number[] };
  forward: { last_hidden_state: unknown[]; logits: number[][]; loss: number };
}

/**
 * How far two float32 DistilBERT forwards (ours, PyTorch's reference) may drift apart: the roundings of the
 * longest chain to one output (each sum of K products: K; softmax over the sequence; LayerNorm: two means and
 * the map), times eps32, times the size of the values (LayerNorm outputs; logits). The loss, a batch mean of
 * cross-entropies, moves by at most 2·max|Δ logit| (its gradient has an L1 norm ≤ 2 per row), plus its own
 * log-sum-exp and mean.
 */
export function distilBertForwardBounds(config: object, reference: ForwardReference): { hidden: number; logits: number; loss: number } {
  const { dim } = config as Record<string, number>;
  const roundings = distilBertForwardRoundings(config, reference.inputs.input_ids[0].length);
  const hiddenMagnitude = maxAbs(reference.forward.last_hidden_state);
  const logits = float32Bound(roundings + 2 * dim + 2, Math.max(maxAbs(reference.forward.logits), hiddenMagnitude));
  const rows = reference.inputs.labels.length;
  const numLabels = reference.forward.logits[0].length;
  const loss = 2 * logits + float32Bound(numLabels + 4 + rows, reference.forward.loss);
  // Never looser than the fixture's own tolerances (../shared/fixtures/README.md): hidden states and logits 1e-4, loss 1e-5.
  return { hidden: Math.min(float32Bound(roundings, hiddenMagnitude), 1e-4), logits: Math.min(logits, 1e-4), loss: Math.min(loss, 1e-5) };
}

/** The roundings of the longest chain from the input ids to one value of DistilBERT's last hidden state (see above). */
export function distilBertForwardRoundings(config: object, seq: number): number {
  const { dim, hidden_dim: hidden, n_heads: heads, n_layers: layers } = config as Record<string, number>;
  const layerNorm = 2 * dim + 8;
  const attention = dim + dim / heads + (seq + 4) + seq + dim + layerNorm;
  const ffn = dim + 30 + hidden + layerNorm; // lin1, GELU (erf and a few products), lin2, LayerNorm
  return layerNorm + layers * (attention + ffn);
}
