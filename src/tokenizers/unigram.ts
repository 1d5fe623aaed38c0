/**
 * The Unigram model as the Rust `tokenizers` crate runs it (`Unigram::encode_optimized`, SentencePiece's
 * Viterbi): for each start position in order, every vocabulary piece that begins there extends the best path
 * ending at its end, and a later candidate replaces an earlier one only when its score is strictly higher.
 * @huggingface/tokenizers keeps a lattice that breaks ties the other way, so pieces of equal total score
 * ("22"+"2" against "2"+"22") came out in another order than Rust's. Characters no piece covers become the unk
 * piece (one per run of them, as `fuse_unk`), or their bytes (`<0x41>`) with `byte_fallback`. Pieces are
 * returned as strings, a run of unknown characters as itself (Rust's token text), which maps to the unk id.
 */
const UNK_PENALTY = 10;

export interface UnigramJson {
  vocab: Array<[string, number]>;
  unk_id?: number | null;
  byte_fallback?: boolean;
}

export class UnigramModel {
  private readonly scores: number[];
  private readonly ids = new Map<string, number>();
  /** The longest piece, in characters: how far from each position pieces are looked up. */
  private readonly maxChars: number;
  private readonly unkId?: number;
  private readonly unkScore: number;
  private readonly byteFallback: boolean;

  constructor(json: UnigramJson) {
    this.scores = json.vocab.map(([, score]) => score);
    let min = Infinity;
    let maxChars = 0;
    json.vocab.forEach(([piece, score], id) => {
      this.ids.set(piece, id); // a repeated piece keeps its last id, as in Rust
      maxChars = Math.max(maxChars, Array.from(piece).length);
      if (score < min) min = score;
    });
    this.maxChars = maxChars;
    this.unkId = json.unk_id ?? undefined;
    this.unkScore = min - UNK_PENALTY;
    this.byteFallback = json.byte_fallback ?? false;
  }

  /** The pieces of one pre-tokenized word. */
  encode(word: string): string[] {
    const chars = Array.from(word);
    const n = chars.length;
    // bestScore[i] / startOf[i] / idOf[i]: the best path over chars[0..i).
    const bestScore = new Float64Array(n + 1);
    const startOf = new Int32Array(n + 1).fill(-1);
    const idOf = new Int32Array(n + 1);
    for (let start = 0; start < n; start++) {
      const till = bestScore[start];
      let single = false;
      let piece = "";
      for (let end = start + 1; end <= Math.min(n, start + this.maxChars); end++) {
        piece += chars[end - 1];
        const id = this.ids.get(piece);
        if (id === undefined) continue;
        const candidate = this.scores[id] + till;
        if (startOf[end] < 0 || candidate > bestScore[end]) {
          bestScore[end] = candidate;
          startOf[end] = start;
          idOf[end] = id;
        }
        if (end === start + 1) single = true;
      }
      if (!single) {
        if (this.unkId === undefined) throw new Error(`The Unigram vocabulary has no piece for ${JSON.stringify(chars[start])} and no unk_id.`);
        const candidate = this.unkScore + till;
        if (startOf[start + 1] < 0 || candidate > bestScore[start + 1]) {
          bestScore[start + 1] = candidate;
          startOf[start + 1] = start;
          idOf[start + 1] = this.unkId;
        }
      }
    }
    const out: string[] = [];
    let unkRun = "";
    for (let end = n; end > 0; end = startOf[end]) {
      const piece = chars.slice(startOf[end], end).join("");
      if (idOf[end] === this.unkId) {
        unkRun = piece + unkRun;
        continue;
      }
      if (unkRun) out.push(unkRun);
      unkRun = "";
      out.push(piece);
    }
    if (unkRun) out.push(unkRun);
    return out.reverse().flatMap((piece) => (this.ids.has(piece) ? [piece] : this.unknown(piece)));
  }

  /** A run of characters no piece covers: its bytes (`<0xE2>`...) with byte_fallback when the vocabulary has them all, else the run itself, which maps to the unk id. */
  private unknown(run: string): string[] {
    if (!this.byteFallback) return [run];
    const bytes = Array.from(new TextEncoder().encode(run), (b) => `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    return bytes.every((b) => this.ids.has(b)) ? bytes : [run];
  }
}
