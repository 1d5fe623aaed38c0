import * as fs from "node:fs";
import * as path from "node:path";
import { memberNames, withAwaitHint } from "../await-hint.js";
import { HUB_OPTION_NAMES } from "../hub/config.js";
import { hfHubDownload, isLocalPath, listRepoFiles, type HubOptions } from "../hub/index.js";
import { checkOptions, optionNames } from "../options.js";
import { cardConfigs, type CardConfig } from "./card.js";
import { globToRegExp, inferSplitFiles, matchFiles, splitPatterns, type DataFilesSpec } from "./data-files.js";
import { Dataset } from "./dataset.js";
import { DatasetDict } from "./dataset-dict.js";
import { castValue, type Features } from "./features.js";
import { formatOf, readDataFile, type FileFormat, type Table } from "./readers.js";
import { parseSplit, partBounds } from "./split.js";

export interface LoadDatasetOptions extends Omit<HubOptions, "repoType"> {
  /** "train", "train[:100]", "train[10%:]", "train+validation": a Dataset instead of a DatasetDict. */
  split?: string;
  /** Files per split (patterns allowed): for "csv" / "json" / "parquet" / "text", or to override a card. */
  dataFiles?: DataFilesSpec;
  /** JSON: the member of the top-level object that holds the rows. */
  field?: string;
  /** Features to cast the columns to (e.g. a ClassLabel for string labels). */
  features?: Features;
}

const PACKAGED: Record<string, FileFormat> = { csv: "csv", json: "json", parquet: "parquet", text: "text" };

/**
 * Loads a dataset, as Python's `load_dataset`: a hub id ("tweet_eval", "cardiffnlp/tweet_eval") or a local
 * folder laid out like a hub dataset repository (README.md card with `configs` and `dataset_info`, data files),
 * or "csv" | "json" | "parquet" | "text" with local `dataFiles`. Gives a DatasetDict of splits, or a Dataset
 * with `split`.
 */
export function loadDataset(path: string, options: LoadDatasetOptions & { split: string }): Promise<Dataset>;
export function loadDataset(path: string, name: string | undefined, options: LoadDatasetOptions & { split: string }): Promise<Dataset>;
export function loadDataset(path: string, options?: LoadDatasetOptions): Promise<DatasetDict>;
export function loadDataset(path: string, name?: string, options?: LoadDatasetOptions): Promise<DatasetDict>;
export function loadDataset(path: string, nameOrOptions?: string | LoadDatasetOptions, maybeOptions: LoadDatasetOptions = {}): Promise<Dataset | DatasetDict> {
  return withAwaitHint(load(path, nameOrOptions, maybeOptions), "loadDataset", AWAIT_HINTED);
}

const OPTION_NAMES = [
  ...HUB_OPTION_NAMES.filter((n) => n !== "repoType"),
  ...optionNames<Omit<LoadDatasetOptions, keyof HubOptions>>({ split: true, dataFiles: true, field: true, features: true }),
];
// What a learner may read off a forgotten `await`: members of both results, and the usual split names.
const AWAIT_HINTED = [...memberNames(DatasetDict, Dataset), "train", "validation", "test"];

async function load(path: string, nameOrOptions: string | LoadDatasetOptions | undefined, maybeOptions: LoadDatasetOptions): Promise<Dataset | DatasetDict> {
  const [name, options] = typeof nameOrOptions === "object" && nameOrOptions !== null ? [undefined, nameOrOptions] : [nameOrOptions, maybeOptions];
  checkOptions("loadDataset", options, OPTION_NAMES);
  const packaged = PACKAGED[path];
  const tables =
    packaged && !isLocalPath(path) ? await loadLocalFiles(path, packaged, options) : await loadRepository(path, name, options);
  const splits = new DatasetDict(
    Object.entries(tables).map(([split, t]) => [split, toDataset(t, options.features, `${path} (${split})`)] as [string, Dataset]),
  );
  return options.split === undefined ? splits : selectSplit(splits, options.split);
}

async function loadLocalFiles(builder: string, format: FileFormat, options: LoadDatasetOptions): Promise<Record<string, Table>> {
  if (options.dataFiles === undefined) {
    throw new Error(`loadDataset("${builder}") needs dataFiles: loadDataset("${builder}", { dataFiles: "tweets.${format === "text" ? "txt" : format}" }) or { dataFiles: { train: "train.${format}", test: "test.${format}" } }.`);
  }
  const out: Record<string, Table> = {};
  for (const [split, patterns] of Object.entries(splitPatterns(options.dataFiles))) {
    const files = patterns.flatMap((p) => expandLocal(p));
    out[split] = concatTables(await Promise.all(files.map((f) => readDataFile(f, format, { field: options.field }))));
  }
  return out;
}

/** A local path, or the files a glob pattern matches (relative to the working directory). */
function expandLocal(pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) {
    if (!fs.existsSync(pattern)) throw new Error(`Data file ${pattern} does not exist (working directory: ${process.cwd()}).`);
    return [pattern];
  }
  const absolute = path.resolve(pattern).split(path.sep).join("/");
  const firstGlob = absolute.search(/[*?[]/);
  const root = absolute.slice(0, absolute.lastIndexOf("/", firstGlob) + 1) || "/";
  const re = globToRegExp(absolute.slice(root.length));
  const found: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), child);
      else if (re.test(child)) found.push(path.join(root, child));
    }
  };
  if (fs.existsSync(root)) walk(root, "");
  if (found.length === 0) throw new Error(`No file matches ${pattern} (working directory: ${process.cwd()}).`);
  return found.sort();
}

function pickConfig(configs: CardConfig[], name: string | undefined, repo: string): CardConfig {
  const names = configs.map((c) => c.name);
  if (name === undefined) {
    const chosen = configs.length === 1 ? configs[0] : configs.find((c) => c.isDefault);
    if (chosen) return chosen;
    throw new Error(`Config name is missing: "${repo}" has ${names.length} configs: ${names.join(", ")}. Pick one, e.g. loadDataset("${repo}", "${names[0]}").`);
  }
  const config = configs.find((c) => c.name === name);
  if (!config) throw new Error(`"${repo}" has no config "${name}". Available configs: ${names.join(", ")}.`);
  return config;
}

async function loadRepository(repo: string, name: string | undefined, options: LoadDatasetOptions): Promise<Record<string, Table>> {
  const hub: HubOptions = {
    repoType: "dataset",
    revision: options.revision,
    endpoint: options.endpoint,
    cacheDir: options.cacheDir,
    token: options.token,
    localFilesOnly: options.localFilesOnly,
  };
  let files: string[];
  try {
    files = await listRepoFiles(repo, hub);
  } catch (err) {
    const local = /^[./]|^[A-Za-z]:\\/.test(repo) ? ` (no local folder ${path.resolve(repo)} either)` : "";
    throw new Error(`Cannot load dataset "${repo}"${local}: ${(err as Error).message}`, { cause: err });
  }
  const dataFiles = files.filter((f) => formatOf(f) && !f.split("/").some((p) => p.startsWith(".")));
  let patterns: Record<string, string[]> | undefined = options.dataFiles === undefined ? undefined : splitPatterns(options.dataFiles);
  let features: Features | undefined;
  const configs = files.includes("README.md") ? cardConfigs(fs.readFileSync(await hfHubDownload(repo, "README.md", hub), "utf8"), `the card of "${repo}"`) : [];
  if (configs.length > 0) {
    const config = pickConfig(configs, name, repo);
    patterns ??= config.dataFiles;
    features = config.features;
    if (!patterns && configs.length === 1) patterns = inferSplitFiles(dataFiles);
    if (!patterns) throw new Error(`The card of "${repo}" gives config "${config.name}" no data_files; pass dataFiles.`);
  } else if (name !== undefined && options.dataFiles === undefined) {
    throw new Error(`"${repo}" declares no configs (no README.md card with configs), so there is no config "${name}": leave the name out.`);
  }
  patterns ??= inferSplitFiles(dataFiles);
  if (Object.values(patterns).every((p) => p.length === 0)) {
    throw new Error(`"${repo}" has no data files (.parquet, .csv, .json, .jsonl, .txt). Files: ${files.join(", ") || "(none)"}.`);
  }
  const out: Record<string, Table> = {};
  for (const [split, splitPatternList] of Object.entries(patterns)) {
    const matched = matchFiles(splitPatternList, dataFiles, `"${repo}"`);
    const local = await Promise.all(matched.map((f) => hfHubDownload(repo, f, hub)));
    const tables = await Promise.all(local.map((file, i) => readDataFile(file, formatOf(matched[i]), { field: options.field })));
    const table = concatTables(tables);
    if (features) table.features = { ...table.features, ...features };
    out[split] = table;
  }
  return out;
}

function concatTables(tables: Table[]): Table {
  if (tables.length === 1) return tables[0];
  const names: string[] = [];
  for (const t of tables) for (const n of Object.keys(t.columns)) if (!names.includes(n)) names.push(n);
  const columns: Record<string, unknown[]> = {};
  for (const n of names) columns[n] = tables.flatMap((t) => t.columns[n] ?? new Array(Object.values(t.columns)[0]?.length ?? 0).fill(null));
  const features = Object.assign({}, ...[...tables].reverse().map((t) => t.features)) as Features;
  return { columns, features };
}

function toDataset(table: Table, override: Features | undefined, where: string): Dataset {
  const features = { ...table.features, ...(override ?? {}) };
  for (const name of Object.keys(features)) {
    if (!(name in table.columns)) {
      throw new Error(`${where}: the features name a column "${name}" that the data files do not have. Columns: ${Object.keys(table.columns).join(", ")}.`);
    }
  }
  const columns: Record<string, unknown[]> = {};
  for (const [name, values] of Object.entries(table.columns)) {
    const feature = features[name];
    columns[name] = feature ? values.map((v, i) => castValue(v, feature, `${where}, column "${name}", row ${i}`)) : values;
  }
  return new Dataset(columns, Object.fromEntries(Object.keys(columns).map((n) => [n, features[n]])));
}

function selectSplit(splits: DatasetDict, spec: string): Dataset {
  const parts = parseSplit(spec).map((part) => {
    if (!splits.has(part.split)) throw new Error(`Unknown split "${part.split}". Splits: ${splits.keys().join(", ")}.`);
    const ds = splits.get(part.split);
    if (part.start === undefined && part.end === undefined) return ds;
    const [from, to] = partBounds(part, ds.numRows);
    return ds.select(Array.from({ length: to - from }, (_, i) => from + i));
  });
  if (parts.length === 1) return parts[0];
  const names = parts[0].columnNames;
  const columns: Record<string, unknown[]> = {};
  for (const n of names) columns[n] = parts.flatMap((p) => p.column(n));
  return new Dataset(columns, parts[0].features);
}
