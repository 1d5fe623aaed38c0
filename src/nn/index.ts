export { Module, type StateTensor, type StateDictInput, type LoadStateDictResult } from "./module.js";
export { ModuleList } from "./module-list.js";
export { Linear } from "./linear.js";
export { Embedding } from "./embedding.js";
export { LayerNorm } from "./layer-norm.js";
export { Dropout } from "./dropout.js";
export { gelu, geluNew, relu, getActivation } from "./activations.js";
export { fillNormal, fillUniform, fillConstant, fillValues, type LayerInitOptions } from "./init.js";
export { Generator, manualSeed, getDefaultGenerator } from "./random.js";
