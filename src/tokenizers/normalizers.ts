/**
 * The normalizers of tokenizer.json as functions, keyed by their JSON `type`, doing what the Rust `tokenizers`
 * crate does where @huggingface/tokenizers differs: Lowercase per character (no final-sigma rule), the BERT
 * normalizer of bert-normalizer.ts, and Precompiled with its charsmap.
 */
import { bertNormalizer, type BertNormalizerConfig } from "./bert-normalizer.js";
import { PrecompiledCharsmap } from "./precompiled.js";

export type Normalizer = (text: string) => string;
type NormalizerJson = Record<string, any> & { type: string };

/** A tokenizer.json `pattern`: `{String: "..."}` (literal) or `{Regex: "..."}`. */
export function patternRegExp(pattern: { String?: string; Regex?: string }, where: string): RegExp {
  if (typeof pattern?.String === "string") return new RegExp(pattern.String.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gu");
  if (typeof pattern?.Regex === "string") return new RegExp(pattern.Regex, "gu");
  throw new Error(`${where} has a pattern that is neither {"String": ...} nor {"Regex": ...}: ${JSON.stringify(pattern)}.`);
}

const FACTORIES: Record<string, (json: NormalizerJson) => Normalizer> = {
  BertNormalizer: (json) => bertNormalizer(json as BertNormalizerConfig),
  Sequence: (json) => {
    const steps = (json.normalizers as NormalizerJson[]).map(createNormalizer);
    return (text) => steps.reduce((t, step) => step(t), text);
  },
  Replace: (json) => {
    const pattern = patternRegExp(json.pattern, "A Replace normalizer");
    return (text) => text.replace(pattern, () => json.content);
  },
  NFC: () => (text) => text.normalize("NFC"),
  NFD: () => (text) => text.normalize("NFD"),
  NFKC: () => (text) => text.normalize("NFKC"),
  NFKD: () => (text) => text.normalize("NFKD"),
  StripAccents: () => (text) => text.replace(/\p{M}/gu, ""),
  // String#toLowerCase applies the final-sigma rule; Rust lowercases each character on its own.
  Lowercase: () => (text) => text.replace(/\u03a3/g, "\u03c3").toLowerCase(),
  Strip: (json) => (text) => {
    if (json.strip_left) text = text.replace(/^\s+/u, "");
    if (json.strip_right) text = text.replace(/\s+$/u, "");
    return text;
  },
  Prepend: (json) => (text) => (text ? json.prepend + text : text),
  Precompiled: (json) => {
    if (!json.precompiled_charsmap) return (text) => text;
    const charsmap = PrecompiledCharsmap.fromBase64(json.precompiled_charsmap);
    return (text) => charsmap.normalize(text);
  },
};

export function createNormalizer(json: NormalizerJson): Normalizer {
  const factory = Object.hasOwn(FACTORIES, json?.type) ? FACTORIES[json.type] : undefined;
  if (!factory) throw new Error(`tokenizer.json has a normalizer of type ${JSON.stringify(json?.type)}, which this library does not implement (it knows ${Object.keys(FACTORIES).join(", ")}).`);
  return factory(json);
}
