/**
 * A `tokenizer.json` built from a SentencePiece Unigram model (`spiece.model` of ALBERT,
 * `sentencepiece.bpe.model` of XLM-RoBERTa), for repositories that ship no tokenizer.json: the document
 * transformers' AlbertTokenizer / XLMRobertaTokenizer build from it (normalizers, WhitespaceSplit + Metaspace,
 * the family's template; control and user-defined pieces become added tokens).
 */
import { parseSentencePieceModel, MODEL_TYPE_NAMES, PIECE_TYPE } from "./sentencepiece-model.js";
import { addedTokensJson, requireTokenId, SPECIAL_TOKEN_DEFAULTS, specialTokenSpecs, type AddedTokenSpec, type TokenizerConfig } from "./special-tokens.js";
import { clsSepTemplate, type TokenizerJson } from "./wordpiece-json.js";

export type SentencePieceFamily = "albert" | "xlm-roberta";

// XLM-R's tokens are RoBERTa's.
const DEFAULTS = { albert: SPECIAL_TOKEN_DEFAULTS.albert, "xlm-roberta": SPECIAL_TOKEN_DEFAULTS.roberta };

export function sentencePieceTokenizerJson(bytes: Uint8Array, family: SentencePieceFamily, config: TokenizerConfig = {}, file = "The SentencePiece model"): TokenizerJson {
  const spm = parseSentencePieceModel(bytes, file);
  if (spm.trainerSpec.modelType !== 1) {
    throw new Error(`${file} is a SentencePiece ${MODEL_TYPE_NAMES[spm.trainerSpec.modelType] ?? spm.trainerSpec.modelType} model; only Unigram models can be converted. Use a repository that has a tokenizer.json.`);
  }
  const special = specialTokenSpecs(config, DEFAULTS[family], true);
  const content = (key: keyof typeof DEFAULTS.albert): string => special[key]?.content ?? DEFAULTS[family][key];
  let vocab: Array<[string, number]> = spm.pieces.map((p) => [p.piece, p.score]);
  let unkId = spm.trainerSpec.unkId;
  if (family === "xlm-roberta") {
    // fairseq's dictionary: <s> <pad> </s> <unk>, then the pieces after SentencePiece's own <unk> <s> </s>, <mask> last.
    vocab = [[content("bos_token"), 0], [content("pad_token"), 0], [content("eos_token"), 0], [content("unk_token"), 0], ...vocab.slice(3), [content("mask_token"), 0]];
    unkId = 3;
  }
  const ids = new Map<string, number>();
  vocab.forEach(([piece], id) => ids.set(piece, id));
  const idOf = (piece: string): number | undefined => ids.get(piece);
  const clsId = requireTokenId(special.cls_token, "cls_token", idOf, file);
  const sepId = requireTokenId(special.sep_token, "sep_token", idOf, file);
  const pieceTokens: AddedTokenSpec[] = spm.pieces
    .filter((p) => p.type === PIECE_TYPE.CONTROL || p.type === PIECE_TYPE.USER_DEFINED)
    .map((p) => ({ content: p.piece, special: p.type === PIECE_TYPE.CONTROL }));
  const charsmap = spm.normalizerSpec.precompiledCharsmap;
  const precompiled = charsmap.length > 0 ? [{ type: "Precompiled", precompiled_charsmap: Buffer.from(charsmap).toString("base64") }] : [];
  const metaspace = { type: "Metaspace", replacement: "\u2581", prepend_scheme: config.add_prefix_space === false ? "never" : "always", split: true };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: addedTokensJson([...Object.values(special), ...pieceTokens], idOf, vocab.length),
    normalizer: family === "albert" ? { type: "Sequence", normalizers: [...albertNormalizers(config), ...precompiled] } : (precompiled[0] ?? null),
    pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "WhitespaceSplit" }, metaspace] },
    post_processor: family === "albert" ? clsSepTemplate(content("cls_token"), clsId, content("sep_token"), sepId) : xlmRobertaTemplate(content("cls_token"), clsId, content("sep_token"), sepId),
    decoder: metaspace,
    model: { type: "Unigram", unk_id: unkId, vocab, byte_fallback: false },
  };
}

/** AlbertTokenizer's normalizers: `` and '' to ", NFKD and accents stripped unless keep_accents, lowercase when do_lower_case. */
function albertNormalizers(config: TokenizerConfig): object[] {
  const out: object[] = [
    { type: "Replace", pattern: { String: "``" }, content: '"' },
    { type: "Replace", pattern: { String: "''" }, content: '"' },
  ];
  if (!(config.keep_accents ?? false)) out.push({ type: "NFKD" }, { type: "StripAccents" });
  if (config.do_lower_case ?? true) out.push({ type: "Lowercase" });
  return out;
}

/** `<s> $A </s>` and `<s> $A </s> </s> $B </s>`, every type id 0. */
function xlmRobertaTemplate(cls: string, clsId: number, sep: string, sepId: number): object {
  const token = (id: string): object => ({ SpecialToken: { id, type_id: 0 } });
  const sequence = (id: string): object => ({ Sequence: { id, type_id: 0 } });
  return {
    type: "TemplateProcessing",
    single: [token(cls), sequence("A"), token(sep)],
    pair: [token(cls), sequence("A"), token(sep), token(sep), sequence("B"), token(sep)],
    special_tokens: {
      [cls]: { id: cls, ids: [clsId], tokens: [cls] },
      [sep]: { id: sep, ids: [sepId], tokens: [sep] },
    },
  };
}
