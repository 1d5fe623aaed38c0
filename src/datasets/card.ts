import * as YAML from "yaml";
import { featureFromCard, type Features } from "./features.js";

/** One configuration of a dataset card: `configs[]` joined with its `dataset_info`. */
export interface CardConfig {
  name: string;
  /** Patterns per split, in the card's order. */
  dataFiles?: Record<string, string[]>;
  isDefault: boolean;
  features?: Features;
}

/** The YAML between the leading `---` lines of a README.md, or undefined. */
export function frontMatter(markdown: string, where: string): Record<string, any> | undefined {
  const match = /^\ufeff?---\r?\n([\s\S]*?)\r?\n---\s*(\r?\n|$)/.exec(markdown);
  if (!match) return undefined;
  try {
    const doc = YAML.parse(match[1]) as unknown;
    return doc && typeof doc === "object" ? (doc as Record<string, any>) : undefined;
  } catch (err) {
    throw new Error(`The YAML header of ${where} does not parse: ${(err as Error).message}`);
  }
}

function dataFilesOf(spec: unknown, where: string): Record<string, string[]> | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (typeof spec === "string") return { train: [spec] };
  if (Array.isArray(spec)) {
    if (spec.every((s) => typeof s === "string")) return { train: spec as string[] };
    const out: Record<string, string[]> = {};
    for (const entry of spec as Array<{ split?: string; path?: string | string[] }>) {
      if (!entry || typeof entry !== "object" || entry.path === undefined) throw new Error(`${where}: each data_files entry needs a path.`);
      const split = entry.split ?? "train";
      out[split] = [...(out[split] ?? []), ...(Array.isArray(entry.path) ? entry.path : [entry.path])];
    }
    return out;
  }
  if (typeof spec === "object") {
    const out: Record<string, string[]> = {};
    for (const [split, p] of Object.entries(spec as Record<string, unknown>)) out[split] = Array.isArray(p) ? p.map(String) : [String(p)];
    return out;
  }
  throw new Error(`${where}: data_files must be a path, a list, or a list of {split, path}.`);
}

function featuresOf(info: any, where: string): Features | undefined {
  const list = info?.features;
  if (!Array.isArray(list)) return undefined;
  const out: Features = {};
  for (const f of list) {
    if (!f || typeof f.name !== "string") throw new Error(`${where}: a feature without a name.`);
    out[f.name] = featureFromCard(f.dtype ?? f, `${where}, feature "${f.name}"`);
  }
  return out;
}

/** The configurations a dataset card declares (empty when it declares none). */
export function cardConfigs(markdown: string, where: string): CardConfig[] {
  const meta = frontMatter(markdown, where);
  if (!meta) return [];
  const infos: any[] = Array.isArray(meta.dataset_info) ? meta.dataset_info : meta.dataset_info ? [meta.dataset_info] : [];
  const infoFor = (name: string): any => infos.find((i) => (i?.config_name ?? "default") === name);
  const configs: any[] = Array.isArray(meta.configs) ? meta.configs : [];
  if (configs.length === 0 && infos.length > 0) {
    return infos.map((info) => ({ name: info?.config_name ?? "default", isDefault: infos.length === 1, features: featuresOf(info, where) }));
  }
  return configs.map((c) => {
    const name = String(c?.config_name ?? "default");
    return {
      name,
      dataFiles: dataFilesOf(c?.data_files, `${where}, config "${name}"`),
      isDefault: c?.default === true || name === "default",
      features: featuresOf(infoFor(name), `${where}, config "${name}"`),
    };
  });
}
