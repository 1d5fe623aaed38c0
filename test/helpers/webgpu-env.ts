// Whether the webgpu backend can run here over SwiftShader, the software Vulkan driver of Debian's
// chromium, and the environment a child process needs for it (the Vulkan loader reads it at start).
import * as fs from "node:fs";
import { SWIFTSHADER_ENV } from "../../src/accel/webgpu.js";

export const webgpuInstalled = (() => {
  try {
    require.resolve("webgpu");
    return true;
  } catch {
    return false;
  }
})();

/** A skip message when the webgpu tests cannot run here, else false. */
export const webgpuSkip: string | false = !webgpuInstalled
  ? "SKIPPED: the optional package `webgpu` is not installed (npm ci installs it)"
  : !fs.existsSync(SWIFTSHADER_ENV.VK_ICD_FILENAMES)
    ? `SKIPPED: no SwiftShader at ${SWIFTSHADER_ENV.VK_ICD_FILENAMES}: apt-get install chromium (.ci/run does)`
    : false;

/** A child's environment for TT_BACKEND=webgpu over SwiftShader. */
export const WEBGPU_ENV = { ...SWIFTSHADER_ENV, TT_BACKEND: "webgpu" };
