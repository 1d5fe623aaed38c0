// The Auto classes: read config.json's model_type and build the matching config / model class.
import { HubOptions } from "../hub/index.js";
import { BertConfig, BertForSequenceClassification, BertModel } from "./bert/index.js";
import { RobertaConfig, RobertaForSequenceClassification, RobertaModel, CamembertConfig, CamembertForSequenceClassification, CamembertModel, XLMRobertaConfig, XLMRobertaForSequenceClassification, XLMRobertaModel } from "./roberta/index.js";
import { ElectraConfig, ElectraForSequenceClassification, ElectraModel } from "./electra/index.js";
import { AlbertConfig, AlbertForSequenceClassification, AlbertModel } from "./albert/index.js";
import { DistilBertConfig, DistilBertForSequenceClassification, DistilBertModel } from "./distilbert/index.js";
import { EncoderForSequenceClassification, EncoderModel } from "./encoder/index.js";
import { FromPretrainedOptions, configFromOptions, fetchConfigJSON, hubOptionsOf, loadPretrained } from "./loading.js";
import { ModelInitOptions } from "./pretrained-model.js";

const MODEL_TYPES = {
  distilbert: { config: DistilBertConfig, model: DistilBertModel, forSequenceClassification: DistilBertForSequenceClassification },
  bert: { config: BertConfig, model: BertModel, forSequenceClassification: BertForSequenceClassification },
  roberta: { config: RobertaConfig, model: RobertaModel, forSequenceClassification: RobertaForSequenceClassification },
  "xlm-roberta": { config: XLMRobertaConfig, model: XLMRobertaModel, forSequenceClassification: XLMRobertaForSequenceClassification },
  camembert: { config: CamembertConfig, model: CamembertModel, forSequenceClassification: CamembertForSequenceClassification },
  electra: { config: ElectraConfig, model: ElectraModel, forSequenceClassification: ElectraForSequenceClassification },
  albert: { config: AlbertConfig, model: AlbertModel, forSequenceClassification: AlbertForSequenceClassification },
};
type ModelType = keyof typeof MODEL_TYPES;

/** The supported model_type values. */
export const SUPPORTED_MODEL_TYPES = Object.keys(MODEL_TYPES) as ModelType[];

/** The classes of `type`; `what` names its source in errors (a repository, or a config). */
function entryOf(type: unknown, what: string): (typeof MODEL_TYPES)[ModelType] {
  if (typeof type !== "string") {
    throw new Error(`${what} has no "model_type", so the Auto classes cannot tell which model it is. Supported model types: ${SUPPORTED_MODEL_TYPES.join(", ")}.`);
  }
  if (!Object.hasOwn(MODEL_TYPES, type)) {
    throw new Error(`${what} is a "${type}" model, which this library does not implement. Supported model types: ${SUPPORTED_MODEL_TYPES.join(", ")}.`);
  }
  return MODEL_TYPES[type as ModelType];
}

async function pick(idOrDir: string, options: HubOptions): Promise<{ json: Record<string, unknown>; entry: (typeof MODEL_TYPES)[ModelType] }> {
  const json = await fetchConfigJSON(idOrDir, options);
  const entry = entryOf(json.model_type, json.model_type === undefined ? `The config.json of ${idOrDir}` : idOrDir);
  return { json, entry };
}

/** The config class of a repository's model_type. */
export class AutoConfig {
  static async fromPretrained(idOrDir: string, options: FromPretrainedOptions = {}): Promise<AutoConfigClass> {
    const { json, entry } = await pick(idOrDir, hubOptionsOf(options));
    return configFromOptions<AutoConfigClass>(entry.config, json, options);
  }

  /** A new config of `modelType` (e.g. "bert") with config.json keys `values`, as transformers' AutoConfig.for_model. */
  static forModel(modelType: string, values: Record<string, unknown> = {}): AutoConfigClass {
    const configClass: { fromJSON(json: Record<string, unknown>): AutoConfigClass } = entryOf(modelType, "AutoConfig.forModel's config").config;
    return configClass.fromJSON({ ...values, model_type: modelType });
  }
}

/** A config of any supported model type. */
type AutoConfigClass = InstanceType<(typeof MODEL_TYPES)[ModelType]["config"]>;

/** The bare encoder of a repository's model_type (e.g. DistilBertModel): hidden states, no head. */
export class AutoModel {
  /**
   * Load from a hub repository id (e.g. "distilbert-base-uncased") or a local folder. Checkpoint
   * tensors map 1:1 by name (with or without the "distilbert." prefix); other keys of `options`
   * override config.json keys of the same name.
   */
  static async fromPretrained(idOrDir: string, options: FromPretrainedOptions = {}): Promise<EncoderModel> {
    const { json, entry } = await pick(idOrDir, hubOptionsOf(options));
    return loadPretrained<EncoderModel, AutoConfigClass>(entry.model, entry.config, idOrDir, options, json);
  }

  /** A new model of `config`'s type with random weights (transformers' `from_config`). */
  static fromConfig(config: AutoConfigClass, options: ModelInitOptions = {}): EncoderModel {
    return new (entryOf(config.model_type, "This config").model)(config as never, options) as EncoderModel;
  }
}

/** A repository's model_type with a sequence classification head (e.g. DistilBertForSequenceClassification). */
export class AutoModelForSequenceClassification {
  /**
   * Load from a hub repository id or a local folder. `numLabels` (or `id2label` / `label2id`) sizes
   * the head; a checkpoint without a head (a pretrained model) gets a new one, initialised as in
   * transformers, with a notice. A head of another size is an error unless `ignoreMismatchedSizes`.
   */
  static async fromPretrained(idOrDir: string, options: FromPretrainedOptions = {}): Promise<EncoderForSequenceClassification> {
    const { json, entry } = await pick(idOrDir, hubOptionsOf(options));
    return loadPretrained<EncoderForSequenceClassification, AutoConfigClass>(entry.forSequenceClassification, entry.config, idOrDir, options, json);
  }

  /** A new classifier of `config`'s type with random weights, initialised as in transformers (`from_config`). */
  static fromConfig(config: AutoConfigClass, options: ModelInitOptions = {}): EncoderForSequenceClassification {
    return new (entryOf(config.model_type, "This config").forSequenceClassification)(config as never, options) as EncoderForSequenceClassification;
  }
}
