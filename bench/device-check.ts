// `npm run bench -- --device`: which WebGPU adapter runs, and whether it computes right: the tiny
// DistilBERT fixture's logits and loss against its PyTorch reference on the webgpu backend.
// Prints one JSON line on stdout.
import * as fs from "node:fs";
import * as path from "node:path";
import { backendInfo, initBackend } from "../src/backend.js";
import { probeWebGpu } from "../src/accel/webgpu.js";
import { AutoModelForSequenceClassification } from "../src/models/index.js";
import { argValue } from "./args.js";

async function main(): Promise<void> {
  const probe = await probeWebGpu();
  if (!probe.ok) {
    process.stdout.write(`${JSON.stringify({ error: probe.why })}\n`);
    return;
  }
  await initBackend("webgpu");
  const dir = argValue("--fixture", "");
  const ref = JSON.parse(fs.readFileSync(path.join(dir, "reference.json"), "utf8")) as {
    inputs: { input_ids: number[][]; attention_mask: number[][]; labels: number[] };
    forward: { logits: number[][]; loss: number };
  };
  const model = await AutoModelForSequenceClassification.fromPretrained(dir);
  const out = model.forward(ref.inputs);
  const logits = await out.logits.data();
  const loss = (await out.loss!.data())[0];
  const expected = ref.forward.logits.flat();
  const logitsErr = Math.max(...expected.map((e, i) => Math.abs(logits[i] - e)));
  process.stdout.write(`${JSON.stringify({ adapter: probe.info, description: backendInfo().description, logits_max_abs_err: logitsErr, loss_abs_err: Math.abs(loss - ref.forward.loss) })}\n`);
}

main().catch((e) => {
  process.stdout.write(`${JSON.stringify({ error: String((e as Error).message ?? e) })}\n`);
  process.exitCode = 1;
});
