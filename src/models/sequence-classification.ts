// What every `...ForSequenceClassification` shares: its inputs and output, the problem types it
// supports, and transformers' loss (cross-entropy, or mean squared error for regression).
import * as tf from "@tensorflow/tfjs";
import { PretrainedConfig } from "./configuration.js";
import { ModelInputs } from "./inputs.js";

export interface SequenceClassificationInputs extends ModelInputs {
  /** Class ids `[batch]` (single-label classification), or targets (regression, when numLabels is 1). */
  labels?: tf.Tensor1D | number[];
}

export type SequenceClassifierOutput = {
  logits: tf.Tensor2D;
  /** Mean cross-entropy (mean squared error for regression), when `labels` are given. */
  loss?: tf.Scalar;
  /** The embeddings' output, then each layer's, when asked for (`outputHiddenStates`). */
  hiddenStates?: tf.Tensor3D[];
  attentions?: tf.Tensor4D[];
};

/** Labels equal to this are left out of the loss, as PyTorch's CrossEntropyLoss(ignore_index=-100). */
export const IGNORE_INDEX = -100;

/** Throws for a problem_type the heads do not implement. */
export function checkProblemType(config: PretrainedConfig): void {
  const problem = config.problem_type;
  if (problem !== undefined && problem !== null && problem !== "single_label_classification" && problem !== "regression") {
    throw new Error(`problem_type "${String(problem)}" is not supported; use "single_label_classification" or "regression" (or leave it unset).`);
  }
}

/** The hidden state of each sequence's first token (`[CLS]` / `<s>`): `[batch, seq, dim]` → `[batch, dim]`. */
export function firstToken(hidden: tf.Tensor3D): tf.Tensor2D {
  const [batch, , dim] = hidden.shape;
  return tf.reshape(tf.slice(hidden, [0, 0, 0], [batch, 1, dim]), [batch, dim]);
}

/** The loss of `logits` against `labels`, as transformers' `...ForSequenceClassification` computes it. */
export function sequenceClassificationLoss(config: PretrainedConfig, logits: tf.Tensor2D, labels: tf.Tensor1D | number[]): tf.Scalar {
  const [batch, numLabels] = logits.shape;
  const n = labels instanceof tf.Tensor ? labels.shape[0] : labels.length;
  if (n !== batch || (labels instanceof tf.Tensor && labels.rank !== 1)) {
    throw new Error(`labels must be 1-D with one label per sequence (${batch}), got ${labels instanceof tf.Tensor ? `shape [${labels.shape}]` : `${n} labels`}.`);
  }
  if (config.problem_type === "regression" || (config.problem_type == null && numLabels === 1)) {
    const target = labels instanceof tf.Tensor ? tf.cast(labels, "float32") : tf.tensor1d(labels, "float32");
    return tf.mean(tf.square(tf.sub(tf.reshape(logits, [batch]), target))) as tf.Scalar;
  }
  // A class id out of range would be a zero one-hot row, i.e. silently left out: check them (a [batch] read).
  const values = labels instanceof tf.Tensor ? Array.from(labels.dataSync()) : labels;
  const bad = values.find((l) => !(Number.isInteger(l) && ((l >= 0 && l < numLabels) || l === IGNORE_INDEX)));
  if (bad !== undefined) {
    throw new Error(`label ${bad} is not a class id of this model (0 to ${numLabels - 1}): set numLabels (or id2label) to the dataset's number of classes.`);
  }
  const ids = labels instanceof tf.Tensor ? tf.cast(labels, "int32") : tf.tensor1d(labels, "int32");
  // oneHot of IGNORE_INDEX is a zero row, so ignored labels add nothing; the mean is over the others.
  const targets = tf.oneHot(ids, numLabels);
  const picked = tf.sum(tf.mul(tf.logSoftmax(logits), targets));
  return tf.div(tf.neg(picked), tf.sum(targets)) as tf.Scalar;
}
