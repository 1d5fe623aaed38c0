/**
 * A `tokenizer.json` built from a BERT `vocab.txt`, for repositories that ship no tokenizer.json: the same
 * document transformers' BertConverter (convert_slow_tokenizer.py) writes for BertTokenizerFast.
 */
import type { TokenizerConfig } from "./special-tokens.js";
import { specialTokenContent } from "./special-tokens.js";

export type TokenizerJson = Record<string, unknown> & {
  added_tokens: Array<{ id: number; content: string; special: boolean; normalized: boolean }>;
  model: Record<string, unknown> & { vocab: Record<string, number> };
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

export function wordPieceTokenizerJson(vocabText: string, config: TokenizerConfig = {}): TokenizerJson {
  const vocab = parseVocab(vocabText);
  const token = (key: string, fallback: string): string => specialTokenContent(config[key]) ?? fallback;
  const special = {
    pad: token("pad_token", "[PAD]"),
    unk: token("unk_token", "[UNK]"),
    cls: token("cls_token", "[CLS]"),
    sep: token("sep_token", "[SEP]"),
    mask: token("mask_token", "[MASK]"),
  };
  for (const [name, content] of Object.entries(special)) {
    if (vocab[content] === undefined) {
      throw new Error(`vocab.txt has no ${name} token ${JSON.stringify(content)}; set "${name}_token" in tokenizer_config.json to a token that is in the vocabulary.`);
    }
  }
  const addedTokens = Object.values(special)
    .map((content) => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }))
    .sort((a, b) => a.id - b.id);
  const lowercase = config.do_lower_case ?? true;
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: config.tokenize_chinese_chars ?? true,
      strip_accents: config.strip_accents ?? null,
      lowercase,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [
        { SpecialToken: { id: special.cls, type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: special.sep, type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: special.cls, type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: special.sep, type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } },
        { SpecialToken: { id: special.sep, type_id: 1 } },
      ],
      special_tokens: {
        [special.cls]: { id: special.cls, ids: [vocab[special.cls]], tokens: [special.cls] },
        [special.sep]: { id: special.sep, ids: [vocab[special.sep]], tokens: [special.sep] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: special.unk,
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}
