// Predictions for new texts as a table: the predicted class and the probability of each class.
import type { DataFrame } from "danfojs-node";
import { argmax } from "../metrics/index.js";
import { dataFrameFromColumns, displayDataFrame } from "./dataframe.js";

/** Row-wise softmax of logits. */
export function softmax(logits: ArrayLike<ArrayLike<number>>): number[][] {
  return Array.from(logits, (row) => {
    const values = Array.from(row);
    const max = Math.max(...values);
    const exps = values.map((v) => Math.exp(v - max));
    const total = exps.reduce((a, b) => a + b, 0);
    return exps.map((e) => e / total);
  });
}

/** `texts`, their predicted class and each class's probability, from logits `[texts.length, names.length]`. */
export function predictionsDataFrame(texts: readonly string[], logits: ArrayLike<ArrayLike<number>>, names: readonly string[]): DataFrame {
  if (logits.length !== texts.length) {
    throw new Error(`predictions: ${texts.length} texts but ${logits.length} rows of logits; pass the logits of these texts.`);
  }
  const probabilities = softmax(logits);
  if (probabilities.some((p) => p.length !== names.length)) {
    throw new Error(`predictions: the logits have ${probabilities[0]?.length} columns but there are ${names.length} class names.`);
  }
  const predicted = argmax(probabilities);
  const columns: Record<string, ArrayLike<unknown>> = {
    text: texts,
    prediction: predicted.map((i) => names[i]),
    score: predicted.map((i, row) => probabilities[row][i]),
  };
  names.forEach((name, j) => (columns[name] = probabilities.map((p) => p[j])));
  return dataFrameFromColumns(columns);
}

/** Shows the table of `predictionsDataFrame`. */
export function showPredictions(texts: readonly string[], logits: ArrayLike<ArrayLike<number>>, names: readonly string[]): void {
  displayDataFrame(predictionsDataFrame(texts, logits, names));
}
