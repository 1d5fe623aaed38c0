// Runs a notebook top to bottom with the tslab kernel through Debian's Jupyter (nbclient), the way
// `jupyter nbconvert --execute` does, and reports the first failing cell with what it wrote to stderr.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const { registerKernel, jupyterEnv, python } = require("../../scripts/register-kernel.js") as {
  registerKernel(): string;
  jupyterEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  python(): string;
};

export interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
export interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
  metadata?: Record<string, unknown>;
}
export interface Notebook {
  cells: Cell[];
}

export interface RunResult {
  notebook: Notebook;
  seconds: number;
  /** The first cell that failed: its index, source and stderr. */
  failure?: { index: number; source: string; stderr: string };
}

const DRIVER = `
import json, sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
src, dst, cwd, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
nb = nbformat.read(src, as_version=4)
failed = []
client = NotebookClient(nb, kernel_name="tslab", timeout=timeout, resources={"metadata": {"path": cwd}},
                        on_cell_error=lambda cell, cell_index, execute_reply: failed.append(cell_index))
try:
    client.execute()
except CellExecutionError:
    pass
nbformat.write(nb, dst)
print(json.dumps({"failed": failed[0] if failed else None}))
`;

export const text = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join("") : (value ?? ""));

/** Everything a cell printed or displayed, as one string (stdout, stderr, text/plain, text/html). */
export function cellText(cell: Cell): string {
  return (cell.outputs ?? [])
    .map((o) => text(o.text) + text(o.data?.["text/plain"] as string | string[] | undefined) + text(o.data?.["text/html"] as string | string[] | undefined))
    .join("\n");
}

/**
 * Executes `notebookPath`, saves the executed notebook to `outPath` and returns it. The kernel works
 * in a fresh folder beside it (`outPath` with `.files` for `.ipynb`: checkpoints go there); `env` is
 * added to its environment.
 */
export async function runNotebook(notebookPath: string, outPath: string, options: { env?: NodeJS.ProcessEnv; cellTimeoutS?: number } = {}): Promise<RunResult> {
  registerKernel();
  const workDir = outPath.replace(/\.ipynb$/, ".files");
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  fs.mkdirSync(path.dirname(outPath), { recursive: true });
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(python(), ["-c", DRIVER, notebookPath, outPath, workDir, String(options.cellTimeoutS ?? 600)], {
      env: jupyterEnv({ ...process.env, ...options.env }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0 || !fs.existsSync(outPath)) {
    throw new Error(`Running ${notebookPath} with nbclient failed (exit ${code}):\n${stderr.slice(-4000)}${stdout.slice(-1000)}`);
  }
  const notebook = JSON.parse(fs.readFileSync(outPath, "utf8")) as Notebook;
  const status = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { failed: number | null };
  if (status.failed === null || status.failed === undefined) return { notebook, seconds };
  const cell = notebook.cells[status.failed];
  const stderrText = (cell.outputs ?? [])
    .filter((o) => o.output_type === "stream" && o.name === "stderr")
    .map((o) => text(o.text))
    .join("");
  return { notebook, seconds, failure: { index: status.failed, source: text(cell.source), stderr: stderrText } };
}
