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
}

const wordPiece = (tokenizerClass: string, tokenTypeIds: boolean): TokenizerFamily => ({
  tokenizerClass,
  files: ["vocab.txt"],
  convert: ([vocab], config) => wordPieceTokenizerJson(vocab.toString("utf8"), config),
  tokenTypeIds,
  specialTokens: SPECIAL_TOKEN_DEFAULTS.bert,
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
