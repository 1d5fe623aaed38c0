import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before } from "node:test";
import { serveHub, type ServeHubOptions } from "../../src/hub/index.js";
import { SHARED_HUB } from "./paths.js";

/** Serves `root` (default ../shared/hub) as a hub on 127.0.0.1, any free port; point `endpoint`/HF_ENDPOINT at `url`. */
export async function startLocalHub(
  root: string = SHARED_HUB,
  options: Omit<ServeHubOptions, "port" | "host"> = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const server = await serveHub(root, { ...options, port: 0, host: "127.0.0.1" });
  return { url: server.url, close: server.close };
}

/**
 * For a test file: before its tests, a local hub on HF_ENDPOINT and a fresh HF_HOME; after them,
 * both gone and the environment as it was. Read `url` and `home` inside tests (set by `before`).
 */
export function useLocalHubEnvironment(prefix: string): { readonly url: string; readonly home: string } {
  const keys = ["HF_ENDPOINT", "HF_HOME", "HF_HUB_CACHE"] as const;
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  let hub: { url: string; close(): Promise<void> } | undefined;
  const state = { url: "", home: "" };
  before(async () => {
    hub = await startLocalHub();
    state.url = hub.url;
    state.home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    process.env.HF_ENDPOINT = state.url;
    process.env.HF_HOME = state.home;
    delete process.env.HF_HUB_CACHE;
  });
  after(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await hub?.close();
    fs.rmSync(state.home, { recursive: true, force: true });
  });
  return state;
}
