// The bare encoder and the sequence classifier every family builds on: a family supplies its
// embeddings, its layer stack and its head; the batch handling, masking and loss are shared.
import * as tf from "@tensorflow/tfjs";
import { ModelInputs, batchTensors } from "../inputs.js";
import { SequenceClassificationInputs, SequenceClassifierOutput, checkProblemType, sequenceClassificationLoss } from "../sequence-classification.js";
import { Embeddings } from "./embeddings.js";
import { EncoderOptions, EncoderOutput } from "./encoder.js";
import { RowLayout, rowLayout } from "./row-layout.js";
import { EncoderModelConfig, EncoderPreTrainedModel } from "./pretrained.js";

export type BaseModelOutput = EncoderOutput & {
  /** tanh(dense(first token)), for the families with a pooler (BERT, ALBERT). */
  poolerOutput?: tf.Tensor2D;
};

/** What a family's layer stack does: hidden states in, hidden states out. */
export interface EncoderStack {
  forward(x: tf.Tensor3D, layout: RowLayout, options?: EncoderOptions): EncoderOutput;
}

/** A bare encoder: embeddings → (projection) → layers (→ pooler). */
export abstract class EncoderModel<C extends EncoderModelConfig = EncoderModelConfig> extends EncoderPreTrainedModel<C> {
  abstract readonly embeddings: Embeddings;
  /** The layer stack (`encoder`, `transformer`). */
  protected abstract get stack(): EncoderStack;

  get inputNames(): readonly string[] {
    return this.embeddings.token_type_embeddings ? ["input_ids", "attention_mask", "token_type_ids"] : ["input_ids", "attention_mask"];
  }

  /** The embeddings' output as the layers take it (ELECTRA projects it to the hidden size). */
  protected embed(ids: tf.Tensor2D, tokenTypes: tf.Tensor2D | undefined): tf.Tensor3D {
    return this.embeddings.forward(ids, tokenTypes);
  }

  /** The pooler's output, for the families that have one. */
  protected pool(_lastHiddenState: tf.Tensor3D): tf.Tensor2D | undefined {
    return undefined;
  }

  /** Synchronous; usable inside tf.tidy and tf.variableGrads. The caller owns the returned tensors. */
  forward(inputs: ModelInputs, options: EncoderOptions = {}): BaseModelOutput {
    return tf.tidy(() => {
      const { ids, mask, tokenTypes } = batchTensors(inputs, this.config.vocab_size, this.embeddings.embeddingsConfig.typeVocabSize);
      if (options.firstTokenOnly && (options.outputHiddenStates || options.outputAttentions)) {
        throw new Error("firstTokenOnly leaves out every token but the first: it cannot be combined with outputHiddenStates or outputAttentions; leave one out.");
      }
      const out: BaseModelOutput = this.stack.forward(this.embed(ids, tokenTypes), rowLayout(mask, options.firstTokenOnly === true), options);
      const pooled = this.pool(out.lastHiddenState);
      if (pooled) out.poolerOutput = pooled;
      return out;
    });
  }
}

/**
 * A bare encoder with a head that turns its output into one row of logits per sequence. The body
 * is registered under the class's `baseModelPrefix` (`bert`, `roberta`, ...), as in transformers.
 */
export abstract class EncoderForSequenceClassification<C extends EncoderModelConfig = EncoderModelConfig, B extends EncoderModel<C> = EncoderModel<C>> extends EncoderPreTrainedModel<C> {
  protected readonly body: B;

  constructor(config: C, body: B) {
    super(config);
    checkProblemType(config);
    this.body = this.registerModule((this.constructor as unknown as { baseModelPrefix: string }).baseModelPrefix, body);
  }

  /** The head: logits `[batch, numLabels]` from the body's output. */
  protected abstract classify(body: BaseModelOutput): tf.Tensor2D;

  get inputNames(): readonly string[] {
    return this.body.inputNames;
  }

  /**
   * Synchronous; usable inside tf.tidy and tf.variableGrads. The caller owns the returned tensors.
   * The head reads only the first token, so unless hidden states or attentions are asked for, the
   * body computes only what that token depends on (`firstTokenOnly`: no padding, the last layer's
   * first token): the same logits for less work.
   */
  forward(inputs: SequenceClassificationInputs, options: Omit<EncoderOptions, "firstTokenOnly"> = {}): SequenceClassifierOutput {
    return tf.tidy(() => {
      const firstTokenOnly = !options.outputHiddenStates && !options.outputAttentions;
      const body = this.body.forward(inputs, { ...options, firstTokenOnly });
      const logits = this.classify(body);
      const out: SequenceClassifierOutput = { logits };
      if (body.hiddenStates) out.hiddenStates = body.hiddenStates;
      if (body.attentions) out.attentions = body.attentions;
      if (inputs.labels !== undefined) out.loss = sequenceClassificationLoss(this.config, logits, inputs.labels);
      return out;
    });
  }
}
