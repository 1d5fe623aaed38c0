// hfHubDownload: resolve a file's metadata (following renamed-repo redirects), then fetch its blob into the
// huggingface_hub cache with resume, verification and atomic renames.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { once as onceEvent } from "node:events";
import { Readable } from "node:stream";
import { COMMIT_RE, RepoCache } from "./cache.js";
import { type HubOptions, type ResolvedHubOptions, envFlag, resolveOptions } from "./config.js";
import { EntryNotFoundError, HubConnectionError, HubError, HubIntegrityError, OfflineCacheMissError } from "./errors.js";
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
 * Offline, or when the hub cannot be reached, the cache answers: the file, or EntryNotFoundError when an
 * earlier online run learnt that the repository has no such file.
 */
export async function hfHubDownload(repoId: string, filename: string, options: HubOptions = {}): Promise<string> {
  if (isLocalPath(repoId)) return localFile(repoId, filename);
  const opts = resolveOptions(options);
  checkRepoId(repoId);
  const file = checkFilename(filename, repoId);
  const cache = new RepoCache(opts.cacheDir, repoId, opts.repoType);
  const ctx = requestContext(repoId, opts, file);

  if (COMMIT_RE.test(opts.revision) || opts.offline) {
    const offlineWhy = opts.offline ? offlineFlag() : undefined;
    const hit = await fromCache(cache, ctx, opts, offlineWhy);
    if (hit) return hit;
    if (offlineWhy) throw offlineMiss(ctx, opts, offlineWhy);
  }

  let meta: FileMetadata;
  try {
    meta = await fetchMetadata(ctx, (commit) => {
      cache.writeRef(opts.revision, commit);
      cache.markMissing(commit, file);
    });
  } catch (err) {
    // As huggingface_hub does: if the hub cannot be reached, the cache still answers.
    if (!(err instanceof HubConnectionError)) throw err;
    const hit = await fromCache(cache, ctx, opts, `${ctx.endpoint} cannot be reached`);
    if (hit) return hit;
    throw err;
  }
  cache.writeRef(opts.revision, meta.commit);
  const pointer = cache.snapshotPath(meta.commit, file);
  if (fs.existsSync(pointer)) {
    if ((await corruption(pointer, meta.etag)) === undefined) return pointer;
    discard(pointer); // and download it again below
  }
  const blob = cache.blobPath(meta.etag);
  if (fs.existsSync(blob) && (await corruption(blob, meta.etag)) !== undefined) discard(blob);
  if (!fs.existsSync(blob)) {
    await once(blob, () => withFileLock(blob, async () => {
      // Another process may have finished it while this one waited for the lock.
      if (!fs.existsSync(blob)) await downloadBlob(meta, blob, ctx);
    }, { what: `the download of "${file}" of ${ctx.repoType} "${repoId}"` }));
  }
  return cache.linkSnapshot(meta.commit, file, blob);
}

function offlineFlag(): string {
  return envFlag("HF_HUB_OFFLINE") ? "HF_HUB_OFFLINE is set" : "localFilesOnly is true";
}

/**
 * What the cache knows of the file at `ctx.revision`: its intact copy, or undefined when it has none.
 * Throws EntryNotFoundError when the cache remembers that the repository has no such file. A copy whose
 * content does not match its etag is discarded (to be downloaded again), or, when `offlineWhy` says the
 * hub cannot be asked, reported.
 */
async function fromCache(cache: RepoCache, ctx: RequestContext, opts: ResolvedHubOptions, offlineWhy?: string): Promise<string | undefined> {
  const file = ctx.filename!;
  const hit = cache.cachedFile(ctx.revision, file);
  if (hit) {
    const problem = await corruption(hit);
    if (problem === undefined) return hit;
    if (offlineWhy) {
      throw new HubIntegrityError(`The cached copy of "${file}" of ${ctx.repoType} "${ctx.repoId}" is corrupted (${problem}): ${fs.realpathSync(hit)}. It cannot be downloaded again now (${offlineWhy}). Delete that file, then run once with the hub reachable (or HF_ENDPOINT pointing at a local hub, without HF_HUB_OFFLINE) to fetch it again.`, ctx);
    }
    discard(hit);
    return undefined;
  }
  if (cache.knownMissing(ctx.revision, file)) {
    throw new EntryNotFoundError(`File not found: "${file}" is not in ${ctx.repoType} "${ctx.repoId}" at revision "${ctx.revision}" (remembered in the cache ${opts.cacheDir} from an earlier online run; ${offlineWhy ?? "the revision is a commit"}).`, ctx);
  }
  return undefined;
}

function offlineMiss(ctx: RequestContext, opts: ResolvedHubOptions, why: string): OfflineCacheMissError {
  return new OfflineCacheMissError(
    `"${ctx.filename}" of ${ctx.repoType} "${ctx.repoId}" (revision "${ctx.revision}") is not in the cache ${opts.cacheDir}, and ${why} so the hub is not asked. Run once online to fill the cache; or fetch the repository with \`tweet-transformers hub download ${ctx.repoId}${ctx.repoType === "dataset" ? " --repo-type dataset" : ""} --to DIR\` and serve that folder (\`tweet-transformers hub serve DIR\`, then HF_ENDPOINT=<its url> without HF_HUB_OFFLINE).`,
    { repoId: ctx.repoId, filename: ctx.filename },
  );
}

// Blobs whose content was checked against their etag in this process, with the stat they had then.
const verified = new Map<string, string>();

function statSignature(file: string): string {
  const st = fs.statSync(file);
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

/**
 * Why the cached `file` does not match its etag (`etag`, else the name of the blob it links to), or undefined
 * when it matches or has no content-hash etag. Checked once per process and blob, again if the blob changes.
 */
async function corruption(file: string, etag?: string): Promise<string | undefined> {
  const real = fs.realpathSync(file);
  const signature = statSignature(real);
  if (verified.get(real) === signature) return undefined;
  const problem = await hashMismatch(real, etag ?? (fs.lstatSync(file).isSymbolicLink() ? path.basename(real) : ""));
  if (problem === undefined) verified.set(real, signature);
  return problem;
}

/** Removes a cached file (the blob a snapshot entry links to, or the entry itself when it is a copy). */
function discard(file: string): void {
  const real = fs.realpathSync(file);
  verified.delete(real);
  fs.rmSync(real, { force: true });
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

/**
 * HEAD the resolve URL, following renamed-repo redirects but stopping at the CDN redirect. When the file does
 * not exist, `onMissing` gets the commit the hub answered for (to remember it) before the error is thrown.
 */
async function fetchMetadata(ctx: RequestContext, onMissing: (commit: string) => void): Promise<FileMetadata> {
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
    const commit = res.headers.get("x-repo-commit");
    if (res.status === 404 && res.headers.get("x-error-code") === "EntryNotFound" && commit && COMMIT_RE.test(commit)) onMissing(commit);
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
    verified.set(fs.realpathSync(blob), statSignature(blob));
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
    const out = fs.createWriteStream(incomplete, resumed ? { flags: "r+", start } : { flags: "w" });
    let failure: unknown;
    try {
      for await (const chunk of Readable.fromWeb(res.body! as import("node:stream/web").ReadableStream) as AsyncIterable<Buffer>) {
        arm();
        written += chunk.length;
        onProgress(written);
        if (!out.write(chunk)) await onceEvent(out, "drain");
      }
    } catch (err) {
      failure = err;
    }
    // What arrived is flushed to disk even when the connection broke, so that a resume starts where the bytes end.
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (failure !== undefined) {
      throw connectionError(ctx, failure, `finish downloading (${written} of ${meta.size ?? "?"} bytes; run again to resume) from`);
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Size, then the etag when it is a content hash: sha256 (LFS files) or the git blob sha1 (small files). */
async function verify(file: string, meta: FileMetadata, ctx: RequestContext): Promise<void> {
  const size = sizeOf(file);
  const problem = meta.size !== undefined && size !== meta.size ? `size ${size} instead of ${meta.size}` : await hashMismatch(file, meta.etag);
  if (problem !== undefined) {
    fs.rmSync(file, { force: true });
    throw new HubIntegrityError(`Downloaded "${ctx.filename}" of ${ctx.repoType} "${ctx.repoId}" does not match what ${ctx.endpoint} announced (${problem}); the file was discarded. Run again; if it persists, the hub or a proxy is serving a corrupted file.`, ctx);
  }
}

/** How `file` differs from `etag` when the etag is a content hash (sha256, or git blob sha1); else undefined. */
async function hashMismatch(file: string, etag: string): Promise<string | undefined> {
  let hash: crypto.Hash;
  if (/^[0-9a-f]{64}$/.test(etag)) hash = crypto.createHash("sha256");
  else if (/^[0-9a-f]{40}$/.test(etag)) hash = crypto.createHash("sha1").update(`blob ${sizeOf(file)}\0`);
  else return undefined;
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  const digest = hash.digest("hex");
  return digest === etag ? undefined : `content hash ${digest} instead of etag ${etag}`;
}
