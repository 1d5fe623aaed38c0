/**
 * @huggingface/tokenizers, loaded through its CommonJS build. Its types describe an ES module, which a
 * CommonJS file may not import under TypeScript's node16 rules, so the part used here is typed here.
 */
import { createNormalizer } from "./normalizers.js";
import { UnigramModel, type UnigramJson } from "./unigram.js";

export interface JsTokenizer {
  normalizer: ((text: string) => string) | null;
  pre_tokenizer: JsPreTokenizer | null;
  post_processor: ((tokens: string[], pair: string[] | null, addSpecialTokens: boolean) => { tokens: string[] }) | null;
  model: { vocab: string[]; unk_token?: string };
  tokenize(text: string): string[];
  decode(ids: number[], options?: { skip_special_tokens?: boolean; clean_up_tokenization_spaces?: boolean | null }): string;
  token_to_id(token: string): number | undefined;
  id_to_token(id: number): string | undefined;
  get_vocab(withAddedTokens?: boolean): Map<string, number>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tokenizers = require("@huggingface/tokenizers") as { Tokenizer: new (json: object, config: object) => JsTokenizer };

const WORD_CACHE_LIMIT = 100_000;

/**
 * Tweets repeat words a lot, so the pieces of each word are cached. The library calls its model as a function
 * of the pre-tokenized words; this one runs `pieces` per word and falls back to the library's model for
 * everything else (vocab, ids, unk token).
 */
function cacheWordPieces(tokenizer: JsTokenizer, pieces?: (word: string) => string[]): void {
  const model = tokenizer.model as unknown as ((words: string[]) => string[]) & JsTokenizer["model"];
  const piecesOf = pieces ?? ((word: string) => model([word]));
  const cache = new Map<string, string[]>();
  const cached = (words: string[]): string[] => {
    const out: string[] = [];
    for (const word of words) {
      let pieces = cache.get(word);
      if (pieces === undefined) {
        pieces = piecesOf(word);
        if (cache.size >= WORD_CACHE_LIMIT) cache.clear();
        cache.set(word, pieces);
      }
      for (const piece of pieces) out.push(piece);
    }
    return out;
  };
  tokenizer.model = Object.setPrototypeOf(cached, model) as JsTokenizer["model"];
}

interface TokenizerJsonParts {
  normalizer?: { type: string } | null;
  pre_tokenizer?: Record<string, any> | null;
  model?: { type?: string; continuing_subword_prefix?: string; merges?: unknown; vocab?: unknown };
}

/**
 * Metaspace written before prepend_scheme existed says `add_prefix_space`; Rust reads false as "never", the
 * library would read the missing prepend_scheme as "always".
 */
function withPrependScheme(preTokenizer: Record<string, any> | null | undefined): Record<string, any> | null | undefined {
  if (!preTokenizer) return preTokenizer;
  if (preTokenizer.type === "Sequence") return { ...preTokenizer, pretokenizers: preTokenizer.pretokenizers.map(withPrependScheme) };
  if (preTokenizer.type === "Metaspace" && preTokenizer.prepend_scheme === undefined && preTokenizer.add_prefix_space !== undefined) {
    return { ...preTokenizer, prepend_scheme: preTokenizer.add_prefix_space ? "always" : "never" };
  }
  return preTokenizer;
}

// Rust's whitespace (Unicode White_Space: char::is_whitespace, Oniguruma's \s). JavaScript's \s also takes U+FEFF and leaves out U+0085.
const WHITESPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const NOT_WHITESPACE = new RegExp(`[^${WHITESPACE}]+`, "gu");
const BYTE_LEVEL_SPLIT = new RegExp(`'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WHITESPACE}\\p{L}\\p{N}]+|[${WHITESPACE}]+(?![^${WHITESPACE}])|[${WHITESPACE}]+`, "gu");

interface JsPreTokenizer {
  tokenizers?: JsPreTokenizer[];
  pattern?: RegExp;
  pre_tokenize_text?(text: string): string[];
}

/** Splits on whitespace as Rust does, in the library's WhitespaceSplit and ByteLevel pre-tokenizers (in a Sequence too). */
function rustWhitespace(preTokenizer: JsPreTokenizer | null, json: Record<string, any> | null | undefined): void {
  if (!preTokenizer || !json) return;
  if (json.type === "Sequence") json.pretokenizers.forEach((part: Record<string, any>, i: number) => rustWhitespace(preTokenizer.tokenizers![i], part));
  if (json.type === "WhitespaceSplit") preTokenizer.pre_tokenize_text = (text) => text.match(NOT_WHITESPACE) ?? [];
  if (json.type === "ByteLevel") preTokenizer.pattern = BYTE_LEVEL_SPLIT;
}

interface JsAddedToken {
  content: string;
  lstrip: boolean;
  rstrip: boolean;
}
interface JsAddedTokens {
  added_tokens: JsAddedToken[];
  added_tokens_map: Map<string, JsAddedToken>;
  splitter_unnormalized: { split(text: string): string[] };
  splitter_normalized: { split(text: string): string[] };
}

/**
 * An added token's lstrip / rstrip takes Rust's whitespace next to it. The library trims with trimEnd /
 * trimStart, so this strips the neighbouring sections itself and turns the library's own trimming off.
 */
function rustAddedTokenStrip(tokenizer: JsAddedTokens): void {
  const strips = new Map<string, { lstrip: boolean; rstrip: boolean }>();
  for (const token of tokenizer.added_tokens) {
    if (!token.lstrip && !token.rstrip) continue;
    strips.set(token.content, { lstrip: token.lstrip, rstrip: token.rstrip });
    token.lstrip = token.rstrip = false;
  }
  if (strips.size === 0) return;
  const leading = new RegExp(`^[${WHITESPACE}]+`, "u");
  const trailing = new RegExp(`[${WHITESPACE}]+$`, "u");
  for (const splitter of [tokenizer.splitter_unnormalized, tokenizer.splitter_normalized]) {
    const split = splitter.split.bind(splitter);
    splitter.split = (text) => {
      const sections = split(text);
      sections.forEach((section, i) => {
        const token = tokenizer.added_tokens_map.get(section);
        const strip = token && strips.get(token.content);
        if (strip?.lstrip && i > 0) sections[i - 1] = sections[i - 1].replace(trailing, "");
        if (strip?.rstrip && i < sections.length - 1) sections[i + 1] = sections[i + 1].replace(leading, "");
      });
      return sections;
    };
  }
}

// Options of Python's slow tokenizers that the fast ones (and Rust) ignore, but the library would apply.
const SLOW_ONLY_OPTIONS = ["remove_space", "do_lowercase_and_remove_accent"];

/**
 * The library's tokenizer for a tokenizer.json, with the Rust crate's normalizers, whitespace and Unigram, and
 * cached WordPiece and Unigram pieces.
 */
export function createJsTokenizer(tokenizerJson: TokenizerJsonParts, config: object): JsTokenizer {
  const fastConfig = Object.fromEntries(Object.entries(config).filter(([key]) => !SLOW_ONLY_OPTIONS.includes(key)));
  const tokenizer = new tokenizers.Tokenizer({ ...tokenizerJson, pre_tokenizer: withPrependScheme(tokenizerJson.pre_tokenizer) }, fastConfig);
  rustWhitespace(tokenizer.pre_tokenizer, tokenizerJson.pre_tokenizer);
  rustAddedTokenStrip(tokenizer as unknown as JsAddedTokens);
  if (tokenizerJson.normalizer) tokenizer.normalizer = createNormalizer(tokenizerJson.normalizer);
  const model = tokenizerJson.model;
  const wordPiece = model?.type === "WordPiece" || (model?.type === undefined && model?.continuing_subword_prefix !== undefined && model?.merges === undefined);
  const unigram = model?.type === "Unigram" || (model?.type === undefined && Array.isArray(model?.vocab));
  if (wordPiece) cacheWordPieces(tokenizer);
  if (unigram) {
    const rust = new UnigramModel(model as UnigramJson);
    cacheWordPieces(tokenizer, (word) => rust.encode(word));
  }
  return tokenizer;
}
