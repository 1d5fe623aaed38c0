import * as util from "node:util";
import { castValue, featuresToString, fitsFeature, inferFeature, inferFeatures, normalizeValue, type Feature, type Features } from "./features.js";
import { checkFormatType, toTensor, type DatasetFormat, type FormatType } from "./format.js";
import { checkOptions, optionNames } from "../options.js";
import { numpyPermutation } from "./numpy-random.js";

/** One example: `ds.get(0)` -> `{ text: "...", label: 2 }`. */
export type DatasetRow = Record<string, any>;
/** Columns of some examples: `ds.slice(0, 10)` -> `{ text: [...], label: [...] }`. */
export type DatasetBatch = Record<string, any[]>;

export interface MapOptions {
  /** Give `fn` batches of `batchSize` examples as columns instead of one example. */
  batched?: boolean;
  /** Default 1000, as in Python. */
  batchSize?: number;
  /** Drop these input columns (columns that `fn` returns are kept even if listed). */
  removeColumns?: string | string[];
  /** Features of the output columns; default: kept where the values still fit, else inferred. */
  features?: Features;
}

export interface ShuffleOptions {
  /** Same seed, same order, the same as Python's `shuffle(seed=...)` (numpy's PCG64 permutation). */
  seed?: number;
}

const MAP_OPTIONS = optionNames<MapOptions>({ batched: true, batchSize: true, removeColumns: true, features: true });
// Python's map options that mean nothing here.
const MAP_NOTES = {
  notes: {
    numProc: "This kit maps in one process; leave it out.",
    loadFromCacheFile: "This kit keeps datasets in memory and caches nothing; leave it out.",
  },
};

type RowFn = (example: DatasetRow, index: number) => object | void | null;
type BatchFn = (batch: DatasetBatch, indices: number[]) => object | void | null;

function asList(names: string | string[] | undefined): string[] {
  return names === undefined ? [] : typeof names === "string" ? [names] : [...names];
}

function isPromise(value: unknown): boolean {
  return !!value && typeof (value as { then?: unknown }).then === "function";
}

// Python's `ds[0]` (a row, negative from the end) and `ds["text"]` (a column): properties a Dataset lacks
// are looked up as row indices and column names.
const PYTHON_INDEXING: ProxyHandler<Dataset> = {
  get(target, prop, receiver) {
    if (typeof prop === "string" && !(prop in target)) {
      if (/^-?\d+$/.test(prop)) return target.get(Number(prop));
      if (target.columnNames.includes(prop)) return target.column(prop);
    }
    return Reflect.get(target, prop, receiver);
  },
};

/** `ds[i]` is row i, as `ds.get(i)`; `ds["text"]` is a column, as `ds.column("text")` (typed in TypeScript's default, non-strict mode). */
export interface Dataset {
  readonly [row: number]: DatasetRow;
}

/**
 * A table of examples held in memory as columns, shaped like Python's `datasets.Dataset`. Every method but
 * setFormat/resetFormat returns a new Dataset; the columns themselves are never modified in place.
 */
export class Dataset {
  readonly features: Features;
  private readonly data: DatasetBatch;
  private readonly rows: number;
  private fmt: DatasetFormat = { type: null };

  constructor(columns: DatasetBatch, features: Features, format: DatasetFormat = { type: null }) {
    const lengths = new Set(Object.values(columns).map((c) => c.length));
    if (lengths.size > 1) {
      throw new Error(`All columns must have the same length; got ${Object.entries(columns).map(([k, v]) => `${k}: ${v.length}`).join(", ")}.`);
    }
    this.data = columns;
    this.rows = lengths.size ? [...lengths][0] : 0;
    this.features = features;
    this.setFormat(format.type, format.columns);
    return new Proxy(this, PYTHON_INDEXING);
  }

  /** Columns of plain values; numbers stay numbers (bigint becomes number), features inferred when not given. */
  static fromDict(columns: Record<string, ArrayLike<unknown>>, features?: Features): Dataset {
    const data: DatasetBatch = {};
    for (const [name, values] of Object.entries(columns)) {
      if (typeof values === "string" || values === null || typeof values !== "object" || typeof values.length !== "number") {
        throw new TypeError(`fromDict takes columns as arrays: { ${name}: [...] }; "${name}" is ${values === null ? "null" : typeof values}.`);
      }
      data[name] = Array.from(values, (v) => normalizeValue(v, features?.[name]));
    }
    const all = { ...inferFeatures(data), ...(features ?? {}) };
    const out: Features = {};
    for (const name of Object.keys(data)) out[name] = all[name];
    for (const name of Object.keys(features ?? {})) if (!(name in data)) throw new Error(`features names "${name}", which is not a column (${Object.keys(data).join(", ")}).`);
    for (const [name, feature] of Object.entries(features ?? {})) data[name] = data[name].map((v, i) => castValue(v, feature, `column "${name}", row ${i}`));
    return new Dataset(data, out);
  }

  /** Rows as objects (Python's `Dataset.from_list`). */
  static fromList(rows: ReadonlyArray<DatasetRow>, features?: Features): Dataset {
    const names: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) for (const k of Object.keys(row)) if (!seen.has(k)) (seen.add(k), names.push(k));
    const columns: DatasetBatch = {};
    for (const name of names) columns[name] = rows.map((r) => r[name] ?? null);
    return Dataset.fromDict(columns, features);
  }

  get numRows(): number {
    return this.rows;
  }
  get numColumns(): number {
    return Object.keys(this.data).length;
  }
  get columnNames(): string[] {
    return Object.keys(this.data);
  }
  get shape(): [number, number] {
    return [this.rows, this.numColumns];
  }
  /** `{ type: "tf" | null, columns }` as set by setFormat. */
  get format(): DatasetFormat {
    return { type: this.fmt.type, columns: this.fmt.columns && [...this.fmt.columns] };
  }

  /** Example `i` (negative counts from the end), like Python's `ds[i]`. */
  get(i: number): DatasetRow {
    if (!Number.isInteger(i) || i >= this.rows || i < -this.rows) {
      throw new RangeError(`Index ${i} is out of range for a dataset of ${this.rows} rows.`);
    }
    const index = i < 0 ? this.rows + i : i;
    const row: DatasetRow = {};
    for (const name of this.outputColumns()) {
      const value = this.data[name][index];
      row[name] = this.fmt.type === "tf" ? toTensor(name, [value], this.features[name], true) : value;
    }
    return row;
  }

  /**
   * Examples start..end-1 as columns, like Python's `ds[start:end]` (negative and out-of-range ends clamp).
   * Under setFormat("tf") the formatted columns are tf.Tensor values, typed as arrays for the common plain
   * case: cast them (`batch.input_ids as unknown as tf.Tensor2D`).
   */
  slice(start: number, end?: number): DatasetBatch {
    const [from, to] = this.clamp(start, end);
    const out: DatasetBatch = {};
    for (const name of this.outputColumns()) {
      const values = this.data[name].slice(from, to);
      out[name] = this.fmt.type === "tf" ? (toTensor(name, values, this.features[name]) as unknown as unknown[]) : values;
    }
    return out;
  }

  /** All values of a column as an array, like Python's `ds["text"]` (plain values whatever the format). */
  column(name: string): any[] {
    return this.requireColumn(name).slice();
  }

  /** Examples as objects, in order (plain values, whatever the format). */
  *[Symbol.iterator](): IterableIterator<DatasetRow> {
    const names = this.columnNames;
    for (let i = 0; i < this.rows; i++) {
      const row: DatasetRow = {};
      for (const name of names) row[name] = this.data[name][i];
      yield row;
    }
  }

  /** Batches of `batchSize` examples as columns (formatted as setFormat says); the last one may be shorter. */
  *iter(batchSize: number): IterableIterator<DatasetBatch> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, not ${batchSize}.`);
    for (let start = 0; start < this.rows; start += batchSize) yield this.slice(start, start + batchSize);
  }

  toDict(): DatasetBatch {
    const out: DatasetBatch = {};
    for (const [name, values] of Object.entries(this.data)) out[name] = values.slice();
    return out;
  }

  toList(): DatasetRow[] {
    return [...this];
  }

  /**
   * Applies `fn` to every example (or batch of examples with `batched: true`) and merges what it returns into
   * the examples: new columns are added, columns of the same name replaced. `fn` must be synchronous.
   */
  map(fn: RowFn, options?: MapOptions & { batched?: false }): Dataset;
  map(fn: BatchFn, options: MapOptions & { batched: true }): Dataset;
  map(fn: RowFn | BatchFn, options: MapOptions = {}): Dataset {
    checkOptions("map", options, MAP_OPTIONS, MAP_NOTES);
    const remove = asList(options.removeColumns);
    for (const name of remove) this.requireColumn(name);
    const outputs: DatasetBatch = {};
    let outputRows = 0;
    let calls = 0;
    const collect = (result: unknown, expected: number, where: string): void => {
      if (isPromise(result)) {
        throw new TypeError("map() functions must be synchronous: compute the values before calling map (tokenizers are synchronous).");
      }
      if (result === undefined || result === null) result = {};
      if (typeof result !== "object" || Array.isArray(result)) {
        throw new TypeError(`map() functions must return an object of ${options.batched ? "columns" : "fields"} (or nothing); ${where} returned ${Array.isArray(result) ? "an array" : typeof result}.`);
      }
      const entries = Object.entries(result as Record<string, unknown>);
      let rows = expected;
      if (options.batched) {
        const lengths = new Set(entries.map(([, v]) => (v !== null && typeof v === "object" && "length" in (v as object) ? (v as unknown[]).length : -1)));
        if (lengths.has(-1)) throw new TypeError(`With batched: true, map() must return arrays (one value per example); ${where} returned ${entries.map(([k]) => k).join(", ")} with a non-array.`);
        if (lengths.size > 1) throw new Error(`map() returned columns of different lengths for ${where}: ${entries.map(([k, v]) => `${k}: ${(v as unknown[]).length}`).join(", ")}.`);
        rows = lengths.size ? [...lengths][0] : expected;
      }
      const got = entries.map(([k]) => k);
      if (calls++ === 0) {
        for (const k of got) outputs[k] = [];
      } else {
        const known = Object.keys(outputs);
        if (known.length !== got.length || got.some((k) => !(k in outputs))) {
          throw new Error(`map() must return the same columns for every ${options.batched ? "batch" : "example"}: got [${got.join(", ")}] for ${where} after [${known.join(", ")}].`);
        }
      }
      for (const [k, v] of entries) {
        const values = options.batched ? Array.from(v as ArrayLike<unknown>) : [v];
        for (const value of values) outputs[k].push(normalizeValue(value, undefined));
      }
      outputRows += rows;
    };

    if (options.batched) {
      const size = options.batchSize ?? 1000;
      if (!Number.isInteger(size) || size < 1) throw new RangeError(`batchSize must be a positive integer, not ${size}.`);
      for (let start = 0; start < this.rows; start += size) {
        const end = Math.min(start + size, this.rows);
        const batch = this.rawSlice(start, end);
        const indices = Array.from({ length: end - start }, (_, k) => start + k);
        collect((fn as BatchFn)(batch, indices), end - start, `the batch of rows ${start}..${end - 1}`);
      }
    } else {
      let i = 0;
      for (const row of this) {
        collect((fn as RowFn)(row, i), 1, `row ${i}`);
        i++;
      }
    }

    const kept = this.columnNames.filter((name) => !remove.includes(name) || name in outputs);
    const keptInputs = kept.filter((name) => !(name in outputs));
    if (outputRows !== this.rows && Object.keys(outputs).length > 0 && keptInputs.length > 0) {
      throw new Error(`map() returned ${outputRows} rows for ${this.rows} input rows. To change the number of rows, remove the input columns: removeColumns: ${JSON.stringify(keptInputs)}.`);
    }
    const columns: DatasetBatch = {};
    const features: Features = {};
    for (const name of [...kept, ...Object.keys(outputs).filter((k) => !kept.includes(k))]) {
      const values = name in outputs ? outputs[name] : this.data[name];
      columns[name] = values;
      const old = this.features[name];
      features[name] = options.features?.[name] ?? (name in outputs ? (old && fitsFeature(values, old) ? old : inferFeature(name, values)) : old);
    }
    return this.derive(columns, features);
  }

  /** Keeps the examples for which `fn` returns true. */
  filter(fn: (example: DatasetRow, index: number) => boolean): Dataset {
    const keep: number[] = [];
    let i = 0;
    for (const row of this) {
      const result = fn(row, i) as unknown;
      if (isPromise(result)) throw new TypeError("filter() functions must be synchronous.");
      if (result) keep.push(i);
      i++;
    }
    return this.select(keep);
  }

  /** The examples at these indices, in this order: `select(range(100))` as in Python (`range` is exported). */
  select(indices: Iterable<number>): Dataset {
    const list = Array.from(indices);
    for (const i of list) {
      if (!Number.isInteger(i) || i < 0 || i >= this.rows) throw new RangeError(`select(): index ${i} is out of range for a dataset of ${this.rows} rows.`);
    }
    const columns: DatasetBatch = {};
    for (const [name, values] of Object.entries(this.data)) columns[name] = list.map((i) => values[i]);
    return this.derive(columns, { ...this.features });
  }

  /**
   * The examples in a random order. With a seed, the order is `numpy.random.default_rng(seed).permutation(n)`
   * (PCG64), exactly what Python's `Dataset.shuffle(seed=seed)` gives; without one, a random seed is drawn.
   */
  shuffle(options: ShuffleOptions = {}): Dataset {
    if (typeof options === "number") throw new TypeError(`shuffle() takes options: shuffle({ seed: ${options} }).`);
    checkOptions("shuffle", options, ["seed"]);
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`shuffle(): seed must be a non-negative integer, not ${seed}.`);
    return this.select(numpyPermutation(this.rows, seed));
  }

  removeColumns(names: string | string[]): Dataset {
    const remove = asList(names);
    for (const name of remove) this.requireColumn(name);
    const columns: DatasetBatch = {};
    const features: Features = {};
    for (const name of this.columnNames) {
      if (remove.includes(name)) continue;
      columns[name] = this.data[name];
      features[name] = this.features[name];
    }
    return this.derive(columns, features);
  }

  /** Keeps only these columns, in this order. */
  selectColumns(names: string | string[]): Dataset {
    const keep = asList(names);
    for (const name of keep) this.requireColumn(name);
    return this.removeColumns(this.columnNames.filter((n) => !keep.includes(n)));
  }

  renameColumn(from: string, to: string): Dataset {
    return this.renameColumns({ [from]: to });
  }

  renameColumns(mapping: Record<string, string>): Dataset {
    for (const [from, to] of Object.entries(mapping)) {
      this.requireColumn(from);
      if (to in this.data && !(to in mapping)) throw new Error(`Cannot rename "${from}" to "${to}": there is already a column "${to}".`);
    }
    const columns: DatasetBatch = {};
    const features: Features = {};
    for (const name of this.columnNames) {
      const to = mapping[name] ?? name;
      columns[to] = this.data[name];
      features[to] = this.features[name];
    }
    const fmtColumns = this.fmt.columns?.map((c) => mapping[c] ?? c);
    return new Dataset(columns, features, { type: this.fmt.type, columns: fmtColumns });
  }

  /** Converts a column to `feature` (e.g. `new ClassLabel({ names })` for string labels, `new Value("float32")`). */
  castColumn(name: string, feature: Feature): Dataset {
    const values = this.requireColumn(name).map((v, i) => castValue(v, feature, `castColumn("${name}"), row ${i}`));
    return this.derive({ ...this.data, [name]: values }, { ...this.features, [name]: feature });
  }

  /** Adds a column (Python's `add_column`). */
  addColumn(name: string, values: ArrayLike<unknown>, feature?: Feature): Dataset {
    if (name in this.data) throw new Error(`There is already a column "${name}"; use map() to replace it, or removeColumns first.`);
    const list = Array.from(values, (v) => normalizeValue(v, feature));
    if (list.length !== this.rows) throw new Error(`addColumn("${name}") got ${list.length} values for ${this.rows} rows.`);
    return this.derive({ ...this.data, [name]: list }, { ...this.features, [name]: feature ?? inferFeature(name, list) });
  }

  /**
   * From now on, get()/slice()/column() return TensorFlow.js tensors ("tf") for `columns` (all when not given),
   * and only those columns, as Python's `set_format("tf", columns=[...])`; null goes back to plain values.
   */
  setFormat(type: FormatType | "tensorflow" | "python", columns?: string | string[]): void {
    const checked = checkFormatType(type);
    const list = columns === undefined ? undefined : asList(columns);
    for (const name of list ?? []) this.requireColumn(name);
    this.fmt = { type: checked, columns: list };
  }

  resetFormat(): void {
    this.fmt = { type: null };
  }

  /** A copy of the dataset with this format (Python's `with_format`). */
  withFormat(type: FormatType | "tensorflow" | "python", columns?: string | string[]): Dataset {
    const out = new Dataset(this.data, this.features);
    out.setFormat(type, columns);
    return out;
  }

  toString(): string {
    return `Dataset({\n    features: [${this.columnNames.map((n) => `'${n}'`).join(", ")}],\n    num_rows: ${this.rows}\n})`;
  }

  [util.inspect.custom](): string {
    return this.toString();
  }

  /** `{'text': Value('string'), 'label': ClassLabel(names=[...])}` */
  featuresToString(): string {
    return featuresToString(this.features);
  }

  private requireColumn(name: string): unknown[] {
    const values = this.data[name];
    if (!Object.prototype.hasOwnProperty.call(this.data, name)) {
      throw new Error(`Column "${name}" is not in the dataset. Columns: ${this.columnNames.join(", ") || "(none)"}.`);
    }
    return values;
  }

  private outputColumns(): string[] {
    if (this.fmt.type === null || this.fmt.columns === undefined) return this.columnNames;
    return this.fmt.columns.filter((c) => c in this.data);
  }

  private clamp(start: number, end: number | undefined): [number, number] {
    const norm = (i: number): number => Math.min(Math.max(i < 0 ? this.rows + i : i, 0), this.rows);
    const from = norm(start);
    return [from, Math.max(from, end === undefined ? this.rows : norm(end))];
  }

  private rawSlice(from: number, to: number): DatasetBatch {
    const out: DatasetBatch = {};
    for (const [name, values] of Object.entries(this.data)) out[name] = values.slice(from, to);
    return out;
  }

  /** A new dataset with the same format (the formatted columns that still exist). */
  private derive(columns: DatasetBatch, features: Features): Dataset {
    const fmtColumns = this.fmt.columns?.filter((c) => c in columns);
    return new Dataset(columns, features, { type: this.fmt.type, columns: fmtColumns });
  }
}

/** `range(n)` / `range(start, end)` for `select`, as in Python. */
export function range(start: number, end?: number): number[] {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

