import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { spawn } from "node:child_process";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { run as runHubCli } from "../src/cli/hub.js";
import {
  EntryNotFoundError,
  GatedRepoError,
  HubConnectionError,
  HubIntegrityError,
  OfflineCacheMissError,
  RepoNotFoundError,
  hfHubDownload,
  isLocalPath,
  listRepoFiles,
  serveHub,
  setDownloadProgressFactory,
} from "../src/hub/index.js";
import { startLocalHub } from "./helpers/local-hub.js";
import { SHARED_HUB } from "./helpers/paths.js";

const MODEL_DIR = path.join(SHARED_HUB, "distilbert", "distilbert-base-uncased");
const DATASET_DIR = path.join(SHARED_HUB, "datasets", "cardiffnlp", "tweet_eval");
const PARQUET = "emotion/train-00000-of-00001.parquet";

for (const name of ["HF_ENDPOINT", "HF_TOKEN", "HF_HUB_OFFLINE", "HF_HOME", "HF_HUB_CACHE"]) delete process.env[name];

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-hub-"));
  tempDirs.push(dir);
  return dir;
}
after(() => tempDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function walk(dir: string, rel = ""): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? walk(dir, p) : [p];
  });
}

async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** A URL where nothing listens. */
async function deadEndpoint(): Promise<string> {
  const server = http.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

type Fault = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => boolean;

/**
 * A proxy in front of `upstream` that records requests and lets `fault` take over a response
 * (return true when it did). Redirects to `upstream` (CDN links) are rewritten to point back at the proxy.
 */
async function faultyProxy(upstream: string, fault: Fault) {
  const seen: { method: string; url: string; range?: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, range: req.headers.range });
    const up = http.request(new URL(req.url!, upstream), { method: req.method, headers: req.headers }, (upRes) => {
      const chunks: Buffer[] = [];
      upRes.on("data", (c: Buffer) => chunks.push(c));
      upRes.on("end", () => {
        const body = Buffer.concat(chunks);
        res.statusCode = upRes.statusCode!;
        for (const [k, v] of Object.entries(upRes.headers)) if (v !== undefined) res.setHeader(k, v);
        if (upRes.headers.location?.startsWith(upstream)) res.setHeader("location", url + upRes.headers.location.slice(upstream.length));
        if (!fault(req, body, res)) res.end(body);
      });
    });
    up.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    seen,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}

/**
 * Sends the headers and half the body, then closes the connection (a FIN after the data: a reset could make
 * the client's kernel drop bytes it has not read yet, and the test depend on timing).
 */
function cutHalfway(res: http.ServerResponse, body: Buffer): void {
  res.flushHeaders();
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.end());
}

describe("hub client against the local hub", () => {
  let hub: { url: string; close(): Promise<void> };
  before(async () => {
    hub = await startLocalHub();
  });
  after(() => hub.close());

  test("downloads a model file and a dataset file through the renamed ids, in the huggingface_hub cache layout", async () => {
    const cacheDir = tempDir();
    const config = await hfHubDownload("distilbert-base-uncased", "config.json", { endpoint: hub.url, cacheDir });
    assert.deepEqual(fs.readFileSync(config), fs.readFileSync(path.join(MODEL_DIR, "config.json")));
    const parquet = await hfHubDownload("tweet_eval", PARQUET, { endpoint: hub.url, cacheDir, repoType: "dataset" });
    assert.deepEqual(fs.readFileSync(parquet), fs.readFileSync(path.join(DATASET_DIR, PARQUET)));

    const info = (await (await fetch(`${hub.url}/api/models/distilbert-base-uncased`)).json()) as { id: string; sha: string };
    assert.equal(info.id, "distilbert/distilbert-base-uncased");
    const repoDir = path.join(cacheDir, "models--distilbert-base-uncased");
    assert.equal(fs.readFileSync(path.join(repoDir, "refs", "main"), "utf8"), info.sha);
    assert.equal(config, path.join(repoDir, "snapshots", info.sha, "config.json"));
    assert.ok(fs.lstatSync(config).isSymbolicLink());
    const blobs = fs.readdirSync(path.join(repoDir, "blobs"));
    assert.deepEqual(blobs, [path.basename(fs.readlinkSync(config))]);
    assert.match(blobs[0], /^[0-9a-f]{40}$/); // git blob sha1: the ETag of a small file
    assert.ok(fs.existsSync(path.join(cacheDir, "datasets--tweet_eval", "snapshots")));
    assert.ok(!walk(cacheDir).some((f) => f.endsWith(".incomplete") || f.endsWith(".tmp")));
  });

  test("large files follow the CDN redirect and are stored under their sha256", async () => {
    const cacheDir = tempDir();
    const file = await hfHubDownload("distilbert/distilbert-base-uncased", "tokenizer.json", { endpoint: hub.url, cacheDir });
    const bytes = fs.readFileSync(path.join(MODEL_DIR, "tokenizer.json"));
    assert.deepEqual(fs.readFileSync(file), bytes);
    assert.equal(path.basename(fs.readlinkSync(file)), crypto.createHash("sha256").update(bytes).digest("hex"));
  });

  test("a second call is served from the cache: offline, and when the endpoint is down", async () => {
    const cacheDir = tempDir();
    const local = await startLocalHub();
    const first = await hfHubDownload("distilbert-base-uncased", "vocab.txt", { endpoint: local.url, cacheDir });
    await local.close();
    const offline = await withEnv({ HF_HUB_OFFLINE: "1" }, () => hfHubDownload("distilbert-base-uncased", "vocab.txt", { endpoint: local.url, cacheDir }));
    assert.equal(offline, first);
    assert.equal(await hfHubDownload("distilbert-base-uncased", "vocab.txt", { endpoint: local.url, cacheDir }), first);
    assert.deepEqual(await listRepoFiles("distilbert-base-uncased", { endpoint: local.url, cacheDir, localFilesOnly: true }), ["vocab.txt"]);
    assert.deepEqual(await listRepoFiles("distilbert-base-uncased", { endpoint: local.url, cacheDir }), ["vocab.txt"]);
  });

  test("RepoNotFound and EntryNotFound say which repo and file, and what to do", async () => {
    const cacheDir = tempDir();
    await assert.rejects(hfHubDownload("distilbert-base-uncaset", "config.json", { endpoint: hub.url, cacheDir }), (err: Error) => {
      assert.ok(err instanceof RepoNotFoundError);
      assert.match(err.message, /distilbert-base-uncaset/);
      assert.match(err.message, /config\.json/);
      assert.match(err.message, /"distilbert-base-uncased"/);
      return true;
    });
    await assert.rejects(hfHubDownload("cardiffnlp/tweet_eval", "README.md", { endpoint: hub.url, cacheDir }), (err: Error) => {
      assert.ok(err instanceof RepoNotFoundError);
      assert.match(err.message, /repoType: "dataset"/);
      return true;
    });
    await assert.rejects(hfHubDownload("distilbert-base-uncased", "model.safetensors", { endpoint: hub.url, cacheDir }), (err: Error) => {
      assert.ok(err instanceof EntryNotFoundError);
      assert.match(err.message, /"model\.safetensors" is not in model "distilbert-base-uncased"/);
      return true;
    });
    await assert.rejects(listRepoFiles("nobody/nothing", { endpoint: hub.url }), RepoNotFoundError);
  });

  test("gated repositories: 401 without a token (not found by bare name), OK with one (option or HF_TOKEN)", async () => {
    const gated = await startLocalHub(SHARED_HUB, { gated: ["distilbert/distilbert-base-uncased"], token: "hf_secret" });
    try {
      const cacheDir = tempDir();
      await assert.rejects(hfHubDownload("distilbert/distilbert-base-uncased", "config.json", { endpoint: gated.url, cacheDir }), (err: Error) => {
        assert.ok(err instanceof GatedRepoError);
        assert.match(err.message, /HF_TOKEN/);
        assert.match(err.message, /distilbert\/distilbert-base-uncased/);
        return true;
      });
      await assert.rejects(hfHubDownload("distilbert/distilbert-base-uncased", "config.json", { endpoint: gated.url, cacheDir, token: "hf_wrong" }), GatedRepoError);
      await assert.rejects(hfHubDownload("distilbert-base-uncased", "config.json", { endpoint: gated.url, cacheDir }), (err: Error) => {
        assert.ok(err instanceof RepoNotFoundError);
        assert.match(err.message, /If it is private or gated, set HF_TOKEN/);
        return true;
      });
      const file = await hfHubDownload("distilbert-base-uncased", "config.json", { endpoint: gated.url, cacheDir, token: "hf_secret" });
      assert.deepEqual(fs.readFileSync(file), fs.readFileSync(path.join(MODEL_DIR, "config.json")));
      const files = await withEnv({ HF_TOKEN: "hf_secret" }, () => listRepoFiles("distilbert-base-uncased", { endpoint: gated.url }));
      assert.ok(files.includes("tokenizer.json"));
    } finally {
      await gated.close();
    }
  });

  test("offline with an empty cache: OfflineCacheMissError says how to get the file", async () => {
    const cacheDir = tempDir();
    await withEnv({ HF_HUB_OFFLINE: "1" }, async () => {
      await assert.rejects(hfHubDownload("distilbert-base-uncased", "config.json", { endpoint: hub.url, cacheDir }), (err: Error) => {
        assert.ok(err instanceof OfflineCacheMissError);
        assert.match(err.message, /config\.json/);
        assert.match(err.message, /hub download distilbert-base-uncased/);
        assert.match(err.message, /HF_ENDPOINT/);
        return true;
      });
      await assert.rejects(listRepoFiles("tweet_eval", { repoType: "dataset", endpoint: hub.url, cacheDir }), OfflineCacheMissError);
    });
  });

  test("endpoint down: HubConnectionError names the endpoint and the ways out", async () => {
    const endpoint = await deadEndpoint();
    const cacheDir = tempDir();
    for (const attempt of [hfHubDownload("distilbert-base-uncased", "config.json", { endpoint, cacheDir }), listRepoFiles("tweet_eval", { endpoint, repoType: "dataset" })]) {
      await assert.rejects(attempt, (err: Error) => {
        assert.ok(err instanceof HubConnectionError);
        assert.ok(err.message.includes(endpoint));
        assert.match(err.message, /HF_ENDPOINT/);
        assert.match(err.message, /HF_HUB_OFFLINE=1/);
        return true;
      });
    }
  });

  test("a connection cut mid-body is resumed with a Range request", async () => {
    let cuts = 0;
    const proxy = await faultyProxy(hub.url, (req, body, res) => {
      if (req.method !== "GET" || req.headers.range || cuts > 0 || body.length < 1000) return false;
      cuts++;
      cutHalfway(res, body);
      return true;
    });
    try {
      const cacheDir = tempDir();
      const file = await hfHubDownload("tweet_eval", PARQUET, { endpoint: proxy.url, cacheDir, repoType: "dataset" });
      assert.deepEqual(fs.readFileSync(file), fs.readFileSync(path.join(DATASET_DIR, PARQUET)));
      assert.equal(cuts, 1);
      const size = fs.statSync(path.join(DATASET_DIR, PARQUET)).size;
      // It resumes where the bytes it received end: at most the half sent (fetch drops what it queued but not yet
      // handed over when the connection breaks), and more than nothing.
      const resumedAt = proxy.seen.filter((r) => r.method === "GET" && r.range).map((r) => Number(/^bytes=(\d+)-$/.exec(r.range!)?.[1]));
      assert.equal(resumedAt.length, 1, JSON.stringify(proxy.seen));
      assert.ok(resumedAt[0] > 0 && resumedAt[0] <= Math.floor(size / 2), JSON.stringify(proxy.seen));
      assert.ok(!walk(cacheDir).some((f) => f.endsWith(".incomplete")));
    } finally {
      await proxy.close();
    }
  });

  test("a stalled connection times out (HF_HUB_DOWNLOAD_TIMEOUT) and is resumed", async () => {
    const held: http.ServerResponse[] = [];
    const proxy = await faultyProxy(hub.url, (req, body, res) => {
      if (req.method !== "GET" || req.headers.range || held.length > 0) return false;
      held.push(res);
      res.flushHeaders();
      res.write(body.subarray(0, 1000)); // then silence, connection kept open
      return true;
    });
    try {
      const cacheDir = tempDir();
      const file = await withEnv({ HF_HUB_DOWNLOAD_TIMEOUT: "0.3" }, () => hfHubDownload("tweet_eval", PARQUET, { endpoint: proxy.url, cacheDir, repoType: "dataset" }));
      assert.deepEqual(fs.readFileSync(file), fs.readFileSync(path.join(DATASET_DIR, PARQUET)));
      assert.ok(proxy.seen.some((r) => r.range === "bytes=1000-"), JSON.stringify(proxy.seen));
    } finally {
      await proxy.close();
    }
  });

  test("a partial file the server will not resume (416) is refetched from the start", async () => {
    const proxy = await faultyProxy(hub.url, (req, _body, res) => {
      if (!req.headers.range) return false;
      res.statusCode = 416;
      res.removeHeader("content-range");
      res.setHeader("content-length", 0);
      res.end();
      return true;
    });
    try {
      const bytes = fs.readFileSync(path.join(MODEL_DIR, "vocab.txt"));
      const oid = crypto.createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
      const cacheDir = tempDir();
      const blobs = path.join(cacheDir, "models--distilbert-base-uncased", "blobs");
      fs.mkdirSync(blobs, { recursive: true });
      fs.writeFileSync(path.join(blobs, `${oid}.incomplete`), bytes.subarray(0, 100));
      const file = await hfHubDownload("distilbert-base-uncased", "vocab.txt", { endpoint: proxy.url, cacheDir });
      assert.deepEqual(fs.readFileSync(file), bytes);
      assert.deepEqual(proxy.seen.filter((r) => r.method === "GET").map((r) => r.range ?? "full"), ["bytes=100-", "full"]);
    } finally {
      await proxy.close();
    }
  });

  test("a download that keeps failing leaves only an .incomplete file, which a later call resumes", async () => {
    const proxy = await faultyProxy(hub.url, (req, body, res) => {
      if (req.method !== "GET") return false;
      cutHalfway(res, body);
      return true;
    });
    const cacheDir = tempDir();
    try {
      await assert.rejects(hfHubDownload("distilbert-base-uncased", "tokenizer.json", { endpoint: proxy.url, cacheDir }), (err: Error) => {
        assert.ok(err instanceof HubConnectionError);
        assert.match(err.message, /run again to resume/);
        return true;
      });
    } finally {
      await proxy.close();
    }
    const files = walk(cacheDir);
    assert.ok(files.some((f) => f.endsWith(".incomplete")), files.join());
    assert.ok(!files.some((f) => f.includes("snapshots/")), "no snapshot entry for a partial file");
    assert.ok(!files.some((f) => /blobs\/[0-9a-f]{64}$/.test(f)), "no complete-looking blob");

    const resumeProxy = await faultyProxy(hub.url, () => false);
    try {
      const file = await hfHubDownload("distilbert-base-uncased", "tokenizer.json", { endpoint: resumeProxy.url, cacheDir });
      assert.deepEqual(fs.readFileSync(file), fs.readFileSync(path.join(MODEL_DIR, "tokenizer.json")));
      assert.ok(resumeProxy.seen.some((r) => r.method === "GET" && r.range?.startsWith("bytes=")));
    } finally {
      await resumeProxy.close();
    }
  });

  test("an injected partial .incomplete is resumed; a corrupt one is detected by the sha256 etag and refetched", async () => {
    const bytes = fs.readFileSync(path.join(MODEL_DIR, "tokenizer.json"));
    const sha256 = crypto.createHash("sha256").update(bytes).digest("hex");
    const cacheDir = tempDir();
    const blobs = path.join(cacheDir, "models--distilbert--distilbert-base-uncased", "blobs");
    fs.mkdirSync(blobs, { recursive: true });
    fs.writeFileSync(path.join(blobs, `${sha256}.incomplete`), bytes.subarray(0, 1000));
    const file = await hfHubDownload("distilbert/distilbert-base-uncased", "tokenizer.json", { endpoint: hub.url, cacheDir });
    assert.deepEqual(fs.readFileSync(file), bytes);

    const cacheDir2 = tempDir();
    const blobs2 = path.join(cacheDir2, "models--distilbert--distilbert-base-uncased", "blobs");
    fs.mkdirSync(blobs2, { recursive: true });
    fs.writeFileSync(path.join(blobs2, `${sha256}.incomplete`), Buffer.alloc(1000, 0x41));
    await assert.rejects(hfHubDownload("distilbert/distilbert-base-uncased", "tokenizer.json", { endpoint: hub.url, cacheDir: cacheDir2 }), (err: Error) => {
      assert.ok(err instanceof HubIntegrityError);
      assert.match(err.message, /content hash/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(blobs2), [], "the corrupt partial file is discarded");
    assert.deepEqual(fs.readFileSync(await hfHubDownload("distilbert/distilbert-base-uncased", "tokenizer.json", { endpoint: hub.url, cacheDir: cacheDir2 })), bytes);
  });

  test("size and etag mismatches from the server are detected", async () => {
    const tamper = (mode: "flip" | "extra"): Fault => (req, body, res) => {
      if (req.method !== "GET") return false;
      const bad = mode === "flip" ? Buffer.from(body.map((b, i) => (i === 10 ? b ^ 1 : b))) : Buffer.concat([body, Buffer.from("extra")]);
      res.setHeader("content-length", bad.length);
      res.end(bad);
      return true;
    };
    for (const [mode, pattern] of [["flip", /content hash/], ["extra", /size \d+ instead of \d+/]] as const) {
      const proxy = await faultyProxy(hub.url, tamper(mode));
      const cacheDir = tempDir();
      try {
        await assert.rejects(hfHubDownload("distilbert-base-uncased", "config.json", { endpoint: proxy.url, cacheDir }), (err: Error) => {
          assert.ok(err instanceof HubIntegrityError, String(err));
          assert.match(err.message, pattern);
          assert.match(err.message, /config\.json/);
          return true;
        });
        assert.ok(!walk(cacheDir).some((f) => f.includes("blobs/")), "nothing left in blobs");
      } finally {
        await proxy.close();
      }
    }
  });

  test("listRepoFiles on the server (renamed id) and on a local folder", async () => {
    const expected = walk(DATASET_DIR).sort();
    assert.deepEqual(await listRepoFiles("tweet_eval", { endpoint: hub.url, repoType: "dataset" }), expected);
    assert.deepEqual(await listRepoFiles(DATASET_DIR), expected);
    assert.deepEqual(await listRepoFiles("distilbert-base-uncased", { endpoint: hub.url }), ["config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"]);
  });

  test("concurrent requests for one file share a single download", async () => {
    const proxy = await faultyProxy(hub.url, () => false);
    try {
      const cacheDir = tempDir();
      const paths = await Promise.all([1, 2, 3].map(() => hfHubDownload("distilbert-base-uncased", "vocab.txt", { endpoint: proxy.url, cacheDir })));
      assert.equal(new Set(paths).size, 1);
      assert.equal(proxy.seen.filter((r) => r.method === "GET").length, 1);
    } finally {
      await proxy.close();
    }
  });

  test("the progress hook sees start, cumulative updates and done", async () => {
    const events: string[] = [];
    let last = 0;
    setDownloadProgressFactory({
      start(file, total) {
        events.push(`start ${file} ${total}`);
        return { update: (n) => void (last = n), done: () => void events.push(`done ${last}`) };
      },
    });
    try {
      await hfHubDownload("distilbert-base-uncased", "tokenizer.json", { endpoint: hub.url, cacheDir: tempDir() });
    } finally {
      setDownloadProgressFactory(null);
    }
    const size = fs.statSync(path.join(MODEL_DIR, "tokenizer.json")).size;
    assert.deepEqual(events, [`start tokenizer.json ${size}`, `done ${size}`]);
  });
});

describe("local folders in place of repo ids", () => {
  test("returns the file inside the folder without touching the network", async () => {
    const endpoint = await deadEndpoint();
    assert.ok(isLocalPath(MODEL_DIR));
    assert.ok(!isLocalPath("distilbert-base-uncased"));
    assert.equal(await hfHubDownload(MODEL_DIR, "config.json", { endpoint }), path.join(MODEL_DIR, "config.json"));
    await assert.rejects(hfHubDownload(MODEL_DIR, "model.safetensors", { endpoint }), (err: Error) => {
      assert.ok(err instanceof EntryNotFoundError);
      assert.ok(err.message.includes(MODEL_DIR));
      return true;
    });
    await assert.rejects(hfHubDownload(MODEL_DIR, "../../../README.md", { endpoint }), /relative to the repository root/);
  });

  test("a path that is neither a folder nor a repo id is rejected clearly", async () => {
    await assert.rejects(hfHubDownload("./no/such/folder", "config.json", { endpoint: await deadEndpoint() }), /neither an existing local folder nor a valid repository id/);
  });
});

describe("serveHub", () => {
  let hub: { url: string; close(): Promise<void> };
  before(async () => {
    hub = await startLocalHub();
  });
  after(() => hub.close());

  test("resolve URLs: headers, ranges, renamed-repo redirects, error codes", async () => {
    const head = await fetch(`${hub.url}/distilbert/distilbert-base-uncased/resolve/main/config.json`, { method: "HEAD" });
    const bytes = fs.readFileSync(path.join(MODEL_DIR, "config.json"));
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(bytes.length));
    assert.match(head.headers.get("x-repo-commit")!, /^[0-9a-f]{40}$/);
    assert.equal(head.headers.get("etag"), `"${crypto.createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex")}"`);

    const range = await fetch(`${hub.url}/distilbert/distilbert-base-uncased/resolve/main/config.json`, { headers: { Range: "bytes=5-9" } });
    assert.equal(range.status, 206);
    assert.equal(range.headers.get("content-range"), `bytes 5-9/${bytes.length}`);
    assert.deepEqual(Buffer.from(await range.arrayBuffer()), bytes.subarray(5, 10));

    const renamed = await fetch(`${hub.url}/datasets/tweet_eval/resolve/main/README.md`, { redirect: "manual" });
    assert.equal(renamed.status, 307);
    assert.equal(renamed.headers.get("location"), "/datasets/cardiffnlp/tweet_eval/resolve/main/README.md");

    const linked = await fetch(`${hub.url}/distilbert/distilbert-base-uncased/resolve/main/tokenizer.json`, { redirect: "manual" });
    assert.equal(linked.status, 302);
    const tokenizer = fs.readFileSync(path.join(MODEL_DIR, "tokenizer.json"));
    assert.equal(linked.headers.get("x-linked-etag"), `"${crypto.createHash("sha256").update(tokenizer).digest("hex")}"`);
    assert.equal(linked.headers.get("x-linked-size"), String(tokenizer.length));
    assert.deepEqual(Buffer.from(await (await fetch(linked.headers.get("location")!)).arrayBuffer()), tokenizer);

    const missingFile = await fetch(`${hub.url}/distilbert/distilbert-base-uncased/resolve/main/nope.bin`);
    assert.equal(missingFile.status, 404);
    assert.equal(missingFile.headers.get("x-error-code"), "EntryNotFound");
    const missingRepo = await fetch(`${hub.url}/nobody/nothing/resolve/main/config.json`);
    assert.equal(missingRepo.headers.get("x-error-code"), "RepoNotFound");
    const missingRev = await fetch(`${hub.url}/distilbert/distilbert-base-uncased/resolve/v9/config.json`);
    assert.equal(missingRev.headers.get("x-error-code"), "RevisionNotFound");
    const escape = await fetch(`${hub.url}/distilbert/distilbert-base-uncased/resolve/main/..%2F..%2F..%2FREADME.md`);
    assert.equal(escape.status, 400);
  });

  test("listing API: info with siblings (through the redirect) and the tree", async () => {
    const info = (await (await fetch(`${hub.url}/api/datasets/tweet_eval`)).json()) as { id: string; sha: string; siblings: { rfilename: string }[] };
    assert.equal(info.id, "cardiffnlp/tweet_eval");
    assert.deepEqual(info.siblings.map((s) => s.rfilename), walk(DATASET_DIR).sort());
    const tree = (await (await fetch(`${hub.url}/api/datasets/cardiffnlp/tweet_eval/tree/main/emotion`)).json()) as { type: string; path: string; size: number; oid: string }[];
    assert.deepEqual(tree.map((e) => [e.type, e.path, e.size]), fs.readdirSync(path.join(DATASET_DIR, "emotion")).sort().map((f) => ["file", `emotion/${f}`, fs.statSync(path.join(DATASET_DIR, "emotion", f)).size]));
    const top = (await (await fetch(`${hub.url}/api/datasets/cardiffnlp/tweet_eval/tree/main`)).json()) as { type: string; path: string }[];
    assert.deepEqual(top.map((e) => `${e.type}:${e.path}`), ["file:README.md", "directory:emotion", "directory:stance_climate"]);
    const again = await startLocalHub();
    try {
      const info2 = (await (await fetch(`${again.url}/api/datasets/cardiffnlp/tweet_eval/revision/main`)).json()) as { sha: string };
      assert.equal(info2.sha, info.sha, "the commit is a deterministic hash of the files");
    } finally {
      await again.close();
    }
  });

  test("binds 127.0.0.1 by default and refuses a missing folder", async () => {
    const server = await serveHub(SHARED_HUB);
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await server.close();
    }
    await assert.rejects(serveHub(path.join(tempDir(), "missing")), /not a folder/);
  });
});

describe("tweet-transformers hub download", () => {
  test("fills a folder in the hub layout that serves the same repositories", async () => {
    const hub = await startLocalHub();
    const out = path.join(tempDir(), "hub");
    const home = tempDir();
    try {
      const log = console.log;
      console.log = () => {};
      try {
        await withEnv({ HF_ENDPOINT: hub.url, HF_HOME: home }, async () => {
          assert.equal(await runHubCli(["download", "distilbert-base-uncased", "--to", out]), 0);
          assert.equal(await runHubCli(["download", "tweet_eval", "--repo-type", "dataset", "--to", out]), 0);
        });
      } finally {
        console.log = log;
      }
      assert.deepEqual(walk(out).sort(), walk(SHARED_HUB).filter((f) => f !== "README.md").sort());
      assert.ok(fs.existsSync(path.join(home, "hub", "models--distilbert-base-uncased", "refs", "main")));
      const copy = await startLocalHub(out);
      try {
        const a = (await (await fetch(`${hub.url}/api/datasets/tweet_eval`)).json()) as { sha: string };
        const b = (await (await fetch(`${copy.url}/api/datasets/tweet_eval`)).json()) as { sha: string };
        assert.equal(b.sha, a.sha);
      } finally {
        await copy.close();
      }
    } finally {
      await hub.close();
    }
  });
});

describe("tweet-transformers hub serve", () => {
  test("prints the URL and an HF_ENDPOINT line, serves, and stops on SIGINT", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "-e", `require("./src/cli.ts").main(["hub", "serve", ${JSON.stringify(SHARED_HUB)}, "--port", "0", "--quiet"]).then((c) => process.exit(c))`], {
      cwd: path.resolve(__dirname, ".."),
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.on("data", (d: Buffer) => {
          out += d;
          const m = /HF_ENDPOINT=(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m && out.includes("Ctrl+C")) resolve(m[1]);
        });
        child.once("exit", (code) => reject(new Error(`hub serve exited early (${code}): ${out}`)));
      });
      assert.match(out, /Serving .* at http:\/\/127\.0\.0\.1:\d+/);
      assert.match(out, /datasets: cardiffnlp\/tweet_eval/);
      const file = await hfHubDownload("distilbert-base-uncased", "config.json", { endpoint: url, cacheDir: tempDir() });
      assert.ok(fs.existsSync(file));
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill();
    }
  });
});
