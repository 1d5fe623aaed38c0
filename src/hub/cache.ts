// The cache layout of huggingface_hub, so both can share one cache:
//   {cacheDir}/models--org--name/{blobs/<etag>, snapshots/<commit>/<file> -> ../../blobs/<etag>, refs/<revision>,
//                                  .no_exist/<commit>/<file> (the repository has no such file at that commit)}
import * as fs from "node:fs";
import * as path from "node:path";
import type { RepoType } from "./config.js";

export const COMMIT_RE = /^[0-9a-f]{40}$/;

export function repoFolderName(repoId: string, repoType: RepoType): string {
  return [`${repoType}s`, ...repoId.split("/")].join("--");
}

export class RepoCache {
  readonly dir: string;
  constructor(cacheDir: string, repoId: string, repoType: RepoType) {
    this.dir = path.join(cacheDir, repoFolderName(repoId, repoType));
  }

  blobPath(etag: string): string {
    return path.join(this.dir, "blobs", etag);
  }

  snapshotDir(commit: string): string {
    return path.join(this.dir, "snapshots", commit);
  }

  snapshotPath(commit: string, filename: string): string {
    return path.join(this.snapshotDir(commit), ...filename.split("/"));
  }

  /** The commit a branch/tag points to in the cache (a commit hash maps to itself). */
  commitFor(revision: string): string | undefined {
    if (COMMIT_RE.test(revision)) return revision;
    try {
      const commit = fs.readFileSync(path.join(this.dir, "refs", revision), "utf8").trim();
      return commit || undefined;
    } catch {
      return undefined;
    }
  }

  /** The cached file for `revision`, if any. */
  cachedFile(revision: string, filename: string): string | undefined {
    const commit = this.commitFor(revision);
    if (!commit) return undefined;
    const file = this.snapshotPath(commit, filename);
    return fs.existsSync(file) ? file : undefined; // existsSync follows the link: a dangling one is a miss
  }

  /** True when the cache remembers that `revision` of the repository has no `filename`. */
  knownMissing(revision: string, filename: string): boolean {
    const commit = this.commitFor(revision);
    return commit !== undefined && fs.existsSync(this.noExistPath(commit, filename));
  }

  /** Remembers that the repository has no `filename` at `commit` (an empty marker file, as huggingface_hub writes). */
  markMissing(commit: string, filename: string): void {
    const marker = this.noExistPath(commit, filename);
    if (!fs.existsSync(marker)) writeFileAtomic(marker, "");
  }

  private noExistPath(commit: string, filename: string): string {
    return path.join(this.dir, ".no_exist", commit, ...filename.split("/"));
  }

  writeRef(revision: string, commit: string): void {
    if (revision === commit) return;
    const ref = path.join(this.dir, "refs", revision);
    let current: string | undefined;
    try {
      current = fs.readFileSync(ref, "utf8").trim();
    } catch {
      // no ref yet
    }
    if (current !== commit) writeFileAtomic(ref, commit);
  }

  /** Points snapshots/<commit>/<filename> at the blob (relative symlink; a copy where links are not allowed). */
  linkSnapshot(commit: string, filename: string, blob: string): string {
    const pointer = this.snapshotPath(commit, filename);
    fs.mkdirSync(path.dirname(pointer), { recursive: true });
    const tmp = tempName(pointer);
    try {
      fs.symlinkSync(path.relative(path.dirname(pointer), blob), tmp);
    } catch {
      fs.copyFileSync(blob, tmp);
    }
    fs.renameSync(tmp, pointer);
    return pointer;
  }
}

export function tempName(file: string): string {
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
