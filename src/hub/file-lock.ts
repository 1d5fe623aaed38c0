// A lock file beside a cache entry, so that two processes (two notebook kernels, a kernel and the CLI)
// sharing one cache never download the same blob into the same `.incomplete` file at once.
import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { tempName } from "./cache.js";

const POLL_MS = 100;

/** Runs `job` while holding `<target>.lock`; waits while another live process holds it. */
export async function withFileLock<T>(target: string, job: () => Promise<T>): Promise<T> {
  const lock = `${target}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  while (!tryAcquire(lock)) {
    if (holderIsGone(lock)) fs.rmSync(lock, { force: true });
    else await sleep(POLL_MS);
  }
  try {
    return await job();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

// The lock appears complete (with the holder's pid in it) or not at all: link() fails if it exists.
function tryAcquire(lock: string): boolean {
  const tmp = tempName(lock);
  fs.writeFileSync(tmp, String(process.pid));
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

/** A lock left by a process that died (a killed kernel) is taken over. */
function holderIsGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(lock, "utf8"));
  } catch {
    return false; // released meanwhile: try again
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}
