// The webgpu backend over SwiftShader, the software Vulkan driver of Debian's chromium (the
// Vulkan loader reads its environment at process start: every case runs in a child process).
// Selection: a hardware adapter is picked first, a software one never automatically, a missing
// `webgpu` package leaves a one-line reason. Then the parity suites of distilbert.test.ts and the
// fixture's Trainer steps of trainer-fixture.test.ts on webgpu, the WGSL kernels
// (test/helpers/webgpu-kernels.ts), and the Trainer's memory, GPU memory on dispose and a lost
// device (test/helpers/webgpu-lifecycle.ts).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { SWIFTSHADER_ENV } from "../src/accel/webgpu.js";
import { REPO_ROOT } from "./helpers/paths.js";
import { webgpuInstalled, webgpuSkip as skip } from "./helpers/webgpu-env.js";

if (skip) console.log(`# webgpu tests ${skip}`);

function run(args: string[], env: Record<string, string | undefined> = {}): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", ...args], {
    cwd: REPO_ROOT,
    // NODE_TEST_CONTEXT unset: the children run their own test files.
    env: { ...process.env, ...SWIFTSHADER_ENV, TT_BACKEND: undefined, NODE_TEST_CONTEXT: undefined, ...env },
    encoding: "utf8",
    timeout: 600_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function select(mode: string): { name: string; description: string; hint: string } {
  const r = run([path.join("test", "helpers", "webgpu-select.ts"), mode]);
  assert.equal(r.status, 0, r.out);
  return JSON.parse(r.out.split("\n").find((l) => l.startsWith("{"))!);
}

test("selection: a software adapter is never picked automatically, and the line says why", { skip }, () => {
  const info = select("auto");
  assert.notEqual(info.name, "webgpu");
  assert.match(info.description, /; webgpu: software adapter \(google swiftshader, software\) not picked, slower than the CPU; TT_BACKEND=webgpu forces it/);
});

test("selection: a hardware adapter is picked first and named", { skip }, () => {
  const info = select("hardware");
  assert.equal(info.name, "webgpu");
  assert.equal(info.description, "webgpu (Dawn, nvidia hopper)");
});

test("selection: without the webgpu package, the next backend with a one-line reason", { skip: !webgpuInstalled && "SKIPPED: webgpu not installed" }, () => {
  const info = select("missing");
  assert.notEqual(info.name, "webgpu");
  assert.match(info.description, /; webgpu not installed$/);
  assert.doesNotMatch(info.description, /\n/);
});

test("the WGSL GELU and LayerNorm match tfjs's composition on cpu, forward and backward", { skip }, (t) => {
  const r = run([path.join("test", "helpers", "webgpu-kernels.ts")]);
  assert.equal(r.status, 0, r.out);
  const { report, kernels } = JSON.parse(r.out.split("\n").find((l) => l.startsWith("{"))!);
  t.diagnostic(JSON.stringify(report));
  assert.deepEqual(kernels, ["TTGelu", "TTGeluGrad", "TTLayerNorm", "TTLayerNormGrad"]);
  // float32 rounding of sums over at most 100 values: well under 1e-5 relative.
  for (const [what, errors] of Object.entries(report as Record<string, number[]>)) {
    errors.forEach((e, k) => assert.ok(e <= 1e-5, `${what} output ${k}: relative error ${e}`));
  }
});

test("the WGSL AdamW and global norm match torch's formulas in float64 and the tf-ops path on cpu, in place without changing snapshots", { skip }, (t) => {
  const r = run([path.join("test", "helpers", "webgpu-optimizer.ts")]);
  assert.equal(r.status, 0, r.out);
  const report = JSON.parse(r.out.split("\n").find((l) => l.startsWith("{"))!);
  t.diagnostic(JSON.stringify({ vsFloat64: report.vsFloat64, vsCpu: report.vsCpu, norm: report.norm, wide: report.wide }));
  // Errors as multiples of their float32 bounds (see the helper): 1 is the bound.
  for (const [what, errors] of Object.entries({ ...report.vsFloat64, ...report.cpuVsFloat64 })) {
    assert.ok((errors as { ratio: number }).ratio <= 1, `${what} against float64: ${JSON.stringify(errors)}`);
  }
  for (const [what, errors] of Object.entries(report.vsCpu)) assert.ok((errors as { ratio: number }).ratio <= 1, `${what} against cpu: ${JSON.stringify(errors)}`);
  assert.equal(report.kernelsInStep.webgpu, 0, "AdamW.step on webgpu runs the WGSL pass, no tfjs kernel");
  assert.ok(report.kernelsInStep.cpu > 0);
  assert.deepEqual(report.memory, report.memory.map(() => report.memory[0]), "tf.memory() after each step");
  assert.deepEqual(report.snapshots, {
    awaitedReadKept: true,
    cloneKept: true,
    readInFlightGotOldValues: true,
    readAfterStepIsNew: true,
    dataSyncAfterStepIsNew: true,
    momentsAsTwin: true,
  });
  assert.ok(report.norm.ratio <= 1, `global norm ${report.norm.got} vs ${report.norm.expected}`);
  assert.equal(report.norm.tensorsAfter, report.norm.tensorsBefore, "the norm leaves no tensor behind");
  assert.equal(report.norm.kernels, 0, "globalGradNorm on webgpu runs the WGSL passes, no tfjs kernel");
  assert.equal(report.declinesOnCpu, true, "on cpu the WGSL kernels step aside");
  // Over 65535 workgroups (a second dispatch dimension): every value updated, once.
  assert.ok(report.wide.tailEqualsHead && report.wide.momentsEqual, JSON.stringify(report.wide));
  assert.ok(report.wide.headRatio <= 1 && report.wide.normRatio <= 1, JSON.stringify(report.wide));
});

test("TT_BACKEND=webgpu runs on the software adapter; DistilBERT forward and gradients match the PyTorch reference", { skip }, (t) => {
  const r = run(["--test", path.join("test", "distilbert.test.ts")], { TT_TEST_BACKENDS: "webgpu" });
  for (const line of r.out.split("\n")) if (/webgpu: |^# tfjs backend: webgpu/.test(line)) t.diagnostic(line.replace(/^\s*# /, ""));
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /tfjs backend: webgpu \(Dawn, google swiftshader, software\)/);
  assert.match(r.out, /# pass 11\n# fail 0/);
});

test("the fixture's Trainer steps on webgpu match the reference", { skip }, (t) => {
  const r = run(["--test", "--test-name-pattern", "fixture's 3 training steps", path.join("test", "trainer-fixture.test.ts")], { TT_BACKEND: "webgpu" });
  for (const line of r.out.split("\n")) if (/fixture training errors/.test(line)) t.diagnostic(line.replace(/^\s*# /, ""));
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /# pass 1\n/);
});

test("Trainer on webgpu: tensors stable step to step, GPU memory back on dispose, a lost device stops training and leaves the last checkpoint", { skip }, (t) => {
  const r = run([path.join("test", "helpers", "webgpu-lifecycle.ts")], { TT_BACKEND: "webgpu" });
  assert.equal(r.status, 0, r.out);
  const report = JSON.parse(r.out.split("\n").find((l) => l.startsWith("{"))!);
  t.diagnostic(JSON.stringify(report));
  assert.equal(report.backend, "webgpu");
  assert.deepEqual(report.tensorsAfterStep, [report.tensorsAfterStep[0], report.tensorsAfterStep[0], report.tensorsAfterStep[0]], "tf.memory().numTensors after each step");
  // Step 1 may differ (first-use allocations; 512 bytes here); from then on a step gives back all it takes.
  assert.equal(report.gpuBytesAfterStep[2], report.gpuBytesAfterStep[1], "GPU bytes in use after steps 2 and 3");
  assert.equal(report.error?.name, "WebGpuError");
  assert.match(report.error.message, /the WebGPU device \(google swiftshader, software\) was lost .*resume from the last checkpoint/);
  assert.deepEqual(report.checkpoints.filter((c: string) => c.startsWith("checkpoint-")), ["checkpoint-2"], "step 2's checkpoint, and no partial one for step 4");
  assert.equal(report.reloadedParams, report.params);
  assert.ok(report.withModel > report.beforeModel, "the model's weights are on the GPU");
  assert.equal(report.afterDispose, report.beforeModel, "dispose gives the GPU memory back");
});
