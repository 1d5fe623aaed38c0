import * as os from "node:os";
import * as path from "node:path";
import { optionNames } from "../options.js";

export type RepoType = "model" | "dataset";

export interface HubOptions {
  /** "model" (default) or "dataset". */
  repoType?: RepoType;
  /** Branch, tag or commit; default "main". */
  revision?: string;
  /** Default `HF_ENDPOINT` or https://huggingface.co. */
  endpoint?: string;
  /** Default `HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`. */
  cacheDir?: string;
  /** Default `HF_TOKEN`; sent as `Authorization: Bearer`. */
  token?: string;
  /** Use the cache only; also turned on by `HF_HUB_OFFLINE=1`. */
  localFilesOnly?: boolean;
}

export const HUB_OPTION_NAMES = optionNames<HubOptions>({ repoType: true, revision: true, endpoint: true, cacheDir: true, token: true, localFilesOnly: true });

export interface ResolvedHubOptions {
  repoType: RepoType;
  revision: string;
  endpoint: string;
  cacheDir: string;
  token?: string;
  offline: boolean;
}

const TRUTHY = new Set(["1", "on", "yes", "true"]);

export function envFlag(name: string): boolean {
  return TRUTHY.has((process.env[name] ?? "").trim().toLowerCase());
}

export function defaultCacheDir(): string {
  if (process.env.HF_HUB_CACHE) return path.resolve(process.env.HF_HUB_CACHE);
  const hfHome =
    process.env.HF_HOME ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "huggingface");
  return path.resolve(hfHome, "hub");
}

export function resolveOptions(options: HubOptions = {}): ResolvedHubOptions {
  const repoType = options.repoType ?? "model";
  if (repoType !== "model" && repoType !== "dataset") {
    throw new TypeError(`repoType must be "model" or "dataset", not ${JSON.stringify(repoType)}.`);
  }
  return {
    repoType,
    revision: options.revision ?? "main",
    endpoint: (options.endpoint ?? process.env.HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, ""),
    cacheDir: options.cacheDir ? path.resolve(options.cacheDir) : defaultCacheDir(),
    token: options.token ?? (process.env.HF_TOKEN || undefined),
    offline: options.localFilesOnly === true || envFlag("HF_HUB_OFFLINE"),
  };
}

/** "cardiffnlp/tweet_eval", "dataset" -> "dataset cardiffnlp/tweet_eval", for messages. */
export function describeRepo(repoId: string, repoType: RepoType): string {
  return `${repoType} "${repoId}"`;
}
