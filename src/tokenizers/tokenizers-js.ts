/**
 * @huggingface/tokenizers, loaded through its CommonJS build. Its types describe an ES module, which a
 * CommonJS file may not import under TypeScript's node16 rules, so the part used here is typed here.
 */
import { createNormalizer } from "./normalizers.js";
import { UnigramModel, type UnigramJson } from "./unigram.js";

export interface JsTokenizer {
  normalizer: ((text: string) => string) | null;
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

/**
 * The library's tokenizer for a tokenizer.json, with the Rust crate's normalizers and Unigram, and cached
 * WordPiece and Unigram pieces.
 */
export function createJsTokenizer(tokenizerJson: TokenizerJsonParts, config: object): JsTokenizer {
  const tokenizer = new tokenizers.Tokenizer({ ...tokenizerJson, pre_tokenizer: withPrependScheme(tokenizerJson.pre_tokenizer) }, config);
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
