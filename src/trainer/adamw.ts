// AdamW as torch.optim.AdamW computes it: decoupled weight decay p *= 1 - lr*wd, moment updates,
// bias corrections, and eps added after the square root:
//   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// The update is written with tf ops so it runs on whichever backend holds the parameters (on the
// native backend, one fused in-place pass instead: src/kernels/fast-adamw.ts; on webgpu, one WGSL
// pass: src/kernels/webgpu-adamw.ts).
import * as tf from "@tensorflow/tfjs";
import { fusedAdamWStep } from "../kernels/fast-adamw.js";
import { webGpuAdamWStep } from "../kernels/webgpu-adamw.js";

export interface AdamWOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  /** Parameters that get no weight decay (default: biases and LayerNorm weights, see `noDecay`). */
  noDecay?: (name: string) => boolean;
}

/** Transformers' rule: no weight decay on biases and on LayerNorm parameters. */
export function noDecay(name: string): boolean {
  return /(^|\.)bias$/.test(name) || /layer_?norm/i.test(name);
}

/** One tensor of saved optimizer state. */
export interface OptimizerTensor {
  shape: number[];
  data: Float32Array;
}

/** The optimizer interface the Trainer uses; swap in another implementation with the same shape. */
export interface Optimizer {
  /** Number of updates taken. */
  readonly stepCount: number;
  /**
   * Apply one update with `grads` (keyed by parameter name) at learning rate `lr`, each gradient
   * multiplied by `gradScale` first (the Trainer's gradient clipping; default 1). Does not dispose `grads`.
   */
  step(grads: Map<string, tf.Tensor>, lr: number, gradScale?: number): void;
  /** Moment tensors under `{name}.exp_avg` / `{name}.exp_avg_sq`, plus hyper-parameters as strings. */
  stateDict(): { tensors: Record<string, OptimizerTensor>; metadata: Record<string, string> };
  /** The tensors stateDict reads (to fetch them from a GPU first). */
  tensors(): tf.Tensor[];
  loadStateDict(state: { tensors: Map<string, { shape: readonly number[]; data: ArrayLike<number> }>; metadata: Record<string, string> }): void;
  dispose(): void;
}

interface ParamState {
  name: string;
  param: tf.Variable;
  expAvg: tf.Variable;
  expAvgSq: tf.Variable;
  decay: boolean;
}

export class AdamW implements Optimizer {
  readonly lr: number;
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  stepCount = 0;
  private readonly states: ParamState[];

  constructor(params: Array<[string, tf.Variable]>, options: AdamWOptions = {}) {
    this.lr = options.lr ?? 1e-3;
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    const skipDecay = options.noDecay ?? noDecay;
    const seen = new Set<tf.Variable>();
    // A tied weight appears under several names; it is one parameter with one state.
    this.states = params
      .filter(([, p]) => p.trainable && !seen.has(p) && Boolean(seen.add(p)))
      .map(([name, param]) => ({
        name,
        param,
        expAvg: tf.tidy(() => tf.variable(tf.zerosLike(param), false)),
        expAvgSq: tf.tidy(() => tf.variable(tf.zerosLike(param), false)),
        decay: !skipDecay(name),
      }));
    if (this.states.length === 0) throw new Error("AdamW: no trainable parameters to optimize.");
  }

  /** Names of the parameters that get weight decay. */
  get decayedParameterNames(): string[] {
    return this.states.filter((s) => s.decay).map((s) => s.name);
  }

  step(grads: Map<string, tf.Tensor>, lr: number, gradScale = 1): void {
    const t = this.stepCount + 1;
    const [b1, b2] = this.betas;
    const bc1 = 1 - b1 ** t;
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    const stepSize = lr / bc1;
    for (const s of this.states) {
      const grad = grads.get(s.name);
      if (!grad) continue; // no gradient reached it: torch skips parameters whose .grad is None
      const weightDecay = s.decay ? this.weightDecay : 0;
      const fused = { lr, beta1: b1, beta2: b2, eps: this.eps, weightDecay, step: t, gradScale };
      if (fusedAdamWStep(s.param, grad, s.expAvg, s.expAvgSq, fused) || webGpuAdamWStep(s.param, grad, s.expAvg, s.expAvgSq, fused)) continue;
      tf.tidy(() => {
        const g = gradScale === 1 ? grad : tf.mul(grad, gradScale);
        const m = tf.add(tf.mul(s.expAvg, b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(s.expAvgSq, b2), tf.mul(tf.square(g), 1 - b2));
        const p = s.decay && this.weightDecay !== 0 ? tf.mul(s.param, 1 - lr * this.weightDecay) : s.param;
        const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), this.eps);
        s.expAvg.assign(m);
        s.expAvgSq.assign(v);
        s.param.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepSize)));
      });
    }
    this.stepCount = t;
  }

  tensors(): tf.Tensor[] {
    return this.states.flatMap((s) => [s.expAvg, s.expAvgSq]);
  }

  stateDict(): { tensors: Record<string, OptimizerTensor>; metadata: Record<string, string> } {
    const tensors: Record<string, OptimizerTensor> = {};
    for (const s of this.states) {
      tensors[`${s.name}.exp_avg`] = { shape: [...s.expAvg.shape], data: s.expAvg.dataSync() as Float32Array };
      tensors[`${s.name}.exp_avg_sq`] = { shape: [...s.expAvgSq.shape], data: s.expAvgSq.dataSync() as Float32Array };
    }
    return {
      tensors,
      metadata: {
        optimizer: "AdamW",
        step: String(this.stepCount),
        lr: String(this.lr),
        betas: JSON.stringify(this.betas),
        eps: String(this.eps),
        weight_decay: String(this.weightDecay),
      },
    };
  }

  loadStateDict(state: { tensors: Map<string, { shape: readonly number[]; data: ArrayLike<number> }>; metadata: Record<string, string> }): void {
    const step = Number(state.metadata.step);
    if (!Number.isInteger(step) || step < 0) throw new Error(`AdamW state: "step" must be a non-negative integer, got ${state.metadata.step}.`);
    for (const s of this.states) {
      for (const [key, target] of [[`${s.name}.exp_avg`, s.expAvg], [`${s.name}.exp_avg_sq`, s.expAvgSq]] as const) {
        const t = state.tensors.get(key);
        if (!t) throw new Error(`AdamW state: no "${key}" tensor; the checkpoint was saved for a different model.`);
        if (t.shape.length !== target.shape.length || t.shape.some((d, i) => d !== target.shape[i])) {
          throw new Error(`AdamW state: "${key}" has shape [${t.shape}] but the parameter is [${target.shape}].`);
        }
        const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
        tf.tidy(() => target.assign(tf.tensor(data, target.shape, "float32")));
      }
    }
    this.stepCount = step;
  }

  dispose(): void {
    for (const s of this.states) {
      s.expAvg.dispose();
      s.expAvgSq.dispose();
    }
  }
}
