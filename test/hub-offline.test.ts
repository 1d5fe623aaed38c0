// The workshop's plan B: after one online run, the whole flow (dataset, tokenizer, model, predict) runs from
// the cache alone, with HF_HUB_OFFLINE=1 and with the hub gone; and a corrupted cached file is never used.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { run as predictCli } from "../src/cli/predict.js";
import { run as tokenizeCli } from "../src/cli/tokenize.js";
import {
  AutoModel,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  EntryNotFoundError,
  HubIntegrityError,
  hfHubDownload,
  initBackend,
  loadDataset,
  serveHub,
} from "../src/index.js";
import { buildTinyHub } from "./helpers/notebook-hub.js";

const MODEL = "distilbert-base-uncased";
const saved = Object.fromEntries(["HF_ENDPOINT", "HF_HOME", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "HF_TOKEN"].map((k) => [k, process.env[k]]));
const work = fs.mkdtempSync(path.join(os.tmpdir(), "tt-hub-offline-"));
let hub: { url: string; close(): Promise<void> };

before(async () => {
  await initBackend();
  hub = await serveHub(await buildTinyHub(path.join(work, "hub")), { port: 0, host: "127.0.0.1" });
  for (const k of Object.keys(saved)) delete process.env[k];
  process.env.HF_ENDPOINT = hub.url;
  process.env.HF_HOME = path.join(work, "home");
});
after(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await hub.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** Runs a CLI command in-process and returns what it printed on stdout. */
async function cli(run: (args: string[]) => Promise<number>, args: string[]): Promise<string> {
  const chunks: string[] = [];
  const write = process.stdout.write;
  const log = console.log;
  process.stdout.write = function (this: unknown, chunk: string | Uint8Array, ...rest: unknown[]) {
    if (typeof chunk !== "string") return (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    chunks.push(chunk);
    return true;
  } as typeof process.stdout.write;
  console.log = (...a: unknown[]) => void chunks.push(`${a.join(" ")}\n`);
  try {
    assert.equal(await run(args), 0);
  } finally {
    process.stdout.write = write;
    console.log = log;
  }
  return chunks.join("");
}

/** The notebook's steps up to training, and the CLI's tokenize and predict; what they computed. */
async function flow() {
  const dataset = await loadDataset("tweet_eval", "emotion");
  const texts: string[] = dataset.get("train").column("text").slice(0, 3);
  const tokenizer = await AutoTokenizer.fromPretrained(MODEL);
  const encoded = tokenizer(texts, { padding: true, returnTensors: "tf" });
  const base = await AutoModel.fromPretrained(MODEL);
  const hidden = tf.tidy(() => base.forward(encoded).lastHiddenState.arraySync());
  base.dispose();
  const classifier = await AutoModelForSequenceClassification.fromPretrained(MODEL, { numLabels: 4 });
  classifier.dispose();
  tf.dispose([encoded.input_ids, encoded.attention_mask]);
  const predicted = (await cli(predictCli, ["--model", MODEL, ...texts])).trim().split("\n").map((l) => Object.keys(JSON.parse(l)).sort().join());
  return {
    rows: dataset.keys().map((split) => `${split}:${dataset.get(split).numRows}`),
    ids: tokenizer(texts).input_ids,
    hidden,
    predicted,
    tokenized: await cli(tokenizeCli, ["--model", MODEL, "hello"]),
  };
}

async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(vars)) delete process.env[k];
  }
}

describe("after one online run", () => {
  let online: Awaited<ReturnType<typeof flow>>;
  before(async () => {
    online = await flow();
    assert.deepEqual(online.rows, ["train:3257", "test:1421", "validation:374"]);
    assert.equal(online.predicted.length, 3);
  });

  test("the cache remembers the optional files the repository lacks (.no_exist/<commit>/<file>, as huggingface_hub)", () => {
    const repo = path.join(process.env.HF_HOME!, "hub", `models--${MODEL}`);
    const commit = fs.readFileSync(path.join(repo, "refs", "main"), "utf8");
    assert.ok(fs.existsSync(path.join(repo, ".no_exist", commit, "special_tokens_map.json")));
  });

  test("HF_HUB_OFFLINE=1: the whole flow runs from the cache and computes the same", async () => {
    assert.deepEqual(await withEnv({ HF_HUB_OFFLINE: "1" }, flow), online);
  });

  test("the hub unreachable (server closed), no offline flag: the same", async () => {
    const closed = await serveHub(path.join(work, "hub"), { port: 0, host: "127.0.0.1" });
    await closed.close(); // a port where nothing listens any more: ECONNREFUSED
    assert.deepEqual(await withEnv({ HF_ENDPOINT: closed.url }, flow), online);
  });

  test("offline, an absent file is still absent (EntryNotFoundError), and an unknown one says how to get it", async () => {
    await withEnv({ HF_HUB_OFFLINE: "1" }, async () => {
      await assert.rejects(hfHubDownload(MODEL, "special_tokens_map.json"), (err: Error) => err instanceof EntryNotFoundError && /remembered in the cache/.test(err.message));
      await assert.rejects(hfHubDownload(MODEL, "never-asked.json"), /not in the cache .* Run once online/);
    });
  });
});

describe("a corrupted blob in the cache", () => {
  test("is detected on first use: re-downloaded online, a clear error offline; tokenization as before", async () => {
    const cacheDir = path.join(work, "corrupt-cache");
    const opts = { cacheDir, endpoint: hub.url };
    const file = await hfHubDownload(MODEL, "tokenizer.json", opts);
    const good = fs.readFileSync(file);
    const expected = (await AutoTokenizer.fromPretrained(MODEL, opts))(["hello world"]).input_ids;

    // One flipped byte inside a token of the vocabulary: still valid JSON, a different tokenizer.
    const blob = fs.realpathSync(file);
    const at = good.indexOf('"hello"') + 2;
    const bad = Buffer.from(good);
    bad[at] ^= 0x01;
    fs.writeFileSync(blob, bad);
    await assert.rejects(withEnv({ HF_HUB_OFFLINE: "1" }, () => AutoTokenizer.fromPretrained(MODEL, opts)), (err: Error) => {
      assert.ok(err instanceof HubIntegrityError, String(err));
      assert.match(err.message, /"tokenizer\.json" .* is corrupted \(content hash [0-9a-f]{64} instead of etag/);
      assert.ok(err.message.includes(blob), "names the file to delete");
      assert.match(err.message, /Delete that file, then run once with the hub reachable/);
      return true;
    });
    assert.deepEqual(fs.readFileSync(blob), bad, "offline, the cache is left as it is");

    assert.deepEqual((await AutoTokenizer.fromPretrained(MODEL, opts))(["hello world"]).input_ids, expected);
    assert.deepEqual(fs.readFileSync(file), good, "online, it was downloaded again");
  });
});
