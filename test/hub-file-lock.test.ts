import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { hfHubDownload } from "../src/hub/index.js";
import { withFileLock } from "../src/hub/file-lock.js";
import { startLocalHub } from "./helpers/local-hub.js";
import { REPO_ROOT, SHARED_HUB } from "./helpers/paths.js";

const execFileAsync = promisify(execFile);

/** Runs `code` (TypeScript, with `withFileLock` and `hfHubDownload` in scope) in a separate Node process. */
function inChild(code: string, env: Record<string, string> = {}): Promise<{ stdout: string }> {
  const script = `const { withFileLock } = require("./src/hub/file-lock.ts"); const { hfHubDownload } = require("./src/hub/index.ts");
(async () => { ${code} })().catch((e) => { console.error(e); process.exit(1); });`;
  return execFileAsync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

test("withFileLock: processes take turns; the lock is gone afterwards", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-lock-"));
  const target = path.join(dir, "blobs", "abc");
  const log = path.join(dir, "log");
  const critical = `await withFileLock(${JSON.stringify(target)}, async () => {
    require("node:fs").appendFileSync(${JSON.stringify(log)}, "in\\n");
    await new Promise((r) => setTimeout(r, 400));
    require("node:fs").appendFileSync(${JSON.stringify(log)}, "out\\n");
  });`;
  await Promise.all([inChild(critical), inChild(critical), inChild(critical)]);
  assert.deepEqual(fs.readFileSync(log, "utf8").trim().split("\n"), ["in", "out", "in", "out", "in", "out"]);
  assert.ok(!fs.existsSync(`${target}.lock`));
  assert.deepEqual(fs.readdirSync(path.dirname(target)), [], "no temp files left");
  fs.rmSync(dir, { recursive: true, force: true });
});

test("withFileLock: a lock left by a dead process is taken over; a live holder is waited for", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-lock-"));
  const target = path.join(dir, "blob");
  const { stdout } = await inChild("console.log(process.pid)");
  fs.writeFileSync(`${target}.lock`, stdout.trim()); // that process has exited
  assert.equal(await withFileLock(target, async () => "ran"), "ran");

  fs.writeFileSync(`${target}.lock`, String(process.pid)); // held by a live process (this one)
  let ran = false;
  const waiting = withFileLock(target, async () => {
    ran = true;
  });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(ran, false, "waits while the holder lives");
  fs.rmSync(`${target}.lock`);
  await waiting;
  assert.equal(ran, true);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("processes sharing a cache download the same file at once: all get it whole, once", async () => {
  const hub = await startLocalHub();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-lock-cache-"));
  try {
    const download = `console.log(await hfHubDownload("distilbert-base-uncased", "tokenizer.json", { cacheDir: ${JSON.stringify(cacheDir)}, endpoint: ${JSON.stringify(hub.url)} }));`;
    const paths = (await Promise.all([inChild(download), inChild(download), inChild(download)])).map((r) => r.stdout.trim());
    const expected = fs.readFileSync(path.join(SHARED_HUB, "distilbert", "distilbert-base-uncased", "tokenizer.json"));
    for (const p of paths) assert.ok(fs.readFileSync(p).equals(expected), p);
    const blobs = fs.readdirSync(path.join(cacheDir, "models--distilbert-base-uncased", "blobs"));
    assert.equal(blobs.length, 1, `one blob, no .incomplete or .lock left: ${blobs.join(", ")}`);
    assert.equal(await hfHubDownload("distilbert-base-uncased", "tokenizer.json", { cacheDir, endpoint: hub.url }), paths[0]);
  } finally {
    await hub.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test("withFileLock: a lock whose pid now belongs to a live, unrelated process is taken over once it is not refreshed", { timeout: 30_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-lock-"));
  const target = path.join(dir, "blob");
  const hourAgo = new Date(Date.now() - 3600_000);
  // A bare pid (older lock files) and pid@host of a host sharing the cache: both alive as far as kill(pid, 0) can tell.
  for (const holder of [String(process.pid), "1", `1@${os.hostname()}`, "4242@another-host abc"]) {
    fs.writeFileSync(`${target}.lock`, holder);
    fs.utimesSync(`${target}.lock`, hourAgo, hourAgo);
    const said: string[] = [];
    assert.equal(await withFileLock(target, async () => "ran", { notify: (m) => void said.push(m) }), "ran", holder);
    assert.match(said.join("\n"), /Took over the lock .*blob\.lock of process \d+ on \S+: it has exited or not refreshed the lock for 30 s/, holder);
    assert.ok(!fs.existsSync(`${target}.lock`));
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test("withFileLock: while a fresh lock of another host is held, says what it waits for", { timeout: 30_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-lock-"));
  const target = path.join(dir, "blob");
  fs.writeFileSync(`${target}.lock`, "4242@another-host abc");
  let ran = false;
  let told!: (message: string) => void;
  const notice = new Promise<string>((resolve) => (told = resolve));
  const waiting = withFileLock(target, async () => void (ran = true), { what: 'the download of "tokenizer.json"', noticeAfterMs: 0, notify: (m) => told(m) });
  const message = await notice;
  assert.match(message, /^Waiting for the download of "tokenizer\.json": process 4242 on another-host holds the lock .*blob\.lock\. It is taken over if that process exits or stops refreshing it for 30 s\.$/);
  assert.equal(ran, false);
  fs.rmSync(`${target}.lock`);
  await waiting;
  assert.equal(ran, true);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("withFileLock: the holder keeps its lock fresh while it works", { timeout: 30_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-lock-"));
  const target = path.join(dir, "blob");
  const lock = `${target}.lock`;
  await withFileLock(target, async () => {
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(lock, old, old);
    while (Date.now() - fs.statSync(lock).mtimeMs > 60_000) await new Promise((r) => setTimeout(r, 100));
  });
  assert.ok(!fs.existsSync(lock));
  fs.rmSync(dir, { recursive: true, force: true });
});
