// fromPretrained: resolve config.json and the weights (safetensors or pytorch_model.bin; hub repository or local folder),
// build the model, map the checkpoint's tensor names 1:1 onto its parameters, initialise what the
// checkpoint lacks, and print transformers' notices about unused and new weights.
import { initBackend } from "../backend.js";
import { EntryNotFoundError, type HubOptions, hfHubDownload, listRepoFiles } from "../hub/index.js";
import { readTorchCheckpoint } from "../pytorch/index.js";
import { readSafetensors, type TensorData } from "../safetensors.js";
import { LabelOptions, PretrainedConfig, readConfigFile } from "./configuration.js";
import { ModelInitOptions, PreTrainedModel } from "./pretrained-model.js";

/** Options of `fromPretrained`. Any other key overrides the config.json key of that name (e.g. `dropout: 0`). */
export interface FromPretrainedOptions extends HubOptions {
  /** The number of labels of a classification head (names LABEL_0, LABEL_1, ... unless `id2label` is given). */
  numLabels?: number;
  id2label?: Record<string | number, string>;
  label2id?: Record<string, number>;
  /** Re-initialise weights whose checkpoint shape does not fit (e.g. a head trained for another number of labels) instead of failing. */
  ignoreMismatchedSizes?: boolean;
  /** Seed for the weights the checkpoint does not provide (default: the stream `manualSeed` seeds). */
  seed?: number;
  [configKey: string]: unknown;
}

const HUB_KEYS = ["repoType", "revision", "endpoint", "cacheDir", "token", "localFilesOnly"] as const;
const LOAD_KEYS = ["numLabels", "id2label", "label2id", "ignoreMismatchedSizes", "seed"] as const;
/** PretrainedConfig keys every model accepts though its config.json may not have them. */
const COMMON_CONFIG_KEYS = ["problem_type", "architectures", "torch_dtype"];

/** A model class `fromPretrained` can build. */
export interface PretrainedModelClass<M extends PreTrainedModel> {
  new (config: never, options?: ModelInitOptions): M;
  readonly name: string;
  readonly baseModelPrefix: string;
}

/** A config class `fromPretrained` can build. */
export interface PretrainedConfigClass<C extends PretrainedConfig> {
  readonly name: string;
  readonly modelType: string;
  fromJSON(json: Record<string, unknown>): C;
}

/** The local path of `filename` in a hub repository or local folder, or undefined when it has no such file. */
async function findFile(idOrDir: string, filename: string, hub: HubOptions): Promise<string | undefined> {
  try {
    return await hfHubDownload(idOrDir, filename, hub);
  } catch (err) {
    if (err instanceof EntryNotFoundError) return undefined;
    throw err;
  }
}

/** config.json of a hub repository or local folder, parsed. */
export async function fetchConfigJSON(idOrDir: string, hub: HubOptions = {}): Promise<Record<string, unknown>> {
  const file = await findFile(idOrDir, "config.json", hub);
  if (file === undefined) {
    throw new Error(`${idOrDir} has no config.json, so it is not a model repository (or folder) that fromPretrained can load.`);
  }
  return readConfigFile(file);
}

/** The hub options among `fromPretrained` options. */
export function hubOptionsOf(options: FromPretrainedOptions): HubOptions {
  const hub: Record<string, unknown> = {};
  for (const key of HUB_KEYS) if (options[key] !== undefined) hub[key] = options[key];
  return hub as HubOptions;
}

/** The keys a config override may use: the config class's own and those of this config.json. */
function configKeysOf(configClass: PretrainedConfigClass<PretrainedConfig>, json: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(configClass.fromJSON({}).toJSON()), ...Object.keys(json)])].filter((k) => k !== "id2label" && k !== "label2id");
}

/** Split the non-hub `fromPretrained` options into load options and config overrides (config.json key names). */
function splitOptions(options: FromPretrainedOptions, configKeys: Iterable<string>): {
  load: Pick<FromPretrainedOptions, (typeof LOAD_KEYS)[number]>;
  overrides: Record<string, unknown>;
} {
  const load: Record<string, unknown> = {};
  const overrides: Record<string, unknown> = {};
  const known = new Set([...configKeys, ...COMMON_CONFIG_KEYS]);
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if ((HUB_KEYS as readonly string[]).includes(key)) continue;
    if ((LOAD_KEYS as readonly string[]).includes(key)) load[key] = value;
    else if (known.has(key)) overrides[key] = value;
    else {
      const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      const hint = known.has(snake) ? ` Did you mean "${snake}" (config keys keep config.json's names)?` : "";
      throw new Error(
        `Unknown fromPretrained option "${key}".${hint} Options: ${[...HUB_KEYS, ...LOAD_KEYS].join(", ")}; ` +
          `or a config.json key to override: ${[...known].sort().join(", ")}.`,
      );
    }
  }
  return { load, overrides };
}

/** The config `json` with the label options and overrides applied. */
function buildConfig<C extends PretrainedConfig>(
  configClass: PretrainedConfigClass<C>,
  json: Record<string, unknown>,
  load: { numLabels?: number; id2label?: Record<string | number, string>; label2id?: Record<string, number> },
  overrides: Record<string, unknown>,
): C {
  const { numLabels, id2label, label2id } = load;
  const labels: LabelOptions = {};
  if (id2label !== undefined || label2id !== undefined) {
    labels.id2label = id2label;
    labels.label2id = label2id;
    const given = Object.keys(id2label ?? label2id ?? {}).length;
    if (numLabels !== undefined && numLabels !== given) {
      throw new Error(`numLabels is ${numLabels} but the label map given has ${given} labels; pass one of them, or make them agree.`);
    }
  }
  const base = { ...json, ...overrides };
  if (labels.id2label !== undefined || labels.label2id !== undefined) {
    delete base.id2label;
    delete base.label2id;
    Object.assign(base, labels);
  }
  const config = configClass.fromJSON(base);
  // Like transformers: a different number of labels renames them LABEL_0, ...; the same number keeps the names.
  if (numLabels !== undefined && labels.id2label === undefined && labels.label2id === undefined) config.numLabels = numLabels;
  return config;
}

/** The config of `json` with `options`' label maps and config overrides applied. */
export function configFromOptions<C extends PretrainedConfig>(configClass: PretrainedConfigClass<C>, json: Record<string, unknown>, options: FromPretrainedOptions): C {
  const { load, overrides } = splitOptions(options, configKeysOf(configClass, json));
  return buildConfig(configClass, json, load, overrides);
}

type Tensors = Map<string, TensorData>;

const readSafetensorsTensors = async (file: string): Promise<Tensors> => (await readSafetensors(file)).tensors;

/** The weight files fromPretrained looks for, in transformers' order, and how each is read. */
const WEIGHT_FILES: Array<{ name: string; sharded: boolean; read: (file: string) => Promise<Tensors> }> = [
  { name: "model.safetensors", sharded: false, read: readSafetensorsTensors },
  { name: "model.safetensors.index.json", sharded: true, read: readSafetensorsTensors },
  { name: "pytorch_model.bin", sharded: false, read: readTorchCheckpoint },
  { name: "pytorch_model.bin.index.json", sharded: true, read: readTorchCheckpoint },
];

/** The tensors of the shards an index's `weight_map` ({tensor name: shard file}) lists. */
async function readShards(idOrDir: string, index: string, hub: HubOptions, read: (file: string) => Promise<Tensors>): Promise<Tensors> {
  const weightMap = (await readConfigFile(index)).weight_map as Record<string, unknown> | undefined;
  if (typeof weightMap !== "object" || weightMap === null || Object.values(weightMap).some((f) => typeof f !== "string")) {
    throw new Error(`${index} has no "weight_map" of tensor names to shard files; re-download it.`);
  }
  const tensors: Tensors = new Map();
  for (const shard of new Set(Object.values(weightMap) as string[])) {
    const file = await hfHubDownload(idOrDir, shard, hub);
    for (const [name, t] of await read(file)) tensors.set(name, t);
  }
  const missing = Object.entries(weightMap).filter(([name]) => !tensors.has(name));
  if (missing.length > 0) throw new Error(`${index} lists ${missing.map(([n, f]) => `"${n}" in ${String(f)}`).slice(0, 3).join(", ")}, which the shard does not hold; re-download the shards.`);
  return tensors;
}

/** The checkpoint's tensors, from the first of WEIGHT_FILES the repository or folder has. */
async function readCheckpoint(idOrDir: string, hub: HubOptions): Promise<Tensors> {
  for (const { name, sharded, read } of WEIGHT_FILES) {
    const file = await findFile(idOrDir, name, hub);
    if (file !== undefined) return sharded ? readShards(idOrDir, file, hub, read) : read(file);
  }
  const files = await listRepoFiles(idOrDir, hub).catch(() => [] as string[]);
  throw new Error(
    `${idOrDir} has no model weights that fromPretrained reads (${WEIGHT_FILES.map((w) => w.name).join(", ")})` +
      `${files.length ? `; its files: ${files.join(", ")}` : ""}. ` +
      `For TensorFlow (tf_model.h5) or Flax weights, convert them in Python: \`AutoModel.from_pretrained(REPO, from_tf=True).save_pretrained(OUT_DIR)\` (\`from_flax=True\` for Flax), then load OUT_DIR.`,
  );
}

/** Where each checkpoint tensor goes: names map 1:1, with or without the base model's prefix ("distilbert."). */
function mapNames(checkpoint: Iterable<string>, expected: Set<string>, prefix: string): { mapped: Map<string, string>; unexpected: string[] } {
  const mapped = new Map<string, string>(); // model name → checkpoint name
  const unexpected: string[] = [];
  const p = `${prefix}.`;
  for (const name of checkpoint) {
    // Old checkpoints (the original bert-base-uncased) name LayerNorm parameters gamma/beta; transformers renames them.
    const renamed = name.replace(/\.gamma$/, ".weight").replace(/\.beta$/, ".bias");
    const candidates = [renamed, `${p}${renamed}`];
    if (prefix && renamed.startsWith(p)) candidates.push(renamed.slice(p.length));
    const target = candidates.find((c) => expected.has(c) && !mapped.has(c));
    if (target === undefined) unexpected.push(renamed);
    else mapped.set(target, name);
  }
  return { mapped, unexpected };
}

function toFloat32(name: string, t: TensorData): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) {
    throw new Error(`Checkpoint tensor "${name}" has dtype ${t.dtype}; a model weight must be a floating-point tensor.`);
  }
  return Float32Array.from(t.data);
}

/** Python's repr of a list of strings: ['a', 'b']. */
function pyList(names: string[]): string {
  return `[${names.map((n) => `'${n}'`).join(", ")}]`;
}

/** Build `modelClass` from a hub repository id or a local folder holding config.json and its weights. */
export async function loadPretrained<M extends PreTrainedModel, C extends PretrainedConfig>(
  modelClass: PretrainedModelClass<M>,
  configClass: PretrainedConfigClass<C>,
  idOrDir: string,
  options: FromPretrainedOptions = {},
  configJSON?: Record<string, unknown>,
): Promise<M> {
  if (typeof idOrDir !== "string" || idOrDir === "") throw new Error(`fromPretrained needs a hub repository id or a folder, got ${JSON.stringify(idOrDir)}.`);
  await initBackend();
  const hub = hubOptionsOf(options);
  const json = configJSON ?? (await fetchConfigJSON(idOrDir, hub));
  if (json.model_type !== undefined && json.model_type !== configClass.modelType) {
    throw new Error(`${idOrDir} is a "${String(json.model_type)}" model, not "${configClass.modelType}": load it with AutoModel / AutoModelForSequenceClassification.`);
  }
  const config = configFromOptions(configClass, json, options);
  const tensors = await readCheckpoint(idOrDir, hub);

  const model = new modelClass(config as never, { skipInit: true });
  try {
    const shapes = new Map(model.namedParameters().map(([n, v]) => [n, v.shape]));
    const { mapped, unexpected } = mapNames(tensors.keys(), new Set(shapes.keys()), modelClass.baseModelPrefix);
    const mismatched: Array<[string, number[], number[]]> = [];
    for (const [name, source] of mapped) {
      const have = tensors.get(source)!.shape;
      const want = shapes.get(name)!;
      if (have.length !== want.length || have.some((d, i) => d !== want[i])) mismatched.push([name, have, want]);
    }
    if (mismatched.length > 0 && !options.ignoreMismatchedSizes) {
      const lines = mismatched.map(([n, have, want]) => `${n}: shape [${have.join(", ")}] in the checkpoint, [${want.join(", ")}] in the model`);
      throw new Error(
        `Cannot load ${idOrDir} into ${modelClass.name}: size mismatch for ${lines.join("; ")}. ` +
          `If the head was trained for another number of labels, pass \`ignoreMismatchedSizes: true\` to initialise it anew ` +
          `(or pass the checkpoint's own numLabels).`,
      );
    }
    for (const [name] of mismatched) mapped.delete(name);
    const missing = [...shapes.keys()].filter((n) => !mapped.has(n) && !mismatched.some(([m]) => m === n));

    model.initWeightsOf([...missing, ...mismatched.map(([n]) => n)], { seed: options.seed });
    const state = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, source] of mapped) {
      const t = tensors.get(source)!;
      state.set(name, { shape: t.shape, data: toFloat32(source, t) });
    }
    model.loadStateDict(state, { strict: false });

    const cls = modelClass.name;
    if (unexpected.length > 0) {
      console.warn(
        `Some weights of the model checkpoint at ${idOrDir} were not used when initializing ${cls}: ${pyList(unexpected)}\n` +
          `- This IS expected if you are initializing ${cls} from the checkpoint of a model trained on another task or with another architecture (e.g. initializing a BertForSequenceClassification model from a BertForPreTraining model).\n` +
          `- This IS NOT expected if you are initializing ${cls} from the checkpoint of a model that you expect to be exactly identical (initializing a BertForSequenceClassification model from a BertForSequenceClassification model).`,
      );
    }
    if (missing.length > 0) {
      console.warn(
        `Some weights of ${cls} were not initialized from the model checkpoint at ${idOrDir} and are newly initialized: ${pyList([...missing].sort())}\n` +
          `You should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.`,
      );
    }
    if (mismatched.length > 0) {
      const lines = mismatched.map(([n, have, want]) => `- ${n}: found shape [${have.join(", ")}] in the checkpoint and [${want.join(", ")}] in the model instantiated`);
      console.warn(
        `Some weights of ${cls} were not initialized from the model checkpoint at ${idOrDir} and are newly initialized because the shapes did not match:\n${lines.join("\n")}\n` +
          `You should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.`,
      );
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  // As transformers: a loaded model starts in evaluation mode (dropout off); the trainer switches it to training.
  return model.eval();
}
