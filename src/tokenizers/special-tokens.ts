/** tokenizer_config.json (and special_tokens_map.json) as transformers writes them. */
export type TokenizerConfig = Record<string, any>;

// In the order Python prints them (SPECIAL_TOKENS_ATTRIBUTES).
export const SPECIAL_TOKEN_KEYS = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"] as const;
export type SpecialTokenKey = (typeof SPECIAL_TOKEN_KEYS)[number];

/** A special token is written either as its text or as an AddedToken object `{content, ...}`. */
export function specialTokenContent(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { content?: unknown }).content === "string") {
    return (value as { content: string }).content;
  }
  return undefined;
}

export type SpecialTokens = Partial<Record<SpecialTokenKey, string>>;

/** Each tokenizer class's default special tokens, used where the config names none. */
export const SPECIAL_TOKEN_DEFAULTS = {
  bert: { unk_token: "[UNK]", sep_token: "[SEP]", pad_token: "[PAD]", cls_token: "[CLS]", mask_token: "[MASK]" },
  roberta: { bos_token: "<s>", eos_token: "</s>", sep_token: "</s>", cls_token: "<s>", unk_token: "<unk>", pad_token: "<pad>", mask_token: "<mask>" },
  albert: { bos_token: "[CLS]", eos_token: "[SEP]", unk_token: "<unk>", sep_token: "[SEP]", pad_token: "<pad>", cls_token: "[CLS]", mask_token: "[MASK]" },
} satisfies Record<string, SpecialTokens>;

/** The special tokens of a tokenizer: from its config, else the class's defaults where the vocabulary has them. */
export function resolveSpecialTokens(config: TokenizerConfig, hasToken: (token: string) => boolean, defaults: SpecialTokens = SPECIAL_TOKEN_DEFAULTS.bert): SpecialTokens {
  const out: Partial<Record<SpecialTokenKey, string>> = {};
  for (const key of SPECIAL_TOKEN_KEYS) {
    const value = specialTokenContent(config[key]) ?? defaults[key];
    if (value !== undefined && hasToken(value)) out[key] = value;
  }
  return out;
}

/** One entry of tokenizer.json's `added_tokens`. */
export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** A token to add: its text, and the AddedToken flags the config or the tokenizer class gives it. */
export type AddedTokenSpec = Pick<AddedTokenJson, "content"> & Partial<Omit<AddedTokenJson, "id" | "content">>;

/**
 * The special tokens of a tokenizer being converted: each config key's token (text or AddedToken object, whose
 * flags are kept), else the family's default. `maskLstrip`: the mask token swallows the space before it, as
 * RobertaTokenizer, XLMRobertaTokenizer and AlbertTokenizer make it.
 */
export function specialTokenSpecs(config: TokenizerConfig, defaults: SpecialTokens, maskLstrip = false): Partial<Record<SpecialTokenKey, AddedTokenSpec>> {
  const out: Partial<Record<SpecialTokenKey, AddedTokenSpec>> = {};
  for (const key of SPECIAL_TOKEN_KEYS) {
    const value = config[key] ?? defaults[key];
    const content = specialTokenContent(value);
    if (content === undefined) continue;
    const flags = typeof value === "object" ? (value as Partial<AddedTokenJson>) : {};
    out[key] = { lstrip: key === "mask_token" && maskLstrip, ...flags, content, special: true };
  }
  return out;
}

/** `added_tokens` for these tokens (first occurrence of each text): their vocabulary id, or new ids after `vocabSize`. */
export function addedTokensJson(tokens: readonly AddedTokenSpec[], idOf: (content: string) => number | undefined, vocabSize: number): AddedTokenJson[] {
  const out = new Map<string, AddedTokenJson>();
  let next = vocabSize;
  for (const t of tokens) {
    if (out.has(t.content)) continue;
    out.set(t.content, {
      id: idOf(t.content) ?? next++,
      content: t.content,
      single_word: t.single_word ?? false,
      lstrip: t.lstrip ?? false,
      rstrip: t.rstrip ?? false,
      normalized: t.normalized ?? false,
      special: t.special ?? true,
    });
  }
  return [...out.values()].sort((a, b) => a.id - b.id);
}

/** The id of a token the tokenizer cannot work without, or an error that says how to fix the config. */
export function requireTokenId(token: AddedTokenSpec | undefined, key: SpecialTokenKey, idOf: (content: string) => number | undefined, file: string): number {
  const id = token === undefined ? undefined : idOf(token.content);
  if (id === undefined) {
    throw new Error(`${file} has no ${key.replace("_token", "")} token${token ? ` ${JSON.stringify(token.content)}` : ""}; set "${key}" in tokenizer_config.json to a token that is in the vocabulary.`);
  }
  return id;
}
