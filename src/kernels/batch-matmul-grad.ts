// BatchMatMul's gradient, registered over tfjs's default on every backend for two reasons:
// - tfjs's default returns gradients with the broadcast batch shape, so `matMul(x3d, w2d)` fails
//   in backprop ("gradient of input 'b' has shape '2,12,8'..."); here they are summed back;
// - on wasm, matMul with transposeA/transposeB is 10-40x slower than a plain one, so the
//   transposes are done as separate ops there (a wasm training step is about 10x faster).
import * as tf from "@tensorflow/tfjs";

function swapLastTwo(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return tf.transpose(x, perm);
}

function mm(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  if (tf.getBackend() !== "wasm") return tf.matMul(a, b, transposeA, transposeB);
  return tf.matMul(transposeA ? swapLastTwo(a) : a, transposeB ? swapLastTwo(b) : b);
}

function unbroadcast(grad: tf.Tensor, shape: number[]): tf.Tensor {
  if (grad.shape.length === shape.length && grad.shape.every((d, i) => d === shape[i])) return grad;
  const axes = tf.backend_util.getReductionAxes(shape.slice(0, -2), grad.shape.slice(0, -2));
  return tf.reshape(axes.length > 0 ? tf.sum(grad, axes) : grad, shape);
}

export const batchMatMulGradConfig: tf.GradConfig = {
  kernelName: "BatchMatMul",
  inputsToSave: ["a", "b"],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs?: tf.NamedAttrMap) => {
    const g = dy as tf.Tensor;
    const [a, b] = saved;
    const transposeA = Boolean(attrs?.transposeA);
    const transposeB = Boolean(attrs?.transposeB);
    let da: () => tf.Tensor;
    let db: () => tf.Tensor;
    if (!transposeA && !transposeB) {
      da = () => mm(g, b, false, true);
      db = () => mm(a, g, true, false);
    } else if (!transposeA && transposeB) {
      da = () => mm(g, b, false, false);
      db = () => mm(g, a, true, false);
    } else if (transposeA && !transposeB) {
      da = () => mm(b, g, false, true);
      db = () => mm(a, g, false, false);
    } else {
      da = () => mm(b, g, true, true);
      db = () => mm(g, a, true, true);
    }
    return { a: () => unbroadcast(da(), a.shape), b: () => unbroadcast(db(), b.shape) };
  },
};

/** Register batchMatMulGradConfig over tfjs's default (a global registry; idempotent). */
export function registerBatchMatMulGrad(): void {
  tf.registerGradient(batchMatMulGradConfig);
}
