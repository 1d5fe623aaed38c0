// Runs one bench measurement in a process of its own (its own heap, backend and peak RSS) and
// returns the last JSON line it printed, or { error } saying why there is none.
import { spawnSync } from "node:child_process";
import * as path from "node:path";

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const ROOT = path.resolve(__dirname, "..");
export const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

export function runJson(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutS = 3600): Json {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: "utf8", timeout: timeoutS * 1000, maxBuffer: 64 << 20 });
  const line = (r.stdout ?? "").trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (!line) return { error: `${path.basename(cmd)} ${args.slice(0, 2).join(" ")}: no result (${r.error?.message ?? `exit ${r.status}`}) ${(r.stderr ?? "").slice(-800)}` };
  return JSON.parse(line) as Json;
}
