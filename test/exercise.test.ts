// The checkers never throw: whatever the cells left in the variables, they say what to fix.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AutoModelForSequenceClassification,
  ClassLabel,
  Dataset,
  DatasetDict,
  Trainer,
  TrainingArguments,
  initBackend,
} from "../src/index.js";
import { verdicts } from "../src/exercise/index.js";
import * as path from "node:path";
import { FIXTURES_DIR, TINY_MODEL_DIR } from "./helpers/paths.js";

const EMOTIONS = ["anger", "joy", "optimism", "sadness"];

/** A tokenized stance_climate-like DatasetDict (3 classes), small enough to train in a second; `ids` as one tokenizer would make them. */
function stanceData(names = ["none", "against", "favor"], ids = (i: number) => [101, 2000 + i, 102]): DatasetDict {
  const split = (n: number) =>
    Dataset.fromDict({
      text: Array.from({ length: n }, (_, i) => `tweet ${i}`),
      label: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 2) % names.length),
      input_ids: Array.from({ length: n }, (_, i) => ids(i)),
      attention_mask: Array.from({ length: n }, () => [1, 1, 1]),
    }).castColumn("label", new ClassLabel({ names }));
  return new DatasetDict({ train: split(16), validation: split(8), test: split(10) });
}

async function stanceTrainer(data: DatasetDict, numLabels: number, train: boolean, args: Partial<ConstructorParameters<typeof TrainingArguments>[0]> = {}, modelDir = path.join(TINY_MODEL_DIR, "base")) {
  await initBackend();
  const model = await AutoModelForSequenceClassification.fromPretrained(modelDir, { numLabels });
  const trainer = new Trainer({
    model,
    args: new TrainingArguments({ outputDir: "unused", numTrainEpochs: 1, perDeviceTrainBatchSize: 8, saveStrategy: "no", disableTqdm: true, ...args }),
    trainDataset: data.get("train"),
  });
  if (train) await trainer.train();
  return trainer;
}

/** Runs `fn` with console.log muted (checkers print their verdicts). */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
  }
}

describe("empty prompts", () => {
  test("every checker fails, naming the variable to fill in, in the notebook's language", async () => {
    const es = await quietly(() => Promise.all([
      verdicts.es.ownTexts(undefined, undefined, EMOTIONS),
      verdicts.es.stanceClimate(undefined, undefined),
      verdicts.es.climateTexts(undefined, undefined),
      verdicts.es.improvement(undefined, undefined, undefined),
    ]));
    for (const v of es) assert.equal(v.ok, false);
    assert.match(es[0].messages[0], /^✘ `misTextos` todavía no tiene valor/);
    assert.match(es[1].messages.join("\n"), /^✘ `climaTokenizado` todavía no tiene valor: carga `loadDataset\("tweet_eval", "stance_climate"\)`.*\n✘ `trainerClima` todavía no tiene valor/);
    assert.match(es[3].messages[0], /`trainerMejorado` todavía no tiene valor/);
    const en = await quietly(() => verdicts.en.stanceClimate(undefined, undefined));
    assert.match(en.messages[1], /^✘ `climateTrainer` has no value yet: create a `Trainer`/);
  });
});

describe("wrong answers", () => {
  test("texts: not strings, too few, the example's own, predictions that are not classes", async () => {
    const v = await quietly(() => Promise.all([
      verdicts.en.ownTexts([1, 2], ["joy"], EMOTIONS),
      verdicts.en.climateTexts(["only one"], ["favor"]),
      verdicts.en.ownTexts(["I love this workshop, it is amazing!"], ["happy"], EMOTIONS),
      verdicts.en.ownTexts(["a", "b"], ["joy"], EMOTIONS),
    ]));
    assert.match(v[0].messages.join(), /must be a list \(array\) of non-empty texts/);
    assert.match(v[1].messages.join(), /needs at least 2 texts/);
    assert.match(v[2].messages.join(), /the example's texts.*"happy" is not a class/s);
    assert.match(v[3].messages.join(), /2 texts but 1 predictions/);
    assert.ok(v.every((x) => !x.ok));
  });

  test("stance_climate: not a Trainer, the emotion data, 4 labels, not trained", async () => {
    const v1 = await quietly(() => verdicts.en.stanceClimate({ model: {} }, { get: () => undefined }));
    assert.match(v1.messages.join("\n"), /has no "train" split[\s\S]*is not a `Trainer`/);
    const data = stanceData();
    const untrained = await stanceTrainer(data, 4, false);
    const v2 = await quietly(() => verdicts.en.stanceClimate(untrained, stanceData(EMOTIONS.slice(0, 3).concat())));
    assert.match(v2.messages.join("\n"), /has the classes "anger", "joy", "optimism"[\s\S]*has 4 output classes[\s\S]*has not been trained \(global step 0\): run `await climateTrainer.train\(\)`/);
  });
});

describe("right answers", () => {
  test("a trained 3-class trainer passes, with its test accuracy against the majority class", async () => {
    const data = stanceData();
    const trainer = await stanceTrainer(data, 3, true);
    const v = await quietly(() => verdicts.es.stanceClimate(trainer, data));
    assert.equal(v.ok, true, v.messages.join("\n"));
    assert.match(v.messages.join("\n"), /El modelo tiene 3 clases de salida[\s\S]*Entrenado: 2 pasos[\s\S]*Exactitud en test: \d+,\d % \(predecir siempre la clase más frecuente da 80,0 %\)/);
    const better = await stanceTrainer(data, 3, true, { learningRate: 1e-3 });
    const m = await quietly(() => verdicts.en.improvement(better, trainer, data));
    assert.equal(m.ok, true);
    assert.match(m.messages[0], /learningRate: 0\.00005 → 0\.001/);
    const texts = await quietly(() => verdicts.en.climateTexts(["Act now on climate", "It is all a hoax"], ["favor", "against"]));
    assert.equal(texts.ok, true);
    assert.match(texts.messages.at(-1)!, /→ favor; "It is all a hoax" → against/);
  });
});

describe("improvement with dynamic padding and groupByLength", () => {
  test("the same tweets without padding are the same tokenization: compared on the padded test split, groupByLength named", async () => {
    const unpadded = stanceData();
    const padded = unpadded.map((b) => ({
      input_ids: (b.input_ids as number[][]).map((r) => [...r, 0, 0]),
      attention_mask: (b.attention_mask as number[][]).map((r) => [...r, 0, 0]),
    }), { batched: true });
    const trainer = await stanceTrainer(padded, 3, true);
    const grouped = await stanceTrainer(unpadded, 3, true, { groupByLength: true });
    const v = await quietly(() => verdicts.en.improvement(grouped, trainer, padded));
    assert.ok(!v.messages.join("\n").includes("tokenized differently"), v.messages.join("\n"));
    assert.match(v.messages[0], /Changes from the first Trainer: groupByLength: false → true\./);
    assert.match(v.messages[1], /Test accuracy: [\d.]+ % against [\d.]+ %/);
  });
});

describe("improvement with another model", () => {
  test("a RoBERTa trained on its own tokenization: compared on its own test split when passed, refused on DistilBERT's ids", async () => {
    const data = stanceData();
    const trainer = await stanceTrainer(data, 3, true);
    // roberta-tiny's ids: <s> … </s>, from its 2000-token vocabulary.
    const robertaData = stanceData(undefined, (i) => [0, 100 + i, 2]);
    const roberta = await stanceTrainer(robertaData, 3, true, {}, path.join(FIXTURES_DIR, "roberta-tiny", "base"));
    const ok = await quietly(() => verdicts.es.improvement(roberta, trainer, data, robertaData));
    assert.equal(ok.ok, true, ok.messages.join("\n"));
    assert.match(ok.messages[0], /Cambios respecto al primer Trainer: distilbert → roberta/);
    assert.match(ok.messages[1], /Exactitud en test: [\d,]+ % frente a [\d,]+ %/);
    const wrong = await quietly(() => verdicts.en.improvement(roberta, trainer, data));
    assert.equal(wrong.ok, false);
    assert.match(wrong.messages.join("\n"), /✘ `improvedTrainer` was trained on tweets tokenized differently from `climateTokenized`[\s\S]*check\.improvement\(improvedTrainer, climateTrainer, climateTokenized, improvedTokenized\)/);
    const notData = await quietly(() => verdicts.en.improvement(roberta, trainer, data, "not a dataset"));
    assert.match(notData.messages.join("\n"), /`improvedTokenized` must be the DatasetDict/);
  });
});
