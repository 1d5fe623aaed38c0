import * as tf from "@tensorflow/tfjs";
import { say } from "../../errors.js";
import { FromPretrainedOptions, loadPretrained } from "../loading.js";
import { ModelInitOptions } from "../pretrained-model.js";
import { maxOfRows, toInt2D } from "../inputs.js";
import { attentionMaskBias } from "./attention.js";
import { DistilBertConfig } from "./configuration.js";
import { DistilBertEmbeddings } from "./embeddings.js";
import { DistilBertPreTrainedModel } from "./pretrained.js";
import { Transformer } from "./transformer.js";

/** A tokenized batch: `input_ids` and `attention_mask` `[batch, seq]` (1 = token, 0 = padding; default all 1). */
export interface ModelInputs {
  input_ids: tf.Tensor2D | number[][];
  attention_mask?: tf.Tensor2D | number[][];
}

export interface ForwardOptions {
  /** Also return the embeddings' output and every layer's output (`hiddenStates`, n_layers + 1 of them). */
  outputHiddenStates?: boolean;
  /** Also return every layer's attention weights `[batch, heads, seq, seq]`. */
  outputAttentions?: boolean;
}

export type BaseModelOutput = {
  lastHiddenState: tf.Tensor3D;
  hiddenStates?: tf.Tensor3D[];
  attentions?: tf.Tensor4D[];
};

/** The bare DistilBERT encoder (`embeddings`, `transformer`), as transformers' DistilBertModel. */
export class DistilBertModel extends DistilBertPreTrainedModel {
  readonly embeddings: DistilBertEmbeddings;
  readonly transformer: Transformer;

  constructor(config: DistilBertConfig, options: ModelInitOptions = {}) {
    super(config);
    this.embeddings = this.registerModule("embeddings", new DistilBertEmbeddings(config));
    this.transformer = this.registerModule("transformer", new Transformer(config));
    this.initWeights(options);
  }

  /** Load from a hub repository id or a local folder (config.json + model.safetensors); see AutoModel.fromPretrained. */
  static fromPretrained(idOrDir: string, options: FromPretrainedOptions = {}): Promise<DistilBertModel> {
    return loadPretrained(DistilBertModel, DistilBertConfig, idOrDir, options);
  }

  /** Synchronous; usable inside tf.tidy and tf.variableGrads. The caller owns the returned tensors. */
  forward(inputs: ModelInputs, options: ForwardOptions = {}): BaseModelOutput {
    const maxId = Array.isArray(inputs.input_ids) ? maxOfRows(inputs.input_ids) : -1;
    if (maxId >= this.config.vocab_size) {
      throw new Error(
        say({
          en: `input_ids holds ids up to ${maxId} but the vocabulary has ${this.config.vocab_size} tokens: use this model's own tokenizer.`,
          es: `input_ids tiene ids hasta ${maxId} pero el vocabulario tiene ${this.config.vocab_size} tokens: usa el tokenizador de este mismo modelo.`,
        }),
      );
    }
    return tf.tidy(() => {
      const ids = toInt2D(inputs.input_ids, "input_ids");
      const mask = inputs.attention_mask === undefined ? tf.onesLike(ids) : toInt2D(inputs.attention_mask, "attention_mask");
      if (mask.shape[0] !== ids.shape[0] || mask.shape[1] !== ids.shape[1]) {
        throw new Error(`attention_mask has shape [${mask.shape}] but input_ids has [${ids.shape}]; they must be equal.`);
      }
      const embeddings = this.embeddings.forward(ids);
      return this.transformer.forward(embeddings, attentionMaskBias(mask), options);
    });
  }
}
