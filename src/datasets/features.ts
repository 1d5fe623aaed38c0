import * as util from "node:util";

const DTYPES = new Set(["string", "large_string", "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64", "null"]);

/** A scalar column type, as in Python: `Value("string")`, `Value("int64")`. */
export class Value {
  readonly dtype: string;
  constructor(dtype: string) {
    if (!DTYPES.has(dtype)) throw new TypeError(`Unknown Value dtype ${JSON.stringify(dtype)}; use one of ${[...DTYPES].join(", ")}.`);
    this.dtype = dtype;
  }
  toString(): string {
    return `Value('${this.dtype}')`;
  }
  [util.inspect.custom](): string {
    return this.toString();
  }
}

/** Integer labels with names: `features.label.names` -> ["anger", "joy", "optimism", "sadness"]. */
export class ClassLabel {
  readonly names: string[];
  readonly dtype = "int64";
  constructor(options: { names?: string[]; numClasses?: number }) {
    this.names = options.names ? [...options.names] : Array.from({ length: options.numClasses ?? 0 }, (_, i) => String(i));
    if (this.names.length === 0) throw new TypeError("A ClassLabel needs names or numClasses.");
    if (new Set(this.names).size !== this.names.length) throw new TypeError(`ClassLabel names must be distinct: ${this.names.join(", ")}.`);
  }
  get numClasses(): number {
    return this.names.length;
  }
  int2str(i: number): string {
    const name = this.names[i];
    if (!Number.isInteger(i) || name === undefined) throw new RangeError(`Label ${i} is out of range: this ClassLabel has ${this.numClasses} classes (0..${this.numClasses - 1}).`);
    return name;
  }
  str2int(name: string): number {
    const i = this.names.indexOf(name);
    if (i < 0) throw new RangeError(`Unknown label ${JSON.stringify(name)}; the names are ${this.names.join(", ")}.`);
    return i;
  }
  toString(): string {
    return `ClassLabel(names=[${this.names.map((n) => `'${n}'`).join(", ")}])`;
  }
  [util.inspect.custom](): string {
    return this.toString();
  }
}

/** A list column (`input_ids`): each row is a list of `feature`. length -1: any length. */
export class Sequence {
  readonly feature: Feature;
  readonly length: number;
  constructor(feature: Feature, length = -1) {
    this.feature = feature;
    this.length = length;
  }
  toString(): string {
    return `Sequence(feature=${String(this.feature)}, length=${this.length})`;
  }
  [util.inspect.custom](): string {
    return this.toString();
  }
}

export type Feature = Value | ClassLabel | Sequence;
export type Features = Record<string, Feature>;

// Python's datasets stores these tokenizer outputs in the smallest integer type that holds them.
const OPTIMIZED_INT_COLUMNS: Record<string, string> = {
  input_ids: "int32",
  attention_mask: "int8",
  token_type_ids: "int8",
  special_tokens_mask: "int8",
};

function inferScalar(values: unknown[]): Value {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return new Value("null");
  if (present.every((v) => typeof v === "string")) return new Value("string");
  if (present.every((v) => typeof v === "boolean")) return new Value("bool");
  if (present.every((v) => typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v)))) return new Value("int64");
  if (present.every((v) => typeof v === "number" || typeof v === "bigint")) return new Value("float64");
  return new Value("string");
}

/** The feature Python's datasets would infer for a column of these values. */
export function inferFeature(name: string, values: unknown[]): Feature {
  const first = values.find((v) => v !== null && v !== undefined);
  if (Array.isArray(first) || ArrayBuffer.isView(first)) {
    const items = values.flatMap((v) => (v == null ? [] : Array.from(v as ArrayLike<unknown>)));
    const optimized = OPTIMIZED_INT_COLUMNS[name];
    const inner = inferScalar(items);
    return new Sequence(optimized && (inner.dtype === "int64" || inner.dtype === "null") ? new Value(optimized) : inner);
  }
  return inferScalar(values);
}

export function inferFeatures(columns: Record<string, unknown[]>): Features {
  const out: Features = {};
  for (const [name, values] of Object.entries(columns)) out[name] = inferFeature(name, values);
  return out;
}

/** A feature from a dataset card's `dataset_info.features[].dtype` (a dtype name, `class_label`, or a list). */
export function featureFromCard(dtype: unknown, where: string): Feature {
  if (typeof dtype === "string") return new Value(dtype);
  if (dtype && typeof dtype === "object") {
    const d = dtype as Record<string, any>;
    if (d.class_label) {
      const names = d.class_label.names as Record<string, string> | string[] | undefined;
      if (!names) throw new Error(`${where}: class_label without names.`);
      const list = Array.isArray(names) ? names : Object.keys(names).sort((a, b) => Number(a) - Number(b)).map((k) => names[k]);
      return new ClassLabel({ names: list.map(String) });
    }
    if (d.sequence !== undefined) return new Sequence(featureFromCard(d.sequence, where));
    if (d.list !== undefined) return new Sequence(featureFromCard(d.list, where));
  }
  throw new Error(`${where}: unsupported feature type ${JSON.stringify(dtype)}.`);
}

/** Turns a value into what a column of `feature` holds: bigint -> number for integers, etc. */
export function normalizeValue(value: unknown, feature: Feature | undefined): unknown {
  if (typeof value === "bigint") return Number(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => normalizeValue(v, undefined));
  if (Array.isArray(value) && feature instanceof Sequence) return value.map((v) => normalizeValue(v, feature.feature));
  return value;
}

/** `{'text': Value('string'), 'label': ClassLabel(names=[...])}` */
export function featuresToString(features: Features): string {
  return `{${Object.entries(features).map(([k, f]) => `'${k}': ${String(f)}`).join(", ")}}`;
}

/** `value` converted to `feature`'s type (castColumn), or an error that names the column and row. */
export function castValue(value: unknown, feature: Feature, where: string): unknown {
  if (value === null || value === undefined) return null;
  if (feature instanceof ClassLabel) {
    // As Python's str2int: a name, else a digit string taken as the label itself.
    const i = typeof value === "string" && !feature.names.includes(value) && /^\d+$/.test(value) ? Number(value) : typeof value === "string" ? feature.str2int(value) : Number(value);
    feature.int2str(i);
    return i;
  }
  if (feature instanceof Sequence) {
    if (!Array.isArray(value) && !ArrayBuffer.isView(value)) throw new TypeError(`${where}: expected a list for ${String(feature)}, got ${JSON.stringify(value)}.`);
    return Array.from(value as ArrayLike<unknown>, (v) => castValue(v, feature.feature, where));
  }
  const dtype = feature.dtype;
  if (dtype === "string" || dtype === "large_string") return typeof value === "string" ? value : String(value);
  if (dtype === "bool") return typeof value === "string" ? value.toLowerCase() === "true" : Boolean(value);
  if (dtype === "null") return null;
  const n = Number(value);
  if (Number.isNaN(n)) throw new TypeError(`${where}: cannot cast ${JSON.stringify(value)} to ${dtype}.`);
  return dtype.startsWith("float") ? n : Math.trunc(n);
}

/** Whether every value already fits `feature` (so an updated column can keep its feature). */
export function fitsFeature(values: unknown[], feature: Feature): boolean {
  const fits = (v: unknown, f: Feature): boolean => {
    if (v === null || v === undefined) return true;
    if (f instanceof ClassLabel) return Number.isInteger(v) && (v as number) >= 0 && (v as number) < f.numClasses;
    if (f instanceof Sequence) return Array.isArray(v) && v.every((x) => fits(x, f.feature));
    if (f.dtype.includes("string")) return typeof v === "string";
    if (f.dtype === "bool") return typeof v === "boolean";
    if (f.dtype.startsWith("float")) return typeof v === "number";
    if (f.dtype.includes("int")) return Number.isInteger(v);
    return false;
  };
  return values.every((v) => fits(v, feature));
}
