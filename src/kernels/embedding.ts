// Embedding lookup whose gradient scatters the output gradient into the table's rows.
// tf.gather's own gradient goes through UnsortedSegmentSum, which tfjs-wasm lacks and which the
// cpu backend computes with vocabulary-sized temporaries per token (~90 GB at DistilBERT size).
import * as tf from "@tensorflow/tfjs";

/**
 * `table[ids]`: shape `[...ids.shape, dim]`. The table's gradient is the sum of the output gradient
 * over the positions of each id, and zero on the `paddingIdx` row (as PyTorch's `padding_idx`).
 */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor, paddingIdx?: number): tf.Tensor {
  if (table.rank !== 2) throw new Error(`embeddingLookup: the table must be 2-D [vocab, dim], got shape [${table.shape}].`);
  const [vocab, dim] = table.shape;
  if (paddingIdx !== undefined && !(Number.isInteger(paddingIdx) && paddingIdx >= 0 && paddingIdx < vocab)) {
    throw new Error(`embeddingLookup: paddingIdx ${paddingIdx} is not a row of a ${vocab}-row table.`);
  }
  const outShape = [...ids.shape, dim];
  const flatIds = tf.tidy(() => tf.cast(tf.reshape(ids, [-1]), "int32"));
  const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([flatIds]);
    return {
      value: tf.reshape(tf.gather(t, flatIds), outShape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [idx] = saved;
        let rows = tf.reshape(dy, [-1, dim]);
        if (paddingIdx !== undefined) {
          const keep = tf.cast(tf.notEqual(idx, paddingIdx), rows.dtype);
          rows = tf.mul(rows, tf.expandDims(keep, 1));
        }
        return tf.scatterND(tf.expandDims(idx, 1), rows, [vocab, dim]);
      },
    };
  });
  const out = lookup(table);
  flatIds.dispose();
  return out;
}
