// The Auto classes: read config.json's model_type and build the matching config / model class.
import { HubOptions } from "../hub/index.js";
import { BertConfig, BertForSequenceClassification, BertModel } from "./bert/index.js";
import { RobertaConfig, RobertaForSequenceClassification, RobertaModel, CamembertConfig, CamembertForSequenceClassification, CamembertModel, XLMRobertaConfig, XLMRobertaForSequenceClassification, XLMRobertaModel } from "./roberta/index.js";
import { ElectraConfig, ElectraForSequenceClassification, ElectraModel } from "./electra/index.js";
import { AlbertConfig, AlbertForSequenceClassification, AlbertModel } from "./albert/index.js";
import { DistilBertConfig, DistilBertForSequenceClassification, DistilBertModel } from "./distilbert/index.js";
import { EncoderForSequenceClassification, EncoderModel } from "./encoder/index.js";
import { FromPretrainedOptions, configFromOptions, fetchConfigJSON, hubOptionsOf, loadPretrained } from "./loading.js";

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

async function pick(idOrDir: string, options: HubOptions): Promise<{ json: Record<string, unknown>; entry: (typeof MODEL_TYPES)[ModelType] }> {
  const json = await fetchConfigJSON(idOrDir, options);
  const type = json.model_type;
  if (typeof type !== "string") {
    throw new Error(`The config.json of ${idOrDir} has no "model_type", so the Auto classes cannot tell which model it is. Supported model types: ${SUPPORTED_MODEL_TYPES.join(", ")}.`);
  }
  if (!Object.hasOwn(MODEL_TYPES, type)) {
    throw new Error(`${idOrDir} is a "${type}" model, which this library does not implement. Supported model types: ${SUPPORTED_MODEL_TYPES.join(", ")}.`);
  }
  return { json, entry: MODEL_TYPES[type as ModelType] };
}

/** The config class of a repository's model_type. */
export class AutoConfig {
  static async fromPretrained(idOrDir: string, options: FromPretrainedOptions = {}): Promise<AutoConfigClass> {
    const { json, entry } = await pick(idOrDir, hubOptionsOf(options));
    return configFromOptions<AutoConfigClass>(entry.config, json, options);
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
}
