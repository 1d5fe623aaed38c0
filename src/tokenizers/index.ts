export { AutoTokenizer } from "./auto.js";
export {
  PreTrainedTokenizer,
  type TokenizeOptions,
  type PadOptions,
  type DecodeOptions,
  type Encoding,
  type BatchEncoding,
  type TensorEncoding,
} from "./tokenizer.js";
export type { PaddingStrategy, TruncationStrategy } from "./padding.js";
export { wordPieceTokenizerJson } from "./wordpiece-json.js";
