// `tweet-transformers <command> ...`: each command lives in src/cli/<command>.ts and exports `run(args)`.
const commands: Record<string, { module: string; summary: string }> = {
  hub: { module: "./cli/hub.js", summary: "hub serve DIR [--port N] | hub download REPO... --to DIR" },
  dataset: { module: "./cli/dataset.js", summary: "dataset NAME [CONFIG] [--split S --head N]" },
  tokenize: { module: "./cli/tokenize.js", summary: "tokenize --model ID [--max-length N --padding max_length --truncation] TEXT..." },
  predict: { module: "./cli/predict.js", summary: "predict --model ID_OR_DIR [--max-length N --padding max_length --hidden-states] TEXT..." },
  train: { module: "./cli/train.js", summary: "train --model ID --dataset NAME --config CONFIG [--epochs --batch-size --lr --max-length --output-dir --ignore-mismatched-sizes]" },
  evaluate: { module: "./cli/evaluate.js", summary: "evaluate --model DIR --dataset NAME --config CONFIG [--split test]" },
};

function usage(): string {
  return ["usage: tweet-transformers <command> [options]", "", ...Object.values(commands).map((c) => `  ${c.summary}`)].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h") {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  const mod = (await import(command.module)) as { run(args: string[]): Promise<number | void> };
  try {
    return (await mod.run(args)) ?? 0;
  } catch (err) {
    console.error(`tweet-transformers ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
