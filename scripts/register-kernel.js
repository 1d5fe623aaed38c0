// Registers tslab's TypeScript and JavaScript kernels inside the project (<repo>/.jupyter), so Jupyter
// finds them through JUPYTER_PATH without touching the user's own Jupyter set-up.
// Used by `npm start` and by the notebook tests; run alone: `node scripts/register-kernel.js`.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const REPO = path.resolve(__dirname, "..");
const PREFIX = path.join(REPO, ".jupyter");
/** Where Jupyter looks for the project's kernelspecs: put it in JUPYTER_PATH. */
const JUPYTER_PATH = path.join(PREFIX, "share", "jupyter");
const TSLAB_BINARY = path.join(REPO, "node_modules", ".bin", "tslab");

/** The Python that runs Jupyter: $TT_PYTHON, else Debian's /usr/bin/python3, else python3 on PATH. */
function python() {
  if (process.env.TT_PYTHON) return process.env.TT_PYTHON;
  return fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

/** JUPYTER_PATH with the project's kernels first, for a child process's environment. */
function jupyterEnv(env = process.env) {
  const rest = env.JUPYTER_PATH ? [env.JUPYTER_PATH] : [];
  return { ...env, JUPYTER_PATH: [JUPYTER_PATH, ...rest].join(path.delimiter) };
}

function registered() {
  try {
    const spec = JSON.parse(fs.readFileSync(path.join(JUPYTER_PATH, "kernels", "tslab", "kernel.json"), "utf8"));
    return spec.argv[0] === TSLAB_BINARY;
  } catch {
    return false;
  }
}

/**
 * Installs the kernelspecs unless they are already there for this checkout, with `py`: the Python of
 * the Jupyter that will run them (it needs jupyter_client). Throws with the fix on failure.
 */
function registerKernel(py = python()) {
  if (registered()) return JUPYTER_PATH;
  if (!fs.existsSync(TSLAB_BINARY)) throw new Error(`${TSLAB_BINARY} is missing: run \`npm install\` first.`);
  const result = spawnSync(
    process.execPath,
    [TSLAB_BINARY, "install", `--python=${py}`, `--binary=${TSLAB_BINARY}`, `--prefix=${PREFIX}`],
    { encoding: "utf8" },
  );
  if (result.status !== 0 || !registered()) {
    throw new Error(
      `Could not register the tslab kernel with ${py}:\n${result.stdout}${result.stderr}\n` +
        "Jupyter is needed: on Debian/Ubuntu `apt-get install jupyter-notebook python3-ipykernel`, or `pip install notebook`.",
    );
  }
  return JUPYTER_PATH;
}

module.exports = { registerKernel, jupyterEnv, python, JUPYTER_PATH, REPO };

if (require.main === module) {
  try {
    console.log(`tslab kernels registered in ${registerKernel()}`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
