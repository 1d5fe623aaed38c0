import { Module } from "./module.js";

/** Submodules named "0", "1", ... in order, as torch.nn.ModuleList (e.g. `transformer.layer.0.…`). */
export class ModuleList<M extends Module = Module> extends Module {
  private readonly items: M[];

  constructor(modules: M[]) {
    super();
    this.items = modules;
    modules.forEach((m, i) => this.registerModule(String(i), m));
  }

  get length(): number {
    return this.items.length;
  }

  at(index: number): M {
    const m = this.items[index];
    if (m === undefined) throw new Error(`ModuleList: index ${index} is out of range (length ${this.items.length}).`);
    return m;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
}
