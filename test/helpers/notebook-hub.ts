// A hub folder for notebook tests: the real tweet_eval data and distilbert-base-uncased tokenizer
// from ../shared/hub, with the 66M-parameter weights swapped for a tiny random DistilBERT (same
// vocabulary), so the notebooks run unchanged in CI in minutes. The model exercise 4's solution
// loads from the hub (distilroberta-base) stands in as a tiny random RoBERTa with roberta-tiny's
// byte-level BPE tokenizer: another family and tokenizer than DistilBERT's. For a slow backend
// (webgpu over a software GPU) tweet_eval itself can be cut to a few tweets per split.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before } from "node:test";
import { AutoConfig, AutoModel, DistilBertConfig, DistilBertModel, initBackend, loadDataset, serveHub, type HubServer } from "../../src/index.js";
import { FIXTURES_DIR, SHARED_HUB } from "./paths.js";

export const TINY_DIM = 32;
/** The hub id exercise 4's solution loads (a model of the notebooks' table), and where the hub keeps it. */
export const OTHER_MODEL_ID = "distilroberta-base";
const OTHER_MODEL_REPO = "distilbert/distilroberta-base";

export interface TinyHubOptions {
  /** Keep only this many tweets of each split of tweet_eval (every class among them). */
  rowsPerSplit?: number;
}

/** Fills `dir` (created if needed) with the tiny hub and returns it. */
export async function buildTinyHub(dir: string, options: TinyHubOptions = {}): Promise<string> {
  const dataset = path.join("datasets", "cardiffnlp", "tweet_eval");
  if (options.rowsPerSplit) await cutTweetEval(path.join(SHARED_HUB, dataset), path.join(dir, dataset), options.rowsPerSplit);
  else fs.cpSync(path.join(SHARED_HUB, dataset), path.join(dir, dataset), { recursive: true });
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
  await buildTinyRoberta(path.join(dir, OTHER_MODEL_REPO));
  return dir;
}

/**
 * The card of tweet_eval (its configs' data_files patterns and ClassLabel features) with `rows` tweets
 * per split, taken a class at a time in turn so that every class is among them, as JSON lines.
 */
async function cutTweetEval(from: string, to: string, rows: number): Promise<void> {
  fs.mkdirSync(to, { recursive: true });
  fs.copyFileSync(path.join(from, "README.md"), path.join(to, "README.md"));
  for (const config of ["emotion", "stance_climate"]) {
    fs.mkdirSync(path.join(to, config));
    const splits = await loadDataset(from, config);
    for (const split of ["train", "validation", "test"]) {
      const ds = splits.get(split)!;
      const byClass = new Map<number, number[]>();
      (ds.column("label") as number[]).forEach((label, i) => byClass.set(label, [...(byClass.get(label) ?? []), i]));
      const picked: number[] = [];
      for (let k = 0; picked.length < Math.min(rows, ds.numRows); k++) {
        for (const indices of byClass.values()) if (k < indices.length && picked.length < rows) picked.push(indices[k]);
      }
      const lines = picked.sort((a, b) => a - b).map((i) => JSON.stringify({ text: ds.get(i).text, label: ds.get(i).label }));
      fs.writeFileSync(path.join(to, config, `${split}-00000-of-00001.jsonl`), `${lines.join("\n")}\n`);
    }
  }
}

/**
 * roberta-tiny's pretraining body shape and tokenizer, with roberta-base's 514 positions (the
 * fixture has 26, for its 24-token reference inputs) so that the notebooks' tweets of 48 and 60
 * tokens fit; random weights.
 */
async function buildTinyRoberta(modelDir: string): Promise<void> {
  const fixture = path.join(FIXTURES_DIR, "roberta-tiny", "base");
  fs.mkdirSync(modelDir, { recursive: true });
  for (const file of ["vocab.json", "merges.txt", "tokenizer.json"]) fs.copyFileSync(path.join(fixture, file), path.join(modelDir, file));
  const tokenizerConfig = JSON.parse(fs.readFileSync(path.join(fixture, "tokenizer_config.json"), "utf8"));
  fs.writeFileSync(path.join(modelDir, "tokenizer_config.json"), JSON.stringify({ ...tokenizerConfig, model_max_length: 512 }, null, 2));
  const { model_type: modelType, ...values } = JSON.parse(fs.readFileSync(path.join(fixture, "config.json"), "utf8"));
  const config = AutoConfig.forModel(modelType, { ...values, max_position_embeddings: 514 });
  await AutoModel.fromConfig(config, { seed: 0 }).savePretrained(modelDir);
}

/**
 * For a test file or suite: before its tests, the tiny hub served on 127.0.0.1 and a fresh HF_HOME;
 * after them, both gone. `env` (set by `before`) is what a notebook kernel needs to use them.
 */
export function useTinyHub(prefix: string, options: TinyHubOptions = {}): { readonly env: NodeJS.ProcessEnv } {
  const state = { env: {} as NodeJS.ProcessEnv };
  let tmp: string | undefined;
  let hub: HubServer | undefined;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    hub = await serveHub(await buildTinyHub(path.join(tmp, "hub"), options));
    state.env = { HF_ENDPOINT: hub.url, HF_HOME: path.join(tmp, "hf-home"), HF_HUB_OFFLINE: "" };
  });
  after(async () => {
    await hub?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  return state;
}
