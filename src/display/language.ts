// The figures' labels in the notebook's language (`setLanguage("es")`, which the Spanish notebooks call).
import { getLanguage } from "../errors.js";

/** Spanish names of the metrics `metricTitle` names in English. */
const ES_METRICS: Record<string, string> = { Accuracy: "Exactitud", Precision: "Precisión", Recall: "Exhaustividad" };

const WORDS = {
  en: {
    learningCurves: "Learning curves",
    trainingLoss: "Training loss",
    validationLoss: "Validation loss",
    validation: (metric: string) => `Validation ${metric.toLowerCase()}`,
    epoch: "Epoch",
    loss: "Loss",
    metric: "Metric",
    confusionMatrix: "Confusion matrix",
    predicted: "Predicted",
    true: "True",
    shareOfTrueClass: "share of the true class",
    examplesPerClass: "Examples per class",
    class: "Class",
    examples: "Examples",
    staticPicture: "A still picture of the figure: run the cell again (or trust the notebook) for the interactive one.",
    noPlotly: "plotly.js is not loaded in this page: this is a still picture; run the notebook again (or trust it) for the interactive figure.",
  },
  es: {
    learningCurves: "Curvas de aprendizaje",
    trainingLoss: "Pérdida de entrenamiento",
    validationLoss: "Pérdida de validación",
    validation: (metric: string) => `${ES_METRICS[metric] ?? metric} de validación`,
    epoch: "Época",
    loss: "Pérdida",
    metric: "Métrica",
    confusionMatrix: "Matriz de confusión",
    predicted: "Predicha",
    true: "Real",
    shareOfTrueClass: "parte de la clase real",
    examplesPerClass: "Ejemplos por clase",
    class: "Clase",
    examples: "Ejemplos",
    staticPicture: "Imagen fija de la figura: ejecuta la celda otra vez (o confía en el cuaderno) para verla interactiva.",
    noPlotly: "plotly.js no está cargado en esta página: esta es una imagen fija; ejecuta el cuaderno otra vez (o confía en él) para ver la figura interactiva.",
  },
};

/** The words of the current language. */
export function words(): (typeof WORDS)["en"] {
  return WORDS[getLanguage()];
}
