/**
 * The tokenizer families this kit knows, keyed by transformers' model_type: the class that tokenizes for the
 * model, the files it is converted from when a repository has no tokenizer.json, and whether it returns
 * token_type_ids (the class's `model_input_names`).
 */
import { byteLevelBpeTokenizerJson } from "./bpe-json.js";
import { SPECIAL_TOKEN_DEFAULTS, type SpecialTokens, type TokenizerConfig } from "./special-tokens.js";
import { sentencePieceTokenizerJson } from "./unigram-json.js";
import { wordPieceTokenizerJson, type TokenizerJson } from "./wordpiece-json.js";

export interface TokenizerFamily {
  tokenizerClass: string;
  /** Files a tokenizer.json is built from, in the order `convert` takes their contents. */
  files: readonly string[];
  convert(contents: Buffer[], config: TokenizerConfig): TokenizerJson;
  tokenTypeIds: boolean;
  specialTokens: SpecialTokens;
  /** What the class's constructor changes in a repository's tokenizer.json from tokenizer_config.json (transformers 4.x fast classes). */
  configure?(json: Record<string, any>, config: TokenizerConfig): Record<string, any>;
}

/** BertTokenizerFast (and DistilBERT's, ELECTRA's): the config's casing, accents and Chinese characters, or the class defaults, win over the BertNormalizer's. */
function bertNormalizerFromConfig(json: Record<string, any>, config: TokenizerConfig): Record<string, any> {
  if (json.normalizer?.type !== "BertNormalizer") return json;
  const normalizer = { ...json.normalizer, lowercase: config.do_lower_case ?? true, strip_accents: config.strip_accents ?? null, handle_chinese_chars: config.tokenize_chinese_chars ?? true };
  return { ...json, normalizer };
}

/** RobertaTokenizerFast: the config's add_prefix_space (default false) wins over the ByteLevel pre-tokenizer's. */
function prefixSpaceFromConfig(json: Record<string, any>, config: TokenizerConfig): Record<string, any> {
  if (json.pre_tokenizer?.type !== "ByteLevel") return json;
  return { ...json, pre_tokenizer: { ...json.pre_tokenizer, add_prefix_space: config.add_prefix_space ?? false } };
}

const wordPiece = (tokenizerClass: string, tokenTypeIds: boolean): TokenizerFamily => ({
  tokenizerClass,
  files: ["vocab.txt"],
  convert: ([vocab], config) => wordPieceTokenizerJson(vocab.toString("utf8"), config),
  tokenTypeIds,
  specialTokens: SPECIAL_TOKEN_DEFAULTS.bert,
  configure: bertNormalizerFromConfig,
});

export const TOKENIZER_FAMILIES: Record<string, TokenizerFamily> = {
  bert: wordPiece("BertTokenizer", true),
  distilbert: wordPiece("DistilBertTokenizer", false),
  electra: wordPiece("ElectraTokenizer", true),
  roberta: {
    tokenizerClass: "RobertaTokenizer",
    files: ["vocab.json", "merges.txt"],
    convert: ([vocab, merges], config) => byteLevelBpeTokenizerJson(vocab.toString("utf8"), merges.toString("utf8"), config),
    tokenTypeIds: false,
    specialTokens: SPECIAL_TOKEN_DEFAULTS.roberta,
    configure: prefixSpaceFromConfig,
  },
  albert: {
    tokenizerClass: "AlbertTokenizer",
    files: ["spiece.model"],
    convert: ([model], config) => sentencePieceTokenizerJson(model, "albert", config, "spiece.model"),
    tokenTypeIds: true,
    specialTokens: SPECIAL_TOKEN_DEFAULTS.albert,
  },
  "xlm-roberta": {
    tokenizerClass: "XLMRobertaTokenizer",
    files: ["sentencepiece.bpe.model"],
    convert: ([model], config) => sentencePieceTokenizerJson(model, "xlm-roberta", config, "sentencepiece.bpe.model"),
    tokenTypeIds: false,
    specialTokens: SPECIAL_TOKEN_DEFAULTS.roberta,
  },
};

/** The family of a tokenizer class name ("RobertaTokenizerFast", "BertTokenizer"), if this kit knows it. */
export function familyOfClass(tokenizerClass: unknown): TokenizerFamily | undefined {
  if (typeof tokenizerClass !== "string") return undefined;
  const name = tokenizerClass.replace(/Fast$/, "");
  return Object.values(TOKENIZER_FAMILIES).find((f) => f.tokenizerClass === name);
}
