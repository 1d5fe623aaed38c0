// hfHubDownload: resolve a file's metadata (following renamed-repo redirects), then fetch its blob into the
// huggingface_hub cache with resume, verification and atomic renames.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { COMMIT_RE, RepoCache } from "./cache.js";
import { type HubOptions, type ResolvedHubOptions, envFlag, resolveOptions } from "./config.js";
import { HubConnectionError, HubError, HubIntegrityError, OfflineCacheMissError } from "./errors.js";
import {
  type RequestContext,
  connectionError,
  encodePath,
  hubFetch,
  raiseForStatus,
  repoUrl,
  requestHeaders,
  timeoutMs,
} from "./http.js";
import { withFileLock } from "./file-lock.js";
import { checkFilename, isLocalPath, localFile } from "./local.js";
import { startProgress } from "./progress.js";

const MAX_REDIRECTS = 10;
const MAX_RESUMES = 3;

interface FileMetadata {
  commit: string;
  etag: string;
  size?: number;
  downloadUrl: string;
}

/** A repo id as the hub accepts it: "name" or "org/name". */
export function checkRepoId(repoId: string): void {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(repoId) || repoId.includes("..") || repoId.includes("--")) {
    throw new HubError(`"${repoId}" is neither an existing local folder nor a valid repository id. Use "name" or "org/name" (e.g. "distilbert-base-uncased", "cardiffnlp/tweet_eval"), or the path of a folder that exists.`, { repoId });
  }
}

export function requestContext(repoId: string, opts: ResolvedHubOptions, filename?: string): RequestContext {
  return { repoId, repoType: opts.repoType, revision: opts.revision, endpoint: opts.endpoint, token: opts.token, filename };
}

/**
 * Downloads `filename` of a hub repository into the cache (or finds it there) and returns its absolute path.
 * If `repoId` is an existing local folder, returns the file inside it without any network access.
 */
export async function hfHubDownload(repoId: string, filename: string, options: HubOptions = {}): Promise<string> {
  if (isLocalPath(repoId)) return localFile(repoId, filename);
  const opts = resolveOptions(options);
  checkRepoId(repoId);
  const file = checkFilename(filename, repoId);
  const cache = new RepoCache(opts.cacheDir, repoId, opts.repoType);
  const ctx = requestContext(repoId, opts, file);

  if (COMMIT_RE.test(opts.revision) || opts.offline) {
    const hit = cache.cachedFile(opts.revision, file);
    if (hit) return hit;
    if (opts.offline) throw offlineMiss(ctx, opts);
  }

  let meta: FileMetadata;
  try {
    meta = await fetchMetadata(ctx);
  } catch (err) {
    // As huggingface_hub does: if the hub cannot be reached, a cached copy is still good.
    const hit = err instanceof HubConnectionError ? cache.cachedFile(opts.revision, file) : undefined;
    if (hit) return hit;
    throw err;
  }
  cache.writeRef(opts.revision, meta.commit);
  const pointer = cache.snapshotPath(meta.commit, file);
  if (fs.existsSync(pointer)) return pointer;
  const blob = cache.blobPath(meta.etag);
  if (!fs.existsSync(blob)) {
    await once(blob, () => withFileLock(blob, async () => {
      // Another process may have finished it while this one waited for the lock.
      if (!fs.existsSync(blob)) await downloadBlob(meta, blob, ctx);
    }));
  }
  return cache.linkSnapshot(meta.commit, file, blob);
}

function offlineMiss(ctx: RequestContext, opts: ResolvedHubOptions): OfflineCacheMissError {
  const flag = envFlag("HF_HUB_OFFLINE") ? "HF_HUB_OFFLINE is set" : "localFilesOnly is true";
  return new OfflineCacheMissError(
    `"${ctx.filename}" of ${ctx.repoType} "${ctx.repoId}" (revision "${ctx.revision}") is not in the cache ${opts.cacheDir}, and ${flag} so the hub is not asked. Run once online to fill the cache; or fetch the repository with \`tweet-transformers hub download ${ctx.repoId}${ctx.repoType === "dataset" ? " --repo-type dataset" : ""} --to DIR\` and serve that folder (\`tweet-transformers hub serve DIR\`, then HF_ENDPOINT=<its url> without HF_HUB_OFFLINE).`,
    { repoId: ctx.repoId, filename: ctx.filename },
  );
}

// Concurrent requests for the same blob in this process share one download.
const inflight = new Map<string, Promise<void>>();
async function once(key: string, job: () => Promise<void>): Promise<void> {
  let p = inflight.get(key);
  if (!p) {
    p = job().finally(() => inflight.delete(key));
    inflight.set(key, p);
  }
  return p;
}

function stripEtag(etag: string | null): string | undefined {
  return etag?.replace(/^W\//, "").replace(/^"|"$/g, "") || undefined;
}

/** HEAD the resolve URL, following renamed-repo redirects but stopping at the CDN redirect. */
async function fetchMetadata(ctx: RequestContext): Promise<FileMetadata> {
  let url = `${repoUrl(ctx)}/resolve/${encodeURIComponent(ctx.revision)}/${encodePath(ctx.filename!)}`;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await hubFetch(url, {
      method: "HEAD",
      redirect: "manual",
      headers: requestHeaders(url, ctx),
      signal: AbortSignal.timeout(timeoutMs("HF_HUB_ETAG_TIMEOUT", 10)),
    }, ctx);
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get("location");
      if (!location) throw new HubError(`HTTP ${res.status} without a Location from ${url} for "${ctx.filename}" of "${ctx.repoId}".`, ctx);
      const next = new URL(location, url).toString();
      // The CDN redirect of a large file carries its metadata; any other redirect (renamed repo) is followed.
      if (res.headers.has("x-linked-etag")) return metadataFrom(res, next, ctx);
      url = next;
      continue;
    }
    await raiseForStatus(res, ctx);
    return metadataFrom(res, url, ctx);
  }
  throw new HubError(`Too many redirects resolving "${ctx.filename}" of ${ctx.repoType} "${ctx.repoId}" on ${ctx.endpoint}.`, ctx);
}

function metadataFrom(res: Response, downloadUrl: string, ctx: RequestContext): FileMetadata {
  const commit = res.headers.get("x-repo-commit");
  const etag = stripEtag(res.headers.get("x-linked-etag") ?? res.headers.get("etag"));
  const sizeHeader = res.headers.get("x-linked-size") ?? res.headers.get("content-length");
  if (!commit || !etag || !/^[\w.-]+$/.test(etag)) {
    throw new HubError(`${ctx.endpoint} answered for "${ctx.filename}" of "${ctx.repoId}" without a usable X-Repo-Commit/ETag: it does not look like a Hugging Face hub. Check HF_ENDPOINT.`, ctx);
  }
  const size = sizeHeader === null ? NaN : Number(sizeHeader);
  return { commit, etag, size: Number.isSafeInteger(size) && size >= 0 ? size : undefined, downloadUrl };
}

/** Fetches into `<blob>.incomplete` (resuming what is there), verifies it, then renames it into place. */
async function downloadBlob(meta: FileMetadata, blob: string, ctx: RequestContext): Promise<void> {
  fs.mkdirSync(path.dirname(blob), { recursive: true });
  const incomplete = `${blob}.incomplete`;
  const progress = startProgress(ctx.filename!, meta.size);
  try {
    for (let attempt = 0; ; attempt++) {
      const before = sizeOf(incomplete);
      try {
        await fetchInto(meta, incomplete, ctx, progress.update.bind(progress));
        break;
      } catch (err) {
        const progressed = sizeOf(incomplete) > before;
        if (!(err instanceof HubConnectionError) || attempt >= MAX_RESUMES || !progressed) throw err;
      }
    }
    await verify(incomplete, meta, ctx);
    fs.renameSync(incomplete, blob);
  } finally {
    progress.done();
  }
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

async function fetchInto(meta: FileMetadata, incomplete: string, ctx: RequestContext, onProgress: (n: number) => void): Promise<void> {
  let start = sizeOf(incomplete);
  if (meta.size !== undefined && start >= meta.size) {
    if (start === meta.size) return; // all bytes are there; verify() decides
    start = 0;
  }
  // Aborts when no byte arrives for HF_HUB_DOWNLOAD_TIMEOUT seconds (a stalled connection).
  const stall = new AbortController();
  const stallMs = timeoutMs("HF_HUB_DOWNLOAD_TIMEOUT", 10);
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
  };
  arm();
  try {
    const res = await hubFetch(meta.downloadUrl, {
      headers: requestHeaders(meta.downloadUrl, ctx, start > 0 ? { Range: `bytes=${start}-` } : {}),
      signal: stall.signal,
    }, ctx);
    if (res.status === 416) {
      // The partial file does not fit the remote one: start over.
      await res.body?.cancel();
      fs.rmSync(incomplete, { force: true });
      return await fetchInto(meta, incomplete, ctx, onProgress);
    }
    await raiseForStatus(res, ctx);
    const resumed = res.status === 206 && start > 0 && (res.headers.get("content-range") ?? "").startsWith(`bytes ${start}-`);
    let written = resumed ? start : 0;
    onProgress(written);
    arm();
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        arm();
        written += chunk.length;
        onProgress(written);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body! as import("node:stream/web").ReadableStream), counter, fs.createWriteStream(incomplete, { flags: resumed ? "a" : "w" }));
    } catch (err) {
      throw connectionError(ctx, err, `finish downloading (${written} of ${meta.size ?? "?"} bytes; run again to resume) from`);
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Size, then the etag when it is a content hash: sha256 (LFS files) or the git blob sha1 (small files). */
async function verify(file: string, meta: FileMetadata, ctx: RequestContext): Promise<void> {
  const size = sizeOf(file);
  const fail = (what: string): never => {
    fs.rmSync(file, { force: true });
    throw new HubIntegrityError(`Downloaded "${ctx.filename}" of ${ctx.repoType} "${ctx.repoId}" does not match what ${ctx.endpoint} announced (${what}); the file was discarded. Run again; if it persists, the hub or a proxy is serving a corrupted file.`, ctx);
  };
  if (meta.size !== undefined && size !== meta.size) fail(`size ${size} instead of ${meta.size}`);
  let hash: crypto.Hash | undefined;
  if (/^[0-9a-f]{64}$/.test(meta.etag)) hash = crypto.createHash("sha256");
  else if (/^[0-9a-f]{40}$/.test(meta.etag)) hash = crypto.createHash("sha1").update(`blob ${size}\0`);
  if (!hash) return;
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  const digest = hash.digest("hex");
  if (digest !== meta.etag) fail(`content hash ${digest} instead of etag ${meta.etag}`);
}
