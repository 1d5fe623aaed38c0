// Tokenizers of every family against the Rust `tokenizers` library (@anush008/tokenizers, the oracle): the
// fixtures' tokenizer.json files, the tokenizer.json transformers converts from vocab.json + merges.txt and from
// SentencePiece models (written here from albert-tiny's pieces), on the fixtures' texts and edge cases and on
// every TweetEval emotion and stance_climate text.
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AutoTokenizer, type PreTrainedTokenizer } from "../src/tokenizers/index.js";
import { readDataFile } from "../src/datasets/readers.js";
import { FIXTURES_DIR, SHARED_HUB } from "./helpers/paths.js";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Tokenizer: RustTokenizer } = require("@anush008/tokenizers") as {
  Tokenizer: { fromString(json: string): { encodeBatch(texts: string[]): Promise<Array<{ getIds(): number[] }>> } };
};

interface EdgeCase {
  text: string;
  input_ids: number[];
  attention_mask: number[];
  token_type_ids: number[];
  full_tokens: string[];
  full_ids: number[];
}
interface Reference {
  texts: string[];
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
  max_length: number;
  edge_cases: EdgeCase[];
}

const PIECE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3 } as const; // SentencePiece piece types
const FAMILIES = ["roberta", "bert", "electra", "albert"] as const;
const dirOf = (family: string): string => path.join(FIXTURES_DIR, `${family}-tiny`);
const referenceOf = (family: string): Reference => JSON.parse(fs.readFileSync(path.join(dirOf(family), "reference.json"), "utf8")).inputs;
const tokenizerJsonOf = (family: string): Record<string, any> => JSON.parse(fs.readFileSync(path.join(dirOf(family), "tokenizer.json"), "utf8"));

// A small SentencePiece normalization rule set (sentencepiece 0.2.2, normalization_rule_tsv): A→a, Ａ→a, Ｂ→b,
// ﬁ→fi, NBSP→space, …→..., e+U+0301→é, Å→A, 😂→:joy:, Ⅰ→I, Ⅱ→II.
const CHARSMAP =
  "AAQAAAAAAQBBDQAAEwAAgMwYAgCBBQAAGgAAgKAFAAAAAACAhQUAAAwAAICAnAIAph0AAAIAAIAOAACAEAAAgIX8AgCgdQAAoX0AAIEFAAAXAACAoVkAABUAAICfWAIAogkAAJgMAgCCDQAABgAAgBoAAAAdAAAAHAAAAB8AAAAeAAAArMwCACAAAAAjAAAAIgAAACUAAABlqAMAJwAAACYAAAApAAAAKAAAACsAAAAqAAAALQAAACwAAAAvAAAALgAAALwUAgAwAAAAMwAAADIAAAA1AAAANAAAADcAAAA2AAAAOQAAADgAAAA7AAAAOgAAAD0AAAA8AAAAPwAAAD4AAABBAAAAQAAAAEMAAABCAAAARQAAAEQAAABHAAAARgAAAEkAAABIAAAASwAAAEoAAABNAAAATAAAAE8AAABOAAAAUQAAAFAAAABTAAAAUgAAAFUAAABUAAAAVwAAAFYAAABZAAAAWAAAAFsAAABaAAAAXQAAAFwAAABfAAAAXgAAAGEAAABgAAAAYwAAAGIAAABlAAAAZAAAAGcAAABmAAAAaQAAAGgAAABrAAAAagAAAG0AAABsAAAAbwAAAG4AAABxAAAAcAAAAHMAAAByAAAAdQAAAHQAAAB3AAAAdgAAAHkAAAB4AAAAewAAAHoAAAB9AAAAfAAAAH8AAAB+AAAAgQAAAIAAAADCkAAAwzgAAIUAAACEAAAAhwAAAIYAAACJAAAAiAAAAIsAAACKAAAAjQAAAIwAAACPAAAAjgAAAJEAAACQAAAAkwAAAJIAAACVAAAAlAAAAJcAAACWAAAAmQAAAJgAAACbAAAAmgAAAJ0AAACcAAAAnwAAAJ4AAAChAAAAoAAAAOKgAACiAAAApQAAAKQAAACnAAAApgAAAKkAAACoAAAAqwAAAKoAAACtAAAArAAAAK8AAADvjAAA8OQAALAAAACzAAAAsgAAALUAAAC0AAAAtwAAALYAAAC5AAAAuAAAALsAAAC6AAAAvQAAALwAAAC/AAAAvgAAAMEAAADAAAAAwwAAAMIAAADFAAAAxAAAAMcAAADGAAAAyQAAAMgAAADLAAAAygAAAM0AAADMAAAAzwAAAM4AAADRAAAA0AAAANMAAADSAAAA1QAAANQAAADXAAAA1gAAANkAAADYAAAA2wAAANoAAADdAAAA3AAAAN8AAADeAAAA4QAAAOAAAADjAAAA4gAAAOUAAADkAAAA5wAAAOYAAADpAAAA6AAAAOsAAADqAAAA7QAAAOwAAADvAAAA7gAAAPEAAADwAAAA8wAAAPIAAAD1AAAA9AAAAPcAAAD2AAAA+QAAAPgAAAD7AAAA+gAAAP0AAAD8AAAA/wAAAP4AAAAgAC4uLgA6am95OgBBAEkASUkAYQBiAGZpAMOpAA==";
// Texts for the charsmap's rules, whitespace where JavaScript's \s and Rust's disagree (U+FEFF, U+0085), special tokens typed in.
const EXTRA_TEXTS = [
  "ＡＢ ﬁne\u00a0café…", "cafe\u0301 ÅNGSTRÖM 😂😂 Ⅰ Ⅱ Ⅲ", "A Ａ e\u0301\u0301 ﬁﬁ",
  "a\ufeffb a \ufeffb", "a\u0085b hi  \u0085", "a\u00a0 b\u2028c\u3000d", "hello <mask> world [MASK]y <s>x</s>", "x\u0085<mask>y \ufeff[MASK]z \ufeff<mask>", "",
];

let tweets: string[] = [];
let tmp: string;

before(async () => {
  for (const name of ["emotion", "stance_climate"]) {
    for (const split of ["train", "test", "validation"]) {
      const table = await readDataFile(path.join(SHARED_HUB, "datasets", "cardiffnlp", "tweet_eval", name, `${split}-00000-of-00001.parquet`));
      tweets.push(...(table.columns.text as string[]));
    }
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tt-tokenizer-families-"));
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Texts whose ids differ between the oracle (Rust, on `tokenizerJson`) and `tokenizer`, with special tokens, untruncated. */
async function disagreements(tokenizer: PreTrainedTokenizer, tokenizerJson: object, texts: string[]): Promise<string[]> {
  const rust = await RustTokenizer.fromString(JSON.stringify(tokenizerJson)).encodeBatch(texts);
  return texts.filter((text, i) => JSON.stringify(tokenizer(text).input_ids) !== JSON.stringify(rust[i].getIds()));
}

/** A folder holding these files of a fixture plus the given ones. */
function folder(name: string, family: string, copied: string[], written: Record<string, string | Uint8Array> = {}): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  for (const file of copied) fs.copyFileSync(path.join(dirOf(family), file), path.join(dir, file));
  for (const [file, content] of Object.entries(written)) fs.writeFileSync(path.join(dir, file), content);
  return dir;
}

const allTexts = (family: string): string[] => {
  const ref = referenceOf(family);
  return [...ref.texts, ...ref.edge_cases.map((e) => e.text), ...EXTRA_TEXTS];
};

describe("the fixtures' tokenizer.json, against the ids the Rust library stored", () => {
  for (const family of FAMILIES) {
    test(`${family}-tiny: texts and edge cases, padded and truncated to 24 and in full`, async () => {
      const tokenizer = await AutoTokenizer.fromPretrained(dirOf(family));
      const ref = referenceOf(family);
      const options = { maxLength: ref.max_length, padding: "max_length", truncation: true } as const;
      const withTypes = family !== "roberta"; // RobertaTokenizer's model_input_names leave token_type_ids out
      const expected = { input_ids: ref.input_ids, ...(withTypes ? { token_type_ids: ref.token_type_ids } : {}), attention_mask: ref.attention_mask };
      assert.deepEqual(tokenizer(ref.texts, options), expected);
      for (const edge of ref.edge_cases) {
        const row = { input_ids: edge.input_ids, ...(withTypes ? { token_type_ids: edge.token_type_ids } : {}), attention_mask: edge.attention_mask };
        assert.deepEqual(tokenizer(edge.text, options), row, edge.text);
        assert.deepEqual(tokenizer(edge.text).input_ids, edge.full_ids, edge.text);
        assert.deepEqual(tokenizer.tokenize(edge.text, { addSpecialTokens: true }), edge.full_tokens, edge.text);
      }
      assert.equal(tokenizer(["a", "a b c"], { padding: true }).input_ids[0].at(-1), family === "roberta" ? 1 : 0, "padded with the family's pad id");
    });
  }
});

describe("tokenizer_config.json over tokenizer.json, as transformers' fast classes", () => {
  test("BERT: do_lower_case false keeps case and accents", async () => {
    const dir = folder("bert-cased", "bert", ["tokenizer.json", "config.json"], { "tokenizer_config.json": JSON.stringify({ do_lower_case: false, tokenizer_class: "BertTokenizer" }) });
    const cased = await AutoTokenizer.fromPretrained(dir);
    const json = tokenizerJsonOf("bert");
    const expected = { ...json, normalizer: { ...json.normalizer, lowercase: false, strip_accents: null } };
    const texts = allTexts("bert");
    assert.deepEqual(await disagreements(cased, expected, texts), []);
    assert.notDeepEqual(cased(texts[0]).input_ids, (await AutoTokenizer.fromPretrained(dirOf("bert")))(texts[0]).input_ids);
  });

  test("RoBERTa: add_prefix_space true", async () => {
    const config = { ...JSON.parse(fs.readFileSync(path.join(dirOf("roberta"), "tokenizer_config.json"), "utf8")), add_prefix_space: true };
    const dir = folder("roberta-prefix", "roberta", ["tokenizer.json", "config.json"], { "tokenizer_config.json": JSON.stringify(config) });
    const json = tokenizerJsonOf("roberta");
    const expected = { ...json, pre_tokenizer: { ...json.pre_tokenizer, add_prefix_space: true } };
    assert.deepEqual(await disagreements(await AutoTokenizer.fromPretrained(dir), expected, allTexts("roberta")), []);
  });
});

describe("every TweetEval emotion and stance_climate text, against the Rust library", () => {
  for (const family of ["bert", "roberta", "albert"] as const) {
    test(`${family}-tiny's tokenizer.json${family === "bert" ? " (the real bert-base-uncased vocabulary)" : ""}`, async () => {
      assert.equal(tweets.length, 5616);
      const tokenizer = await AutoTokenizer.fromPretrained(dirOf(family));
      assert.deepEqual(await disagreements(tokenizer, tokenizerJsonOf(family), [...tweets, ...allTexts(family)]), []);
    });
  }
});

describe("converted like transformers when there is no tokenizer.json", () => {
  test("RoBERTa: vocab.json + merges.txt tokenize as the repository's tokenizer.json", async () => {
    const dir = folder("roberta", "roberta", ["vocab.json", "merges.txt", "tokenizer_config.json", "config.json"]);
    const converted = await AutoTokenizer.fromPretrained(dir);
    const original = await AutoTokenizer.fromPretrained(dirOf("roberta"));
    const texts = [...tweets, ...allTexts("roberta")];
    assert.deepEqual(converted(texts), original(texts));
    assert.deepEqual(converted.modelInputNames, ["input_ids", "attention_mask"]);
    assert.equal(String(converted).split("(")[0], "RobertaTokenizerFast");
  });

  test("ELECTRA: vocab.txt tokenizes as the repository's tokenizer.json, with token_type_ids", async () => {
    const dir = folder("electra", "electra", ["vocab.txt", "tokenizer_config.json", "config.json"]);
    const converted = await AutoTokenizer.fromPretrained(dir);
    const original = await AutoTokenizer.fromPretrained(dirOf("electra"));
    for (const text of allTexts("electra")) assert.deepEqual(converted(text), original(text), text);
    assert.deepEqual(Object.keys(converted("x")), ["input_ids", "token_type_ids", "attention_mask"]);
  });

  // albert-tiny's pieces as a SentencePiece model: scores are float32 there, so the oracle reads them rounded.
  const albertJson = tokenizerJsonOf("albert");
  const pieces = (albertJson.model.vocab as Array<[string, number]>).map(([piece, score], id) => ({
    piece,
    score: Math.fround(score),
    type: id === 1 ? PIECE.UNKNOWN : id <= 4 ? PIECE.CONTROL : PIECE.NORMAL,
  }));
  const precompiled = { type: "Precompiled", precompiled_charsmap: CHARSMAP };

  test("ALBERT: spiece.model (with a precompiled charsmap) tokenizes as the Rust library on the tokenizer.json transformers builds", async () => {
    const spiece = sentencePieceModel(pieces, { unkId: 1, bosId: -1, eosId: -1, padId: 0 }, CHARSMAP);
    const dir = folder("albert", "albert", ["tokenizer_config.json", "config.json"], { "spiece.model": spiece });
    const converted = await AutoTokenizer.fromPretrained(dir);
    const expected = {
      ...albertJson,
      normalizer: { ...albertJson.normalizer, normalizers: [...albertJson.normalizer.normalizers, precompiled] },
      model: { ...albertJson.model, vocab: pieces.map((p) => [p.piece, p.score]) },
    };
    assert.deepEqual(await disagreements(converted, expected, [...tweets, ...allTexts("albert")]), []);
    assert.deepEqual(Object.keys(converted("x")), ["input_ids", "token_type_ids", "attention_mask"]);
  });

  test("XLM-R: sentencepiece.bpe.model gets fairseq's ids (<s> <pad> </s> <unk>, pieces shifted by one, <mask> last)", async () => {
    // SentencePiece's own layout: <unk> <s> </s>, then the pieces.
    const spmPieces = [{ piece: "<unk>", score: 0, type: PIECE.UNKNOWN }, { piece: "<s>", score: 0, type: PIECE.CONTROL }, { piece: "</s>", score: 0, type: PIECE.CONTROL }, ...pieces.slice(5)];
    const model = sentencePieceModel(spmPieces, { unkId: 0, bosId: 1, eosId: 2, padId: -1 }, CHARSMAP);
    const dir = folder("xlmr", "albert", [], {
      "sentencepiece.bpe.model": model,
      "config.json": JSON.stringify({ model_type: "xlm-roberta" }),
      "tokenizer_config.json": JSON.stringify({ model_max_length: 512 }),
    });
    const converted = await AutoTokenizer.fromPretrained(dir);
    assert.deepEqual(converted.convertTokensToIds(["<s>", "<pad>", "</s>", "<unk>", spmPieces[3].piece, spmPieces[10].piece, "<mask>"]), [0, 1, 2, 3, 4, 11, spmPieces.length + 1]);
    assert.deepEqual([converted.padTokenId, converted.clsTokenId, converted.sepTokenId, converted.maskTokenId], [1, 0, 2, spmPieces.length + 1]);
    const expected = {
      ...albertJson,
      added_tokens: ["<s>", "<pad>", "</s>", "<unk>", "<mask>"].map((content, i) => ({
        id: i < 4 ? i : spmPieces.length + 1,
        content,
        single_word: false,
        lstrip: content === "<mask>",
        rstrip: false,
        normalized: false,
        special: true,
      })),
      normalizer: precompiled,
      post_processor: { type: "RobertaProcessing", sep: ["</s>", 2], cls: ["<s>", 0], trim_offsets: true, add_prefix_space: true }, // any `<s> $A </s>` gives these ids
      model: { type: "Unigram", unk_id: 3, byte_fallback: false, vocab: [["<s>", 0], ["<pad>", 0], ["</s>", 0], ["<unk>", 0], ...spmPieces.slice(3).map((p) => [p.piece, p.score]), ["<mask>", 0]] },
    };
    assert.deepEqual(await disagreements(converted, expected, [...tweets, ...allTexts("albert")]), []);
    assert.deepEqual(Object.keys(converted("x")), ["input_ids", "attention_mask"]);
    assert.deepEqual(converted(["x y z", "x"], { padding: true }).input_ids[1].slice(-1), [1]);
  });

  test("a SentencePiece BPE model or a damaged file is refused with what to do", async () => {
    const bpe = folder("spm-bpe", "albert", ["tokenizer_config.json", "config.json"], { "spiece.model": sentencePieceModel(pieces.slice(0, 10), { unkId: 1, modelType: 2 }, "") });
    await assert.rejects(AutoTokenizer.fromPretrained(bpe), /SentencePiece BPE model; only Unigram models can be converted\. Use a repository that has a tokenizer\.json/);
    const damaged = folder("spm-damaged", "albert", ["tokenizer_config.json", "config.json"], { "spiece.model": sentencePieceModel(pieces, { unkId: 1 }, "").subarray(0, 1000) });
    await assert.rejects(AutoTokenizer.fromPretrained(damaged), /spiece\.model is not a valid SentencePiece model \(.+\); download it again/);
    const none = folder("none", "albert", ["tokenizer_config.json", "config.json"]);
    await assert.rejects(AutoTokenizer.fromPretrained(none), /has neither tokenizer\.json nor spiece\.model/);
  });
});

// A SentencePiece ModelProto (sentencepiece_model.proto): pieces (1), trainer_spec (2), normalizer_spec (3).
function sentencePieceModel(
  pieces: Array<{ piece: string; score: number; type: number }>,
  ids: { unkId: number; bosId?: number; eosId?: number; padId?: number; modelType?: number },
  charsmapBase64: string,
): Uint8Array {
  const trainer = [varintField(3, ids.modelType ?? 1), varintField(40, ids.unkId), varintField(41, ids.bosId ?? -1), varintField(42, ids.eosId ?? -1), varintField(43, ids.padId ?? -1)];
  return Buffer.concat([
    ...pieces.map((p) => lenField(1, Buffer.concat([lenField(1, Buffer.from(p.piece, "utf8")), float32Field(2, p.score), varintField(3, p.type)]))),
    lenField(2, Buffer.concat(trainer)),
    lenField(3, Buffer.concat([lenField(1, Buffer.from("user_defined")), lenField(2, Buffer.from(charsmapBase64, "base64"))])),
  ]);
}

function varint(value: number): Buffer {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? low | 0x80 : low);
  } while (v);
  return Buffer.from(out);
}
const varintField = (field: number, value: number): Buffer => Buffer.concat([varint(field << 3), varint(value)]);
const lenField = (field: number, bytes: Buffer): Buffer => Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
function float32Field(field: number, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return Buffer.concat([varint((field << 3) | 5), b]);
}
