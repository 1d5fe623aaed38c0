// A Jupyter server on 127.0.0.1 in a throw-away Jupyter home: Debian's classic Notebook, or JupyterLab
// from another Python (a venv), with the notebooks to show marked trusted (an untrusted notebook's HTML
// outputs run no scripts, so no Plotly fallback).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as net from "node:net";
import * as path from "node:path";

const { jupyterEnv, python } = require("../../scripts/register-kernel.js") as {
  jupyterEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  python(): string;
};

export interface NotebookServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  token: string;
  /** The page of a notebook under the server's folder. */
  pageOf(file: string): string;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerOptions {
  /** JupyterLab instead of the classic Notebook. */
  lab?: boolean;
  /** The Python that runs the server (default: the one `npm start` would use). */
  python?: string;
  /** Added to the server's (and so its kernels') environment. */
  env?: NodeJS.ProcessEnv;
}

/** Serves `notebookDir` with `jupyterHome` as its data/config/runtime home; `trusted` notebooks are signed first. */
export async function startNotebookServer(notebookDir: string, jupyterHome: string, trusted: string[], options: ServerOptions = {}): Promise<NotebookServer> {
  const py = options.python ?? python();
  const env = jupyterEnv({
    ...process.env,
    ...options.env,
    JUPYTER_DATA_DIR: path.join(jupyterHome, "data"),
    JUPYTER_CONFIG_DIR: path.join(jupyterHome, "config"),
    JUPYTER_RUNTIME_DIR: path.join(jupyterHome, "runtime"),
  });
  for (const file of trusted) {
    const signed = spawnSync(py, ["-m", "nbformat.sign", file], { env, encoding: "utf8" });
    if (signed.status !== 0) throw new Error(`Could not trust ${file}:\n${signed.stderr}`);
  }
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const app = options.lab
    ? ["-m", "jupyterlab", `--ServerApp.token=${token}`, `--ServerApp.root_dir=${notebookDir}`]
    : ["-m", "notebook", `--NotebookApp.token=${token}`, `--notebook-dir=${notebookDir}`];
  const child: ChildProcess = spawn(py, [...app, "--no-browser", "--allow-root", "--ip=127.0.0.1", `--port=${port}`], { env, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The Notebook server exited (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/api/status?token=${token}`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`The Notebook server did not answer on ${url} within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    token,
    // `?reset`: JupyterLab opens this notebook alone, not the tabs of a previous visit.
    pageOf: (file) => `${url}/${options.lab ? "lab/tree" : "notebooks"}/${path.relative(notebookDir, file).split(path.sep).map(encodeURIComponent).join("/")}?${options.lab ? "reset&" : ""}token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

