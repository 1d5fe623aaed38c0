// Drives one tslab kernel cell by cell through jupyter_client, as JupyterLab does: a cell can be
// interrupted the way ■ does it (`KernelManager.interrupt_kernel()`, SIGINT for tslab's kernelspec)
// once a file appears in the kernel's folder, and the kernel's CPU time and folder are then watched.
import { spawn } from "node:child_process";
import * as fs from "node:fs";

const { registerKernel, jupyterEnv, python } = require("../../scripts/register-kernel.js") as {
  registerKernel(): string;
  jupyterEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  python(): string;
};

export interface SessionStep {
  code: string;
  /** Interrupt the cell once this path (relative to the kernel's folder) exists. */
  interruptWhen?: string;
  /** After the cell ends: seconds to watch the kernel's CPU time and its folder. */
  watchS?: number;
}

export interface StepResult {
  /** execute_reply's status: "ok", "error" or "abort". */
  status: string;
  stdout: string;
  stderr: string;
  /** text/plain and text/html of display and execute results. */
  display: string;
  /** With `interruptWhen`: whether the interrupt was sent (the file appeared before the cell ended). */
  interrupted?: boolean;
  /** With `watchS`: the kernel's CPU seconds over the watch, and its folder's files at its start and end. */
  cpuSeconds?: number;
  filesBefore?: string[];
  filesAfter?: string[];
}

const DRIVER = `
import json, os, sys, time
from jupyter_client.manager import KernelManager
steps, cwd, dst = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]

def files():
    return sorted(os.path.relpath(os.path.join(d, f), cwd) for d, _, fs in os.walk(cwd) for f in fs)

def cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

km = KernelManager(kernel_name="tslab")
km.start_kernel(cwd=cwd)
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=120)
pid = km.provisioner.process.pid
results = []
try:
    for step in steps:
        msg_id = kc.execute(step["code"])
        out = {"status": None, "stdout": "", "stderr": "", "display": ""}
        when = step.get("interruptWhen")
        if when:
            out["interrupted"] = False
        idle = False
        while not idle:
            if when and not out["interrupted"] and os.path.exists(os.path.join(cwd, when)):
                km.interrupt_kernel()
                out["interrupted"] = True
            try:
                msg = kc.get_iopub_msg(timeout=0.05)
            except Exception:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            t, c = msg["msg_type"], msg["content"]
            if t == "stream":
                out[c["name"]] += c["text"]
            elif t in ("display_data", "update_display_data", "execute_result"):
                out["display"] += c["data"].get("text/plain", "") + c["data"].get("text/html", "") + "\\n"
            elif t == "status" and c["execution_state"] == "idle":
                idle = True
        while out["status"] is None:
            reply = kc.get_shell_msg(timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                out["status"] = reply["content"]["status"]
        if out["status"] == "error":
            time.sleep(0.5)  # tslab aborts what arrives within 200 ms of a failed cell (Run All stops there)
        if step.get("watchS"):
            out["filesBefore"], c0 = files(), cpu(pid)
            time.sleep(step["watchS"])
            out["cpuSeconds"], out["filesAfter"] = cpu(pid) - c0, files()
        results.append(out)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
with open(dst, "w") as f:
    json.dump(results, f)
`;

/** Runs `steps` in a fresh tslab kernel working in `workDir`; `env` is added to its environment. */
export async function runKernelSession(steps: SessionStep[], workDir: string, env: NodeJS.ProcessEnv): Promise<StepResult[]> {
  registerKernel();
  fs.mkdirSync(workDir, { recursive: true });
  const stepsFile = `${workDir}.steps.json`;
  const resultsFile = `${workDir}.results.json`;
  fs.writeFileSync(stepsFile, JSON.stringify(steps));
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(python(), ["-c", DRIVER, stepsFile, workDir, resultsFile], { env: jupyterEnv({ ...process.env, ...env }), stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (c) => resolve({ code: c, stderr: err }));
  });
  if (code !== 0) throw new Error(`The kernel session failed (exit ${code}):\n${stderr.slice(-4000)}`);
  return JSON.parse(fs.readFileSync(resultsFile, "utf8")) as StepResult[];
}
