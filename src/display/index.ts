// Display: Plotly figures, Danfo.js tables and live progress in tslab notebooks; text in a terminal.
import { useNotebookProgress } from "./notebook-setup.js";

export { inNotebook, showBundle, newDisplayId, type MimeBundle, type ShowOptions } from "./notebook.js";
export { showFigure, figureBundle, figureHtml, figureText, type Figure, type FigureOptions } from "./plotly.js";
export { figureSvg, vegaLiteSpec } from "./static-figure.js";
export { epochRows, metricNames, metricTitle, logHistoryDataFrame, type EpochRow } from "./log-history.js";
export { learningCurvesFigure, plotLearningCurves } from "./learning-curves.js";
export { confusionMatrixFigure, plotConfusionMatrix } from "./confusion-matrix-figure.js";
export { toDataFrame, dataFrameFromColumns, dataFrameToHtml, dataFrameToText, displayDataFrame } from "./dataframe.js";
export { showDataset, previewDataFrame, labelCounts, labelNames, labelDistributionFigure, plotLabelDistribution } from "./dataset-views.js";
export { softmax, predictionsDataFrame, showPredictions } from "./predictions-table.js";
export { NotebookProgressCallback, epochTableHtml, epochTableText, progressHtml } from "./training-progress.js";
export { notebookDownloadProgress } from "./download-progress.js";
export { useNotebookProgress } from "./notebook-setup.js";

useNotebookProgress();
