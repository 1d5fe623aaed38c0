// The confusion-matrix heat map: true classes down, predicted classes across.
import { confusionMatrix } from "../metrics/index.js";
import { words } from "./language.js";
import { showFigure, type Figure } from "./plotly.js";

/** The figure `plotConfusionMatrix` shows. */
export function confusionMatrixFigure(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  names: readonly string[],
  title = words().confusionMatrix,
): Figure {
  const w = words();
  const counts = confusionMatrix(labels, predictions, { numLabels: names.length });
  const z = counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((n) => (total === 0 ? 0 : n / total));
  });
  return {
    data: [
      {
        type: "heatmap",
        name: w.shareOfTrueClass,
        x: [...names],
        y: [...names],
        z,
        text: counts.map((row) => row.map(String)),
        texttemplate: "%{text}",
        hovertemplate: `${w.true}: %{y}<br>${w.predicted}: %{x}<br>%{text} (%{z:.0%})<extra></extra>`,
        colorscale: "Blues",
        reversescale: true, // plotly's "Blues" runs dark to light: light for 0, dark for the whole class
        zmin: 0,
        zmax: 1,
      },
    ],
    layout: {
      title: { text: title },
      xaxis: { title: { text: w.predicted }, side: "bottom" },
      yaxis: { title: { text: w.true }, autorange: "reversed" },
      height: 420,
      margin: { t: 50 },
    },
  };
}

/**
 * Plots the confusion matrix of class ids `predictions` against `labels` (`argmax` the logits first),
 * with class `names` on both axes; cell colour is the share of the true class.
 */
export function plotConfusionMatrix(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  names: readonly string[],
  options: { title?: string } = {},
): void {
  showFigure(confusionMatrixFigure(labels, predictions, names, options.title));
}
