export { loadDataset, type LoadDatasetOptions } from "./load.js";
export { Dataset, range, type DatasetRow, type DatasetBatch, type MapOptions, type ShuffleOptions } from "./dataset.js";
export { DatasetDict } from "./dataset-dict.js";
export { ClassLabel, Value, Sequence, type Feature, type Features } from "./features.js";
export type { DataFilesSpec } from "./data-files.js";
export type { FormatType, DatasetFormat } from "./format.js";
