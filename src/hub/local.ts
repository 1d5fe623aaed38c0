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

/**
 * Paths of the regular files under `dir`, relative and with "/" separators, sorted; hidden folders (.git, .cache),
 * dangling links and link loops skipped. With `within` (a real path), only what really lies inside it is listed
 * or entered: links that lead out of it are skipped.
 */
export function walkFiles(dir: string, within?: string): string[] {
  const out: string[] = [];
  const visit = (rel: string, ancestors: string[]): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      const real = realPath(path.join(dir, child));
      if (real === undefined || (within !== undefined && !isInside(real, within))) continue;
      const stat = fs.statSync(real);
      if (stat.isFile()) out.push(child);
      else if (stat.isDirectory() && !entry.name.startsWith(".") && !ancestors.includes(real)) visit(child, [...ancestors, real]);
    }
  };
  visit("", [realPath(dir) ?? dir]);
  return out.sort();
}

/** The real path of `p`, or undefined when it does not resolve (missing, a dangling link, a link loop). */
export function realPath(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

/** True when the real path `p` is `root` or lies below it. */
export function isInside(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
