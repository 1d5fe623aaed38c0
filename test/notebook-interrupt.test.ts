// A learner's session in a tslab kernel, driven as JupyterLab drives it: ■ (the kernel's interrupt)
// during training, then the mistakes learners make most, with the message each one gets in the
// Spanish notebook's setup.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { serveHub, type HubServer } from "../src/index.js";
import { runKernelSession } from "./helpers/kernel-session.js";
import { buildTinyHub } from "./helpers/notebook-hub.js";
import { text, type Notebook } from "./helpers/notebook-run.js";
import { REPO_ROOT } from "./helpers/paths.js";

/** The kernel's folder: inside the checkout, so that "tweet-transformers" resolves as in the notebooks. */
function workDir(name: string): string {
  const dir = path.join(REPO_ROOT, "test-output", "kernel", name);
  fs.rmSync(dir, { recursive: true, force: true });
  return dir;
}

const SETUP = `
import { initBackend, setLanguage, loadDataset, AutoTokenizer, AutoModelForSequenceClassification, TrainingArguments, Trainer, range } from "tweet-transformers";
import { createHash } from "crypto";
setLanguage("es");
await initBackend();
const dataset = await loadDataset("tweet_eval", "emotion");
const tokenizer = await AutoTokenizer.fromPretrained("distilbert-base-uncased");
const tokenizado = dataset.map((lote) => tokenizer(lote.text, { maxLength: 32, padding: "max_length", truncation: true }), { batched: true });
// Each step computes 100 ms more, as a full-size model's step would, so that ■ lands mid-training.
const pasoLento = { onStepEnd: () => { const fin = Date.now() + 100; while (Date.now() < fin); } };
function argumentos(outputDir: string) {
  return new TrainingArguments({ outputDir: outputDir, numTrainEpochs: 3, perDeviceTrainBatchSize: 16, evalStrategy: "epoch", saveStrategy: "epoch", loggingStrategy: "epoch" });
}
function huella(m: { namedParameters(): Array<[string, { dataSync(): unknown }]> }) {
  const h = createHash("sha256");
  for (const [, v] of m.namedParameters()) h.update(Buffer.from((v.dataSync() as Float32Array).buffer));
  return h.digest("hex");
}
`;

const TRAIN = (name: string, outputDir: string) => `
// The same new classification head in both runs (the default stream moves on with each training).
const ${name} = await AutoModelForSequenceClassification.fromPretrained("distilbert-base-uncased", { numLabels: 4, seed: 7 });
const trainer${name} = new Trainer({
  model: ${name},
  args: argumentos("${outputDir}"),
  trainDataset: tokenizado.get("train").select(range(320)),
  evalDataset: tokenizado.get("validation").select(range(64)),
  callbacks: [pasoLento],
});
await trainer${name}.train();
`;

describe("a learner's kernel", { concurrency: 1 }, () => {
  let tmp: string;
  let hub: HubServer;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tt-kernel-"));
    hub = await serveHub(await buildTinyHub(path.join(tmp, "hub")));
    env = { HF_ENDPOINT: hub.url, HF_HOME: path.join(tmp, "hf-home"), HF_HUB_OFFLINE: "" };
  });

  after(async () => {
    await hub?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("■ during train() stops it at a step: the kernel idles, no checkpoint follows, trainer and model stay, and resuming ends on the uninterrupted weights", async () => {
    const [setup, cut, usable, resumed, reference, prints] = await runKernelSession(
      [
        { code: SETUP },
        // 20 steps an epoch, 60 in all: ■ once the first epoch's checkpoint is on disk.
        { code: TRAIN("model", "test_trainer"), interruptWhen: "test_trainer/checkpoint-20/trainer_state.json", watchS: 3 },
        { code: "[trainermodel.state.globalStep, model.training, trainermodel]" },
        { code: "(await trainermodel.train({ resumeFromCheckpoint: true })).globalStep" },
        { code: TRAIN("referencia", "ref_trainer") },
        { code: "console.log(JSON.stringify({ interrumpido: huella(model), seguido: huella(referencia), pasos: trainerreferencia.state.globalStep }))" },
      ],
      workDir("interrupt"),
      env,
    );
    assert.equal(setup.status, "ok", setup.stderr);
    assert.equal(cut.interrupted, true, `the interrupt was sent: ${cut.stdout}${cut.stderr}`);
    assert.equal(cut.status, "ok", `the cell ends without error, so its declarations stay: ${cut.stderr}`);
    const stop = /Entrenamiento interrumpido en el paso (\d+) de 60 \(época [\d,]+\); el modelo conserva los pesos del paso \1\. Para seguir desde el último checkpoint \(test_trainer\/checkpoint-(\d+)\): await trainer\.train\(\{ resumeFromCheckpoint: true \}\)/;
    const [, step] = cut.stdout.match(stop) ?? assert.fail(`the one-line stop message: ${cut.stdout}`);
    assert.ok(Number(step) > 20 && Number(step) < 60, `stopped mid-run (step ${step})`);
    assert.doesNotMatch(cut.stderr, /Interrupted asynchronously|\n\s+at /, "no tslab error, no stack");
    assert.match(cut.display, new RegExp(`\\[${step}/60 [^\\]]*\\]</div><div>Entrenamiento interrumpido en el paso ${step} `), "the bar ends with the stop line, not frozen");
    console.log(`kernel CPU over 3 s after the interrupt: ${cut.cpuSeconds!.toFixed(2)} s; stopped at step ${step}`);
    assert.ok(cut.cpuSeconds! < 0.5, `the kernel idles after the interrupt (${cut.cpuSeconds} CPU s in 3 s)`);
    assert.deepEqual(cut.filesAfter, cut.filesBefore, "no checkpoint (no file at all) is written after the interrupt");
    assert.ok(!cut.filesAfter!.some((f) => f.startsWith(`test_trainer/checkpoint-${Number(step) + 1}`)));

    assert.equal(usable.status, "ok", usable.stderr);
    assert.match(usable.stdout, new RegExp(`\\[\\s*${step},\\s*false,\\s*Trainer\\(model: DistilBertForSequenceClassification, outputDir: "test_trainer".*globalStep: ${step}\\)`, "s"));
    assert.equal(resumed.status, "ok", resumed.stderr);
    assert.match(resumed.stdout, /^60$/m);
    assert.equal(reference.status, "ok", reference.stderr);
    const weights = JSON.parse(prints.stdout) as { interrumpido: string; seguido: string; pasos: number };
    assert.equal(weights.pasos, 60);
    assert.equal(weights.interrumpido, weights.seguido, "interrupted + resumed = uninterrupted, bit for bit");
  });

  test("the mistakes learners make get one short message each, in Spanish", async () => {
    const nb = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "notebooks/es/01-clasificando-tweets.ipynb"), "utf8")) as Notebook;
    const cells = nb.cells.filter((c) => c.cell_type === "code").map((c) => text(c.source));
    const first = cells[0];
    // Exercise 2's cells (its declarations and its check) with exercise 1 skipped altogether.
    const exercise2 = cells.filter((c) => /climaTokenizado: DatasetDict|comprobar\.stanceClimate/.test(c));
    assert.equal(exercise2.length, 2);
    const results = await runKernelSession(
      [
        { code: first },
        { code: SETUP },
        { code: `const m = await AutoModelForSequenceClassification.fromPretrained("distilbert-base-uncased", { numLabels: 4 });
const t = new Trainer({ model: m, args: argumentos("t"), trainDataset: tokenizado.get("train").select(range(64)), evalDataset: tokenizado.get("validation").select(range(32)) });
let enMarcha: Promise<unknown> | undefined;` },
        // train() without await, then the evaluation: the evaluation is refused instead of joining the epoch table.
        { code: `enMarcha = t.train();\nawait t.evaluate()` },
        { code: `await enMarcha; t.state.globalStep` },
        // train() again while one runs (a training cell run twice, the first without await).
        { code: `enMarcha = t.train();\nawait t.train()` },
        { code: `await enMarcha; t.state.globalStep` },
        // An unknown option: written in the call, TypeScript itself refuses it; passed in a variable, the library does.
        { code: `new TrainingArguments({ outputDir: "x", numTrainEpoch: 3 })` },
        { code: `const opciones = { outputDir: "x", numTrainEpoch: 3 };\nnew TrainingArguments(opciones)` },
        { code: `const m3 = await AutoModelForSequenceClassification.fromPretrained("distilbert-base-uncased", { numLabels: 3 });
await new Trainer({ model: m3, args: argumentos("t3"), trainDataset: tokenizado.get("train").select(range(64)), evalDataset: tokenizado.get("validation") }).train()` },
        ...exercise2.map((code) => ({ code })),
      ],
      workDir("mistakes"),
      env,
    );
    const [setupCell, , , missingAwait, waited, concurrent, waitedAgain, unknownLiteral, unknownOption, numLabels, decl, check] = results;
    assert.equal(setupCell.status, "ok", setupCell.stderr);
    const short = (r: (typeof results)[number], pattern: RegExp) => {
      assert.equal(r.status, "error");
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `one short message, no stack:\n${r.stderr}`);
      assert.match(r.stderr, /showStack\(\) muestra la pila de JavaScript/);
    };
    short(missingAwait, /^Error: evaluate\(\) no puede empezar: train\(\) sigue ejecutándose con este modelo \(se lanzó sin `await`, o sigue en otra celda\)\. Espera a que termine \(`await trainer\.train\(\)`\), o páralo antes con ■/);
    short(concurrent, /^Error: train\(\) no puede empezar: train\(\) sigue ejecutándose/);
    for (const w of [waited, waitedAgain]) {
      assert.equal(w.status, "ok", w.stderr);
      assert.match(w.stdout, /^12$/m, "the first train() ran to its end, alone");
    }
    assert.equal(unknownLiteral.status, "error");
    assert.match(unknownLiteral.stderr, /'numTrainEpoch' does not exist in type 'TrainingArgumentsInit'\. Did you mean to write 'numTrainEpochs'\?/);
    short(unknownOption, /^Error: .*numTrainEpoch/m);
    short(numLabels, /^Error: trainDataset: la etiqueta \(columna "label"\) de la fila \d+ es 3, fuera de las clases del modelo 0\.\.2 \(num_labels=3\)\. Carga el modelo con numLabels igual al número de clases/m);
    assert.equal(decl.status, "ok", decl.stderr);
    assert.equal(check.status, "ok", `exercise 2's check runs with exercise 1 skipped: ${check.stderr}`);
    assert.match(check.display, /`climaTokenizado` todavía no tiene valor/);
  });
});
