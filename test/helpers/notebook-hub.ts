// A hub folder for notebook tests: the real tweet_eval data and distilbert-base-uncased tokenizer
// from ../shared/hub, with the 66M-parameter weights swapped for a tiny random DistilBERT (same
// vocabulary), so the notebooks run unchanged in CI in minutes.
import * as fs from "node:fs";
import * as path from "node:path";
import { DistilBertConfig, DistilBertModel, initBackend } from "../../src/index.js";
import { SHARED_HUB } from "./paths.js";

export const TINY_DIM = 32;

/** Fills `dir` (created if needed) with the tiny hub and returns it. */
export async function buildTinyHub(dir: string): Promise<string> {
  const dataset = path.join("datasets", "cardiffnlp", "tweet_eval");
  fs.cpSync(path.join(SHARED_HUB, dataset), path.join(dir, dataset), { recursive: true });
  const repo = path.join("distilbert", "distilbert-base-uncased");
  const modelDir = path.join(dir, repo);
  fs.mkdirSync(modelDir, { recursive: true });
  for (const file of ["vocab.txt", "tokenizer.json", "tokenizer_config.json"]) {
    fs.copyFileSync(path.join(SHARED_HUB, repo, file), path.join(modelDir, file));
  }
  const real = JSON.parse(fs.readFileSync(path.join(SHARED_HUB, repo, "config.json"), "utf8"));
  await initBackend();
  const config = new DistilBertConfig({ ...real, dim: TINY_DIM, hidden_dim: 37, n_layers: 2, n_heads: 4 });
  await new DistilBertModel(config, { seed: 0 }).savePretrained(modelDir);
  return dir;
}
