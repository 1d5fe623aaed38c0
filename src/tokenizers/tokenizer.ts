import * as util from "node:util";
import * as tf from "@tensorflow/tfjs";
import { Callable } from "./callable.js";
import { createJsTokenizer, type JsTokenizer } from "./tokenizers-js.js";
import { checkMaxLength, checkPadding, padRight, paddedLength, wantsTruncation, type PaddingStrategy, type TruncationStrategy } from "./padding.js";
import { familyOfClass } from "./families.js";
import { resolveSpecialTokens, type SpecialTokenKey, type TokenizerConfig } from "./special-tokens.js";

export interface TokenizeOptions {
  /** Pad / truncate to this length; default the tokenizer's modelMaxLength. */
  maxLength?: number;
  /** `"max_length"`: pad to maxLength; `true` / `"longest"`: to the longest text of the batch. Default false. */
  padding?: PaddingStrategy;
  /** Cut texts longer than maxLength, keeping the special tokens. Defaults to true when maxLength is given. */
  truncation?: TruncationStrategy;
  /** Add [CLS] ... [SEP] (the tokenizer's template). Default true. */
  addSpecialTokens?: boolean;
  /** `"tf"`: int32 tensors of shape [batch, length] (a single text gives a batch of one). */
  returnTensors?: "tf";
}

export interface PadOptions {
  /** Default true (pad to the longest row). */
  padding?: PaddingStrategy;
  maxLength?: number;
  returnTensors?: "tf";
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
  cleanUpTokenizationSpaces?: boolean;
}

/** One text: `tokenizer("...")`. `token_type_ids` (zeros for one text) when the family's model takes them (BERT, ELECTRA, ALBERT). */
export interface Encoding {
  input_ids: number[];
  token_type_ids?: number[];
  attention_mask: number[];
}
/** A batch: `tokenizer(["...", "..."])`. */
export interface BatchEncoding {
  input_ids: number[][];
  token_type_ids?: number[][];
  attention_mask: number[][];
}
/** `returnTensors: "tf"`: int32 tensors [batch, length]. */
export interface TensorEncoding {
  input_ids: tf.Tensor2D;
  token_type_ids?: tf.Tensor2D;
  attention_mask: tf.Tensor2D;
}

/** Columns that `pad` pads, and with what (other columns pass through). */
const PAD_VALUES = { attention_mask: 0, token_type_ids: 0, special_tokens_mask: 1 } as const;

// Python's VERY_LARGE_INTEGER: "no limit" for tokenizers whose config gives no model_max_length.
export const NO_MAX_LENGTH = 1e30;


/** Called like Python's tokenizer: `tokenizer(text)` or `tokenizer(texts, { maxLength, padding, truncation })`. */
export interface PreTrainedTokenizer {
  (text: string, options?: TokenizeOptions & { returnTensors?: undefined }): Encoding;
  (texts: readonly string[], options?: TokenizeOptions & { returnTensors?: undefined }): BatchEncoding;
  (text: string | readonly string[], options: TokenizeOptions & { returnTensors: "tf" }): TensorEncoding;
  (text: string | readonly string[], options?: TokenizeOptions): Encoding | BatchEncoding | TensorEncoding;
}

/**
 * A fast tokenizer loaded from a tokenizer.json, with Python's padding and truncation on top of
 * @huggingface/tokenizers (which has neither). Build one with `AutoTokenizer.fromPretrained`.
 */
export class PreTrainedTokenizer extends Callable {
  readonly nameOrPath: string;
  /** tokenizer_config.json `model_max_length` (512 for DistilBERT); 1e30 when the config gives none. */
  readonly modelMaxLength: number;
  /** What the model takes, as Python's `model_input_names`: token_type_ids for BERT, ELECTRA and ALBERT, not for DistilBERT, RoBERTa and XLM-R. */
  readonly modelInputNames: readonly string[];
  readonly paddingSide = "right";
  readonly truncationSide = "right";
  readonly specialTokensMap: Partial<Record<SpecialTokenKey, string>>;
  readonly unkToken?: string;
  readonly unkTokenId?: number;
  readonly padToken?: string;
  readonly padTokenId?: number;
  readonly clsToken?: string;
  readonly clsTokenId?: number;
  readonly sepToken?: string;
  readonly sepTokenId?: number;
  readonly maskToken?: string;
  readonly maskTokenId?: number;
  /** Size of the base vocabulary, without added tokens (Python's `vocab_size`). */
  readonly vocabSize: number;
  readonly allSpecialIds: readonly number[];
  readonly allSpecialTokens: readonly string[];

  private readonly inner: JsTokenizer;
  private readonly tokenClass: string;
  private readonly specialCount: number;

  constructor(tokenizerJson: Record<string, any>, config: TokenizerConfig = {}, nameOrPath = "") {
    super();
    this.inner = createJsTokenizer(tokenizerJson, config);
    this.nameOrPath = nameOrPath;
    const family = familyOfClass(config.tokenizer_class);
    this.modelInputNames = Array.isArray(config.model_input_names)
      ? config.model_input_names
      : family?.tokenTypeIds === false
        ? ["input_ids", "attention_mask"]
        : ["input_ids", "token_type_ids", "attention_mask"];
    const maxLength = config.model_max_length;
    this.modelMaxLength = typeof maxLength === "number" && maxLength > 0 ? maxLength : NO_MAX_LENGTH;
    const model = this.inner.model;
    this.vocabSize = model.vocab.length;
    this.specialTokensMap = resolveSpecialTokens(
      { unk_token: model.unk_token, ...config },
      (token) => this.inner.token_to_id(token) !== undefined,
      family?.specialTokens,
    );
    const id = (key: SpecialTokenKey): number | undefined => {
      const token = this.specialTokensMap[key];
      return token === undefined ? undefined : this.inner.token_to_id(token);
    };
    this.unkToken = this.specialTokensMap.unk_token;
    this.unkTokenId = id("unk_token");
    this.padToken = this.specialTokensMap.pad_token;
    this.padTokenId = id("pad_token");
    this.clsToken = this.specialTokensMap.cls_token;
    this.clsTokenId = id("cls_token");
    this.sepToken = this.specialTokensMap.sep_token;
    this.sepTokenId = id("sep_token");
    this.maskToken = this.specialTokensMap.mask_token;
    this.maskTokenId = id("mask_token");
    const added = (tokenizerJson.added_tokens ?? []) as Array<{ id: number; content: string; special?: boolean }>;
    const special = added.filter((t) => t.special);
    this.allSpecialTokens = special.map((t) => t.content);
    this.allSpecialIds = special.map((t) => t.id);
    this.specialCount = this.withSpecialTokens([]).length;
    const cls = typeof config.tokenizer_class === "string" ? config.tokenizer_class : "PreTrainedTokenizer";
    this.tokenClass = cls.endsWith("Fast") ? cls : `${cls}Fast`;
  }

  protected override _call(text: unknown, options: TokenizeOptions = {}): Encoding | BatchEncoding | TensorEncoding {
    const batched = Array.isArray(text);
    const texts = (batched ? text : [text]) as unknown[];
    texts.forEach((t, i) => {
      if (typeof t !== "string") {
        const where = batched ? `item ${i} of the batch is` : "got";
        throw new TypeError(`The tokenizer takes a string or an array of strings; ${where} ${t === null ? "null" : typeof t}.`);
      }
    });
    const maxLength = checkMaxLength(options.maxLength);
    const padding = checkPadding(options.padding ?? false);
    const truncate = wantsTruncation(options.truncation, maxLength);
    const limit = maxLength ?? this.modelMaxLength;
    if ((truncate || padding === "max_length") && limit >= NO_MAX_LENGTH) {
      throw new Error(`"${this.nameOrPath}" has no model_max_length: pass maxLength to pad or truncate.`);
    }
    const addSpecialTokens = options.addSpecialTokens ?? true;
    const rows = (texts as string[]).map((t) => this.ids(this.encodeTokens(t, addSpecialTokens, truncate ? limit : undefined)));
    const encoded = this.padRows(rows, padding, limit);
    if (options.returnTensors === "tf") return toTensors(encoded) as unknown as TensorEncoding;
    if (options.returnTensors !== undefined) throw new TypeError(`returnTensors must be "tf" or left out, not ${JSON.stringify(options.returnTensors)}.`);
    if (batched) return encoded;
    return Object.fromEntries(Object.entries(encoded).map(([key, rows]) => [key, rows[0]])) as unknown as Encoding;
  }

  /** WordPiece tokens of `text`, without special tokens (Python's `tokenize`). */
  tokenize(text: string, options: { addSpecialTokens?: boolean } = {}): string[] {
    return this.encodeTokens(text, options.addSpecialTokens ?? false, undefined);
  }

  /** Token ids of one text, with special tokens unless told otherwise (Python's `encode`). */
  encode(text: string, options: Omit<TokenizeOptions, "returnTensors"> = {}): number[] {
    return (this._call(text, options) as Encoding).input_ids;
  }

  decode(ids: ArrayLike<number | bigint>, options: DecodeOptions = {}): string {
    const list = Array.from(ids, Number);
    if (list.length === 0) return "";
    this.checkIds(list);
    return this.inner.decode(list, {
      skip_special_tokens: options.skipSpecialTokens ?? false,
      clean_up_tokenization_spaces: options.cleanUpTokenizationSpaces,
    });
  }

  batchDecode(sequences: ReadonlyArray<ArrayLike<number | bigint>>, options: DecodeOptions = {}): string[] {
    return sequences.map((ids) => this.decode(ids, options));
  }

  convertIdsToTokens(id: number): string;
  convertIdsToTokens(ids: readonly number[]): string[];
  convertIdsToTokens(ids: number | readonly number[]): string | string[] {
    const list = typeof ids === "number" ? [ids] : Array.from(ids, Number);
    this.checkIds(list);
    const tokens = list.map((i) => this.inner.id_to_token(i)!);
    return typeof ids === "number" ? tokens[0] : tokens;
  }

  /** Unknown tokens give unkTokenId, as in Python. */
  convertTokensToIds(token: string): number;
  convertTokensToIds(tokens: readonly string[]): number[];
  convertTokensToIds(tokens: string | readonly string[]): number | number[] {
    const ids = this.ids(typeof tokens === "string" ? [tokens] : tokens);
    return typeof tokens === "string" ? ids[0] : ids;
  }

  /** Token -> id for the whole vocabulary, added tokens included. */
  getVocab(): Map<string, number> {
    return this.inner.get_vocab(true);
  }

  /**
   * Pads already tokenized rows, as data collators do per batch: `input_ids` with padTokenId, `attention_mask`
   * and `token_type_ids` with 0. Takes columns (`{input_ids: [[...], ...], label: [...]}`) or a list of rows;
   * other keys are passed through (as int32 / float32 tensors with `returnTensors: "tf"` when numeric).
   */
  pad(encodings: Record<string, readonly unknown[]> | ReadonlyArray<Record<string, unknown>>, options: PadOptions = {}): Record<string, any> {
    const columns = Array.isArray(encodings) ? rowsToColumns(encodings as ReadonlyArray<Record<string, unknown>>) : { ...(encodings as Record<string, readonly unknown[]>) };
    const inputIds = columns.input_ids as number[][] | undefined;
    if (!inputIds) throw new Error(`pad() needs "input_ids"; got ${Object.keys(columns).join(", ") || "nothing"}. Tokenize the texts first.`);
    const padding = checkPadding(options.padding ?? true);
    const maxLength = checkMaxLength(options.maxLength) ?? this.modelMaxLength;
    const target = paddedLength(padding, inputIds.map((r) => r.length), maxLength);
    const out: Record<string, any> = { ...columns };
    if (target !== undefined) {
      out.input_ids = inputIds.map((row) => padRight(row, target, this.requirePadId()));
      out.attention_mask = ((columns.attention_mask as number[][] | undefined) ?? inputIds.map((r) => r.map(() => 1))).map((row) => padRight(row, target, 0));
      for (const [key, value] of Object.entries(PAD_VALUES)) {
        if (key !== "attention_mask" && columns[key]) out[key] = (columns[key] as number[][]).map((row) => padRight(row, target, value));
      }
    }
    return options.returnTensors === "tf" ? toTensors(out) : out;
  }

  override toString(): string {
    const special = Object.entries(this.specialTokensMap)
      .map(([k, v]) => `'${k}': '${v}'`)
      .join(", ");
    const maxLength = this.modelMaxLength >= NO_MAX_LENGTH ? "1000000000000000019884624838656" : String(this.modelMaxLength);
    return `${this.tokenClass}(name_or_path='${this.nameOrPath}', vocab_size=${this.vocabSize}, model_max_length=${maxLength}, is_fast=True, padding_side='${this.paddingSide}', truncation_side='${this.truncationSide}', special_tokens={${special}})`;
  }

  [util.inspect.custom](): string {
    return this.toString();
  }

  private encodeTokens(text: string, addSpecialTokens: boolean, truncateTo: number | undefined): string[] {
    let tokens = this.inner.tokenize(text);
    if (truncateTo !== undefined) {
      const room = truncateTo - (addSpecialTokens ? this.specialCount : 0);
      if (room < 0) throw new Error(`maxLength ${truncateTo} leaves no room for the ${this.specialCount} special tokens; use at least ${this.specialCount}.`);
      if (tokens.length > room) tokens = tokens.slice(0, room);
    }
    return addSpecialTokens ? this.withSpecialTokens(tokens) : tokens;
  }

  private withSpecialTokens(tokens: string[]): string[] {
    const post = this.inner.post_processor;
    return post ? post(tokens, null, true).tokens : tokens;
  }

  private ids(tokens: readonly string[]): number[] {
    const unk = this.unkTokenId;
    return tokens.map((t) => {
      const id = this.inner.token_to_id(t) ?? unk;
      if (id === undefined) throw new Error(`Token ${JSON.stringify(t)} is not in the vocabulary and the tokenizer has no unk_token.`);
      return id;
    });
  }

  /** Pads the rows; token types are all 0, as for one sequence. */
  private padRows(rows: number[][], padding: PaddingStrategy, maxLength: number): BatchEncoding {
    const target = paddedLength(padding, rows.map((r) => r.length), maxLength);
    const pad = (r: number[], value: number): number[] => (target === undefined ? r : padRight(r, target, value));
    const padId = target === undefined ? 0 : this.requirePadId();
    return {
      input_ids: rows.map((r) => pad(r, padId)),
      ...(this.modelInputNames.includes("token_type_ids") ? { token_type_ids: rows.map((r) => pad(r.map(() => 0), 0)) } : {}),
      attention_mask: rows.map((r) => pad(r.map(() => 1), 0)),
    };
  }

  private requirePadId(): number {
    if (this.padTokenId === undefined) throw new Error(`"${this.nameOrPath}" has no pad_token; set one in tokenizer_config.json or pass padding: false.`);
    return this.padTokenId;
  }

  private checkIds(ids: readonly number[]): void {
    const size = this.inner.model.vocab.length;
    for (const i of ids) {
      if (!Number.isInteger(i) || i < 0 || i >= size || this.inner.id_to_token(i) === undefined) {
        throw new RangeError(`Token id ${i} is not in the vocabulary (ids 0..${size - 1}).`);
      }
    }
  }
}

function rowsToColumns(rows: ReadonlyArray<Record<string, unknown>>): Record<string, unknown[]> {
  const columns: Record<string, unknown[]> = {};
  for (const key of Object.keys(rows[0] ?? {})) columns[key] = rows.map((r) => r[key]);
  return columns;
}

/** int32 (or float32) tensors for the numeric columns; rows of a 2-D column must have one length. */
function toTensors(columns: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(columns)) {
    if (!Array.isArray(value)) {
      out[key] = value;
      continue;
    }
    const is2d = value.length > 0 && Array.isArray(value[0]);
    const flat = (is2d ? (value as unknown[][]).flat() : value) as unknown[];
    if (!flat.every((v) => typeof v === "number")) {
      out[key] = value;
      continue;
    }
    const dtype = (flat as number[]).every(Number.isInteger) ? "int32" : "float32";
    if (!is2d) {
      out[key] = tf.tensor1d(flat as number[], dtype);
      continue;
    }
    const width = (value[0] as unknown[]).length;
    if ((value as unknown[][]).some((row) => row.length !== width)) {
      throw new Error(`Cannot make a tensor of "${key}": its rows have different lengths. Pad them (padding: true or "max_length").`);
    }
    out[key] = tf.tensor2d(flat as number[], [value.length, width], dtype);
  }
  return out;
}
