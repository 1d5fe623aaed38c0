// The public API: re-exports only.
export * from "./backend.js";
export * from "./hub/index.js";
export * from "./datasets/index.js";
export * from "./tokenizers/index.js";
export * from "./safetensors.js";
export * from "./pytorch/index.js";
export * from "./nn/index.js";
export * from "./models/index.js";
export * from "./metrics/index.js";
export * from "./trainer/index.js";
export * from "./display/index.js";
export * from "./exercise/index.js";
export * from "./pipelines/index.js";
