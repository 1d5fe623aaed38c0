// A stand-in for the Hugging Face hub that serves a folder laid out by repository id:
//   ROOT/<org>/<name>/...            models
//   ROOT/datasets/<org>/<name>/...   datasets
// with the hub's URL shapes, headers and error codes (see the README of ../shared/hub).
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { RepoType } from "./config.js";
import { encodePath } from "./http.js";
import { isInside, realPath, walkFiles } from "./local.js";

export interface ServeHubOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Files bigger than this (bytes) answer the resolve URL with a 302 to /cdn/..., like LFS files. Default 256 KiB. */
  linkedAbove?: number;
  /**
   * Repository ids ("org/name") that answer 401 unless `Authorization: Bearer <token>` is sent ("all": every
   * repository). Without the token a gated repository's bytes are never served, and its bare name is not found.
   */
  gated?: string[] | "all";
  token?: string;
  /**
   * The URL clients reach this server at (e.g. "http://192.168.1.10:8080"), for the absolute CDN links of large
   * files. Default: the address the request arrived on. The request's Host header is never used.
   */
  publicUrl?: string;
  /** Called with one line per request (method, path, status). */
  log?: (line: string) => void;
}

export interface HubServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface FileEntry {
  path: string;
  size: number;
  /** git blob sha1, the ETag of small files. */
  oid: string;
  sha256: string;
}

interface Repo {
  type: RepoType;
  id: string;
  dir: string;
  /** The real path of `dir`: served files must lie inside it. */
  realDir: string;
  files: FileEntry[];
  commit: string;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string | undefined, message: string) {
    super(message);
  }
}

const DEFAULT_LINKED_ABOVE = 256 * 1024;

/** Serves `root` as a hub on `http://host:port` (127.0.0.1 by default). */
export async function serveHub(root: string, options: ServeHubOptions = {}): Promise<HubServer> {
  const dir = path.resolve(root);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`Cannot serve ${dir}: not a folder. Give a folder laid out like the hub (<org>/<name>/... for models, datasets/<org>/<name>/... for datasets), e.g. one filled by \`tweet-transformers hub download REPO --to DIR\`.`);
  }
  if ((options.gated === "all" || options.gated?.length) && !options.token) throw new Error("Gated repositories need a token: pass `token` (`hub serve --token`).");
  const hub = new FolderHub(fs.realpathSync(dir), options);
  const server = http.createServer((req, res) => {
    hub.handle(req, res).catch((err) => {
      // The details (which may name server paths) go to the log, never into the response.
      options.log?.(`error: ${req.method} ${req.url}: ${String(err?.message ?? err)}`);
      if (!res.headersSent) sendError(res, new HttpError(500, undefined, "Internal error of the hub server; its log has the details."));
      else res.destroy();
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function sendError(res: http.ServerResponse, err: HttpError): void {
  const body = JSON.stringify({ error: err.message });
  const headers: http.OutgoingHttpHeaders = {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "X-Error-Message": err.message.replace(/[^\x20-\x7e]/g, "?"),
  };
  if (err.code) headers["X-Error-Code"] = err.code;
  res.writeHead(err.status, headers);
  res.end(res.req.method === "HEAD" ? undefined : body);
}

function sendJson(res: http.ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

const CONTENT_TYPES: Record<string, string> = {
  ".json": "application/json",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

const CDN_LINK_SECONDS = 3600;

/** Serves only regular files whose real path lies inside `root` (itself a real path). */
class FolderHub {
  private readonly hashes = new Map<string, { key: string; oid: string; sha256: string }>();
  private readonly linkedAbove: number;
  private readonly gated: Set<string> | "all";
  // Signs CDN links, so a link given out after a token check works without the token (as the hub's signed CDN URLs).
  private readonly linkSecret = crypto.randomBytes(32);

  constructor(private readonly root: string, private readonly options: ServeHubOptions) {
    this.linkedAbove = options.linkedAbove ?? DEFAULT_LINKED_ABOVE;
    this.gated = options.gated === "all" ? "all" : new Set(options.gated ?? []);
  }

  private isGated(id: string): boolean {
    return this.gated === "all" || this.gated.has(id);
  }

  private hasToken(req: http.IncomingMessage): boolean {
    const digest = (s: string): Buffer => crypto.createHash("sha256").update(s).digest();
    return this.options.token !== undefined && crypto.timingSafeEqual(digest(req.headers.authorization ?? ""), digest(`Bearer ${this.options.token}`));
  }

  private mayRead(id: string, req: http.IncomingMessage): boolean {
    return !this.isGated(id) || this.hasToken(req);
  }

  private gatedError(type: RepoType, id: string): HttpError {
    return new HttpError(401, "GatedRepo", `Access to ${type} "${id}" is restricted: send a valid token (Authorization: Bearer).`);
  }

  private signature(pathname: string, expires: string): string {
    return crypto.createHmac("sha256", this.linkSecret).update(`${expires}\n${pathname}`).digest("hex");
  }

  /** The real path of `p` when it is a folder inside the root. */
  private folder(p: string): string | undefined {
    const real = realPath(p);
    return real !== undefined && isInside(real, this.root) && isDir(real) ? real : undefined;
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    res.on("finish", () => this.options.log?.(`${req.method} ${req.url} ${res.statusCode}`));
    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendError(res, new HttpError(405, undefined, `${req.method} is not supported: this hub is read-only.`));
    }
    // The path as sent: URL parsing would resolve "." and ".." segments (and "%2e%2e") before they can be refused.
    const rawPath = (req.url ?? "/").split("?")[0];
    let url: URL;
    let segments: string[];
    try {
      url = new URL(req.url ?? "/", "http://localhost");
      segments = rawPath.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      return sendError(res, new HttpError(400, undefined, "Malformed URL."));
    }
    if (segments.some((s) => s === "." || s === ".." || /[/\\\x00-\x1f\x7f]/.test(s))) {
      return sendError(res, new HttpError(400, undefined, "Invalid path."));
    }
    try {
      if (segments[0] === "api") await this.api(req, res, segments.slice(1), url);
      else if (segments[0] === "cdn") await this.cdn(req, res, segments.slice(1), rawPath, url);
      else await this.resolve(req, res, segments, url);
    } catch (err) {
      if (err instanceof HttpError) sendError(res, err);
      else throw err;
    }
  }

  /** GET {/datasets}/{repo}/resolve/{revision}/{path} */
  private async resolve(req: http.IncomingMessage, res: http.ServerResponse, segments: string[], url: URL): Promise<void> {
    const type: RepoType = segments[0] === "datasets" ? "dataset" : "model";
    const rest = type === "dataset" ? segments.slice(1) : segments;
    const at = rest.indexOf("resolve");
    if (at < 1 || at > 2 || rest.length < at + 3) throw new HttpError(404, undefined, "Not found: expected {/datasets}/{repo}/resolve/{revision}/{path}.");
    const repo = this.findRepo(type, rest.slice(0, at), req, res, (id) => [type === "dataset" ? "datasets" : "", id, ...rest.slice(at)], url);
    if (!repo) return;
    this.checkRevision(repo, rest[at + 1]);
    res.setHeader("X-Repo-Commit", repo.commit); // also on a 404 for a missing file: clients remember the miss for that commit
    const file = this.findFile(repo, rest.slice(at + 2).join("/"));
    if (file.size > this.linkedAbove) {
      const pathname = `/cdn/${type}s/${encodePath(repo.id)}/${repo.commit}/${encodePath(file.path)}`;
      const expires = String(Math.floor(Date.now() / 1000) + CDN_LINK_SECONDS);
      res.writeHead(302, {
        Location: `${this.baseUrl(req)}${pathname}?expires=${expires}&sig=${this.signature(pathname, expires)}`,
        ETag: `"${file.sha256}"`,
        "X-Linked-Etag": `"${file.sha256}"`,
        "X-Linked-Size": String(file.size),
        "Content-Length": 0,
      });
      res.end();
      return;
    }
    this.sendFile(req, res, repo, file, file.oid);
  }

  /** This server's URL as configured, else as the request reached it (its socket's local address, not the Host header). */
  private baseUrl(req: http.IncomingMessage): string {
    if (this.options.publicUrl) return this.options.publicUrl.replace(/\/+$/, "");
    const address = (req.socket.localAddress ?? "127.0.0.1").replace(/^::ffff:(?=\d+\.)/, "");
    return `http://${address.includes(":") ? `[${address}]` : address}:${req.socket.localPort}`;
  }

  /**
   * GET /cdn/{models|datasets}/{org}/{name}/{commit}/{path}?expires=..&sig=..: where linked files are redirected to.
   * A gated repository's file needs the token or an unexpired link signed by this server.
   */
  private async cdn(req: http.IncomingMessage, res: http.ServerResponse, segments: string[], rawPath: string, url: URL): Promise<void> {
    const type = segments[0] === "datasets" ? "dataset" : segments[0] === "models" ? "model" : undefined;
    if (!type || segments.length < 5) throw new HttpError(404, undefined, "Not found.");
    const id = segments.slice(1, 3).join("/");
    if (this.isGated(id) && !this.hasToken(req) && !this.validLink(rawPath, url)) throw this.gatedError(type, id);
    const repo = this.loadRepo(type, id);
    if (!repo || repo.commit !== segments[3]) throw new HttpError(404, "EntryNotFound", "This CDN link is stale or wrong: ask the resolve URL again.");
    const file = this.findFile(repo, segments.slice(4).join("/"));
    this.sendFile(req, res, repo, file, file.sha256);
  }

  private validLink(rawPath: string, url: URL): boolean {
    const expires = url.searchParams.get("expires") ?? "";
    const sig = Buffer.from(url.searchParams.get("sig") ?? "");
    const expected = Buffer.from(this.signature(rawPath, expires));
    return Number(expires) * 1000 > Date.now() && sig.length === expected.length && crypto.timingSafeEqual(sig, expected);
  }

  /** /api/{models|datasets}/{repo}[/revision/{rev}] and /api/{models|datasets}/{repo}/tree/{rev}[/{path}] */
  private async api(req: http.IncomingMessage, res: http.ServerResponse, segments: string[], url: URL): Promise<void> {
    const type = segments[0] === "datasets" ? "dataset" : segments[0] === "models" ? "model" : undefined;
    const rest = segments.slice(1);
    if (!type || rest.length === 0) throw new HttpError(404, undefined, "Not found: expected /api/{models|datasets}/{repo}.");
    const idLength = rest.length >= 2 && (rest[1] === "tree" || rest[1] === "revision") ? 1 : Math.min(2, rest.length);
    const tail = rest.slice(idLength);
    const repo = this.findRepo(type, rest.slice(0, idLength), req, res, (id) => ["api", `${type}s`, id, ...tail], url);
    if (!repo) return;
    if (tail.length === 0 || (tail[0] === "revision" && tail.length === 2)) {
      this.checkRevision(repo, tail[1] ?? "main");
      return sendJson(res, {
        id: repo.id,
        sha: repo.commit,
        private: false,
        gated: this.isGated(repo.id) ? "manual" : false,
        siblings: repo.files.map((f) => ({ rfilename: f.path })),
      });
    }
    if (tail[0] === "tree" && tail.length >= 2) {
      this.checkRevision(repo, tail[1]);
      const recursive = ["1", "true"].includes(url.searchParams.get("recursive") ?? "");
      return sendJson(res, this.tree(repo, tail.slice(2).join("/"), recursive));
    }
    throw new HttpError(404, undefined, "Not found: expected /revision/{rev} or /tree/{rev}[/{path}].");
  }

  private tree(repo: Repo, dir: string, recursive: boolean): unknown[] {
    const prefix = dir ? `${dir}/` : "";
    const below = repo.files.filter((f) => f.path.startsWith(prefix));
    if (dir && below.length === 0) throw new HttpError(404, "EntryNotFound", `No folder "${dir}" in ${repo.id}.`);
    const entries = new Map<string, unknown>();
    for (const f of below) {
      const parts = f.path.slice(prefix.length).split("/");
      for (let depth = 1; depth < parts.length && (recursive || depth === 1); depth++) {
        const p = prefix + parts.slice(0, depth).join("/");
        if (!entries.has(p)) entries.set(p, { type: "directory", path: p, size: 0, oid: sha1(`tree ${repo.commit} ${p}`) });
      }
      if (recursive || parts.length === 1) {
        entries.set(f.path, {
          type: "file",
          path: f.path,
          size: f.size,
          oid: f.oid,
          ...(f.size > this.linkedAbove ? { lfs: { oid: f.sha256, size: f.size, pointerSize: 134 } } : {}),
        });
      }
    }
    return [...entries.values()];
  }

  /**
   * The repository for the id segments ("org","name" or just "name"). A bare name found under exactly one
   * org is answered with a 307 to the same URL with `org/name` (the hub's renamed-repo redirect) and gives undefined.
   * Gated repositories are not found by bare name without the token, so that nothing tells they exist.
   */
  private findRepo(
    type: RepoType,
    idSegments: string[],
    req: http.IncomingMessage,
    res: http.ServerResponse,
    rebuild: (id: string) => string[],
    url: URL,
  ): Repo | undefined {
    const id = idSegments.join("/");
    if (idSegments.length === 1) {
      const matches = this.orgs(type).filter((org) => this.folder(path.join(this.typeRoot(type), org, id)) && this.mayRead(`${org}/${id}`, req));
      if (matches.length !== 1) {
        throw new HttpError(404, "RepoNotFound", matches.length ? `Ambiguous repository "${id}": it exists under ${matches.join(", ")}.` : `Repository ${type} "${id}" not found.`);
      }
      const location = `/${rebuild(`${matches[0]}/${id}`).filter(Boolean).map((s) => encodePath(s)).join("/")}${url.search}`;
      res.writeHead(307, { Location: location, "Content-Length": 0 });
      res.end();
      return undefined;
    }
    const repo = this.loadRepo(type, id);
    if (!repo) throw new HttpError(404, "RepoNotFound", `Repository ${type} "${id}" not found.`);
    if (!this.mayRead(repo.id, req)) throw this.gatedError(type, repo.id);
    return repo;
  }

  private typeRoot(type: RepoType): string {
    return type === "dataset" ? path.join(this.root, "datasets") : this.root;
  }

  private orgs(type: RepoType): string[] {
    return subdirs(this.typeRoot(type)).filter((org) => !(type === "model" && org === "datasets"));
  }

  private loadRepo(type: RepoType, id: string): Repo | undefined {
    const [org, name] = id.split("/");
    if (!org || !name || (type === "model" && org === "datasets")) return undefined;
    const dir = path.join(this.typeRoot(type), org, name);
    // Confined to the repository's own folder: a link into another (gated) repository is not followed either.
    const real = this.folder(dir);
    if (!real) return undefined;
    const files = walkFiles(dir, real).map((p) => this.fileEntry(dir, p));
    // Deterministic commit: a hash of the listing (paths and content ids).
    const commit = sha1(files.map((f) => `${f.path}\0${f.oid}\n`).join(""));
    return { type, id, dir, realDir: real, files, commit };
  }

  private fileEntry(dir: string, rel: string): FileEntry {
    const abs = path.join(dir, rel);
    const stat = fs.statSync(abs);
    const key = `${stat.size}:${stat.mtimeMs}`;
    let cached = this.hashes.get(abs);
    if (!cached || cached.key !== key) {
      const data = fs.readFileSync(abs);
      cached = {
        key,
        oid: crypto.createHash("sha1").update(`blob ${data.length}\0`).update(data).digest("hex"),
        sha256: crypto.createHash("sha256").update(data).digest("hex"),
      };
      this.hashes.set(abs, cached);
    }
    return { path: rel, size: stat.size, oid: cached.oid, sha256: cached.sha256 };
  }

  private checkRevision(repo: Repo, revision: string | undefined): void {
    if (revision !== "main" && revision !== repo.commit) {
      throw new HttpError(404, "RevisionNotFound", `Revision "${revision}" not found in ${repo.id}: this hub has "main" (${repo.commit}) only.`);
    }
  }

  private findFile(repo: Repo, filePath: string): FileEntry {
    const file = repo.files.find((f) => f.path === filePath);
    if (!file) throw new HttpError(404, "EntryNotFound", `Entry "${filePath}" not found in ${repo.id}.`);
    return file;
  }

  private sendFile(req: http.IncomingMessage, res: http.ServerResponse, repo: Repo, file: FileEntry, etag: string): void {
    // Checked again when served: the folder may have changed since it was listed.
    const real = realPath(path.join(repo.dir, file.path));
    if (real === undefined || !isInside(real, repo.realDir) || !fs.statSync(real).isFile()) {
      throw new HttpError(404, "EntryNotFound", `Entry "${file.path}" not found in ${repo.id}.`);
    }
    const headers: http.OutgoingHttpHeaders = {
      ETag: `"${etag}"`,
      "X-Repo-Commit": repo.commit,
      "Accept-Ranges": "bytes",
      "Content-Type": CONTENT_TYPES[path.extname(file.path)] ?? "application/octet-stream",
    };
    let start = 0;
    let end = file.size - 1;
    let status = 200;
    const range = req.headers.range;
    if (range) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (m && (m[1] || m[2])) {
        if (m[1]) {
          start = Number(m[1]);
          if (m[2]) end = Math.min(Number(m[2]), file.size - 1);
        } else {
          start = Math.max(0, file.size - Number(m[2]));
        }
        if (start >= file.size || start > end) {
          res.writeHead(416, { ...headers, "Content-Range": `bytes */${file.size}`, "Content-Length": 0 });
          res.end();
          return;
        }
        status = 206;
        headers["Content-Range"] = `bytes ${start}-${end}/${file.size}`;
      }
    }
    headers["Content-Length"] = file.size === 0 ? 0 : end - start + 1;
    res.writeHead(status, headers);
    if (req.method === "HEAD" || file.size === 0) {
      res.end();
      return;
    }
    fs.createReadStream(real, { start, end }).on("error", () => res.destroy()).pipe(res);
  }
}

/** The repository ids a folder holds, as `serveHub` would serve them. */
export function folderRepos(root: string): { models: string[]; datasets: string[] } {
  const ids = (base: string, skip?: string): string[] =>
    subdirs(base)
      .filter((org) => org !== skip)
      .flatMap((org) => subdirs(path.join(base, org)).map((name) => `${org}/${name}`));
  return { models: ids(root, "datasets"), datasets: ids(path.join(root, "datasets")) };
}

function subdirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith("."))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function sha1(text: string): string {
  return crypto.createHash("sha1").update(text).digest("hex");
}
