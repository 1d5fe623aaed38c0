/**
 * SentencePiece's precompiled normalization rules (`precompiled_charsmap`, e.g. nmt_nfkc), applied as the Rust
 * `tokenizers` crate applies them (`spm_precompiled`): the map is a darts-clone double-array trie over UTF-8
 * bytes followed by the NUL-terminated replacement strings. Each grapheme shorter than 6 bytes is looked up
 * whole; otherwise (or when it has no rule) each of its characters is. The first (shortest) prefix match wins,
 * as in Rust. @huggingface/tokenizers ignores the map and runs NFKC instead.
 */
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class PrecompiledCharsmap {
  private readonly trie: Uint32Array;
  private readonly normalized: Uint8Array;
  private readonly segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

  constructor(charsmap: Uint8Array) {
    if (charsmap.length < 4) throw new Error("precompiled_charsmap is too short to hold its trie size; the tokenizer file is damaged.");
    const view = new DataView(charsmap.buffer, charsmap.byteOffset, charsmap.byteLength);
    const trieBytes = view.getUint32(0, true);
    if (4 + trieBytes > charsmap.length) throw new Error(`precompiled_charsmap says its trie has ${trieBytes} bytes but holds ${charsmap.length - 4}; the tokenizer file is damaged.`);
    this.trie = new Uint32Array(trieBytes / 4);
    for (let i = 0; i < this.trie.length; i++) this.trie[i] = view.getUint32(4 + 4 * i, true);
    this.normalized = charsmap.subarray(4 + trieBytes);
  }

  static fromBase64(base64: string): PrecompiledCharsmap {
    return new PrecompiledCharsmap(new Uint8Array(Buffer.from(base64, "base64")));
  }

  normalize(text: string): string {
    let out = "";
    for (const { segment } of this.segmenter.segment(text)) {
      const bytes = utf8.encode(segment);
      const whole = bytes.length < 6 ? this.transform(bytes) : undefined;
      if (whole !== undefined) {
        out += whole;
        continue;
      }
      for (const ch of segment) out += this.transform(utf8.encode(ch)) ?? ch;
    }
    return out;
  }

  private transform(key: Uint8Array): string | undefined {
    const index = this.firstPrefixValue(key);
    if (index === undefined) return undefined;
    let end = index;
    while (end < this.normalized.length && this.normalized[end] !== 0) end++;
    return fromUtf8.decode(this.normalized.subarray(index, end));
  }

  /** darts-clone's commonPrefixSearch, first result only. */
  private firstPrefixValue(key: Uint8Array): number | undefined {
    const trie = this.trie;
    const offset = (unit: number): number => (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    let pos = offset(trie[0]);
    for (const c of key) {
      if (c === 0) break;
      pos ^= c;
      const unit = trie[pos];
      if (unit === undefined || (unit & ((1 << 31) | 0xff)) >>> 0 !== c) return undefined;
      pos ^= offset(unit);
      if ((unit >>> 8) & 1) return trie[pos] & 0x7fffffff;
    }
    return undefined;
  }
}
