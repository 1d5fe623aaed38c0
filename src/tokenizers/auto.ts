import * as fs from "node:fs";
import { EntryNotFoundError, hfHubDownload, type HubOptions } from "../hub/index.js";
import { familyOfClass, TOKENIZER_FAMILIES, type TokenizerFamily } from "./families.js";
import type { TokenizerConfig } from "./special-tokens.js";
import { PreTrainedTokenizer } from "./tokenizer.js";

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

/** The family named by tokenizer_config.json's tokenizer_class, else by config.json's model_type (as Python's AutoTokenizer). */
async function familyOf(idOrDir: string, config: TokenizerConfig, hub: HubOptions): Promise<TokenizerFamily | undefined> {
  if (config.tokenizer_class !== undefined) return familyOfClass(config.tokenizer_class);
  const modelConfig = await optionalFile(idOrDir, "config.json", hub);
  const modelType = modelConfig ? readJson(modelConfig).model_type : undefined;
  return typeof modelType === "string" && Object.hasOwn(TOKENIZER_FAMILIES, modelType) ? TOKENIZER_FAMILIES[modelType] : undefined;
}

/** Without a tokenizer.json: the family's own files, or (family unknown) the first family whose files are all there. */
async function convertedTokenizerJson(idOrDir: string, family: TokenizerFamily | undefined, config: TokenizerConfig, hub: HubOptions): Promise<{ json: Record<string, any>; family: TokenizerFamily } | undefined> {
  for (const candidate of family ? [family] : Object.values(TOKENIZER_FAMILIES)) {
    const files: string[] = [];
    for (const name of candidate.files) {
      const file = await optionalFile(idOrDir, name, hub);
      if (!file) break;
      files.push(file);
    }
    if (files.length === candidate.files.length) return { json: candidate.convert(files.map((f) => fs.readFileSync(f)), config), family: candidate };
  }
  return undefined;
}

export class AutoTokenizer {
  /**
   * Loads the tokenizer of a hub model ("distilbert-base-uncased") or of a local folder: its tokenizer.json or,
   * when it has none, the tokenizer.json transformers would convert from the family's files (vocab.txt;
   * vocab.json + merges.txt; spiece.model / sentencepiece.bpe.model); tokenizer_config.json and
   * special_tokens_map.json when present. The family comes from tokenizer_class, else config.json's model_type.
   */
  static async fromPretrained(idOrDir: string, options: HubOptions = {}): Promise<PreTrainedTokenizer> {
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
    let family = await familyOf(idOrDir, config, hub);
    let json: Record<string, any> | undefined = jsonFile ? readJson(jsonFile) : undefined;
    if (!json) {
      const converted = await convertedTokenizerJson(idOrDir, family, config, hub);
      if (!converted) {
        const wanted = [...new Set((family ? [family] : Object.values(TOKENIZER_FAMILIES)).map((f) => f.files.join(" + ")))].join(", nor ");
        throw new Error(`"${idOrDir}" has neither tokenizer.json nor ${wanted}, so no tokenizer can be loaded from it. Use a model repository that has a tokenizer (e.g. "distilbert-base-uncased").`);
      }
      ({ json, family } = converted);
    }
    if (family?.configure) json = family.configure(json, config);
    return new PreTrainedTokenizer(json, { tokenizer_class: family?.tokenizerClass, ...config }, idOrDir);
  }
}
