// `npm start`: registers the tslab kernel inside the project and opens the notebooks in JupyterLab
// when it is installed, else in the classic Notebook (Debian's `jupyter-notebook`).
// Extra arguments go to Jupyter, e.g. `npm start -- --port 8890 --no-browser`.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawn, spawnSync } = require("node:child_process");
const { registerKernel, jupyterEnv, python, REPO } = require("./register-kernel.js");

function hasModule(py, name) {
  return spawnSync(py, ["-c", `import ${name}`], { stdio: "ignore" }).status === 0;
}

/** An executable on PATH (JupyterLab from pip or pipx lives in another Python than Debian's). */
function onPath(name) {
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

/**
 * The Python a console script runs with: `python` beside it (a venv's or pipx's bin/, links followed),
 * else its `#!` line, else `fallback`.
 */
function scriptPython(file, fallback) {
  const real = fs.realpathSync(file);
  for (const name of ["python", "python3"]) {
    const beside = path.join(path.dirname(real), name);
    if (fs.existsSync(beside)) return beside;
  }
  const shebang = /^#!\s*(\S*python[\d.]*)\s*$/.exec(fs.readFileSync(real, "utf8").split("\n", 1)[0]);
  return shebang ? shebang[1] : fallback;
}

/**
 * The command that opens Jupyter, and the Python it runs on (the kernel is registered with it):
 * JupyterLab wherever it is installed, else the classic Notebook.
 */
function jupyterCommand(py) {
  const lab = onPath("jupyter-lab");
  if (lab) return { name: "JupyterLab", argv: [lab], python: scriptPython(lab, py) };
  if (hasModule(py, "jupyterlab")) return { name: "JupyterLab", argv: [py, "-m", "jupyterlab"], python: py };
  if (hasModule(py, "notebook")) return { name: "the Notebook", argv: [py, "-m", "notebook"], python: py };
  return undefined;
}

function main() {
  if (!fs.existsSync(path.join(REPO, "dist", "src", "index.js"))) {
    console.error("The library is not built yet: run `npm run build` (or `npm install`) first.");
    return 1;
  }
  const py = python();
  const app = jupyterCommand(py);
  if (!app) {
    console.error(`Neither JupyterLab nor the Notebook is installed for ${py}: \`apt-get install jupyter-notebook\` or \`pip install jupyterlab\`.`);
    return 1;
  }
  try {
    registerKernel(app.python);
  } catch (e) {
    console.error(e.message);
    return 1;
  }
  const notebooks = path.join(REPO, "notebooks");
  console.log(`Opening ${notebooks} with ${app.name} (kernel: TypeScript / tslab)`);
  const [command, ...args] = app.argv;
  // Jupyter refuses to run as root unless told; containers and workshop VMs often are root.
  const asRoot = process.getuid?.() === 0 ? ["--allow-root"] : [];
  const child = spawn(command, [...args, `--notebook-dir=${notebooks}`, ...asRoot, ...process.argv.slice(2)], {
    cwd: notebooks,
    env: jupyterEnv(),
    stdio: "inherit",
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => process.exit(code ?? 0));
  return undefined;
}

const code = main();
if (code !== undefined) process.exit(code);
