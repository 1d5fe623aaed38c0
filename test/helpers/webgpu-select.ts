// Child process of test/webgpu.test.ts: one backend selection in a fresh process (the probe and
// the choice are cached per process). argv[2]: "auto", "hardware" (the adapter presented as a
// GPU), "missing" (the webgpu package made unresolvable). Prints backendInfo() as JSON.
import Module = require("node:module");
import { backendInfo, initBackend } from "../../src/backend.js";
import { simulateAdapterInfo } from "../../src/accel/webgpu.js";

const mode = process.argv[2];
if (mode === "hardware") simulateAdapterInfo({ vendor: "nvidia", architecture: "hopper", software: false });
if (mode === "missing") {
  const resolver = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolve = resolver._resolveFilename;
  resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === "webgpu") throw Object.assign(new Error("Cannot find module 'webgpu'"), { code: "MODULE_NOT_FOUND" });
    return resolve.call(this, request, ...rest);
  };
}
void initBackend().then(() => process.stdout.write(`${JSON.stringify(backendInfo())}\n`));
