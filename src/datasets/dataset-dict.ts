import * as util from "node:util";
import type { Feature } from "./features.js";
import type { FormatType } from "./format.js";
import type { DatasetBatch, Dataset, MapOptions, DatasetRow, ShuffleOptions } from "./dataset.js";

type SplitsInit = Record<string, Dataset> | Iterable<[string, Dataset]>;

/** The members of a DatasetDict; the type `DatasetDict` adds the splits by name. */
export class DatasetDictBase {
  private readonly splits: Map<string, Dataset>;

  constructor(splits: SplitsInit) {
    this.splits = new Map(Symbol.iterator in Object(splits) ? (splits as Iterable<[string, Dataset]>) : Object.entries(splits));
    // Python's `dataset["train"]`: each split is also a property (unless a method has its name).
    for (const [name, ds] of this.splits) {
      if (!(name in this)) Object.defineProperty(this, name, { value: ds, enumerable: false });
    }
  }

  get(split: string): Dataset {
    const ds = this.splits.get(split);
    if (!ds) throw new Error(`There is no split "${split}". Splits: ${this.keys().join(", ") || "(none)"}.`);
    return ds;
  }
  has(split: string): boolean {
    return this.splits.has(split);
  }
  keys(): string[] {
    return [...this.splits.keys()];
  }
  values(): Dataset[] {
    return [...this.splits.values()];
  }
  entries(): Array<[string, Dataset]> {
    return [...this.splits.entries()];
  }
  [Symbol.iterator](): IterableIterator<[string, Dataset]> {
    return this.splits.entries();
  }

  /** Rows per split: `{ train: 3257, test: 1421, validation: 374 }`. */
  get numRows(): Record<string, number> {
    return this.collect((ds) => ds.numRows);
  }
  get columnNames(): Record<string, string[]> {
    return this.collect((ds) => ds.columnNames);
  }

  map(fn: (example: DatasetRow, index: number) => object | void | null, options?: MapOptions & { batched?: false }): DatasetDict;
  map(fn: (batch: DatasetBatch, indices: number[]) => object | void | null, options: MapOptions & { batched: true }): DatasetDict;
  map(fn: any, options?: any): DatasetDict {
    return this.apply((ds) => ds.map(fn, options));
  }
  filter(fn: (example: DatasetRow, index: number) => boolean): DatasetDict {
    return this.apply((ds) => ds.filter(fn));
  }
  /** Each split shuffled with the same seed, as Python does with a single seed. */
  shuffle(options: ShuffleOptions = {}): DatasetDict {
    return this.apply((ds) => ds.shuffle(options));
  }
  removeColumns(names: string | string[]): DatasetDict {
    return this.apply((ds) => ds.removeColumns(names));
  }
  selectColumns(names: string | string[]): DatasetDict {
    return this.apply((ds) => ds.selectColumns(names));
  }
  renameColumn(from: string, to: string): DatasetDict {
    return this.apply((ds) => ds.renameColumn(from, to));
  }
  renameColumns(mapping: Record<string, string>): DatasetDict {
    return this.apply((ds) => ds.renameColumns(mapping));
  }
  castColumn(name: string, feature: Feature): DatasetDict {
    return this.apply((ds) => ds.castColumn(name, feature));
  }
  setFormat(type: FormatType | "tensorflow" | "python", columns?: string | string[]): void {
    for (const ds of this.splits.values()) ds.setFormat(type, columns);
  }
  resetFormat(): void {
    for (const ds of this.splits.values()) ds.resetFormat();
  }
  withFormat(type: FormatType | "tensorflow" | "python", columns?: string | string[]): DatasetDict {
    return this.apply((ds) => ds.withFormat(type, columns));
  }

  toString(): string {
    const body = this.entries()
      .map(([name, ds]) => `${name}: ${ds.toString()}`)
      .join("\n")
      .replace(/^/gm, "    ");
    return `DatasetDict({\n${body}\n})`;
  }
  [util.inspect.custom](): string {
    return this.toString();
  }

  private apply(fn: (ds: Dataset) => Dataset): DatasetDict {
    return new DatasetDict(this.entries().map(([name, ds]) => [name, fn(ds)] as [string, Dataset]));
  }
  private collect<T>(fn: (ds: Dataset) => T): Record<string, T> {
    const out: Record<string, T> = {};
    for (const [name, ds] of this.splits) out[name] = fn(ds);
    return out;
  }
}

/** Named splits ("train", "test", "validation"), like Python's `DatasetDict`: `dataset["train"]` or `dataset.get("train")`. */
export type DatasetDict = DatasetDictBase & { readonly [split: string]: Dataset };
export const DatasetDict = DatasetDictBase as unknown as { new (splits: SplitsInit): DatasetDict; readonly prototype: DatasetDict };
