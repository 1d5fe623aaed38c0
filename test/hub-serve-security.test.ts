// `hub serve` on 127.0.0.1 under attack: links out of the served folder, link loops, dangling links, encoded
// traversal, absolute paths, NUL bytes, and gated repositories reached without the token. Nothing outside the
// root and nothing gated may ever be in a response (canary strings), nor any server path.
import * as assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { run as hubCli } from "../src/cli/hub.js";
import { GatedRepoError, RepoNotFoundError, hfHubDownload, serveHub } from "../src/hub/index.js";
import { REPO_ROOT } from "./helpers/paths.js";

const TOKEN = "hf_workshop_secret";
const OUTSIDE_CANARY = `OUTSIDE-${crypto.randomBytes(8).toString("hex")}`;
const GATED_CANARY = `GATED-${crypto.randomBytes(8).toString("hex")}`;
const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "tt-hub-sec-")));
const outside = path.join(work, "outside");
const root = path.join(work, "root");

/** The served tree, with every kind of link a careless or hostile folder may hold. */
function buildTree(): void {
  const write = (p: string, data: string | Buffer): void => {
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, data);
  };
  write(path.join(outside, "canary.txt"), OUTSIDE_CANARY);
  write(path.join(outside, "dir", "secret.json"), JSON.stringify({ secret: OUTSIDE_CANARY }));
  const repo = path.join(root, "org", "repo");
  write(path.join(repo, "config.json"), '{"model_type":"distilbert"}');
  write(path.join(repo, "big.bin"), Buffer.alloc(100, 7));
  fs.symlinkSync(path.join(outside, "canary.txt"), path.join(repo, "passwd")); // absolute link out
  fs.symlinkSync("../../../outside/canary.txt", path.join(repo, "rel-escape")); // relative link out
  fs.symlinkSync(path.join(outside, "dir"), path.join(repo, "linkdir")); // folder link out (like /etc/ssl)
  fs.symlinkSync(".", path.join(repo, "loop")); // a folder that contains itself
  fs.symlinkSync("self", path.join(repo, "self")); // ELOOP
  fs.symlinkSync(path.join(work, "nowhere"), path.join(repo, "dangling"));
  fs.symlinkSync("config.json", path.join(repo, "inside-link.json")); // stays inside: served
  fs.mkdirSync(path.join(repo, "sub"));
  fs.symlinkSync("../../..", path.join(repo, "sub", "up")); // back to the root: a loop through the tree
  fs.symlinkSync(outside, path.join(root, "evilorg")); // an org that is a link out
  fs.symlinkSync(path.join(outside, "dir"), path.join(root, "org", "linkrepo")); // a repo that is a link out
  fs.mkdirSync(path.join(root, "datasets"));
  fs.symlinkSync(outside, path.join(root, "datasets", "evil"));
  write(path.join(root, "datasets", "org", "data", "train.csv"), "text,label\nhi,0\n");
  const gated = path.join(root, "gorg", "gated");
  write(path.join(gated, "small.json"), JSON.stringify({ gated: GATED_CANARY }));
  write(path.join(gated, "weights.bin"), Buffer.concat([Buffer.from(GATED_CANARY), Buffer.alloc(100, 1)]));
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let port = 0;

/** One request with the path sent exactly as given (fetch would normalise "..", "%2e%2e"). */
function request(rawPath: string, options: { method?: string; headers?: http.OutgoingHttpHeaders; setHost?: boolean; to?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: options.to ?? port, path: rawPath, method: options.method ?? "GET", headers: options.headers, setHost: options.setHost ?? true },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("latin1") }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Nothing secret and no server path in a reply, whatever its status. */
function assertClean(reply: Reply, what: string, secrets: string[]): void {
  const text = `${JSON.stringify(reply.headers)}\n${reply.body}`;
  for (const secret of [...secrets, work]) assert.ok(!text.includes(secret), `${what}: the reply contains ${secret === work ? "a server path" : "a secret"}: ${text.slice(0, 300)}`);
  assert.notEqual(reply.status, 500, `${what}: 500 ${reply.body}`);
}

let server: ChildProcess;
const tried: string[] = [];
const refused: string[] = [];

before(async () => {
  buildTree();
  server = spawn(process.execPath, ["--import", "tsx", "-e", `require("./src/cli.ts").main(process.argv.slice(1)).then((c) => process.exit(c))`, "hub", "serve", root, "--port", "0", "--linked-above", "64", "--token", TOKEN, "--gated", "gorg/gated", "--quiet"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  port = await new Promise<number>((resolve, reject) => {
    server.stdout!.on("data", (d: Buffer) => {
      out += d;
      const m = /HF_ENDPOINT=http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m && out.includes("Ctrl+C")) resolve(Number(m[1]));
    });
    server.once("exit", (code) => reject(new Error(`hub serve exited (${code}): ${out}`)));
  });
  assert.match(out, /gated \(clients need HF_TOKEN\): gorg\/gated/);
});
after(() => {
  server.kill("SIGINT");
  fs.rmSync(work, { recursive: true, force: true });
  console.log(`# hub serve attacks: ${tried.length} requests tried, ${refused.length} refused, 0 leaked`);
});

/** Every attack must be refused (4xx) and clean. */
async function attack(rawPath: string, options: Parameters<typeof request>[1] = {}): Promise<Reply> {
  const reply = await request(rawPath, options);
  tried.push(rawPath);
  assertClean(reply, `${options.method ?? "GET"} ${rawPath}`, [OUTSIDE_CANARY, GATED_CANARY]);
  assert.ok(reply.status >= 400 && reply.status < 500, `${rawPath}: HTTP ${reply.status} ${reply.body.slice(0, 200)}`);
  refused.push(rawPath);
  return reply;
}

describe("hub serve: only regular files really inside the root", () => {
  test("the repository lists and serves its own files, and a link that stays inside; nothing else, no 500", async () => {
    const info = await request("/api/models/org/repo");
    assertClean(info, "info", [OUTSIDE_CANARY]);
    assert.equal(info.status, 200);
    assert.deepEqual((JSON.parse(info.body) as { siblings: { rfilename: string }[] }).siblings.map((s) => s.rfilename), ["big.bin", "config.json", "inside-link.json"]);
    const tree = await request("/api/models/org/repo/tree/main?recursive=1");
    assertClean(tree, "tree", [OUTSIDE_CANARY]);
    assert.deepEqual((JSON.parse(tree.body) as { path: string }[]).map((e) => e.path).sort(), ["big.bin", "config.json", "inside-link.json"]);
    const link = await request("/org/repo/resolve/main/inside-link.json");
    assert.equal(link.status, 200);
    assert.equal(link.body, '{"model_type":"distilbert"}');
  });

  test("links out of the root, loops, dangling links: refused as absent", async () => {
    for (const file of ["passwd", "rel-escape", "linkdir/secret.json", "loop/config.json", "loop/loop/passwd", "self", "dangling", "sub/up/org/repo/config.json"]) {
      for (const method of ["GET", "HEAD"]) await attack(`/org/repo/resolve/main/${file}`, { method });
    }
    for (const p of [
      "/evilorg/dir/resolve/main/secret.json",
      "/api/models/evilorg/dir",
      "/dir/resolve/main/secret.json",
      "/org/linkrepo/resolve/main/secret.json",
      "/api/models/org/linkrepo",
      "/api/models/org/linkrepo/tree/main",
      "/linkrepo/resolve/main/secret.json",
      "/datasets/evil/dir/resolve/main/secret.json",
      "/api/datasets/evil/dir/tree/main",
      "/cdn/models/evilorg/dir/0000000000000000000000000000000000000000/secret.json",
      "/cdn/models/org/linkrepo/0000000000000000000000000000000000000000/secret.json",
    ]) {
      await attack(p);
    }
  });

  test("encoded traversal, absolute paths, NUL bytes, backslashes: refused", async () => {
    const canary = path.join(outside, "canary.txt");
    const commit = (JSON.parse((await request("/api/models/org/repo")).body) as { sha: string }).sha;
    const variants = [
      "../../../outside/canary.txt",
      "%2e%2e/%2e%2e/%2e%2e/outside/canary.txt",
      "%2E%2E/%2E%2E/%2E%2E/outside/canary.txt",
      "..%2f..%2f..%2foutside%2fcanary.txt",
      "..%2F..%2F..%2Foutside%2Fcanary.txt",
      "%252e%252e%252f%252e%252e%252f%252e%252e%252foutside%252fcanary.txt",
      "%25252e%25252e/%25252e%25252e/%25252e%25252e/outside/canary.txt",
      "..%5c..%5c..%5coutside%5ccanary.txt",
      "..\\..\\..\\outside\\canary.txt".replace(/\\/g, "%5C"),
      encodeURIComponent(canary),
      canary.slice(1),
      `%2f${canary.slice(1).split("/").join("%2f")}`,
      "config.json%00",
      "config.json%00.txt",
      "passwd%00",
      "%00/../../../outside/canary.txt",
      "linkdir%2fsecret.json",
      "%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/outside/canary.txt",
      "%",
      ".",
      "%2e",
    ];
    for (const v of variants) {
      await attack(`/org/repo/resolve/main/${v}`);
      await attack(`/cdn/models/org/repo/${commit}/${v}`);
      await attack(`/api/models/org/repo/tree/main/${v}`);
    }
    for (const p of [`//${canary.slice(1)}`, `/${canary.slice(1)}`, `/org/repo/resolve/main//${canary.slice(1)}`, "/%2e%2e/%2e%2e/outside/canary.txt", "/org/%2e%2e/%2e%2e/outside/resolve/main/canary.txt", "/api/models/..%2f..%2foutside/dir"]) {
      await attack(p);
    }
  });
});

describe("hub serve --token --gated: a gated repository's bytes need the token on every path", () => {
  let commit = "";
  const auth = { Authorization: `Bearer ${TOKEN}` };
  before(async () => {
    commit = (JSON.parse((await request("/api/models/gorg/gated", { headers: auth })).body) as { sha: string }).sha;
  });

  test("without a (valid) token: resolve, api, tree, cdn refused; the bare name tells nothing", async () => {
    for (const headers of [{}, { Authorization: "Bearer hf_wrong" }, { Authorization: TOKEN }, { Authorization: `Bearer ${TOKEN}x` }]) {
      for (const p of [
        "/gorg/gated/resolve/main/small.json",
        "/gorg/gated/resolve/main/weights.bin",
        `/gorg/gated/resolve/${commit}/small.json`,
        "/api/models/gorg/gated",
        "/api/models/gorg/gated/revision/main",
        "/api/models/gorg/gated/tree/main",
        `/cdn/models/gorg/gated/${commit}/weights.bin`,
        `/cdn/models/gorg/gated/${commit}/small.json`,
        `/cdn/models/gorg/gated/${commit}/weights.bin?expires=9999999999&sig=${"0".repeat(64)}`,
      ]) {
        for (const method of ["GET", "HEAD"]) await attack(p, { method, headers });
      }
      for (const p of ["/gated/resolve/main/small.json", "/gated/resolve/main/weights.bin", "/api/models/gated", "/api/models/gated/tree/main"]) {
        const reply = await attack(p, { headers });
        assert.equal(reply.status, 404, `${p}: as if it did not exist`);
        assert.equal(reply.headers.location, undefined);
        assert.ok(!`${JSON.stringify(reply.headers)}${reply.body}`.includes("gorg"), `${p} names the gated repository`);
      }
    }
  });

  test("with the token: served; a CDN link it was given works without the token, a tampered one does not", async () => {
    const small = await request("/gorg/gated/resolve/main/small.json", { headers: auth });
    assert.equal(small.status, 200);
    assert.ok(small.body.includes(GATED_CANARY));
    const bare = await request("/gated/resolve/main/small.json", { headers: auth });
    assert.equal(bare.status, 307);
    assert.equal(bare.headers.location, "/gorg/gated/resolve/main/small.json");

    const linked = await request("/gorg/gated/resolve/main/weights.bin", { headers: auth });
    assert.equal(linked.status, 302);
    const link = new URL(linked.headers.location!);
    const signed = await request(link.pathname + link.search);
    assert.equal(signed.status, 200);
    assert.ok(signed.body.startsWith(GATED_CANARY));

    const expires = link.searchParams.get("expires")!;
    const sig = link.searchParams.get("sig")!;
    for (const forged of [
      `${link.pathname.replace("weights.bin", "small.json")}${link.search}`,
      `${link.pathname}?expires=${Number(expires) + 1}&sig=${sig}`,
      `${link.pathname}?expires=${expires}&sig=${sig.slice(0, -1)}${sig.endsWith("0") ? "1" : "0"}`,
      `${link.pathname}?expires=${expires}`,
      `${link.pathname}?sig=${sig}`,
    ]) {
      await attack(forged);
    }
  });

  test("the client: GatedRepoError by full id, not found by bare name (with the HF_TOKEN hint), served with the token", async () => {
    const endpoint = `http://127.0.0.1:${port}`;
    const cacheDir = fs.mkdtempSync(path.join(work, "cache-"));
    await assert.rejects(hfHubDownload("gorg/gated", "weights.bin", { endpoint, cacheDir }), GatedRepoError);
    await assert.rejects(hfHubDownload("gated", "weights.bin", { endpoint, cacheDir }), (err: Error) => err instanceof RepoNotFoundError && /set HF_TOKEN/.test(err.message));
    const file = await hfHubDownload("gated", "weights.bin", { endpoint, cacheDir, token: TOKEN });
    assert.ok(fs.readFileSync(file, "latin1").startsWith(GATED_CANARY));
  });
});

describe("hub serve: CDN links and help", () => {
  test("the Location of a CDN redirect is the server's own address (or --public-url), never the Host header", async () => {
    const hub = await serveHub(root, { port: 0, host: "127.0.0.1", linkedAbove: 64 });
    const pub = await serveHub(root, { port: 0, host: "127.0.0.1", linkedAbove: 64, publicUrl: "http://hub.workshop.lan:8080/" });
    try {
      const own = Number(new URL(hub.url).port);
      const expected = new RegExp(`^http://127\\.0\\.0\\.1:${own}/cdn/models/org/repo/[0-9a-f]{40}/big\\.bin\\?`);
      const spoofed = await request("/org/repo/resolve/main/big.bin", { headers: { Host: "evil.example" }, to: own });
      assert.equal(spoofed.status, 302);
      assert.match(spoofed.headers.location!, expected);
      // HTTP/1.0 needs no Host header at all.
      const noHost = await new Promise<string>((resolve, reject) => {
        let text = "";
        net.connect(own, "127.0.0.1")
          .on("connect", function (this: net.Socket) {
            this.end("GET /org/repo/resolve/main/big.bin HTTP/1.0\r\n\r\n");
          })
          .on("data", (d: Buffer) => void (text += d))
          .on("end", () => resolve(text))
          .on("error", reject);
      });
      assert.match(noHost, /^HTTP\/1\.1 302/);
      assert.match(/^location: (.*)$/im.exec(noHost)![1].trim(), expected);
      const reply = await request("/org/repo/resolve/main/big.bin", { headers: { Host: "evil.example" }, to: Number(new URL(pub.url).port) });
      assert.match(reply.headers.location!, /^http:\/\/hub\.workshop\.lan:8080\/cdn\/models\/org\/repo\//);
    } finally {
      await hub.close();
      await pub.close();
    }
  });

  test("hub serve --help and hub download --help print the usage and exit 0", async () => {
    for (const args of [["serve", "--help"], ["download", "--help"], ["serve", "-h"], ["--help"]]) {
      const lines: string[] = [];
      const log = console.log;
      console.log = (...a: unknown[]) => void lines.push(a.join(" "));
      try {
        assert.equal(await hubCli(args), 0, args.join(" "));
      } finally {
        console.log = log;
      }
      assert.match(lines.join("\n"), /hub serve DIR .*--token TOKEN/s, args.join(" "));
    }
  });

  test("hub serve refuses --gated without --token, and a --public-url that is not a base URL", async () => {
    await assert.rejects(hubCli(["serve", root, "--gated", "gorg/gated"]), /--gated needs --token/);
    await assert.rejects(hubCli(["serve", root, "--public-url", "hub.lan:8080/x"]), /--public-url must be like http:\/\/192\.168\.1\.10:8080/);
  });
});
