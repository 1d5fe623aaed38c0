// A Python venv with JupyterLab from pip's local mirror, made once per machine and requirement set
// under ~/.cache/tweet-transformers/venvs (outside the repository) and reused by later runs.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** pip's sources: the local mirror (no internet). */
const PIP_SOURCES = ["--index-url", "file:///opt/pypi/simple", "--extra-index-url", "file:///opt/pypi-more/simple", "--find-links", "/opt/wheels"];

export type VenvResult = { python: string; jupyterLab: string } | { skipped: string };

/**
 * The venv's Python for `requirements` (e.g. `["jupyterlab", "plotly"]`), made now when missing.
 * When Python's venv or pip cannot make it, says why in `skipped` (the caller skips loudly).
 */
export function jupyterLabVenv(requirements: string[]): VenvResult {
  const key = createHash("sha256").update(JSON.stringify([...requirements].sort())).digest("hex").slice(0, 16);
  const root = path.join(process.env.TT_VENV_CACHE ?? path.join(os.homedir(), ".cache", "tweet-transformers", "venvs"), `${requirements.join("+")}-${key}`);
  const python = path.join(root, "bin", "python");
  const jupyterLab = path.join(root, "bin", "jupyter-lab");
  const done = path.join(root, ".complete");
  if (fs.existsSync(done)) return { python, jupyterLab };
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(root), { recursive: true });
  const venv = spawnSync("python3", ["-m", "venv", root], { encoding: "utf8" });
  if (venv.status !== 0) {
    return { skipped: `python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv):\n${venv.stderr ?? venv.error}` };
  }
  const pip = spawnSync(python, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", ...PIP_SOURCES, ...requirements], {
    encoding: "utf8",
    timeout: 600_000,
  });
  if (pip.status !== 0) {
    fs.rmSync(root, { recursive: true, force: true });
    return { skipped: `pip could not install ${requirements.join(", ")} from the local mirror:\n${(pip.stderr ?? String(pip.error)).slice(-3000)}` };
  }
  fs.writeFileSync(done, `${requirements.join("\n")}\n`);
  return { python, jupyterLab };
}

if (require.main === module) console.log(jupyterLabVenv(process.argv.slice(2)));
