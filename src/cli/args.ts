// Node's parseArgs, with two things a learner trips on: `--lr -1` (a negative number is taken for an
// option, "argument is ambiguous") reaches the command's own check ("must be a positive number"), and
// an unknown flag gets a "did you mean".
import { parseArgs, type ParseArgsConfig } from "node:util";
import { didYouMeanText } from "../options.js";

const NUMBER = /^-(\d|\.\d)/;

/** `--flag -1` → `--flag=-1` for string options, so a negative value is a value. */
function joinNegativeValues(args: readonly string[], options: NonNullable<ParseArgsConfig["options"]>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith("--") ? args[i].slice(2) : undefined;
    if (name !== undefined && options[name]?.type === "string" && i + 1 < args.length && NUMBER.test(args[i + 1])) {
      out.push(`${args[i]}=${args[++i]}`);
    } else {
      out.push(args[i]);
    }
  }
  return out;
}

export function parseCommandArgs<T extends ParseArgsConfig & { args: string[]; options: NonNullable<ParseArgsConfig["options"]> }>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs({ ...config, args: joinNegativeValues(config.args, config.options) });
  } catch (err) {
    const unknown = /^Unknown option '--([^']+)'/.exec((err as Error).message);
    if ((err as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown) {
      throw new Error(`Unknown option '--${unknown[1]}'.${didYouMeanText(unknown[1], Object.keys(config.options)).replace(/"(.+?)"/, "--$1")} See --help.`);
    }
    throw err;
  }
}
