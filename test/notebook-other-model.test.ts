// Exercise 4's solution with another model from the hub, as the solution notebooks write it, run with
// the tslab kernel against a local hub where that model id holds a tiny RoBERTa (another family and
// tokenizer than the exercise's DistilBERT): it tokenizes with its own tokenizer, trains,
// evaluates, and the checker accepts it. The cells before it are replaced by a short setup cell
// that trains the baseline DistilBERT on stance_climate (the full notebooks run in notebooks.test.ts).
// Executed notebooks are saved under test-output/notebooks/exercise-4/.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { OTHER_MODEL_ID, useTinyHub } from "./helpers/notebook-hub.js";
import { cellText, runNotebook, text, type Cell, type Notebook } from "./helpers/notebook-run.js";
import { REPO_ROOT } from "./helpers/paths.js";

const SOLUTIONS = [
  { file: "notebooks/es/01-clasificando-tweets.solucion.ipynb", lang: "es" },
  { file: "notebooks/en/01-classifying-tweets.solution.ipynb", lang: "en" },
] as const;

/** The names the notebooks give the variables exercise 4 reads, per language. */
const NAMES = {
  es: { settings: "AJUSTES", epochs: "epocas", tokenized: "climaTokenizado", trainer: "trainerClima", checker: "comprobar", checkCall: "comprobar.mejora(" },
  en: { settings: "SETTINGS", epochs: "epochs", tokenized: "climateTokenized", trainer: "climateTrainer", checker: "check", checkCall: "check.improvement(" },
};

/** What exercise 4 finds from the earlier cells: imports, settings, computeMetrics and a DistilBERT trained one epoch on stance_climate. */
function setupCell(lang: "es" | "en"): Cell {
  const n = NAMES[lang];
  return {
    cell_type: "code",
    metadata: {},
    outputs: [],
    source: `import { initBackend, loadDataset, AutoTokenizer, AutoModelForSequenceClassification, TrainingArguments, Trainer, loadMetric, argmax, ${n.checker}, type EvalPrediction, type DatasetDict } from "tweet-transformers";
await initBackend();
const ${n.settings} = { ${n.epochs}: 1, maxLength: 48 };
const metric = loadMetric("accuracy");
function computeMetrics({ predictions, label_ids }: EvalPrediction) {
  return metric.compute({ predictions: argmax(predictions), references: label_ids ?? [] });
}
const tokenizer = await AutoTokenizer.fromPretrained("distilbert-base-uncased");
const ${n.tokenized} = (await loadDataset("tweet_eval", "stance_climate")).map(
  (b) => tokenizer(b.text, { maxLength: 48, padding: "max_length", truncation: true }), { batched: true });
const ${n.trainer} = new Trainer({
  model: await AutoModelForSequenceClassification.fromPretrained("distilbert-base-uncased", { numLabels: 3 }),
  args: new TrainingArguments({ outputDir: "stance_trainer", numTrainEpochs: 1, saveStrategy: "no" }),
  trainDataset: ${n.tokenized}.get("train"),
});
await ${n.trainer}.train();`,
  };
}

describe("exercise 4's solution: another model from the hub", { concurrency: 2 }, () => {
  const hub = useTinyHub("tt-other-model-");

  for (const spec of SOLUTIONS) {
    test(spec.file, async () => {
      const solution = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, spec.file), "utf8")) as Notebook;
      const checkIndex = solution.cells.findIndex((c) => text(c.source).includes(NAMES[spec.lang].checkCall));
      assert.ok(checkIndex >= 2, `exercise 4's check cell (${NAMES[spec.lang].checkCall}) in ${spec.file}`);
      // Its declarations, the solution and the check.
      const [declarations, solved, checkCell] = solution.cells.slice(checkIndex - 2, checkIndex + 1);
      assert.deepEqual(solved.metadata?.tags, ["exercise"], "the cell before the check is the exercise's");
      assert.ok(text(solved.source).includes(`"${OTHER_MODEL_ID}"`), `the solution loads ${OTHER_MODEL_ID}, which the test hub holds`);

      const notebook = { ...solution, cells: [setupCell(spec.lang), declarations, solved, checkCell] };
      // Under the checkout, where the kernel resolves "tweet-transformers" (test-output/ is not versioned).
      const dir = path.join(REPO_ROOT, "test-output", "notebooks", "exercise-4", spec.lang);
      fs.mkdirSync(dir, { recursive: true });
      const input = path.join(dir, "exercise-4.ipynb");
      fs.writeFileSync(input, JSON.stringify(notebook));
      const { notebook: ran, failure } = await runNotebook(input, path.join(dir, "out", "exercise-4.ipynb"), { env: hub.env });
      if (failure) assert.fail(`cell ${failure.index} failed:\n${failure.source}\n--- stderr ---\n${failure.stderr || "(nothing on stderr)"}`);

      // The hub's model is a RoBERTa: a new classification head on its body, trained two epochs and evaluated on validation.
      const training = cellText(ran.cells[2]);
      assert.match(training, /newly initialized: \['classifier\.dense\.bias'/, "RobertaForSequenceClassification gets a new head");
      const table = text((ran.cells[2].outputs ?? []).map((o) => text(o.data?.["text/html"] as string | string[] | undefined)).find((h) => h.includes("tt-epoch-table")));
      assert.match(table, /Training Loss.*Validation Loss.*Accuracy/s);
      assert.equal((table.match(/<tr><td>/g) ?? []).length, 2, "one row per epoch (settings' epochs + 1)");

      const verdict = cellText(ran.cells[3]);
      assert.doesNotMatch(verdict, /✘/, verdict);
      assert.match(verdict, spec.lang === "es" ? /Cambios respecto al primer Trainer: .*distilbert → roberta/ : /Changes from the first Trainer: .*distilbert → roberta/);
      assert.match(verdict, spec.lang === "es" ? /Exactitud en test: [\d,]+ % frente a [\d,]+ %/ : /Test accuracy: [\d.]+ % against [\d.]+ %/);
    });
  }
});
