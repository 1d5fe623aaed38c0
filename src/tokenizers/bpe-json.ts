/**
 * A `tokenizer.json` built from a byte-level BPE `vocab.json` + `merges.txt` (RoBERTa, cardiffnlp's
 * twitter-roberta models), for repositories that ship no tokenizer.json: what transformers' RobertaConverter
 * writes (ByteLevel pre-tokenizer and decoder, RobertaProcessing `<s> $A </s>`).
 */
import { addedTokensJson, requireTokenId, SPECIAL_TOKEN_DEFAULTS, specialTokenSpecs, type TokenizerConfig } from "./special-tokens.js";
import type { TokenizerJson } from "./wordpiece-json.js";

function parseVocabJson(text: string): Record<string, number> {
  let vocab: unknown;
  try {
    vocab = JSON.parse(text);
  } catch (err) {
    throw new Error(`vocab.json is not valid JSON (${(err as Error).message}); download it again.`);
  }
  if (!vocab || typeof vocab !== "object" || Array.isArray(vocab) || !Object.values(vocab).every(Number.isInteger)) {
    throw new Error("vocab.json must map each token to its id ({\"<s>\": 0, ...}); download it again.");
  }
  return vocab as Record<string, number>;
}

/** merges.txt: an optional `#version` line, then one merge `a b` a line, highest priority first. */
export function parseMerges(text: string): string[] {
  const merges: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line === "" || (i === 0 && line.startsWith("#version"))) return;
    if (line.split(" ").length !== 2) throw new Error(`merges.txt line ${i + 1} is ${JSON.stringify(line)}, not two tokens separated by one space; download it again.`);
    merges.push(line);
  });
  return merges;
}

export function byteLevelBpeTokenizerJson(vocabJsonText: string, mergesText: string, config: TokenizerConfig = {}): TokenizerJson {
  const vocab = parseVocabJson(vocabJsonText);
  const idOf = (content: string): number | undefined => (Object.hasOwn(vocab, content) ? vocab[content] : undefined);
  const special = specialTokenSpecs(config, SPECIAL_TOKEN_DEFAULTS.roberta, true);
  const sepId = requireTokenId(special.sep_token, "sep_token", idOf, "vocab.json");
  const clsId = requireTokenId(special.cls_token, "cls_token", idOf, "vocab.json");
  const addPrefixSpace = config.add_prefix_space ?? false;
  const trimOffsets = config.trim_offsets ?? true;
  const byteLevel = { type: "ByteLevel", add_prefix_space: addPrefixSpace, trim_offsets: trimOffsets, use_regex: true };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: addedTokensJson(Object.values(special), idOf, Object.keys(vocab).length),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { type: "RobertaProcessing", sep: [special.sep_token!.content, sepId], cls: [special.cls_token!.content, clsId], trim_offsets: trimOffsets, add_prefix_space: addPrefixSpace },
    decoder: { ...byteLevel, add_prefix_space: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: parseMerges(mergesText),
    },
  };
}
