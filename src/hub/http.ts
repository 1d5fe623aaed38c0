// fetch wrappers: auth headers, network failures and hub error codes turned into HubError subclasses.
import type { RepoType } from "./config.js";
import {
  EntryNotFoundError,
  GatedRepoError,
  HubConnectionError,
  HubError,
  RepoNotFoundError,
  RevisionNotFoundError,
} from "./errors.js";

/** What a request is for, so errors can name it. */
export interface RequestContext {
  repoId: string;
  repoType: RepoType;
  revision: string;
  endpoint: string;
  token?: string;
  filename?: string;
}

function subject(ctx: RequestContext): string {
  const what = `${ctx.repoType} "${ctx.repoId}"`;
  return ctx.filename ? `"${ctx.filename}" of ${what}` : what;
}

/** Headers for `url`: the token only goes to the endpoint itself, never to a CDN on another host. */
export function requestHeaders(url: string, ctx: RequestContext, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { "Accept-Encoding": "identity", "User-Agent": "tweet-transformers-hub", ...extra };
  if (ctx.token && new URL(url).origin === new URL(ctx.endpoint).origin) headers.Authorization = `Bearer ${ctx.token}`;
  return headers;
}

export function connectionError(ctx: RequestContext, err: unknown, doing = "reach"): HubConnectionError {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new HubConnectionError(
    `Could not ${doing} ${ctx.endpoint} for ${subject(ctx)} (${reason}). Check your network, or set HF_ENDPOINT to a reachable hub (e.g. a local one: \`tweet-transformers hub serve DIR\`), or set HF_HUB_OFFLINE=1 to use only files already in the cache.`,
    { repoId: ctx.repoId, filename: ctx.filename, cause: err },
  );
}

/** A kept-alive socket the server closed just as it was reused: the request never reached it. */
const closedIdleSocket = (err: unknown) => (err as { cause?: { code?: string } })?.cause?.code === "UND_ERR_SOCKET";

/**
 * fetch, with network failures and timeouts reported as HubConnectionError. A GET or HEAD that met a
 * kept-alive socket closed by the server (seen under load, when timers run late) is sent once more.
 */
export async function hubFetch(url: string, init: RequestInit, ctx: RequestContext): Promise<Response> {
  const idempotent = ["GET", "HEAD"].includes((init.method ?? "GET").toUpperCase());
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (err) {
      if (!(idempotent && attempt === 1 && closedIdleSocket(err))) throw connectionError(ctx, err);
    }
  }
}

/** Throws the HubError that matches a failed response (hub `X-Error-Code` first, then the status). */
export async function raiseForStatus(res: Response, ctx: RequestContext): Promise<void> {
  if (res.ok) return;
  const code = res.headers.get("x-error-code");
  const serverMessage = res.headers.get("x-error-message") ?? (await res.text().catch(() => "")).slice(0, 300);
  const details = { repoId: ctx.repoId, filename: ctx.filename };
  const where = `on ${ctx.endpoint}${ctx.filename ? ` (while fetching "${ctx.filename}")` : ""}`;
  if (code === "RepoNotFound" || (res.status === 404 && !code && !ctx.filename)) {
    const example = ctx.repoType === "dataset" ? `"tweet_eval" or "cardiffnlp/tweet_eval"` : `"distilbert-base-uncased" or "distilbert/distilbert-base-uncased"`;
    const otherType = ctx.repoType === "model" ? ` For a dataset, pass repoType: "dataset".` : "";
    const auth = ctx.token ? "" : " If it is private or gated, set HF_TOKEN.";
    throw new RepoNotFoundError(`Repository not found: ${ctx.repoType} "${ctx.repoId}" ${where}. Check the id, e.g. ${example}.${otherType}${auth}`, details);
  }
  if (code === "EntryNotFound" || (res.status === 404 && !code)) {
    throw new EntryNotFoundError(`File not found: "${ctx.filename}" is not in ${ctx.repoType} "${ctx.repoId}" at revision "${ctx.revision}" ${where}. Check the filename (listRepoFiles shows what the repository holds).`, details);
  }
  if (code === "RevisionNotFound") {
    throw new RevisionNotFoundError(`Revision not found: "${ctx.revision}" of ${ctx.repoType} "${ctx.repoId}" ${where}. Use a branch, tag or commit that exists (default "main").`, details);
  }
  if (code === "GatedRepo" || res.status === 401 || res.status === 403) {
    const tokenNote = ctx.token ? "the token sent was refused" : "no token was sent";
    throw new GatedRepoError(`Access denied (HTTP ${res.status}, ${tokenNote}) to ${subject(ctx)} ${where}: the repository is gated or private. Accept its conditions on the hub, create a token (https://huggingface.co/settings/tokens) and set HF_TOKEN=hf_... (or pass { token }).${serverMessage ? ` Server said: ${serverMessage}` : ""}`, details);
  }
  throw new HubError(`HTTP ${res.status} from ${res.url || ctx.endpoint} for ${subject(ctx)}${serverMessage ? `: ${serverMessage}` : ""}. Try again later, or check HF_ENDPOINT.`, details);
}

/** Seconds from an environment variable, else the default. */
export function timeoutMs(envName: string, defaultSeconds: number): number {
  const value = Number(process.env[envName]);
  return (Number.isFinite(value) && value > 0 ? value : defaultSeconds) * 1000;
}

export function encodePath(p: string): string {
  return p.split("/").map(encodeURIComponent).join("/");
}

/** `{endpoint}/{datasets/}{repoId}` */
export function repoUrl(ctx: RequestContext): string {
  return `${ctx.endpoint}/${ctx.repoType === "dataset" ? "datasets/" : ""}${encodePath(ctx.repoId)}`;
}
