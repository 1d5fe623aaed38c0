import * as fs from "node:fs";
import { memberNames, withAwaitHint } from "../await-hint.js";
import { HUB_OPTION_NAMES } from "../hub/config.js";
import { EntryNotFoundError, hfHubDownload, type HubOptions } from "../hub/index.js";
import { checkOptions } from "../options.js";
import type { TokenizerConfig } from "./special-tokens.js";
import { PreTrainedTokenizer } from "./tokenizer.js";
import { wordPieceTokenizerJson } from "./wordpiece-json.js";

/** A file of the repository, or undefined when it has none (network and other errors still throw). */
async function optionalFile(repo: string, filename: string, options: HubOptions): Promise<string | undefined> {
  try {
    return await hfHubDownload(repo, filename, options);
  } catch (err) {
    if (err instanceof EntryNotFoundError) return undefined;
    throw err;
  }
}

function readJson(file: string): Record<string, any> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, any>;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); delete it from the cache and download it again.`);
  }
}

export class AutoTokenizer {
  /**
   * Loads the tokenizer of a hub model ("distilbert-base-uncased") or of a local folder: tokenizer.json, or a
   * BERT WordPiece tokenizer built from vocab.txt when there is none; tokenizer_config.json and
   * special_tokens_map.json when present.
   */
  static fromPretrained(idOrDir: string, options: HubOptions = {}): Promise<PreTrainedTokenizer> {
    return withAwaitHint(AutoTokenizer.load(idOrDir, options), "AutoTokenizer.fromPretrained", memberNames(PreTrainedTokenizer));
  }

  private static async load(idOrDir: string, options: HubOptions): Promise<PreTrainedTokenizer> {
    checkOptions("AutoTokenizer.fromPretrained", options, HUB_OPTION_NAMES);
    const hub: HubOptions = { ...options, repoType: "model" };
    const [jsonFile, configFile, specialFile] = await Promise.all([
      optionalFile(idOrDir, "tokenizer.json", hub),
      optionalFile(idOrDir, "tokenizer_config.json", hub),
      optionalFile(idOrDir, "special_tokens_map.json", hub),
    ]);
    const config: TokenizerConfig = {
      ...(configFile ? readJson(configFile) : {}),
      ...(specialFile ? readJson(specialFile) : {}),
    };
    if (jsonFile) return new PreTrainedTokenizer(readJson(jsonFile), config, idOrDir);
    const vocabFile = await optionalFile(idOrDir, "vocab.txt", hub);
    if (!vocabFile) {
      throw new Error(`"${idOrDir}" has neither tokenizer.json nor vocab.txt, so no tokenizer can be loaded from it. Use a model repository that has a tokenizer (e.g. "distilbert-base-uncased").`);
    }
    return new PreTrainedTokenizer(wordPieceTokenizerJson(fs.readFileSync(vocabFile, "utf8"), config), config, idOrDir);
  }
}
