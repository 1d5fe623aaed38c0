// Child process of test/webgpu.test.ts (TT_BACKEND=webgpu over SwiftShader): the Trainer's
// memory step to step, GPU memory given back on dispose, and a device lost mid-training ending
// the run with a WebGpuError while the last checkpoint stays loadable. Prints a JSON report.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend.js";
import { webGpuDevice } from "../../src/accel/webgpu.js";
import { Dataset } from "../../src/datasets/index.js";
import { AutoModelForSequenceClassification } from "../../src/models/index.js";
import { Trainer, TrainingArguments, setDefaultProgressCallback } from "../../src/trainer/index.js";
import { TINY_MODEL_DIR } from "./paths.js";

setDefaultProgressCallback(null);

async function main(): Promise<void> {
  const backend = await initBackend();
  const ref = JSON.parse(fs.readFileSync(path.join(TINY_MODEL_DIR, "reference.json"), "utf8")) as { inputs: { input_ids: number[][]; attention_mask: number[][]; labels: number[] } };
  const train = Dataset.fromDict({ input_ids: ref.inputs.input_ids, attention_mask: ref.inputs.attention_mask, label: ref.inputs.labels });
  const gpuBytes = () => (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU ?? NaN;

  // GPU memory goes back on dispose.
  const beforeModel = gpuBytes();
  const first = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR, { seed: 0 });
  const out = first.forward({ input_ids: ref.inputs.input_ids, attention_mask: ref.inputs.attention_mask });
  await out.logits.data();
  out.logits.dispose();
  const withModel = gpuBytes();
  first.dispose();
  const afterDispose = gpuBytes();

  const model = await AutoModelForSequenceClassification.fromPretrained(TINY_MODEL_DIR, { seed: 0 });
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "tt-webgpu-"));
  const tensorsAfterStep: number[] = [];
  const gpuBytesAfterStep: number[] = [];
  let error: { name: string; message: string } | undefined;
  const args = new TrainingArguments({ outputDir, numTrainEpochs: 5, perDeviceTrainBatchSize: 5, saveStrategy: "steps", saveSteps: 2, loggingSteps: 1 });
  const trainer = new Trainer({
    model,
    args,
    trainDataset: train,
    callbacks: [
      {
        onStepEnd: async (_a, state) => {
          tensorsAfterStep.push(tf.memory().numTensors);
          gpuBytesAfterStep.push(gpuBytes());
          if (state.globalStep === 3) {
            const device = webGpuDevice()!;
            device.destroy();
            await device.lost;
          }
        },
      },
    ],
  });
  try {
    await trainer.train();
  } catch (err) {
    error = { name: (err as Error).name, message: (err as Error).message };
  }
  const checkpoints = fs.readdirSync(outputDir).sort();
  // The checkpoint left behind loads, on another backend.
  await initBackend("cpu");
  const reloaded = await AutoModelForSequenceClassification.fromPretrained(path.join(outputDir, "checkpoint-2"));
  const reloadedParams = reloaded.numParameters();
  reloaded.dispose();
  fs.rmSync(outputDir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ backend, tensorsAfterStep, gpuBytesAfterStep, error, checkpoints, reloadedParams, params: model.numParameters(), beforeModel, withModel, afterDispose })}\n`);
}
void main();
