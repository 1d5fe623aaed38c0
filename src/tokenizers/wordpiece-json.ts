/**
 * A `tokenizer.json` built from a BERT `vocab.txt`, for repositories that ship no tokenizer.json: the same
 * document transformers' BertConverter (convert_slow_tokenizer.py) writes for BertTokenizerFast.
 */
import { addedTokensJson, requireTokenId, SPECIAL_TOKEN_DEFAULTS, specialTokenSpecs, type AddedTokenJson, type TokenizerConfig } from "./special-tokens.js";

export type TokenizerJson = Record<string, unknown> & {
  added_tokens: AddedTokenJson[];
  model: Record<string, unknown>;
};

/** Parses vocab.txt: one token a line, its id the line number. */
export function parseVocab(text: string): Record<string, number> {
  const vocab: Record<string, number> = Object.create(null);
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  lines.forEach((token, id) => {
    vocab[token] = id;
  });
  return vocab;
}

/** TemplateProcessing `CLS $A SEP` / `CLS $A SEP $B SEP` (pair with type id 1), as BERT and ALBERT write it. */
export function clsSepTemplate(cls: string, clsId: number, sep: string, sepId: number): Record<string, unknown> {
  return {
    type: "TemplateProcessing",
    single: [{ SpecialToken: { id: cls, type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: sep, type_id: 0 } }],
    pair: [
      { SpecialToken: { id: cls, type_id: 0 } },
      { Sequence: { id: "A", type_id: 0 } },
      { SpecialToken: { id: sep, type_id: 0 } },
      { Sequence: { id: "B", type_id: 1 } },
      { SpecialToken: { id: sep, type_id: 1 } },
    ],
    special_tokens: {
      [cls]: { id: cls, ids: [clsId], tokens: [cls] },
      [sep]: { id: sep, ids: [sepId], tokens: [sep] },
    },
  };
}

export function wordPieceTokenizerJson(vocabText: string, config: TokenizerConfig = {}): TokenizerJson {
  const vocab = parseVocab(vocabText);
  const idOf = (content: string): number | undefined => vocab[content];
  const special = specialTokenSpecs(config, SPECIAL_TOKEN_DEFAULTS.bert);
  const required = (["pad_token", "unk_token", "cls_token", "sep_token", "mask_token"] as const).map((key) => requireTokenId(special[key], key, idOf, "vocab.txt"));
  const [, , clsId, sepId] = required;
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: addedTokensJson(Object.values(special), idOf, Object.keys(vocab).length),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: config.tokenize_chinese_chars ?? true,
      strip_accents: config.strip_accents ?? null,
      lowercase: config.do_lower_case ?? true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: clsSepTemplate(special.cls_token!.content, clsId, special.sep_token!.content, sepId),
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: special.unk_token!.content,
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}
