import { Embedding, Generator, LayerNorm, Linear, Module, fillConstant, fillNormal, fillValues } from "../../nn/index.js";
import { PreTrainedModel } from "../pretrained-model.js";
import { DistilBertConfig } from "./configuration.js";
import { sinusoidalPositionTable } from "./embeddings.js";

/** The base of the DistilBERT models: transformers' weight initialisation for DistilBERT. */
export abstract class DistilBertPreTrainedModel extends PreTrainedModel<DistilBertConfig> {
  /** The attribute that holds the bare DistilBertModel in a model with a head. */
  static readonly baseModelPrefix = "distilbert";

  protected initModuleWeights(name: string, module: Module, generator: Generator): void {
    const std = this.config.initializer_range;
    if (module instanceof Linear) {
      fillNormal(module.weight, 0, std, generator);
      if (module.bias) fillConstant(module.bias, 0);
    } else if (module instanceof Embedding) {
      if (this.config.sinusoidal_pos_embds && (name === "position_embeddings" || name.endsWith(".position_embeddings"))) {
        fillValues(module.weight, sinusoidalPositionTable(module.numEmbeddings, module.embeddingDim));
      } else {
        module.resetParameters(std, generator);
      }
    } else if (module instanceof LayerNorm) {
      module.resetParameters();
    }
  }
}
