/** tokenizer_config.json (and special_tokens_map.json) as transformers writes them. */
export type TokenizerConfig = Record<string, any>;

export const SPECIAL_TOKEN_KEYS = ["unk_token", "sep_token", "pad_token", "cls_token", "mask_token", "bos_token", "eos_token"] as const;
export type SpecialTokenKey = (typeof SPECIAL_TOKEN_KEYS)[number];

/** A special token is written either as its text or as an AddedToken object `{content, ...}`. */
export function specialTokenContent(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { content?: unknown }).content === "string") {
    return (value as { content: string }).content;
  }
  return undefined;
}

// BertTokenizer's defaults, used when the config names none and the vocabulary has them.
const BERT_DEFAULTS: Partial<Record<SpecialTokenKey, string>> = {
  unk_token: "[UNK]",
  sep_token: "[SEP]",
  pad_token: "[PAD]",
  cls_token: "[CLS]",
  mask_token: "[MASK]",
};

/** The special tokens of a tokenizer: from its config, else BERT's defaults where the vocabulary has them. */
export function resolveSpecialTokens(config: TokenizerConfig, hasToken: (token: string) => boolean): Partial<Record<SpecialTokenKey, string>> {
  const out: Partial<Record<SpecialTokenKey, string>> = {};
  for (const key of SPECIAL_TOKEN_KEYS) {
    const value = specialTokenContent(config[key]) ?? BERT_DEFAULTS[key];
    if (value !== undefined && hasToken(value)) out[key] = value;
  }
  return out;
}
