// The base of every layer and model: a tree of submodules holding tf.Variables under PyTorch's
// dotted names, so that a checkpoint's tensors map 1:1 onto a model's parameters.
import * as tf from "@tensorflow/tfjs";
import { isFloatDtype } from "../safetensors.js";

/** One tensor of a state dict: a shape and its float32 values, row-major. */
export interface StateTensor {
  shape: number[];
  data: Float32Array;
}

/** What `loadStateDict` accepts: any typed array or number list with its shape, e.g. `readSafetensors(...).tensors`. */
export type StateDictInput =
  | Map<string, { shape: readonly number[]; data: ArrayLike<number> }>
  | Record<string, { shape: readonly number[]; data: ArrayLike<number> }>;

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export abstract class Module {
  /** Training mode: dropout is active. Set with `train()` / `eval()`. */
  training = true;
  private readonly ownParameters = new Map<string, tf.Variable>();
  private readonly children = new Map<string, Module>();

  /** Create a parameter named `name` (e.g. "weight"), filled with zeros; `trainable: false` freezes it. */
  protected registerParameter(name: string, shape: number[], options: { trainable?: boolean } = {}): tf.Variable {
    if (this.ownParameters.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}: "${name}" is already registered.`);
    }
    const trainable = options.trainable ?? true;
    const v = tf.tidy(() => tf.variable(tf.zeros(shape), trainable));
    this.ownParameters.set(name, v);
    return v;
  }

  /** Attach a submodule; its parameters are named `name.<its names>`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    if (this.ownParameters.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}: "${name}" is already registered.`);
    }
    this.children.set(name, module);
    return module;
  }

  /**
   * Attach a submodule under a dotted path (e.g. "attention.self.query"), creating the empty
   * modules between, so that a shared layer takes the parameter names of each checkpoint.
   */
  protected registerModuleAt<M extends Module>(dottedPath: string, module: M): M {
    const parts = dottedPath.split(".");
    let parent: Module = this;
    for (const part of parts.slice(0, -1)) {
      const existing = parent.children.get(part);
      parent = existing ?? parent.registerModule(part, new Container());
    }
    return parent.registerModule(parts[parts.length - 1], module);
  }

  /** Set training mode (dropout on) on this module and every submodule. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Set evaluation mode (dropout off). */
  eval(): this {
    return this.train(false);
  }

  /** This module and its descendants, depth first, in registration order ("" names this one). */
  namedModules(prefix = ""): Array<[string, Module]> {
    const out: Array<[string, Module]> = [[prefix, this]];
    for (const [name, child] of this.children) out.push(...child.namedModules(join(prefix, name)));
    return out;
  }

  /**
   * Every parameter under its PyTorch name, in registration order. A frozen parameter (e.g. the
   * sinusoidal position table) is listed too, as PyTorch does, with `trainable === false`.
   */
  namedParameters(prefix = ""): Array<[string, tf.Variable]> {
    const out: Array<[string, tf.Variable]> = [];
    for (const [name, v] of this.ownParameters) out.push([join(prefix, name), v]);
    for (const [name, child] of this.children) out.push(...child.namedParameters(join(prefix, name)));
    return out;
  }

  /** The parameters, in `namedParameters` order. */
  parameters(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /** The number of values in the parameters (trainable ones only with `onlyTrainable`). */
  numParameters(onlyTrainable = false): number {
    return this.parameters()
      .filter((v) => !onlyTrainable || v.trainable)
      .reduce((n, v) => n + v.size, 0);
  }

  /** A copy of every parameter's values under its PyTorch name. */
  stateDict(): Record<string, StateTensor> {
    const out: Record<string, StateTensor> = {};
    for (const [name, v] of this.namedParameters()) out[name] = { shape: [...v.shape], data: v.dataSync() as Float32Array };
    return out;
  }

  /**
   * Copy tensors into the parameters of the same names. Every shape must match (the error names the
   * tensor); with `strict` (the default), missing or unexpected names are an error too.
   */
  loadStateDict(state: StateDictInput, options: { strict?: boolean } = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const entries = state instanceof Map ? state : new Map(Object.entries(state));
    const params = new Map(this.namedParameters());
    const missingKeys = [...params.keys()].filter((k) => !entries.has(k));
    const unexpectedKeys = [...entries.keys()].filter((k) => !params.has(k));
    const problems: string[] = [];
    for (const [name, v] of params) {
      const t = entries.get(name);
      if (t === undefined) continue;
      const size = t.shape.reduce((a, b) => a * b, 1);
      if (!sameShape(t.shape, v.shape)) {
        problems.push(`size mismatch for ${name}: copying a param with shape [${t.shape.join(", ")}], the shape in the current model is [${v.shape.join(", ")}]`);
      } else if (t.data.length !== size) {
        problems.push(`${name}: shape [${t.shape.join(", ")}] holds ${size} values but ${t.data.length} were given`);
      } else if ("dtype" in t && !isFloatDtype(t.dtype)) {
        problems.push(`${name} has dtype ${String(t.dtype)}; a weight must be floating point (the file is damaged or not a checkpoint)`);
      }
    }
    if (strict && missingKeys.length > 0) problems.push(`Missing key(s): ${missingKeys.join(", ")}`);
    if (strict && unexpectedKeys.length > 0) problems.push(`Unexpected key(s): ${unexpectedKeys.join(", ")}`);
    if (problems.length > 0) {
      throw new Error(`Error(s) in loading state dict for ${this.constructor.name}:\n  ${problems.join("\n  ")}`);
    }
    for (const [name, v] of params) {
      const t = entries.get(name);
      if (t === undefined) continue;
      const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
      tf.tidy(() => v.assign(tf.tensor(data, v.shape, "float32")));
    }
    return { missingKeys, unexpectedKeys };
  }

  /** Free every parameter's memory; the module cannot be used afterwards. */
  dispose(): void {
    for (const v of this.parameters()) v.dispose();
  }
}

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A module that only groups submodules under a name (the `attention` of `attention.self.query`). */
class Container extends Module {}
