import { Embedding, Generator, LayerNorm, Linear, Module, fillConstant, fillNormal, fillValues } from "../../nn/index.js";
import { PretrainedConfig } from "../configuration.js";
import { FromPretrainedOptions, PretrainedConfigClass, PretrainedModelClass, loadPretrained } from "../loading.js";
import { PreTrainedModel } from "../pretrained-model.js";
import { sinusoidalPositionTable } from "./embeddings.js";

/** What the encoder models need of a config. */
export type EncoderModelConfig = PretrainedConfig & { initializer_range: number; vocab_size: number };

/**
 * The base of the encoder models: transformers' `_init_weights` (normal(0, initializer_range), zero
 * biases and padding rows, LayerNorm 1/0) and `fromPretrained` for each concrete class.
 */
export abstract class EncoderPreTrainedModel<C extends EncoderModelConfig = EncoderModelConfig> extends PreTrainedModel<C> {
  /** The names of the batch columns `forward` reads (the Trainer drops the others, as transformers does by the forward's signature). */
  abstract readonly inputNames: readonly string[];

  /**
   * Load from a hub repository id or a local folder (config.json + weights); checkpoint tensors map
   * 1:1 by name, with or without the base model's prefix. See AutoModelForSequenceClassification.fromPretrained.
   */
  static fromPretrained<M extends PreTrainedModel>(
    this: PretrainedModelClass<M> & { readonly configClass: PretrainedConfigClass<PretrainedConfig> },
    idOrDir: string,
    options: FromPretrainedOptions = {},
  ): Promise<M> {
    return loadPretrained(this, this.configClass, idOrDir, options);
  }

  protected initModuleWeights(_name: string, module: Module, generator: Generator): void {
    const std = this.config.initializer_range;
    if (module instanceof Linear) {
      fillNormal(module.weight, 0, std, generator);
      if (module.bias) fillConstant(module.bias, 0);
    } else if (module instanceof Embedding) {
      // The only frozen table is DistilBERT's sinusoidal position table.
      if (module.weight.trainable) module.resetParameters(std, generator);
      else fillValues(module.weight, sinusoidalPositionTable(module.numEmbeddings, module.embeddingDim));
    } else if (module instanceof LayerNorm) {
      module.resetParameters();
    }
  }
}
