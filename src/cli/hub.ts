// `tweet-transformers hub serve DIR ...` and `tweet-transformers hub download REPO... --to DIR`.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { tempName } from "../hub/cache.js";
import { type RepoType, folderRepos, hfHubDownload, isLocalPath, repoInfo, serveHub } from "../hub/index.js";

const USAGE = `usage:
  tweet-transformers hub serve DIR [--port 8080] [--host 127.0.0.1] [--public-url URL]
                                  [--token TOKEN [--gated ORG/NAME]...] [--linked-above BYTES] [--quiet]
      Serve DIR (laid out like the hub: <org>/<name>/... models, datasets/<org>/<name>/... datasets)
      as a Hugging Face hub; point clients at it with HF_ENDPOINT. Only files really inside DIR are
      served (links leading out of it are skipped).
      --token TOKEN      clients must send it (HF_TOKEN=TOKEN) for the repositories named by --gated,
                         or for all of them when no --gated is given
      --public-url URL   the URL clients use (e.g. http://192.168.1.10:8080), for the links to large
                         files; default: the address each request arrived on
  tweet-transformers hub download REPO... --to DIR [--repo-type model|dataset] [--revision main]
      Fetch whole repositories from the hub (HF_ENDPOINT, HF_TOKEN apply) into DIR, in that layout.`;

export async function run(args: string[]): Promise<number | void> {
  const [sub, ...rest] = args;
  if (sub === "serve") return serve(rest);
  if (sub === "download") return download(rest);
  if (sub === "--help" || sub === "-h") return help();
  console.error(sub ? `Unknown hub command "${sub}".\n\n${USAGE}` : USAGE);
  return 2;
}

async function serve(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      "linked-above": { type: "string" },
      "public-url": { type: "string" },
      token: { type: "string" },
      gated: { type: "string", multiple: true },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return help();
  if (positionals.length !== 1) throw new Error(`hub serve takes one folder.\n\n${USAGE}`);
  const port = integer(values.port!, "--port");
  const linkedAbove = values["linked-above"] === undefined ? undefined : integer(values["linked-above"], "--linked-above");
  if (values.gated && !values.token) throw new Error(`--gated needs --token: the token clients must send for those repositories.\n\n${USAGE}`);
  const publicUrl = values["public-url"];
  if (publicUrl !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(publicUrl)) throw new Error(`--public-url must be like http://192.168.1.10:8080, not "${publicUrl}".`);
  const root = path.resolve(positionals[0]);
  const server = await serveHub(root, {
    port,
    host: values.host,
    linkedAbove,
    publicUrl,
    token: values.token,
    gated: values.token === undefined ? undefined : (values.gated ?? "all"),
    log: values.quiet ? undefined : (line) => console.error(line),
  });
  const { models, datasets } = folderRepos(root);
  const endpoint = publicUrl?.replace(/\/+$/, "") ?? server.url;
  console.log(`Serving ${root} as a Hugging Face hub at ${endpoint}`);
  console.log(`  models:   ${models.join(", ") || "(none)"}`);
  console.log(`  datasets: ${datasets.join(", ") || "(none)"}`);
  if (values.token !== undefined) console.log(`  gated (clients need HF_TOKEN): ${values.gated?.join(", ") ?? "all"}`);
  console.log(`Use it with, e.g.:\n  HF_ENDPOINT=${endpoint} tweet-transformers dataset tweet_eval emotion --head 3`);
  console.log(`  (in a notebook: process.env.HF_ENDPOINT = "${endpoint}" before loading anything)`);
  console.log("Press Ctrl+C to stop.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  return 0;
}

async function download(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      to: { type: "string" },
      "repo-type": { type: "string", default: "model" },
      revision: { type: "string", default: "main" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return help();
  if (!values.to || positionals.length === 0) throw new Error(`hub download needs at least one REPO and --to DIR.\n\n${USAGE}`);
  const repoType = values["repo-type"];
  if (repoType !== "model" && repoType !== "dataset") throw new Error(`--repo-type must be "model" or "dataset", not "${repoType}".`);
  const to = path.resolve(values.to);
  for (const repoId of positionals) {
    if (isLocalPath(repoId)) throw new Error(`"${repoId}" is a local folder, not a hub repository: nothing to download.`);
    const options = { repoType: repoType as RepoType, revision: values.revision };
    const info = await repoInfo(repoId, options);
    if (!info.id.includes("/")) console.error(`warning: "${info.id}" has no organisation; \`hub serve\` only serves <org>/<name> folders.`);
    const target = path.join(to, repoType === "dataset" ? "datasets" : "", ...info.id.split("/"));
    for (const file of info.files) {
      const cached = await hfHubDownload(repoId, file, options);
      copyAtomic(cached, path.join(target, ...file.split("/")));
    }
    console.log(`${repoType} ${info.id} (${info.sha.slice(0, 10)}): ${info.files.length} files -> ${target}`);
  }
  return 0;
}

function help(): number {
  console.log(USAGE);
  return 0;
}

function copyAtomic(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = tempName(to);
  fs.copyFileSync(from, tmp);
  fs.renameSync(tmp, to);
}

function integer(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a whole number, not "${text}".`);
  return n;
}
