/** Base class of every error the hub client throws; `repoId` / `filename` say what was being fetched. */
export class HubError extends Error {
  readonly repoId?: string;
  readonly filename?: string;
  constructor(message: string, details: { repoId?: string; filename?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.repoId = details.repoId;
    this.filename = details.filename;
  }
}

/** 404 `X-Error-Code: RepoNotFound` (or a 401 for a repository that does not exist). */
export class RepoNotFoundError extends HubError {}
/** 404 `X-Error-Code: EntryNotFound`, or a file missing from a local folder. */
export class EntryNotFoundError extends HubError {}
/** 404 `X-Error-Code: RevisionNotFound`. */
export class RevisionNotFoundError extends HubError {}
/** 401/403: gated or private repository without a (valid) token. */
export class GatedRepoError extends HubError {}
/** Offline (HF_HUB_OFFLINE=1 or `localFilesOnly`) and the file is not in the cache. */
export class OfflineCacheMissError extends HubError {}
/** The endpoint could not be reached, or the connection broke and could not be resumed. */
export class HubConnectionError extends HubError {}
/** The bytes received do not match the size or etag the hub announced. */
export class HubIntegrityError extends HubError {}
