import * as fs from "node:fs";
import { RepoCache } from "./cache.js";
import { type HubOptions, resolveOptions } from "./config.js";
import { checkRepoId, requestContext } from "./download.js";
import { HubConnectionError, HubError, OfflineCacheMissError } from "./errors.js";
import { encodePath, hubFetch, raiseForStatus, requestHeaders, timeoutMs } from "./http.js";
import { isLocalPath, walkFiles } from "./local.js";

export interface RepoInfo {
  /** The canonical id (after renamed-repo redirects), e.g. "distilbert/distilbert-base-uncased". */
  id: string;
  /** The commit of the revision. */
  sha: string;
  /** Paths relative to the repository root, sorted. */
  files: string[];
}

/**
 * The repository's id, commit and files, from `/api/{models|datasets}/{repo}/revision/{rev}`.
 * Offline, or when the hub cannot be reached, the cached snapshot of the revision is listed instead
 * (only the files fetched before).
 */
export async function repoInfo(repoId: string, options: HubOptions = {}): Promise<RepoInfo> {
  const opts = resolveOptions(options);
  checkRepoId(repoId);
  const ctx = requestContext(repoId, opts);
  const cached = (): RepoInfo | undefined => {
    const cache = new RepoCache(opts.cacheDir, repoId, opts.repoType);
    const commit = cache.commitFor(opts.revision);
    const dir = commit && cache.snapshotDir(commit);
    return dir && fs.existsSync(dir) ? { id: repoId, sha: commit, files: walkFiles(dir) } : undefined;
  };
  if (opts.offline) {
    const info = cached();
    if (info) return info;
    throw new OfflineCacheMissError(`Cannot list ${opts.repoType} "${repoId}" (revision "${opts.revision}"): offline mode is on and nothing of it is in the cache ${opts.cacheDir}. Run once online, or point HF_ENDPOINT at a local hub (\`tweet-transformers hub serve DIR\`) without HF_HUB_OFFLINE.`, { repoId });
  }
  const url = `${opts.endpoint}/api/${opts.repoType}s/${encodePath(repoId)}/revision/${encodeURIComponent(opts.revision)}`;
  let res: Response;
  try {
    res = await hubFetch(url, { headers: requestHeaders(url, ctx), signal: AbortSignal.timeout(timeoutMs("HF_HUB_ETAG_TIMEOUT", 10) * 3) }, ctx);
  } catch (err) {
    // Like hfHubDownload: when the hub cannot be reached, what the cache holds is the answer.
    const info = err instanceof HubConnectionError ? cached() : undefined;
    if (info) return info;
    throw err;
  }
  await raiseForStatus(res, ctx);
  const body = (await res.json()) as { id?: string; sha?: string; siblings?: { rfilename: string }[] };
  if (!body.sha || !Array.isArray(body.siblings)) {
    throw new HubError(`${url} did not answer with {sha, siblings}: ${opts.endpoint} does not look like a Hugging Face hub. Check HF_ENDPOINT.`, { repoId });
  }
  return { id: body.id ?? repoId, sha: body.sha, files: body.siblings.map((s) => s.rfilename).sort() };
}

/** Paths of the repository's files, relative to its root; a local folder is walked instead. */
export async function listRepoFiles(repoId: string, options: HubOptions = {}): Promise<string[]> {
  if (isLocalPath(repoId)) return walkFiles(repoId);
  return (await repoInfo(repoId, options)).files;
}
