// What every model shares with transformers' PreTrainedModel: a config, Hugging Face's weight
// initialisation (applied to the whole model, or only to weights a checkpoint did not provide),
// and savePretrained.
import * as path from "node:path";
import { inspect } from "node:util";
import { Generator, Module, getDefaultGenerator } from "../nn/index.js";
import { readableSync } from "../accel/webgpu.js";
import { writeSafetensors } from "../safetensors.js";
import { PretrainedConfig, writeFileAtomic } from "./configuration.js";

/** The second constructor argument of every model. */
export interface ModelInitOptions {
  /** Seed for the initial weights (default: the stream `manualSeed` seeds). */
  seed?: number;
  /** The random stream for the initial weights; `seed` wins if both are given. */
  generator?: Generator;
  /** Leave the weights at zero (LayerNorms at 1/0): `fromPretrained` fills them from the checkpoint instead. */
  skipInit?: boolean;
}

export abstract class PreTrainedModel<C extends PretrainedConfig = PretrainedConfig> extends Module {
  constructor(readonly config: C) {
    super();
  }

  /** A notebook cell's value: one line (name, size, classes) rather than every layer and tensor. */
  [inspect.custom](): string {
    const c = this.config as unknown as { _name_or_path?: string; id2label?: Record<string, string> };
    const parts = [
      c._name_or_path ? JSON.stringify(c._name_or_path) : undefined,
      `${this.numParameters().toLocaleString("en-US")} parameters`,
      c.id2label ? `numLabels: ${Object.keys(c.id2label).length}` : undefined,
      this.training ? "training mode" : "eval mode",
    ];
    return `${this.constructor.name}(${parts.filter(Boolean).join(", ")})`;
  }

  /** Initialise one module's own parameters as the Python library does (its `_init_weights`). */
  protected abstract initModuleWeights(name: string, module: Module, generator: Generator): void;

  /** Initialise every weight; subclasses call this at the end of their constructor unless `skipInit`. */
  protected initWeights(options: ModelInitOptions): void {
    if (options.skipInit) return;
    const generator = generatorFrom(options);
    for (const [name, module] of this.namedModules()) this.initModuleWeights(name, module, generator);
  }

  /**
   * Initialise the modules that own the parameters `names` (e.g. a new classification head, or
   * weights whose checkpoint shape did not fit). A module is initialised whole, so load the
   * checkpoint's tensors after this.
   */
  initWeightsOf(names: Iterable<string>, options: ModelInitOptions = {}): void {
    const generator = generatorFrom(options);
    const modules = new Map(this.namedModules());
    const owners = new Set<string>();
    for (const name of names) owners.add(name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : "");
    for (const owner of owners) {
      const module = modules.get(owner);
      if (module === undefined) throw new Error(`${this.constructor.name} has no module "${owner}".`);
      this.initModuleWeights(owner, module, generator);
    }
  }

  /**
   * Write `config.json` (with `architectures`, `model_type`, label maps and every key, sorted) and
   * `model.safetensors` (PyTorch names and layouts) into `dir`, each file atomically.
   */
  async savePretrained(dir: string): Promise<void> {
    const json: Record<string, unknown> = {
      ...this.config.toJSON(),
      architectures: [this.constructor.name],
      torch_dtype: "float32",
    };
    const sorted = Object.fromEntries(Object.keys(json).sort().map((k) => [k, json[k]]));
    await readableSync(this.parameters());
    await writeSafetensors(path.join(dir, "model.safetensors"), this.stateDict());
    await writeFileAtomic(path.join(dir, "config.json"), `${JSON.stringify(sorted, null, 2)}\n`);
  }
}

function generatorFrom(options: ModelInitOptions): Generator {
  if (options.seed !== undefined) return new Generator(options.seed);
  return options.generator ?? getDefaultGenerator();
}
