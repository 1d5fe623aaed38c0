// What every model config shares with transformers' PretrainedConfig: the label maps
// (id2label / label2id / numLabels), unknown keys kept as they are, and the config.json layout.
import { promises as fs } from "node:fs";
import * as path from "node:path";

export type Id2Label = Record<string, string>;
export type Label2Id = Record<string, number>;

/** Keys a config accepts besides its own: the label maps and `num_labels` (which is not stored). */
export interface LabelOptions {
  id2label?: Record<string | number, string>;
  label2id?: Record<string, number>;
  num_labels?: number;
}

export abstract class PretrainedConfig {
  /** config.json's `model_type`. */
  abstract readonly model_type: string;
  id2label!: Id2Label;
  label2id!: Label2Id;
  architectures?: string[];
  /** Every other key, known or not, is an own property and is written back by `toJSON`. */
  [key: string]: unknown;

  /**
   * Fill a new config: `defaults`, then `options` (config.json keys; `num_labels` or `numLabels`
   * and the label maps set the labels). `modelType` is the class's own: another one is an error.
   */
  protected assign(options: LabelOptions & Record<string, unknown>, defaults: object, modelType: string): void {
    const { id2label, label2id, num_labels, numLabels, model_type, ...rest } = options;
    const name = this.constructor.name;
    if (numLabels !== undefined && num_labels !== undefined && numLabels !== num_labels) {
      throw new Error(`${name} got numLabels ${String(numLabels)} and num_labels ${num_labels}; pass one.`);
    }
    if (model_type !== undefined && model_type !== modelType) {
      throw new Error(`${name} got model_type "${String(model_type)}"; use the config class of that model type (AutoConfig picks it).`);
    }
    Object.assign(this, defaults, rest);
    this.setLabels({ id2label, label2id, num_labels: num_labels ?? (numLabels as number | undefined) });
  }

  /** Throws unless each of `keys` is a positive integer. */
  protected checkPositiveIntegers(keys: readonly string[]): void {
    for (const key of keys) {
      const v = this[key];
      if (!(typeof v === "number" && Number.isInteger(v) && v > 0)) throw new Error(`${this.constructor.name}: ${key} must be a positive integer, got ${JSON.stringify(v)}.`);
    }
  }

  /** Throws unless each of `keys` is a probability in [0, 1) (or null, where `nullable`). */
  protected checkProbabilities(keys: readonly string[], nullable: readonly string[] = []): void {
    for (const key of keys) {
      const v = this[key];
      if (v === null && nullable.includes(key)) continue;
      if (!(typeof v === "number" && v >= 0 && v < 1)) throw new Error(`${this.constructor.name}: ${key} must be a probability in [0, 1), got ${JSON.stringify(v)}.`);
    }
  }

  /** Throws unless initializer_range is a non-negative number and pad_token_id a token id. */
  protected checkInitAndPadding(vocabSize: number): void {
    const name = this.constructor.name;
    if (!(typeof this.initializer_range === "number" && this.initializer_range >= 0)) {
      throw new Error(`${name}: initializer_range must be a non-negative number, got ${JSON.stringify(this.initializer_range)}.`);
    }
    const pad = this.pad_token_id;
    if (!(Number.isInteger(pad) && (pad as number) >= 0 && (pad as number) < vocabSize)) {
      throw new Error(`${name}: pad_token_id must be a token id below vocab_size (${vocabSize}), got ${JSON.stringify(pad)}.`);
    }
  }

  /** Set the label maps from `id2label`, else `label2id`, else `num_labels` (default 2: LABEL_0, LABEL_1). */
  protected setLabels(options: LabelOptions): void {
    const { id2label, label2id, num_labels } = options;
    if (id2label !== undefined && id2label !== null) {
      this.id2label = normaliseId2Label(id2label);
      this.label2id = label2id ?? Object.fromEntries(Object.entries(this.id2label).map(([id, label]) => [label, Number(id)]));
    } else if (label2id !== undefined && label2id !== null) {
      this.label2id = { ...label2id };
      this.id2label = normaliseId2Label(Object.fromEntries(Object.entries(label2id).map(([label, id]) => [id, label])));
    } else {
      this.numLabels = num_labels ?? 2;
    }
  }

  /** The number of labels, i.e. the classifier's outputs. Setting a different number renames them LABEL_0, LABEL_1, ... */
  get numLabels(): number {
    return Object.keys(this.id2label).length;
  }

  set numLabels(n: number) {
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`numLabels must be a positive integer, got ${n}.`);
    if (this.id2label !== undefined && this.numLabels === n) return;
    this.id2label = Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i), `LABEL_${i}`]));
    this.label2id = Object.fromEntries(Array.from({ length: n }, (_, i) => [`LABEL_${i}`, i]));
  }

  /** The config.json object: every key, sorted, as transformers writes it. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(this).sort()) {
      const value = this[key];
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
}

function normaliseId2Label(map: Record<string | number, string>): Id2Label {
  const out: Id2Label = {};
  for (const [id, label] of Object.entries(map)) {
    const n = Number(id);
    if (!Number.isInteger(n) || n < 0) throw new Error(`id2label keys must be label ids 0, 1, ...; got "${id}".`);
    out[String(n)] = String(label);
  }
  const ids = Object.keys(out).map(Number).sort((a, b) => a - b);
  if (ids.some((id, i) => id !== i)) throw new Error(`id2label must number its labels 0 to ${ids.length - 1} without gaps; got ids ${ids.join(", ")}.`);
  return out;
}

/** Read and parse a config.json, with errors that name the file. */
export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf-8");
  } catch (err) {
    throw new Error(`Cannot read ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}).`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new Error(`${file} must hold a JSON object.`);
  return json as Record<string, unknown>;
}

/** Write `text` to `file` through a temporary file and a rename, so a reader never sees half of it. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await fs.writeFile(tmp, text);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
