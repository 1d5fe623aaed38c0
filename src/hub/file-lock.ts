// A lock file beside a cache entry, so that two processes (two notebook kernels, a kernel and the CLI)
// sharing one cache never download the same blob into the same `.incomplete` file at once.
// It is a lease: its holder touches it every few seconds while it works, and a lock not touched for
// `staleAfterMs` (a holder killed, frozen, or on another host sharing the cache) is taken over. A pid
// number alone cannot tell: after a container restart it may belong to an unrelated live process.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { tempName } from "./cache.js";

const POLL_MS = 100;
const REFRESH_MS = 2_000;

export interface FileLockOptions {
  /** What the holder is doing, for the message shown while waiting (e.g. `download of "config.json"`). */
  what?: string;
  /** A lock not refreshed for this long is stale. Default 30 s. */
  staleAfterMs?: number;
  /** Say what this process waits for after this long. Default 5 s. */
  noticeAfterMs?: number;
  /** Where that message goes; default stderr. */
  notify?: (message: string) => void;
}

interface Holder {
  pid: number;
  host: string;
}

/** Runs `job` while holding `<target>.lock`; waits while another process holds it and keeps it fresh. */
export async function withFileLock<T>(target: string, job: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lock = `${target}.lock`;
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const owner = `${process.pid}@${os.hostname()} ${Math.random().toString(36).slice(2)}`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const noticeAt = Date.now() + (options.noticeAfterMs ?? 5_000);
  let noticed = false;
  while (!tryAcquire(lock, owner)) {
    const seen = statOf(lock);
    if (!seen) continue; // released meanwhile
    const holder = readHolder(lock);
    if (isStale(seen, holder, staleAfterMs)) {
      takeOver(lock, seen, holder, staleAfterMs, options);
      continue;
    }
    if (!noticed && Date.now() >= noticeAt) {
      noticed = true;
      const who = holder ? `process ${holder.pid} on ${holder.host}` : "another process";
      (options.notify ?? console.error)(
        `Waiting for ${options.what ?? path.basename(target)}: ${who} holds the lock ${lock}. ` +
          `It is taken over if that process exits or stops refreshing it for ${staleAfterMs / 1000} s.`,
      );
    }
    await sleep(POLL_MS);
  }
  const refresh = setInterval(() => {
    const now = new Date();
    fs.utimes(lock, now, now, () => {}); // best effort: a missed beat only shortens the lease
  }, REFRESH_MS);
  refresh.unref();
  try {
    return await job();
  } finally {
    clearInterval(refresh);
    if (readOwner(lock) === owner) fs.rmSync(lock, { force: true }); // never remove a lock taken over meanwhile
  }
}

// The lock appears complete (with its owner in it) or not at all: link() fails if it exists.
function tryAcquire(lock: string, owner: string): boolean {
  const tmp = tempName(lock);
  fs.writeFileSync(tmp, owner);
  try {
    fs.linkSync(tmp, lock);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return false;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function readOwner(lock: string): string | undefined {
  try {
    return fs.readFileSync(lock, "utf8");
  } catch {
    return undefined;
  }
}

/** "pid@host nonce" (or a bare pid, as older versions wrote). */
function readHolder(lock: string): Holder | undefined {
  const m = /^(\d+)(?:@(\S+))?/.exec(readOwner(lock) ?? "");
  return m ? { pid: Number(m[1]), host: m[2] ?? os.hostname() } : undefined;
}

/** Not refreshed for `staleAfterMs`, or its holder is a process of this host that has exited. */
function isStale(seen: fs.Stats, holder: Holder | undefined, staleAfterMs: number): boolean {
  if (Date.now() - seen.mtimeMs > staleAfterMs) return true;
  if (!holder || holder.host !== os.hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Removes the stale lock, unless it changed since it was judged (then its new holder is respected). */
function takeOver(lock: string, seen: fs.Stats, holder: Holder | undefined, staleAfterMs: number, options: FileLockOptions): void {
  const now = statOf(lock);
  if (!now || now.ino !== seen.ino || now.mtimeMs !== seen.mtimeMs) return;
  fs.rmSync(lock, { force: true });
  const who = holder ? `process ${holder.pid} on ${holder.host}` : "an unknown process";
  (options.notify ?? console.error)(`Took over the lock ${lock} of ${who}: it has exited or not refreshed the lock for ${staleAfterMs / 1000} s.`);
}
