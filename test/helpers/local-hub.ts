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
