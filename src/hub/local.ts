import * as fs from "node:fs";
import * as path from "node:path";
import { EntryNotFoundError, HubError } from "./errors.js";

/** True when `repoId` names an existing local directory (used in place of a hub repository). */
export function isLocalPath(repoId: string): boolean {
  try {
    return fs.statSync(repoId).isDirectory();
  } catch {
    return false;
  }
}

/** Rejects absolute paths and `..` so a filename can never escape the repository folder. */
export function checkFilename(filename: string, repoId: string): string {
  const parts = filename.split(/[\\/]/);
  if (!filename || path.isAbsolute(filename) || parts.some((p) => p === ".." || p === "")) {
    throw new HubError(`Invalid filename ${JSON.stringify(filename)} for "${repoId}": use a path relative to the repository root, like "config.json" or "emotion/train-00000-of-00001.parquet".`, { repoId, filename });
  }
  return parts.join("/");
}

/** The absolute path of `filename` inside the local folder `dir`. */
export function localFile(dir: string, filename: string): string {
  const file = path.resolve(dir, checkFilename(filename, dir));
  let isFile = false;
  try {
    isFile = fs.statSync(file).isFile();
  } catch {
    // missing: reported below
  }
  if (!isFile) {
    throw new EntryNotFoundError(`"${filename}" is not in the local folder ${path.resolve(dir)}. Check the filename, or download the repository with \`tweet-transformers hub download REPO --to DIR\`.`, { repoId: dir, filename });
  }
  return file;
}

/** Paths of all files under `dir`, relative and with "/" separators, sorted; hidden folders (.git, .cache) skipped. */
export function walkFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      const isDir = entry.isSymbolicLink() ? fs.statSync(path.join(dir, child)).isDirectory() : entry.isDirectory();
      if (isDir && !entry.name.startsWith(".")) visit(child);
      else if (!isDir) out.push(child);
    }
  };
  visit("");
  return out.sort();
}
