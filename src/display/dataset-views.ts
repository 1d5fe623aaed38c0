// Views of a labelled dataset: a preview with class names, the label counts, their bar chart.
import type { DataFrame } from "danfojs-node";
import type { Dataset } from "../datasets/dataset.js";
import { ClassLabel } from "../datasets/features.js";
import { dataFrameFromColumns, displayDataFrame } from "./dataframe.js";
import { words } from "./language.js";
import { showFigure, type Figure } from "./plotly.js";

/** The class names of the `label` column, or `undefined` when it is not a ClassLabel. */
export function labelNames(dataset: Dataset): string[] | undefined {
  const label = dataset.features.label;
  return label instanceof ClassLabel ? [...label.names] : undefined;
}

/** The first `n` rows, with a `label_name` column beside `label` when the labels have names. */
export function previewDataFrame(dataset: Dataset, n = 10): DataFrame {
  const names = labelNames(dataset);
  const columns: Record<string, unknown[]> = {};
  for (const [column, values] of Object.entries(dataset.withFormat("python").slice(0, n))) {
    columns[column] = values;
    if (column === "label" && names) columns.label_name = values.map((v) => names[Number(v)] ?? "");
  }
  return dataFrameFromColumns(columns);
}

/** Shows the first `n` rows of a dataset as a table (class names included). */
export function showDataset(dataset: Dataset, n = 10): void {
  displayDataFrame(previewDataFrame(dataset, n), { caption: `${Math.min(n, dataset.numRows)} of ${dataset.numRows} rows` });
}

/** How many examples each class has: columns `label`, `label_name`, `count`, `share`. */
export function labelCounts(dataset: Dataset): DataFrame {
  const labels = dataset.withFormat("python").column("label").map(Number);
  const names = labelNames(dataset) ?? [...new Set(labels)].sort((a, b) => a - b).map(String);
  const counts = names.map(() => 0);
  for (const label of labels) if (label >= 0 && label < counts.length) counts[label]++;
  return dataFrameFromColumns({
    label: names.map((_, i) => i),
    label_name: names,
    count: counts,
    share: counts.map((c) => (labels.length ? c / labels.length : 0)),
  });
}

/** The bar chart of `labelCounts`. */
export function labelDistributionFigure(dataset: Dataset, title = words().examplesPerClass): Figure {
  const w = words();
  const df = labelCounts(dataset);
  return {
    data: [
      {
        type: "bar",
        name: w.examples.toLowerCase(),
        x: df.column("label_name").values,
        y: df.column("count").values,
        text: df.column("count").values,
        textposition: "auto",
      },
    ],
    layout: { title: { text: title }, xaxis: { title: { text: w.class } }, yaxis: { title: { text: w.examples } }, height: 360 },
  };
}

/** Plots how many examples each class has. */
export function plotLabelDistribution(dataset: Dataset, options: { title?: string } = {}): void {
  showFigure(labelDistributionFigure(dataset, options.title));
}
