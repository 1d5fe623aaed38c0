export * from "./argmax.js";
export * from "./accuracy.js";
export * from "./confusion-matrix.js";
export * from "./precision-recall-f1.js";
export * from "./load-metric.js";
export type { LabelArray } from "./labels.js";
