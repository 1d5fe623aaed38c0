import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as util from "node:util";
import { AutoTokenizer, PreTrainedTokenizer, wordPieceTokenizerJson } from "../src/tokenizers/index.js";
import { loadDataset } from "../src/datasets/index.js";
import { startLocalHub } from "./helpers/local-hub.js";
import { SHARED_HUB, TINY_MODEL_DIR } from "./helpers/paths.js";

const MODEL_DIR = path.join(SHARED_HUB, "distilbert", "distilbert-base-uncased");
const reference = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "reference.json"), "utf8")).inputs as {
  texts: string[];
  tokens: string[][];
  input_ids: number[][];
  attention_mask: number[][];
  max_length: number;
};

// Tokens and ids (without [CLS]/[SEP]) that the Rust tokenizers crate behind Python's BertTokenizerFast gives
// for these texts with distilbert-base-uncased's tokenizer.json: accents, Greek final sigma, CJK outside the
// BMP, emoji with modifiers and joiners, invisible format characters, URLs, special tokens typed in the text.
const RUST_EDGE_CASES: Array<[string, string[], number[]]> = [
  ["\u039f\u0394\u039f\u03a3 \u03a3\u0391\u03a3", ["ο", "##δ", "##ο", "##σ", "σ", "##α", "##σ"], [1169, 29722, 29730, 29733, 1173, 14608, 29733]],
  ["a\ud840\udc00b \u4e2d\u6587x", ["a", "[UNK]", "b", "中", "文", "x"], [1037, 100, 1038, 1746, 1861, 1060]],
  ["x\ud86e\udd20y", ["x", "[UNK]", "y"], [1060, 100, 1061]],
  ["\u0130stanbul \u00c5NGSTR\u00d6M na\u00efve fa\u00e7ade", ["istanbul", "ang", "##strom", "naive", "facade"], [9960, 17076, 15687, 15743, 8508]],
  ["emoji \ud83d\ude21\u2600\ufe0f\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 \ud83d\udc4d\ud83c\udffd done", ["em", "##oj", "##i", "[UNK]", "[UNK]", "done"], [7861, 29147, 2072, 100, 100, 2589]],
  ["@user check https://t.co/AbC123?x=1&y=2 #Win", ["@", "user", "check", "https", ":", "/", "/", "t", ".", "co", "/", "abc", "##12", "##3", "?", "x", "=", "1", "&", "y", "=", "2", "#", "win"], [1030, 5310, 4638, 16770, 1024, 1013, 1013, 1056, 1012, 2522, 1013, 5925, 12521, 2509, 1029, 1060, 1027, 1015, 1004, 1061, 1027, 1016, 1001, 2663]],
  ["tab\there\nnew\u00a0nbsp\u200bzw\ufeffbom", ["tab", "here", "new", "n", "##bs", "##p", "##z", "##w", "##bo", "##m"], [21628, 2182, 2047, 1050, 5910, 2361, 2480, 2860, 5092, 2213]],
  ["[CLS] hello [SEP] [unk] [MASK]", ["[CLS]", "hello", "[SEP]", "[", "un", "##k", "]", "[MASK]"], [101, 7592, 102, 1031, 4895, 2243, 1033, 103]],
  ["$100 + 5% <3 ^_^ ~ | `x`", ["$", "100", "+", "5", "%", "<", "3", "^", "_", "^", "~", "|", "`", "x", "`"], [1002, 2531, 1009, 1019, 1003, 1026, 1017, 1034, 1035, 1034, 1066, 1064, 1036, 1060, 1036]],
  ["a\u00adb \u2066iso\u2069 x\u0378y", ["ab", "iso", "[UNK]"], [11113, 11163, 100]],
  ["don\u02bct \u201cquoted\u201d \u2014 dash\u2026", ["don", "##ʼ", "##t", "“", "quoted", "”", "—", "dash", "…"], [2123, 29712, 2102, 1523, 9339, 1524, 1517, 11454, 1529]],
  ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b", ["[UNK]", "b"], [100, 1038]],
  ["\uff21\uff22\uff23 \u3042\u30a2 \ud55c\uad6d\uc5b4", ["[UNK]", "あ", "##ア", "ᄒ", "##ᅡ", "##ᆫ", "##ᄀ", "##ᅮ", "##ᆨ", "##ᄋ", "##ᅥ"], [100, 1646, 30219, 1469, 30006, 30021, 29991, 30014, 30020, 29999, 30008]],
  ["Don\u02bct stop believin' \ud83c\udfb6 #80s @JourneyOfficial http://bit.ly/xyz", ["don", "##ʼ", "##t", "stop", "bel", "##ie", "##vin", "'", "[UNK]", "#", "80s", "@", "journey", "##off", "##icia", "##l", "http", ":", "/", "/", "bit", ".", "l", "##y", "/", "x", "##y", "##z"], [2123, 29712, 2102, 2644, 19337, 2666, 6371, 1005, 100, 1001, 16002, 1030, 4990, 7245, 24108, 2140, 8299, 1024, 1013, 1013, 2978, 1012, 1048, 2100, 1013, 1060, 2100, 2480]],
];

let hub: { url: string; close(): Promise<void> };
let cacheDir: string;
let tokenizer: PreTrainedTokenizer;

before(async () => {
  hub = await startLocalHub();
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-tokenizers-"));
  tokenizer = await AutoTokenizer.fromPretrained("distilbert-base-uncased", { endpoint: hub.url, cacheDir });
});

after(async () => {
  await hub.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

describe("AutoTokenizer.fromPretrained", () => {
  test("loads distilbert-base-uncased through the hub, by its old id", () => {
    assert.ok(tokenizer instanceof PreTrainedTokenizer);
    assert.equal(typeof tokenizer, "function");
    assert.equal(tokenizer.vocabSize, 30522);
    assert.equal(tokenizer.modelMaxLength, 512);
    assert.deepEqual(
      [tokenizer.padTokenId, tokenizer.unkTokenId, tokenizer.clsTokenId, tokenizer.sepTokenId, tokenizer.maskTokenId],
      [0, 100, 101, 102, 103],
    );
    assert.equal(tokenizer.padToken, "[PAD]");
  });

  test("loads a local folder", async () => {
    const local = await AutoTokenizer.fromPretrained(TINY_MODEL_DIR);
    assert.deepEqual(local("A long trip to Mordor").input_ids, [101, 1037, 2146, 4440, 2000, 22822, 7983, 102]);
    assert.equal(util.inspect(local).startsWith("DistilBertTokenizerFast(name_or_path="), true);
  });

  test("builds a BERT WordPiece tokenizer from vocab.txt when there is no tokenizer.json", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-vocab-"));
    try {
      fs.copyFileSync(path.join(MODEL_DIR, "vocab.txt"), path.join(dir, "vocab.txt"));
      fs.copyFileSync(path.join(MODEL_DIR, "tokenizer_config.json"), path.join(dir, "tokenizer_config.json"));
      fs.copyFileSync(path.join(MODEL_DIR, "config.json"), path.join(dir, "config.json"));
      const fromVocab = await AutoTokenizer.fromPretrained(dir);
      const options = { maxLength: 24, padding: "max_length", truncation: true } as const;
      assert.deepEqual(fromVocab(reference.texts, options), tokenizer(reference.texts, options));
      for (const [text, , ids] of RUST_EDGE_CASES) assert.deepEqual(fromVocab(text).input_ids.slice(1, -1), ids, text);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the built tokenizer.json is the one BertConverter writes", () => {
    const real = JSON.parse(fs.readFileSync(path.join(MODEL_DIR, "tokenizer.json"), "utf8"));
    const built = wordPieceTokenizerJson(fs.readFileSync(path.join(MODEL_DIR, "vocab.txt"), "utf8"), { do_lower_case: true });
    for (const key of ["added_tokens", "normalizer", "pre_tokenizer", "post_processor", "decoder"]) assert.deepEqual(built[key], real[key], key);
    assert.deepEqual({ ...built.model, vocab: { ...built.model.vocab }, type: undefined }, { ...real.model, type: undefined });
  });

  test("a repository without a tokenizer says so", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-empty-"));
    try {
      await assert.rejects(AutoTokenizer.fromPretrained(dir), /has neither tokenizer\.json nor vocab\.txt, nor vocab\.json \+ merges\.txt, nor spiece\.model, nor sentencepiece\.bpe\.model, so no tokenizer can be loaded/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("tokenizing like Python's BertTokenizerFast", () => {
  test("the exercise's example", () => {
    assert.deepEqual(tokenizer("A long trip to Mordor"), {
      input_ids: [101, 1037, 2146, 4440, 2000, 22822, 7983, 102],
      attention_mask: [1, 1, 1, 1, 1, 1, 1, 1],
    });
    assert.deepEqual(tokenizer.tokenize("A long trip to Mordor"), ["a", "long", "trip", "to", "mor", "##dor"]);
    assert.deepEqual(tokenizer.encode("A long trip to Mordor"), [101, 1037, 2146, 4440, 2000, 22822, 7983, 102]);
  });

  test("reference.json: Python's ids, masks and tokens at max_length 24, padded and truncated", () => {
    const out = tokenizer(reference.texts, { maxLength: reference.max_length, padding: "max_length", truncation: true });
    assert.deepEqual(out.input_ids, reference.input_ids);
    assert.deepEqual(out.attention_mask, reference.attention_mask);
    out.input_ids.forEach((ids, i) => {
      const real = ids.filter((_, k) => out.attention_mask[i][k] === 1);
      assert.deepEqual(tokenizer.convertIdsToTokens(real), reference.tokens[i]);
    });
  });

  test("the first emotion training tweet padded to 60", async () => {
    const train = await loadDataset(path.join(SHARED_HUB, "datasets", "cardiffnlp", "tweet_eval"), "emotion", { split: "train" });
    const text = train.get(0).text as string;
    assert.ok(text.includes("\u00a0"), "the tweet has a no-break space, which BERT's normalizer turns into a space");
    const out = tokenizer(text, { maxLength: 60, padding: "max_length", truncation: true });
    const ids = [101, 1523, 4737, 2003, 1037, 2091, 7909, 2006, 1037, 3291, 2017, 2089, 2196, 2031, 1005, 1012, 11830, 11527, 1012, 1001, 14354, 1001, 4105, 1001, 4737, 102];
    assert.deepEqual(out.input_ids, [...ids, ...new Array(60 - ids.length).fill(0)]);
    assert.deepEqual(out.attention_mask, [...new Array(ids.length).fill(1), ...new Array(60 - ids.length).fill(0)]);
  });

  for (const [text, tokens, ids] of RUST_EDGE_CASES) {
    test(`normalizes and splits as Rust: ${JSON.stringify(text).slice(0, 40)}`, () => {
      assert.deepEqual(tokenizer.tokenize(text), tokens);
      assert.deepEqual(tokenizer(text).input_ids, [101, ...ids, 102]);
    });
  }

  test("empty and blank texts give only the special tokens", () => {
    assert.deepEqual(tokenizer("").input_ids, [101, 102]);
    assert.deepEqual(tokenizer(" \t\n").input_ids, [101, 102]);
    assert.deepEqual(tokenizer("", { addSpecialTokens: false }).input_ids, []);
  });
});

describe("padding and truncation", () => {
  const texts = ["A long trip to Mordor", "hi", "the quick brown fox jumps over the lazy dog"];

  test("no padding by default: rows keep their lengths", () => {
    const out = tokenizer(texts);
    assert.deepEqual(out.input_ids.map((r) => r.length), [8, 3, 11]);
    assert.ok(out.attention_mask.every((r) => r.every((m) => m === 1)));
  });

  test('padding "longest" (and true) pads to the longest text of the batch', () => {
    const longest = tokenizer(texts, { padding: "longest" });
    assert.deepEqual(longest, tokenizer(texts, { padding: true }));
    assert.deepEqual(longest.input_ids[1], [101, 7632, 102, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(longest.attention_mask[1], [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(tokenizer("hi", { padding: true }).input_ids, [101, 7632, 102]);
  });

  test('padding "max_length" pads every row to maxLength', () => {
    const out = tokenizer(texts, { maxLength: 16, padding: "max_length" });
    assert.ok(out.input_ids.every((r) => r.length === 16));
    assert.deepEqual(out.attention_mask[0], [...new Array(8).fill(1), ...new Array(8).fill(0)]);
    assert.equal(tokenizer("hi", { padding: "max_length" }).input_ids.length, 512, "maxLength defaults to model_max_length");
  });

  test("truncation cuts the text and keeps [CLS] ... [SEP]", () => {
    const out = tokenizer(texts[2], { maxLength: 6, truncation: true });
    assert.deepEqual(out.input_ids, [101, 1996, 4248, 2829, 4419, 102]);
    assert.deepEqual(tokenizer(texts[2], { maxLength: 6 }), out, "a maxLength alone truncates, as in Python");
    assert.equal(tokenizer(texts[2], { maxLength: 6, truncation: false }).input_ids.length, 11);
    assert.deepEqual(tokenizer(texts[2], { maxLength: 2, truncation: true }).input_ids, [101, 102]);
    assert.throws(() => tokenizer(texts[2], { maxLength: 1, truncation: true }), /no room for the 2 special tokens/);
    assert.equal(tokenizer("word ".repeat(600), { truncation: true }).input_ids.length, 512);
  });

  test("a text longer than max_length without truncation is not padded", () => {
    const out = tokenizer([texts[2], "hi"], { maxLength: 6, padding: "max_length", truncation: false });
    assert.deepEqual(out.input_ids.map((r) => r.length), [11, 6]);
  });

  test('returnTensors "tf" gives int32 tensors [batch, length]', () => {
    const out = tokenizer(texts, { maxLength: 12, padding: "max_length", truncation: true, returnTensors: "tf" });
    assert.deepEqual(out.input_ids.shape, [3, 12]);
    assert.equal(out.input_ids.dtype, "int32");
    assert.deepEqual(out.attention_mask.arraySync()[1], [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const single = tokenizer("A long trip to Mordor", { returnTensors: "tf" });
    assert.deepEqual(single.input_ids.shape, [1, 8]);
    assert.throws(() => tokenizer(texts, { returnTensors: "tf" }), /different lengths\. Pad them/);
    tf_dispose(out, single);
  });

  test("bad arguments get clear errors", () => {
    assert.throws(() => tokenizer(["ok", null as unknown as string]), /item 1 of the batch is null/);
    assert.throws(() => tokenizer(42 as unknown as string), /takes a string or an array of strings/);
    assert.throws(() => tokenizer("x", { padding: "max" as never }), /padding must be/);
    assert.throws(() => tokenizer("x", { maxLength: -3 }), /maxLength must be a non-negative integer/);
  });

  test("pad() pads tokenized rows per batch and passes other columns through", () => {
    const rows = ["hi", "A long trip to Mordor"].map((t, i) => ({ ...tokenizer(t), label: i }));
    const padded = tokenizer.pad(rows);
    assert.deepEqual(padded.input_ids[0], [101, 7632, 102, 0, 0, 0, 0, 0]);
    assert.deepEqual(padded.attention_mask[0], [1, 1, 1, 0, 0, 0, 0, 0]);
    assert.deepEqual(padded.label, [0, 1]);
    const columns = tokenizer.pad({ input_ids: [[101, 102], [101, 7632, 102]] }, { padding: "max_length", maxLength: 4 });
    assert.deepEqual(columns, { input_ids: [[101, 102, 0, 0], [101, 7632, 102, 0]], attention_mask: [[1, 1, 0, 0], [1, 1, 1, 0]] });
    const tensors = tokenizer.pad(rows, { returnTensors: "tf" });
    assert.deepEqual(tensors.input_ids.shape, [2, 8]);
    assert.equal(tensors.label.dtype, "int32");
    assert.throws(() => tokenizer.pad({ text: ["x"] }), /pad\(\) needs "input_ids"/);
    tf_dispose(tensors);
  });
});

describe("decoding and conversions", () => {
  test("decode, with and without special tokens", () => {
    const ids = tokenizer("A long trip to Mordor").input_ids;
    assert.equal(tokenizer.decode(ids), "[CLS] a long trip to mordor [SEP]");
    assert.equal(tokenizer.decode(ids, { skipSpecialTokens: true }), "a long trip to mordor");
    const padded = tokenizer("Hello, world! Don't panic.", { maxLength: 16, padding: "max_length" }).input_ids;
    assert.equal(tokenizer.decode(padded, { skipSpecialTokens: true }), "hello, world! don't panic.");
    assert.deepEqual(tokenizer.batchDecode([ids, [101, 102]], { skipSpecialTokens: true }), ["a long trip to mordor", ""]);
    assert.equal(tokenizer.decode([]), "");
    assert.equal(tokenizer.decode(new Int32Array([7592, 2088])), "hello world");
    assert.throws(() => tokenizer.decode([40000]), /not in the vocabulary/);
  });

  test("convertIdsToTokens / convertTokensToIds", () => {
    assert.deepEqual(tokenizer.convertIdsToTokens([101, 22822, 7983, 102]), ["[CLS]", "mor", "##dor", "[SEP]"]);
    assert.equal(tokenizer.convertIdsToTokens(0), "[PAD]");
    assert.deepEqual(tokenizer.convertTokensToIds(["mor", "##dor", "not-a-token"]), [22822, 7983, 100]);
    assert.equal(tokenizer.convertTokensToIds("[SEP]"), 102);
    assert.equal(tokenizer.getVocab().get("hello"), 7592);
  });

  test("prints like Python (the class named by config.json's model_type, as AutoTokenizer resolves it)", () => {
    assert.equal(
      util.inspect(tokenizer),
      "DistilBertTokenizerFast(name_or_path='distilbert-base-uncased', vocab_size=30522, model_max_length=512, is_fast=True, padding_side='right', truncation_side='right', special_tokens={'unk_token': '[UNK]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'cls_token': '[CLS]', 'mask_token': '[MASK]'})",
    );
  });
});

function tf_dispose(...encodings: Array<Record<string, any>>): void {
  for (const e of encodings) for (const v of Object.values(e)) if (v && typeof v.dispose === "function") v.dispose();
}
