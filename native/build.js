#!/usr/bin/env node
// Optional build of the native CPU accelerator (native/tt_native.c -> native/build/tt_native.node).
// Needs a C compiler and Debian's OpenBLAS headers: apt-get install gcc libopenblas-dev
// It never fails the install: when something is missing it says what and exits 0, and the kit
// keeps running on the wasm backend.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const here = __dirname;
const out = path.join(here, "build", "tt_native.node");
const strict = process.argv.includes("--strict");

function give_up(why) {
  console.log(`tt_native: not built (${why}); the kit runs without it (wasm backend).`);
  process.exit(strict ? 1 : 0);
}

if (process.platform !== "linux") give_up(`${process.platform} is not supported, Linux only`);
const nodeInclude = [
  process.env.NODE_INCLUDE_DIR,
  path.resolve(path.dirname(process.execPath), "..", "include", "node"),
  "/usr/include/node",
].find((d) => d && fs.existsSync(path.join(d, "node_api.h")));
if (!nodeInclude) give_up("node_api.h not found; set NODE_INCLUDE_DIR");
const cblasDirs = ["/usr/include/x86_64-linux-gnu", "/usr/include/aarch64-linux-gnu", "/usr/include",
  "/usr/include/openblas"];
const cblasDir = cblasDirs.find((d) => fs.existsSync(path.join(d, "cblas.h")));
if (!cblasDir) give_up("cblas.h not found: apt-get install libopenblas-dev");
const cc = process.env.CC || "cc";

fs.mkdirSync(path.dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
const args = ["-O3", "-march=native", "-fno-math-errno", "-fPIC", "-shared", "-std=c11", "-D_GNU_SOURCE",
  "-DNODE_GYP_MODULE_NAME=tt_native", `-I${nodeInclude}`, `-I${cblasDir}`,
  path.join(here, "tt_native.c"), "-o", tmp, "-lopenblas", "-lm"];
const r = spawnSync(cc, args, { stdio: "inherit" });
if (r.error) give_up(`${cc}: ${r.error.message}; apt-get install gcc`);
if (r.status !== 0) {
  fs.rmSync(tmp, { force: true });
  give_up(`${cc} exited with ${r.status}; apt-get install gcc libopenblas-dev`);
}
fs.renameSync(tmp, out);
console.log(`tt_native: built ${path.relative(process.cwd(), out)}`);
