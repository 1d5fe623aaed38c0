// The checkers' words, in Spanish (the workshop's language) and English, naming the notebooks' variables.

export type { Language } from "../errors.js";
import type { Language } from "../errors.js";

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
/** Spanish writes decimals with a comma. */
const comma = (text: string) => text.replace(".", ",");
const pctEs = (x: number) => comma(pct(x));
const list = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(", ");

const es = {
  titles: {
    ownTexts: "Comprobación: tus propios textos",
    stanceClimate: "Comprobación: DistilBERT en stance_climate",
    climateTexts: "Comprobación: textos a favor y en contra",
    improvement: "Comprobación: mejora del modelo",
  },
  vars: { texts: "misTextos", predictions: "misPredicciones", tokenized: "climaTokenizado", trainer: "trainerClima", climateTexts: "textosClima", climatePredictions: "prediccionesClima", improved: "trainerMejorado", improvedTokenized: "tokenizadoMejorado" },
  undefinedVar: (v: string, what: string) => `\`${v}\` todavía no tiene valor: ${what}`,
  whatTexts: "escribe una lista de frases, p. ej. `misTextos = [\"I love this workshop\", ...]`.",
  whatPredictions: "pasa tus textos por el tokenizador y el modelo, toma `argmax` de los logits y guarda los nombres de las clases en `misPredicciones`.",
  whatClimateTexts: "escribe frases a favor y en contra de las políticas climáticas en `textosClima`.",
  whatClimatePredictions: "clasifica `textosClima` con el modelo de stance_climate y guarda los nombres de las clases en `prediccionesClima`.",
  whatTokenized: "carga `loadDataset(\"tweet_eval\", \"stance_climate\")` y tokenízalo con `map(..., { batched: true })`.",
  whatTrainer: "crea un `Trainer` con el modelo nuevo y los datos tokenizados de stance_climate.",
  whatImproved: "entrena otro `Trainer` cambiando el tamaño del lote, la tasa de aprendizaje o el modelo.",
  notTexts: (v: string) => `\`${v}\` debe ser una lista (array) de textos no vacíos.`,
  tooFewTexts: (v: string, n: number) => `\`${v}\` necesita al menos ${n} textos.`,
  sameAsExamples: "Son los mismos textos del ejemplo: escribe frases tuyas.",
  textsOk: (n: number) => `${n} textos propios.`,
  lengthMismatch: (t: number, p: number) => `Hay ${t} textos pero ${p} predicciones: predice todos los textos, uno por predicción.`,
  unknownClass: (bad: string, names: readonly string[]) => `"${bad}" no es una clase; las clases son ${list(names)} (usa los nombres, p. ej. \`nombres[argmax(...)]\`).`,
  predictionsOk: (pairs: string) => `Predicciones: ${pairs}.`,
  allSame: (cls: string) => `El modelo predice "${cls}" para todos los textos: prueba frases más claras o entrena más (RAPIDO = false).`,
  needsBothStances: "Escribe al menos un texto a favor y otro en contra para comparar.",
  notDatasetDict: (v: string) => `\`${v}\` debe ser el DatasetDict que devuelve \`map\` (con \`get("train")\`).`,
  missingSplit: (v: string, split: string) => `\`${v}\` no tiene la partición "${split}".`,
  notTokenized: (v: string, missing: string) => `\`${v}.get("train")\` no tiene la columna "${missing}": aplica el tokenizador con \`map\` y \`{ batched: true }\`.`,
  wrongDataset: (v: string, names: readonly string[]) => `\`${v}\` tiene las clases ${list(names)}: carga la configuración "stance_climate" (none, against, favor).`,
  tokenizedOk: (rows: number) => `Datos tokenizados de stance_climate: ${rows} tweets de entrenamiento con \`input_ids\` y \`attention_mask\`.`,
  notTrainer: (v: string) => `\`${v}\` no es un \`Trainer\`: créalo con \`new Trainer({ model, args, trainDataset, evalDataset, computeMetrics })\`.`,
  wrongNumLabels: (n: number) => `El modelo tiene ${n} clases de salida y stance_climate tiene 3: créalo con \`{ numLabels: 3 }\`.`,
  numLabelsOk: "El modelo tiene 3 clases de salida.",
  trainedOnOther: (names: readonly string[]) => `El Trainer se entrena con datos de clases ${list(names)}: pásale \`climaTokenizado.get("train")\` como \`trainDataset\`.`,
  notTrained: (v: string) => `\`${v}\` no se ha entrenado (paso global 0): ejecuta \`await ${v}.train()\`.`,
  trainedOk: (steps: number, epochs: number) => `Entrenado: ${steps} pasos (${comma(String(epochs))} épocas).`,
  accuracy: (acc: number, base: number) => `Exactitud en test: ${pctEs(acc)} (predecir siempre la clase más frecuente da ${pctEs(base)}).`,
  belowBaseline: "No supera a la clase más frecuente: entrena más épocas (RAPIDO = false) o prueba otra tasa de aprendizaje.",
  evalFailed: (err: string) => `No se pudo evaluar en test: ${err}`,
  improved: (before: number, after: number) => `Exactitud en test: ${pctEs(after)} frente a ${pctEs(before)} del modelo anterior: ¡mejora!`,
  notImproved: (before: number, after: number) => `Exactitud en test: ${pctEs(after)} frente a ${pctEs(before)}: no mejora todavía; prueba otro lote, otra tasa de aprendizaje, más épocas u otro modelo del hub.`,
  changes: (what: string) => `Cambios respecto al primer Trainer: ${what}.`,
  noChanges: "Usa los mismos ajustes y el mismo modelo que el primero: cambia el lote, la tasa de aprendizaje o el modelo.",
  noBaseline: "Primero completa el ejercicio de stance_climate (`trainerClima`) para comparar.",
  otherTokenization: (v: string) => `\`trainerMejorado\` se entrenó con tweets tokenizados de otra forma que \`${v}\`, así que no se puede evaluar con su test. Si cambiaste de modelo, tokeniza stance_climate con el tokenizador de ese modelo, guárdalo en \`tokenizadoMejorado\`, entrena con \`tokenizadoMejorado.get("train")\` y pásalo como cuarto argumento: \`comprobar.mejora(trainerMejorado, trainerClima, climaTokenizado, tokenizadoMejorado)\`.`,
};

export type Messages = typeof es;

const en: Messages = {
  titles: {
    ownTexts: "Check: your own texts",
    stanceClimate: "Check: DistilBERT on stance_climate",
    climateTexts: "Check: texts for and against",
    improvement: "Check: improving the model",
  },
  vars: { texts: "myTexts", predictions: "myPredictions", tokenized: "climateTokenized", trainer: "climateTrainer", climateTexts: "climateTexts", climatePredictions: "climatePredictions", improved: "improvedTrainer", improvedTokenized: "improvedTokenized" },
  undefinedVar: (v: string, what: string) => `\`${v}\` has no value yet: ${what}`,
  whatTexts: "write a list of sentences, e.g. `myTexts = [\"I love this workshop\", ...]`.",
  whatPredictions: "run your texts through the tokenizer and the model, take the `argmax` of the logits and store the class names in `myPredictions`.",
  whatClimateTexts: "write sentences for and against climate policy in `climateTexts`.",
  whatClimatePredictions: "classify `climateTexts` with the stance_climate model and store the class names in `climatePredictions`.",
  whatTokenized: "load `loadDataset(\"tweet_eval\", \"stance_climate\")` and tokenize it with `map(..., { batched: true })`.",
  whatTrainer: "create a `Trainer` with the new model and the tokenized stance_climate data.",
  whatImproved: "train another `Trainer` with another batch size, learning rate or model.",
  notTexts: (v: string) => `\`${v}\` must be a list (array) of non-empty texts.`,
  tooFewTexts: (v: string, n: number) => `\`${v}\` needs at least ${n} texts.`,
  sameAsExamples: "These are the example's texts: write sentences of your own.",
  textsOk: (n: number) => `${n} texts of your own.`,
  lengthMismatch: (t: number, p: number) => `There are ${t} texts but ${p} predictions: predict every text, one prediction each.`,
  unknownClass: (bad: string, names: readonly string[]) => `"${bad}" is not a class; the classes are ${list(names)} (use the names, e.g. \`names[argmax(...)]\`).`,
  predictionsOk: (pairs: string) => `Predictions: ${pairs}.`,
  allSame: (cls: string) => `The model predicts "${cls}" for every text: try clearer sentences or train longer (QUICK = false).`,
  needsBothStances: "Write at least one text for and one against, to compare.",
  notDatasetDict: (v: string) => `\`${v}\` must be the DatasetDict that \`map\` returns (with \`get("train")\`).`,
  missingSplit: (v: string, split: string) => `\`${v}\` has no "${split}" split.`,
  notTokenized: (v: string, missing: string) => `\`${v}.get("train")\` has no "${missing}" column: apply the tokenizer with \`map\` and \`{ batched: true }\`.`,
  wrongDataset: (v: string, names: readonly string[]) => `\`${v}\` has the classes ${list(names)}: load the "stance_climate" configuration (none, against, favor).`,
  tokenizedOk: (rows: number) => `Tokenized stance_climate data: ${rows} training tweets with \`input_ids\` and \`attention_mask\`.`,
  notTrainer: (v: string) => `\`${v}\` is not a \`Trainer\`: create it with \`new Trainer({ model, args, trainDataset, evalDataset, computeMetrics })\`.`,
  wrongNumLabels: (n: number) => `The model has ${n} output classes and stance_climate has 3: create it with \`{ numLabels: 3 }\`.`,
  numLabelsOk: "The model has 3 output classes.",
  trainedOnOther: (names: readonly string[]) => `The Trainer trains on data with the classes ${list(names)}: pass \`climateTokenized.get("train")\` as \`trainDataset\`.`,
  notTrained: (v: string) => `\`${v}\` has not been trained (global step 0): run \`await ${v}.train()\`.`,
  trainedOk: (steps: number, epochs: number) => `Trained: ${steps} steps (${epochs} epochs).`,
  accuracy: (acc: number, base: number) => `Test accuracy: ${pct(acc)} (always predicting the most frequent class gives ${pct(base)}).`,
  belowBaseline: "Not better than the most frequent class: train more epochs (QUICK = false) or try another learning rate.",
  evalFailed: (err: string) => `Could not evaluate on test: ${err}`,
  improved: (before: number, after: number) => `Test accuracy: ${pct(after)} against ${pct(before)} for the previous model: better!`,
  notImproved: (before: number, after: number) => `Test accuracy: ${pct(after)} against ${pct(before)}: no better yet; try another batch size, learning rate, more epochs or another model from the hub.`,
  changes: (what: string) => `Changes from the first Trainer: ${what}.`,
  noChanges: "Same settings and model as the first one: change the batch size, the learning rate or the model.",
  noBaseline: "Finish the stance_climate exercise first (`climateTrainer`) to compare.",
  otherTokenization: (v: string) => `\`improvedTrainer\` was trained on tweets tokenized differently from \`${v}\`, so its test split cannot evaluate it. If you changed the model, tokenize stance_climate with that model's tokenizer, store it in \`improvedTokenized\`, train on \`improvedTokenized.get("train")\` and pass it as the fourth argument: \`check.improvement(improvedTrainer, climateTrainer, climateTokenized, improvedTokenized)\`.`,
};

export const MESSAGES: Record<Language, Messages> = { es, en };
