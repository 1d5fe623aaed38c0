// A dataset as the Trainer reads it: checked once (not empty, tokenized, labels in range), its
// model columns pulled out once, then rows picked by index for each batch.
import * as tf from "@tensorflow/tfjs";
import { say } from "../errors.js";
import { didYouMeanText } from "../options.js";
import { DEFAULT_LENGTH_COLUMN } from "./training-args.js";
import type { Row } from "./data-collator.js";

/** What the Trainer needs of a dataset (the library's Dataset has it). */
export interface TrainerDataset {
  readonly numRows: number;
  readonly columnNames: string[];
  column(name: string): ArrayLike<unknown>;
}

/** The columns a model takes when it does not say (`inputNames`): DistilBERT's. */
export const DEFAULT_INPUT_NAMES = ["input_ids", "attention_mask"];
/** The label columns, kept beside the model's inputs; the collators rename them to `labels`. */
const LABEL_COLUMNS = ["labels", "label", "label_ids"];

export class DatasetView {
  readonly numRows: number;
  readonly labelColumn: string | undefined;
  /** The dataset's columns, all of them (not only those the model takes). */
  readonly columnNames: readonly string[];
  private readonly columns: Record<string, ArrayLike<unknown>> = {};
  /** For columns left out of `columns` but read whole, e.g. groupByLength's length column. */
  private readonly source: TrainerDataset;

  /**
   * `role` names the dataset in errors ("trainDataset", "evalDataset", ...); `numLabels` checks the
   * labels (class ids 0..numLabels-1, or -100 to ignore a row; a single label means regression);
   * `inputNames` are the columns the model's forward reads (default DEFAULT_INPUT_NAMES).
   */
  constructor(dataset: TrainerDataset, readonly role: string, options: { removeUnusedColumns: boolean; numLabels?: number; inputNames?: readonly string[] }) {
    if (dataset === null || typeof dataset !== "object" || typeof dataset.column !== "function" || !Array.isArray(dataset.columnNames)) {
      throw new Error(`${role} must be a Dataset (e.g. tokenized.get("train")), got ${dataset === null ? "null" : typeof dataset}.`);
    }
    this.source = dataset;
    this.numRows = dataset.numRows;
    if (!(this.numRows > 0)) {
      throw new Error(`${role} is empty (0 rows): there is nothing to train or evaluate on. Check the split and any filter or select applied to it.`);
    }
    const names = dataset.columnNames;
    this.columnNames = names;
    if (!names.includes("input_ids")) {
      throw new Error(
        `${role} has no "input_ids" column (columns: ${names.join(", ") || "none"}). Tokenize it first, e.g. ` +
          `dataset.map((b) => tokenizer(b.text, { maxLength: 60, padding: "max_length", truncation: true }), { batched: true }).`,
      );
    }
    // As transformers keeps the columns the model's forward takes (e.g. token_type_ids for BERT, not for DistilBERT).
    const signature = [...(options.inputNames ?? DEFAULT_INPUT_NAMES), ...LABEL_COLUMNS];
    const keep = options.removeUnusedColumns ? names.filter((n) => signature.includes(n)) : names;
    for (const name of keep) {
      const col = dataset.column(name);
      // A dataset formatted "tf" hands out tensors; rows are picked from plain values.
      if (col instanceof tf.Tensor) {
        this.columns[name] = col.arraySync() as unknown[];
        col.dispose();
      } else {
        this.columns[name] = col;
      }
    }
    this.labelColumn = LABEL_COLUMNS.find((n) => n in this.columns);
    if (this.labelColumn !== undefined && options.numLabels !== undefined) this.checkLabels(role, options.numLabels);
  }

  get hasLabels(): boolean {
    return this.labelColumn !== undefined;
  }

  /** The label of every row (throws if there is no label column). */
  labels(): number[] {
    if (this.labelColumn === undefined) throw new Error("This dataset has no label column.");
    return Array.from(this.columns[this.labelColumn] as ArrayLike<number>);
  }

  /**
   * Length of each row in tokens, for groupByLength: the `lengthColumn` column where the dataset has it
   * (kept even when removeUnusedColumns leaves it out of the batches, as transformers reads it from the
   * dataset), else the attention mask's sum (the ids' count without a mask). A `lengthColumn` other than
   * the default that the dataset lacks is an error (a misspelt name would silently be ignored).
   */
  lengths(lengthColumn: string = DEFAULT_LENGTH_COLUMN): number[] {
    if (this.columnNames.includes(lengthColumn)) return this.lengthColumn(lengthColumn);
    if (lengthColumn !== DEFAULT_LENGTH_COLUMN) {
      throw new Error(
        `lengthColumnName "${lengthColumn}" is not a column of ${this.role} (columns: ${this.columnNames.join(", ")}).${didYouMeanText(lengthColumn, this.columnNames)} ` +
          `Add it (each row's number of tokens), or leave lengthColumnName out to use each row's attention mask.`,
      );
    }
    const mask = this.columns.attention_mask as ArrayLike<ArrayLike<number>> | undefined;
    const ids = this.columns.input_ids as ArrayLike<ArrayLike<number>>;
    const width = ids[0].length;
    let padded = true;
    const lengths = Array.from({ length: this.numRows }, (_, i) => {
      if (ids[i].length !== width) padded = false;
      if (!mask) return ids[i].length;
      let s = 0;
      const m = mask[i];
      for (let j = 0; j < m.length; j++) s += m[j];
      return s;
    });
    if (padded && this.numRows > 1) console.warn(say(paddedNotice(this.role, width)));
    return lengths;
  }

  private lengthColumn(name: string): number[] {
    const col = name in this.columns ? this.columns[name] : this.source.column(name);
    const values = col instanceof tf.Tensor ? (col.arraySync() as unknown[]) : Array.from(col);
    const bad = values.findIndex((v) => typeof v !== "number" || !Number.isFinite(v) || v < 0);
    if (values.length !== this.numRows || bad >= 0) {
      throw new Error(
        `${this.role}: the "${name}" column (lengthColumnName) must hold each row's number of tokens, ` +
          (bad >= 0 ? `but row ${bad} has ${JSON.stringify(values[bad])}.` : `but it has ${values.length} values for ${this.numRows} rows.`) +
          ` Compute it when tokenizing, e.g. { length: ids.map((r) => r.length) }, or leave lengthColumnName out to use each row's attention mask.`,
      );
    }
    return values as number[];
  }

  /** Rows `indices` as objects (typed arrays turned into plain arrays, as a collator may pad them). */
  rows(indices: number[]): Row[] {
    const entries = Object.entries(this.columns);
    return indices.map((i) => {
      const row: Row = {};
      for (const [name, col] of entries) {
        const v = col[i];
        row[name] = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
      }
      return row;
    });
  }

  private checkLabels(role: string, numLabels: number): void {
    if (numLabels <= 1) return;
    const col = this.columns[this.labelColumn!];
    for (let i = 0; i < this.numRows; i++) {
      const l = col[i];
      if (l === -100) continue;
      if (typeof l !== "number" || !Number.isInteger(l) || l < 0 || l >= numLabels) {
        const label = `"${this.labelColumn}"`;
        throw new Error(
          say({
            en:
              `${role}: the ${label} of row ${i} is ${JSON.stringify(l)}, outside the model's labels 0..${numLabels - 1} (num_labels=${numLabels}). ` +
              `Load the model with numLabels equal to the dataset's number of classes (its ClassLabel names), or fix the labels.`,
            es:
              `${role}: la etiqueta (columna ${label}) de la fila ${i} es ${JSON.stringify(l)}, fuera de las clases del modelo 0..${numLabels - 1} (num_labels=${numLabels}). ` +
              `Carga el modelo con numLabels igual al número de clases de los datos (los nombres de su ClassLabel), o corrige las etiquetas.`,
          }),
        );
      }
    }
  }
}

/** groupByLength over rows all padded to one width: the batches stay that wide, so it saves nothing. */
function paddedNotice(role: string, width: number): { en: string; es: string } {
  return {
    en:
      `groupByLength: every row of ${role} has ${width} input_ids (padded when tokenizing), so every batch is ${width} tokens long whichever rows share it: ` +
      `grouping changes the order but saves no time. Tokenize with truncation only (no padding) and pass the tokenizer (or dataCollator: new DataCollatorWithPadding({ tokenizer })) ` +
      `to the Trainer, which then pads each batch to its longest row.`,
    es:
      `groupByLength: todas las filas de ${role} tienen ${width} input_ids (rellenadas al tokenizar), así que cada lote mide ${width} tokens sean cuales sean sus filas: ` +
      `agrupar cambia el orden pero no ahorra tiempo. Tokeniza solo con truncation (sin padding) y pasa el tokenizador (o dataCollator: new DataCollatorWithPadding({ tokenizer })) ` +
      `al Trainer, que entonces rellena cada lote hasta su fila más larga.`,
  };
}
