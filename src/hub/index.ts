// The hub client (download, list, cache), its errors, the progress hook and the local hub server.
export type { RepoType, HubOptions } from "./config.js";
export {
  HubError,
  RepoNotFoundError,
  EntryNotFoundError,
  RevisionNotFoundError,
  GatedRepoError,
  OfflineCacheMissError,
  HubConnectionError,
  HubIntegrityError,
} from "./errors.js";
export { hfHubDownload } from "./download.js";
export { listRepoFiles, repoInfo, type RepoInfo } from "./list.js";
export { isLocalPath } from "./local.js";
export {
  setDownloadProgressFactory,
  type DownloadProgressFactory,
  type ProgressHandle,
} from "./progress.js";
export { serveHub, folderRepos, type ServeHubOptions, type HubServer } from "./server.js";
