import * as fs from "node:fs";
import { parseCommandArgs } from "./args.js";
import { AutoTokenizer, type PaddingStrategy } from "../tokenizers/index.js";

const USAGE = `usage: tweet-transformers tokenize --model ID_OR_DIR [--max-length N] [--padding max_length|longest|do_not_pad] [--truncation] [--revision REV] TEXT...

Prints one JSON object per text: {"input_ids": [...], "attention_mask": [...], "tokens": [...]}
("tokens": the tokens of the ids that are not padding, special tokens included). TEXT "-" reads one text per
line from standard input. The hub is HF_ENDPOINT (default https://huggingface.co).`;

const PADDINGS: Record<string, PaddingStrategy> = { max_length: "max_length", longest: "longest", true: true, do_not_pad: false, false: false };

function readStdinLines(): string[] {
  return fs.readFileSync(0, "utf8").split(/\r?\n/).filter((line) => line !== "");
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: "string", short: "m" },
      "max-length": { type: "string" },
      padding: { type: "string" },
      truncation: { type: "boolean" },
      revision: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.model) throw new Error(`--model is required (e.g. --model distilbert-base-uncased).\n\n${USAGE}`);
  if (positionals.length === 0) throw new Error(`Give at least one TEXT to tokenize (or - to read lines from standard input).\n\n${USAGE}`);
  const texts = positionals.flatMap((t) => (t === "-" ? readStdinLines() : [t]));
  let maxLength: number | undefined;
  if (values["max-length"] !== undefined) {
    maxLength = Number(values["max-length"]);
    if (!Number.isInteger(maxLength) || maxLength < 1) throw new Error(`--max-length must be a positive integer, not "${values["max-length"]}".`);
  }
  let padding: PaddingStrategy = false;
  if (values.padding !== undefined) {
    if (!(values.padding in PADDINGS)) throw new Error(`--padding must be max_length, longest or do_not_pad, not "${values.padding}".`);
    padding = PADDINGS[values.padding];
  }
  const tokenizer = await AutoTokenizer.fromPretrained(values.model, { revision: values.revision });
  const encoded = tokenizer(texts, { maxLength, padding, truncation: values.truncation });
  const lines = encoded.input_ids.map((ids, i) => {
    const mask = encoded.attention_mask[i];
    const tokens = tokenizer.convertIdsToTokens(ids.filter((_, k) => mask[k] === 1));
    return JSON.stringify({ input_ids: ids, attention_mask: mask, tokens });
  });
  if (lines.length) console.log(lines.join("\n"));
  return 0;
}
