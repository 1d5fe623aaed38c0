import * as fs from "node:fs";
import * as path from "node:path";
import { csvColumns, parseCsv } from "./csv.js";
import { ClassLabel, Sequence, Value, inferFeatures, normalizeValue, type Feature, type Features } from "./features.js";

/** Columns read from one data file, with the features the file itself declares or implies. */
export interface Table {
  columns: Record<string, unknown[]>;
  features: Features;
}

export type FileFormat = "parquet" | "csv" | "json" | "text";

const EXTENSIONS: Record<string, FileFormat> = {
  ".parquet": "parquet",
  ".csv": "csv",
  ".tsv": "csv",
  ".json": "json",
  ".jsonl": "json",
  ".ndjson": "json",
  ".txt": "text",
};

/** The format of a data file from its extension (".csv.gz" and the like are not supported). */
export function formatOf(file: string): FileFormat | undefined {
  return EXTENSIONS[path.extname(file).toLowerCase()];
}

function columnsFromRows(rows: unknown[], where: string): Record<string, unknown[]> {
  const names: string[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (!row || typeof row !== "object" || Array.isArray(row)) throw new Error(`${where}: row ${i + 1} is not a JSON object.`);
    for (const k of Object.keys(row)) if (!seen.has(k)) (seen.add(k), names.push(k));
  });
  const columns: Record<string, unknown[]> = {};
  for (const name of names) columns[name] = rows.map((r) => normalizeValue((r as Record<string, unknown>)[name] ?? null, undefined));
  return columns;
}

/** JSON lines, a JSON array of objects, or an object of columns; `field` picks a member holding the data. */
export function readJson(text: string, where: string, field?: string): Record<string, unknown[]> {
  const trimmed = text.replace(/^\ufeff/, "").trim();
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch {
    whole = undefined;
  }
  if (whole === undefined) {
    const rows = trimmed.split(/\r?\n/).flatMap((line, i) => {
      if (!line.trim()) return [];
      try {
        return [JSON.parse(line) as unknown];
      } catch (err) {
        throw new Error(`${where}, line ${i + 1}: not valid JSON (${(err as Error).message}). Use JSON lines (one object per line) or one JSON array of objects.`);
      }
    });
    return columnsFromRows(rows, where);
  }
  if (field !== undefined) {
    if (!whole || typeof whole !== "object" || !(field in whole)) throw new Error(`${where} has no field "${field}".`);
    whole = (whole as Record<string, unknown>)[field];
  }
  if (Array.isArray(whole)) return columnsFromRows(whole, where);
  if (whole && typeof whole === "object") {
    const values = Object.values(whole);
    if (values.length > 0 && values.every((v) => Array.isArray(v) && v.length === (values[0] as unknown[]).length)) {
      const columns: Record<string, unknown[]> = {};
      for (const [k, v] of Object.entries(whole)) columns[k] = (v as unknown[]).map((x) => normalizeValue(x, undefined));
      return columns;
    }
    return columnsFromRows([whole], where);
  }
  throw new Error(`${where} holds neither JSON objects nor an array of them.`);
}

const PARQUET_TYPES: Record<string, string> = { INT32: "int32", INT64: "int64", FLOAT: "float32", DOUBLE: "float64", BOOLEAN: "bool" };

/** Features that Python's datasets writes into parquet metadata ({"info": {"features": ...}}), when present. */
function featuresFromHfMetadata(json: string | undefined): Features | undefined {
  if (!json) return undefined;
  const convert = (f: any): Feature | undefined => {
    if (!f || typeof f !== "object") return undefined;
    if (f._type === "Value") return new Value(f.dtype);
    if (f._type === "ClassLabel" && Array.isArray(f.names)) return new ClassLabel({ names: f.names });
    if (f._type === "Sequence" || f._type === "List") {
      const inner = convert(f.feature);
      return inner && new Sequence(inner);
    }
    return undefined;
  };
  try {
    const features = JSON.parse(json)?.info?.features as Record<string, unknown> | undefined;
    if (!features) return undefined;
    const out: Features = {};
    for (const [name, f] of Object.entries(features)) {
      const feature = convert(f);
      if (!feature) return undefined;
      out[name] = feature;
    }
    return out;
  } catch {
    return undefined;
  }
}

async function readParquet(file: string): Promise<Table> {
  const { parquetMetadata, parquetReadObjects } = await import("hyparquet");
  const bytes = fs.readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(buffer);
  const top = metadata.schema.slice(1);
  // Top-level columns: schema elements at depth 1 (nested ones carry num_children).
  const names: string[] = [];
  const leafTypes: Record<string, string | undefined> = {};
  for (let i = 0; i < top.length; ) {
    const el = top[i];
    names.push(el.name);
    leafTypes[el.name] = el.num_children ? undefined : el.converted_type === "UTF8" || el.logical_type?.type === "STRING" ? "string" : PARQUET_TYPES[el.type ?? ""];
    let skip = 1;
    let pending = el.num_children ?? 0;
    while (pending > 0) {
      pending += (top[i + skip].num_children ?? 0) - 1;
      skip++;
    }
    i += skip;
  }
  const rows = (await parquetReadObjects({ file: buffer, metadata })) as Record<string, unknown>[];
  const columns: Record<string, unknown[]> = {};
  for (const name of names) columns[name] = rows.map((r) => normalizeValue(r[name] ?? null, undefined));
  const declared = featuresFromHfMetadata(metadata.key_value_metadata?.find((kv) => kv.key === "huggingface")?.value);
  const inferred = inferFeatures(columns);
  const features: Features = {};
  for (const name of names) {
    const type = leafTypes[name];
    features[name] = declared?.[name] ?? (type ? new Value(type) : inferred[name]);
  }
  return { columns, features };
}

/** Reads one local data file as columns. */
export async function readDataFile(file: string, format: FileFormat | undefined = formatOf(file), options: { field?: string } = {}): Promise<Table> {
  if (!format) throw new Error(`Cannot tell the format of ${file}: use a .parquet, .csv, .tsv, .json, .jsonl or .txt file.`);
  if (format === "parquet") return readParquet(file);
  const text = fs.readFileSync(file, "utf8");
  let columns: Record<string, unknown[]>;
  if (format === "csv") columns = csvColumns(parseCsv(text, path.extname(file).toLowerCase() === ".tsv" ? "\t" : ","), file);
  else if (format === "json") columns = readJson(text, file, options.field);
  else columns = { text: text.split(/\r?\n/).filter((line, i, all) => i < all.length - 1 || line !== "") };
  return { columns, features: inferFeatures(columns) };
}
