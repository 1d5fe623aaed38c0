// checkpoint-{step}/ folders: written whole into tmp-checkpoint-{step}/ and renamed into place, so a
// run killed mid-save never leaves a half-written checkpoint behind.
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { readableSync } from "../accel/webgpu.js";
import { readSafetensors, writeSafetensors } from "../safetensors.js";
import type { Optimizer } from "./adamw.js";
import type { LrScheduler } from "./schedules.js";
import { TrainerState } from "./state.js";

export const PREFIX_CHECKPOINT_DIR = "checkpoint";
export const TRAINER_STATE_NAME = "trainer_state.json";
export const OPTIMIZER_NAME = "optimizer.safetensors";
export const SCHEDULER_NAME = "scheduler.json";
export const RNG_STATE_NAME = "rng_state.json";
export const TRAINING_ARGS_NAME = "training_args.json";

/** What savePretrained-capable objects offer. */
export interface SavesPretrained {
  savePretrained(dir: string): Promise<void>;
}

export interface CheckpointContent {
  model: SavesPretrained;
  tokenizer?: unknown;
  state: TrainerState;
  args: { toJSON(): Record<string, unknown> };
  /** Omitted with saveOnlyModel. */
  optimizer?: Optimizer;
  scheduler?: LrScheduler;
  rngState?: Record<string, unknown>;
}

export function checkpointName(step: number): string {
  return `${PREFIX_CHECKPOINT_DIR}-${step}`;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Write `outputDir/checkpoint-{step}` atomically (replacing one of the same step). Returns its path. */
export async function saveCheckpoint(outputDir: string, step: number, content: CheckpointContent): Promise<string> {
  const final = path.join(outputDir, checkpointName(step));
  const tmp = path.join(outputDir, `tmp-${checkpointName(step)}`);
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  await content.model.savePretrained(tmp);
  const tok = content.tokenizer as Partial<SavesPretrained> | undefined;
  if (tok && typeof tok.savePretrained === "function") await tok.savePretrained(tmp);
  if (content.optimizer) {
    await readableSync(content.optimizer.tensors());
    const { tensors, metadata } = content.optimizer.stateDict();
    await writeSafetensors(path.join(tmp, OPTIMIZER_NAME), tensors, metadata);
  }
  if (content.scheduler) await fs.writeFile(path.join(tmp, SCHEDULER_NAME), json(content.scheduler.stateDict()));
  if (content.rngState) await fs.writeFile(path.join(tmp, RNG_STATE_NAME), json(content.rngState));
  await fs.writeFile(path.join(tmp, TRAINER_STATE_NAME), json(content.state.toJSON()));
  await fs.writeFile(path.join(tmp, TRAINING_ARGS_NAME), json(content.args.toJSON()));
  const old = `${final}.old-${process.pid}`;
  let replaced = false;
  try {
    await fs.rename(final, old);
    replaced = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  await fs.rename(tmp, final);
  if (replaced) await fs.rm(old, { recursive: true, force: true });
  return final;
}

/** `checkpoint-{N}` folders of `outputDir`, oldest (smallest N) first. */
export async function sortedCheckpoints(outputDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(outputDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return names
    .map((n) => ({ n, m: /^checkpoint-(\d+)$/.exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]))
    .map((x) => path.join(outputDir, x.n));
}

/** The checkpoint with the highest step in `outputDir`, or undefined (transformers' get_last_checkpoint). */
export async function getLastCheckpoint(outputDir: string): Promise<string | undefined> {
  const all = await sortedCheckpoints(outputDir);
  return all[all.length - 1];
}

/**
 * Delete the oldest checkpoints beyond `limit`, never `best` (transformers' _rotate_checkpoints:
 * the best is kept, and with limit 1 the latest is kept beside it).
 */
export async function rotateCheckpoints(outputDir: string, limit: number | null, best: string | null): Promise<string[]> {
  if (limit === null || limit <= 0) return [];
  const all = await sortedCheckpoints(outputDir);
  const bestResolved = best === null ? null : path.resolve(best);
  let ordered = all;
  const bestIndex = bestResolved === null ? -1 : all.findIndex((c) => path.resolve(c) === bestResolved);
  if (bestIndex >= 0) ordered = [...all.slice(0, bestIndex), ...all.slice(bestIndex + 1), all[bestIndex]];
  let keep = limit;
  if (limit === 1 && bestIndex >= 0 && bestIndex !== all.length - 1) keep = 2;
  const doomed = ordered.slice(0, Math.max(0, ordered.length - keep));
  for (const dir of doomed) await fs.rm(dir, { recursive: true, force: true });
  return doomed;
}

export interface LoadedCheckpoint {
  state: TrainerState;
  modelTensors: Map<string, { shape: number[]; data: ArrayLike<number> }>;
  optimizer?: { tensors: Map<string, { shape: number[]; data: ArrayLike<number> }>; metadata: Record<string, string> };
  scheduler?: Record<string, unknown>;
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`${file} is missing: this folder is not a complete checkpoint.`);
    throw err;
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); the checkpoint is damaged.`);
  }
}

/** Read a checkpoint folder's model weights, trainer state and (when present) optimizer and scheduler state. */
export async function loadCheckpoint(dir: string, options: { withOptimizer?: boolean } = {}): Promise<LoadedCheckpoint> {
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) throw new Error(`Can't find a valid checkpoint at ${dir}.`);
  const state = TrainerState.fromJSON(await readJson(path.join(dir, TRAINER_STATE_NAME)), path.join(dir, TRAINER_STATE_NAME));
  const model = await readSafetensors(path.join(dir, "model.safetensors"));
  const out: LoadedCheckpoint = { state, modelTensors: model.tensors as LoadedCheckpoint["modelTensors"] };
  if (options.withOptimizer) {
    const optFile = path.join(dir, OPTIMIZER_NAME);
    const has = await fs.stat(optFile).then(() => true, () => false);
    if (!has) {
      throw new Error(`${dir} has no ${OPTIMIZER_NAME} (saved with saveOnlyModel?): it cannot be resumed. Start a new run from its weights instead.`);
    }
    const opt = await readSafetensors(optFile);
    out.optimizer = { tensors: opt.tensors as LoadedCheckpoint["modelTensors"], metadata: opt.metadata };
    out.scheduler = await readJson(path.join(dir, SCHEDULER_NAME));
  }
  return out;
}
