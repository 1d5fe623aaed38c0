/**
 * @huggingface/tokenizers, loaded through its CommonJS build. Its types describe an ES module, which a
 * CommonJS file may not import under TypeScript's node16 rules, so the part used here is typed here.
 */
import { bertNormalizer, type BertNormalizerConfig } from "./bert-normalizer.js";

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
 * The library runs WordPiece on every word of every text; tweets repeat words a lot, so the pieces of each
 * word are cached (a function that falls back to the model for everything else: vocab, ids, unk token).
 */
function cacheWordPieces(tokenizer: JsTokenizer): void {
  const model = tokenizer.model as unknown as ((words: string[]) => string[]) & JsTokenizer["model"];
  const cache = new Map<string, string[]>();
  const cached = (words: string[]): string[] => {
    const out: string[] = [];
    for (const word of words) {
      let pieces = cache.get(word);
      if (pieces === undefined) {
        pieces = model([word]);
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
  normalizer?: (BertNormalizerConfig & { type?: string }) | null;
  model?: { type?: string; continuing_subword_prefix?: string; merges?: unknown };
}

/** The library's tokenizer for a tokenizer.json, with BERT normalization as Rust does it and cached WordPiece. */
export function createJsTokenizer(tokenizerJson: TokenizerJsonParts, config: object): JsTokenizer {
  const tokenizer = new tokenizers.Tokenizer(tokenizerJson, config);
  if (tokenizerJson.normalizer?.type === "BertNormalizer") tokenizer.normalizer = bertNormalizer(tokenizerJson.normalizer);
  const model = tokenizerJson.model;
  const wordPiece = model?.type === "WordPiece" || (model?.type === undefined && model?.continuing_subword_prefix !== undefined && model?.merges === undefined);
  if (wordPiece) cacheWordPieces(tokenizer);
  return tokenizer;
}
