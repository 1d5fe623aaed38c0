import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { main } from "../src/cli.js";
import { useLocalHubEnvironment } from "./helpers/local-hub.js";
import { REPO_ROOT } from "./helpers/paths.js";

const execFileAsync = promisify(execFile);

/**
 * Runs `tweet-transformers ARGS` in this process, as bin/tweet-transformers.js does, capturing console output
 * (not process.stdout, which node's test runner reports through).
 */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const { log, error } = console;
  console.log = (...parts: unknown[]) => void (stdout += `${parts.join(" ")}\n`);
  console.error = (...parts: unknown[]) => void (stderr += `${parts.join(" ")}\n`);
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    console.log = log;
    console.error = error;
  }
}

const local = useLocalHubEnvironment("tt-cli-home-");

describe("tweet-transformers dataset", () => {
  test("tweet_eval emotion: split sizes, label names and the first rows (through HF_ENDPOINT)", async () => {
    const { code, stdout } = await cli("dataset", "tweet_eval", "emotion", "--head", "2");
    assert.equal(code, 0);
    const out = JSON.parse(stdout);
    assert.deepEqual(out.splits, { train: 3257, test: 1421, validation: 374 });
    assert.deepEqual(out.label_names, ["anger", "joy", "optimism", "sadness"]);
    assert.equal(out.rows.length, 2);
    assert.deepEqual(Object.keys(out.rows[0]), ["text", "label"]);
    assert.equal(out.rows[0].label, 2);
    const cached = fs.readdirSync(path.join(local.home, "hub"));
    assert.ok(cached.some((name) => /^datasets--.*tweet_eval$/.test(name)), `files were cached under HF_HOME/hub: ${cached.join(", ")}`);
  });

  test("tweet_eval stance_climate, another split", async () => {
    const out = JSON.parse((await cli("dataset", "tweet_eval", "stance_climate", "--split", "validation", "--head", "1")).stdout);
    assert.deepEqual(out.splits, { train: 355, test: 169, validation: 40 });
    assert.deepEqual(out.label_names, ["none", "against", "favor"]);
    assert.equal(out.split, "validation");
  });

  test("a local csv file", async () => {
    const file = path.join(local.home, "tweets.csv");
    fs.writeFileSync(file, "text,label\nhola,1\nadios,0\n");
    const out = JSON.parse((await cli("dataset", "csv", "--data-files", file)).stdout);
    assert.deepEqual(out.splits, { train: 2 });
    assert.equal(out.label_names, null);
    assert.deepEqual(out.rows, [{ text: "hola", label: 1 }, { text: "adios", label: 0 }]);
  });

  test("errors name what is available", async () => {
    const missing = await cli("dataset", "tweet_eval");
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Config name is missing.*emotion, stance_climate/);
    const unknown = await cli("dataset", "tweet_eval", "emotion", "--split", "dev");
    assert.match(unknown.stderr, /no split "dev"\. Splits: train, test, validation/);
  });
});

describe("tweet-transformers tokenize", () => {
  test("as a separate process, with HF_ENDPOINT from its environment", async () => {
    // Asynchronously: the local hub answers from this process's event loop.
    const script = 'require("./src/cli.ts").main(process.argv.slice(1)).then((code) => process.exit(code))';
    const { stdout } = await execFileAsync(process.execPath, ["--import", "tsx", "-e", script, "tokenize", "--model", "distilbert-base-uncased", "A long trip to Mordor"], {
      cwd: REPO_ROOT,
      env: { ...process.env, HF_ENDPOINT: local.url, HF_HOME: local.home },
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.deepEqual(JSON.parse(stdout).input_ids, [101, 1037, 2146, 4440, 2000, 22822, 7983, 102]);
  });

  test("the exercise's example", async () => {
    const { code, stdout } = await cli("tokenize", "--model", "distilbert-base-uncased", "A long trip to Mordor");
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), {
      input_ids: [101, 1037, 2146, 4440, 2000, 22822, 7983, 102],
      attention_mask: [1, 1, 1, 1, 1, 1, 1, 1],
      tokens: ["[CLS]", "a", "long", "trip", "to", "mor", "##dor", "[SEP]"],
    });
  });

  test("one line per text, padded and truncated", async () => {
    const { stdout } = await cli("tokenize", "--model", "distilbert-base-uncased", "--max-length", "6", "--padding", "max_length", "--truncation", "hi", "the quick brown fox jumps over");
    const lines = stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.deepEqual(lines[0], { input_ids: [101, 7632, 102, 0, 0, 0], attention_mask: [1, 1, 1, 0, 0, 0], tokens: ["[CLS]", "hi", "[SEP]"] });
    assert.deepEqual(lines[1].input_ids, [101, 1996, 4248, 2829, 4419, 102]);
  });

  test("usage errors", async () => {
    assert.match((await cli("tokenize", "hello")).stderr, /--model is required/);
    assert.match((await cli("tokenize", "--model", "distilbert-base-uncased")).stderr, /at least one TEXT/);
    assert.match((await cli("tokenize", "--model", "distilbert-base-uncased", "--padding", "max", "x")).stderr, /--padding must be/);
  });
});
