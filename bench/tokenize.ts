// Tokenization figures for `npm run bench`: the exercise's training split (tweet_eval/emotion,
// 3,257 tweets) through distilbert-base-uncased's tokenizer, as the notebook calls it
// (maxLength 60, padding "max_length", truncation), and each tweet's token count (truncated to
// 60). Prints one JSON line.
//   tsx bench/tokenize.ts --hub ../shared/hub [--repeats 5]
import * as path from "node:path";
import { loadDataset } from "../src/datasets/index.js";
import { AutoTokenizer } from "../src/tokenizers/index.js";
import { argValue } from "./args.js";

async function main(): Promise<void> {
  const hub = argValue("--hub", "");
  const repeats = Number(argValue("--repeats", "5"));
  const trainFile = path.join(hub, "datasets", "cardiffnlp", "tweet_eval", "emotion", "train-00000-of-00001.parquet");
  const train = await loadDataset("parquet", { dataFiles: { train: trainFile }, split: "train" });
  const texts = train.column("text") as string[];
  const tokenizer = await AutoTokenizer.fromPretrained(path.join(hub, "distilbert", "distilbert-base-uncased"));
  const call = () => tokenizer(texts, { maxLength: 60, padding: "max_length", truncation: true });
  call(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    call();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  const tokenLengths = (t: string[]) =>
    (tokenizer(t, { maxLength: 60, truncation: true }) as unknown as { input_ids: number[][] }).input_ids.map((ids) => ids.length);
  const lengths = tokenLengths(texts);
  process.stdout.write(JSON.stringify({
    texts: texts.length,
    tokenize_s: times[Math.floor(times.length / 2)],
    tokenize_min_s: times[0],
    lengths,
  }) + "\n");
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String((e as Error).stack ?? e) }) + "\n");
  process.exitCode = 1;
});
