/**
 * The BERT normalizer exactly as the Rust `tokenizers` crate (behind Python's BertTokenizerFast) applies it.
 *
 * @huggingface/tokenizers' own BertNormalizer differs from Rust on a few inputs: it lowercases the whole string
 * (so a final "Σ" becomes "ς", Rust gives "σ"), looks for Chinese characters one UTF-16 unit at a time (so
 * characters outside the BMP are never split off), and lowercases before stripping accents. This one follows
 * Rust: clean text, pad Chinese characters, strip accents (NFD, drop nonspacing marks), lowercase per character.
 */
export interface BertNormalizerConfig {
  clean_text?: boolean;
  handle_chinese_chars?: boolean;
  /** null: follow `lowercase`, as Rust and Python do. */
  strip_accents?: boolean | null;
  lowercase?: boolean;
}

// Rust's ranges (note 0x2B920, where the Python slow tokenizer has 0x2B820).
const CHINESE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x4e00, 0x9fff],
  [0x3400, 0x4dbf],
  [0x20000, 0x2a6df],
  [0x2a700, 0x2b73f],
  [0x2b740, 0x2b81f],
  [0x2b920, 0x2ceaf],
  [0xf900, 0xfaff],
  [0x2f800, 0x2fa1f],
];

export function isChineseChar(cp: number): boolean {
  for (const [lo, hi] of CHINESE_RANGES) if (cp >= lo && cp <= hi) return true;
  return false;
}

// Rust drops Cc, Cf, Co and Cs (tab, newline and carriage return excepted) but keeps unassigned code points.
const CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;
const WHITESPACE = /\s/u;
const NONSPACING_MARKS = /\p{Mn}/gu;
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

function cleanAndPadChinese(text: string, clean: boolean, chinese: boolean): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (clean) {
      if (cp === 0 || cp === 0xfffd) continue;
      if (ch === "\t" || ch === "\n" || ch === "\r") {
        out += " ";
        continue;
      }
      if (CONTROL.test(ch)) continue;
      if (WHITESPACE.test(ch)) {
        out += " ";
        continue;
      }
    }
    out += chinese && isChineseChar(cp) ? ` ${ch} ` : ch;
  }
  return out;
}

/** Returns a function that normalizes text the way the Rust BertNormalizer with this config does. */
export function bertNormalizer(config: BertNormalizerConfig): (text: string) => string {
  const clean = config.clean_text ?? true;
  const chinese = config.handle_chinese_chars ?? true;
  const lowercase = config.lowercase ?? true;
  const stripAccents = config.strip_accents ?? lowercase;
  return (text: string): string => {
    if (PLAIN_ASCII.test(text)) return lowercase ? text.toLowerCase() : text;
    if (clean || chinese) text = cleanAndPadChinese(text, clean, chinese);
    if (stripAccents) text = text.normalize("NFD").replace(NONSPACING_MARKS, "");
    // String#toLowerCase is per character except for the final-sigma rule, which Rust does not apply.
    if (lowercase) text = text.replace(/\u03a3/g, "\u03c3").toLowerCase();
    return text;
  };
}
