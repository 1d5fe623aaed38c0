import { parseCommandArgs } from "./args.js";
import { ClassLabel, loadDataset, type DatasetDict } from "../datasets/index.js";

const USAGE = `usage: tweet-transformers dataset NAME [CONFIG] [--split S] [--head N] [--data-files FILE...] [--revision REV]

Prints JSON: {"splits": {"train": 3257, ...}, "label_names": [...], "features": {...}, "rows": [...]}
with the first N rows (default 5) of split S (default train). NAME is a hub dataset ("tweet_eval"), a local
folder, or csv / json / parquet / text with --data-files. The hub is HF_ENDPOINT (default https://huggingface.co).`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args,
    allowPositionals: true,
    options: {
      split: { type: "string", short: "s" },
      head: { type: "string", short: "n" },
      "data-files": { type: "string", multiple: true },
      revision: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [name, config, ...extra] = positionals;
  if (!name || extra.length > 0) throw new Error(`Give a dataset NAME and at most one CONFIG.\n\n${USAGE}`);
  const head = values.head === undefined ? 5 : Number(values.head);
  if (!Number.isInteger(head) || head < 0) throw new Error(`--head must be a non-negative integer, not "${values.head}".`);
  const splits: DatasetDict = await loadDataset(name, config, { dataFiles: values["data-files"], revision: values.revision });
  const splitName = values.split ?? (splits.has("train") ? "train" : splits.keys()[0]);
  if (!splits.has(splitName)) throw new Error(`There is no split "${splitName}". Splits: ${splits.keys().join(", ")}.`);
  const ds = splits.get(splitName);
  const labels = Object.entries(ds.features).find(([n, f]) => n === "label" && f instanceof ClassLabel) ?? Object.entries(ds.features).find(([, f]) => f instanceof ClassLabel);
  const features = Object.fromEntries(Object.entries(ds.features).map(([n, f]) => [n, String(f)]));
  const rows = ds.select(Array.from({ length: Math.min(head, ds.numRows) }, (_, i) => i)).toList();
  const out = {
    splits: splits.numRows,
    label_names: labels ? (labels[1] as ClassLabel).names : null,
    features,
    split: splitName,
    rows,
  };
  console.log(JSON.stringify(out, null, 2));
  return 0;
}
