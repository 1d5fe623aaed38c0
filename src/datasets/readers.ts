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

/** What to do about a damaged file: download it again when it is a file of the hub cache, else replace it. */
function damagedFileAdvice(file: string): string {
  let real = file;
  try {
    real = fs.realpathSync(file);
  } catch {
    // keep the path as given
  }
  const inHubCache = /[\\/](datasets|models)--[^\\/]+[\\/](blobs|snapshots)[\\/]/.test(real);
  return inHubCache
    ? `It is a file of the hub cache: delete ${real} (and the snapshot link to it, ${file}) and load the dataset again to download it anew.`
    : "Replace it with a complete copy (download or write it again).";
}

async function readParquet(file: string): Promise<Table> {
  try {
    return await parseParquet(file);
  } catch (err) {
    throw new Error(`${file} is not a readable parquet file (${(err as Error).message}): it is truncated or corrupted. ${damagedFileAdvice(file)}`, { cause: err });
  }
}

async function parseParquet(file: string): Promise<Table> {
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

/** Length of the valid UTF-8 sequence at `i` (as TextDecoder judges it), or 0 when the bytes there are not UTF-8. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  if (b < 0x80) return 1;
  const [n, lo, hi] = b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf] : b === 0xe0 ? [3, 0xa0, 0xbf] : b === 0xed ? [3, 0x80, 0x9f] : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf]
    : b === 0xf0 ? [4, 0x90, 0xbf] : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf] : b === 0xf4 ? [4, 0x80, 0x8f] : [0, 0, 0];
  if (n === 0 || i + n > bytes.length || bytes[i + 1] < lo || bytes[i + 1] > hi) return 0;
  for (let k = 2; k < n; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return 0;
  return n;
}

/** The file as UTF-8 text; other encodings fail with the line and byte offset of the first byte that is not UTF-8. */
function readUtf8(file: string): string {
  const bytes = fs.readFileSync(file);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    let i = 0;
    for (let n; i < bytes.length && (n = utf8SequenceLength(bytes, i)) > 0; i += n);
    let line = 1;
    for (let k = 0; k < i; k++) if (bytes[k] === 0x0a) line++;
    throw new Error(
      `${file} is not UTF-8 text: line ${line}, byte offset ${i} holds 0x${bytes[i].toString(16).toUpperCase().padStart(2, "0")}. ` +
        `Re-encode the file as UTF-8 (e.g. \`iconv -f latin1 -t utf-8 in.csv > out.csv\`, or "CSV UTF-8" when saving from a spreadsheet).`,
    );
  }
}

/** Reads one local data file as columns. */
export async function readDataFile(file: string, format: FileFormat | undefined = formatOf(file), options: { field?: string } = {}): Promise<Table> {
  if (!format) throw new Error(`Cannot tell the format of ${file}: use a .parquet, .csv, .tsv, .json, .jsonl or .txt file.`);
  if (format === "parquet") return readParquet(file);
  const text = readUtf8(file);
  if (text.replace(/^\ufeff/, "").trim() === "") throw new Error(`${file} is empty: there are no rows to load. Check that the file was written completely.`);
  let columns: Record<string, unknown[]>;
  if (format === "csv") columns = csvColumns(parseCsv(text, path.extname(file).toLowerCase() === ".tsv" ? "\t" : ","), file);
  else if (format === "json") columns = readJson(text, file, options.field);
  else columns = { text: text.split(/\r?\n/).filter((line, i, all) => i < all.length - 1 || line !== "") };
  return { columns, features: inferFeatures(columns) };
}
