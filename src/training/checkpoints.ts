// Checkpoint files of a run: checkpoint_ts<N>.safetensors (weights and BN statistics: exactly the
// PyTorch state dict), checkpoint_ts<N>.optimizer.safetensors (Adam's moments and step) and
// checkpoint_ts<N>.json (everything else needed to resume: counters, scheduler step, random states,
// metrics; it names the other two). Each is written to a temp name and renamed, the JSON last: a
// checkpoint exists only once its JSON does, so a crash (even kill -9) mid-write leaves the previous
// checkpoint as the newest complete one.
//
// Trainer-state format 1 (older runs) had no optimizer file: Adam's state rode inside the weights
// file (models/checkpoint.ts reads it there). Those checkpoints still resume.

import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Random } from "../util/random.ts";
import type { GameSnapshot } from "../rl/selfplay.ts";
import type { MetricsState } from "./metrics.ts";
import { optimizerPathOf, saveCheckpoint } from "../models/checkpoint.ts";
import type { Network } from "../models/network.ts";
import type { Adam } from "../models/optimizer.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";

/** 2: the JSON names an optimizer file. A keisei that reads only 1 then refuses it by its format, not by a missing Adam state. */
export const TRAINER_STATE_FORMAT = 2;

export interface TrainerState {
  format: number;
  weights: string; // file name of the weights safetensors beside this JSON
  optimizer?: string; // file name of the optimizer safetensors beside this JSON (format 2; absent in format 1)
  timestep: number;
  iteration: number;
  schedulerStep: number;
  wallSeconds: number;
  rng: Record<string, [number, number, number, number]>;
  metrics: MetricsState;
  games: GameSnapshot[]; // self-play games in progress, replayed on resume
}

export class CheckpointError extends Error {
  override name = "CheckpointError";
}

/** The file stem of the checkpoint at `timestep`: checkpoint_ts<N> (.safetensors, .optimizer.safetensors, .json). */
export const checkpointStem = (timestep: number) => `checkpoint_ts${timestep}`;

/** Writes weights, then the optimizer, then the trainer state; returns the weights path. */
export async function writeCheckpoint(
  dir: string,
  net: Network,
  adam: Adam,
  state: Omit<TrainerState, "format" | "weights" | "optimizer">,
): Promise<string> {
  const name = checkpointStem(state.timestep);
  const weights = join(dir, `${name}.safetensors`);
  const json = join(dir, `${name}.json`);
  // A checkpoint of this timestep may exist (a run resumed from an older one reaches it again): make
  // it incomplete first, so that a crash between the renames below cannot leave its old JSON
  // vouching for new weights beside old moments.
  rmSync(json, { force: true });
  await saveCheckpoint(weights, net, { optimizer: adam, metadata: { timestep: String(state.timestep) } });
  const full: TrainerState = {
    format: TRAINER_STATE_FORMAT,
    weights: basename(weights),
    optimizer: basename(optimizerPathOf(weights)),
    ...state,
  };
  writeFileAtomic(json, new TextEncoder().encode(JSON.stringify(full)));
  return weights;
}

/**
 * The files the trainer-state JSON `json` needs beside it: its weights and, from format 2, its
 * optimizer file. An unreadable JSON needs the weights of its name (resume then names what is wrong with it).
 */
function filesOf(json: string): { weights: string; optimizer: string | null } {
  const dir = dirname(json);
  let state: Partial<TrainerState> = {};
  try {
    state = JSON.parse(readFileSync(json, "utf8")) as TrainerState;
  } catch {}
  const weights = join(
    dir,
    typeof state.weights === "string" ? state.weights : basename(json).replace(/\.json$/, ".safetensors"),
  );
  return { weights, optimizer: typeof state.optimizer === "string" ? join(dir, state.optimizer) : null };
}

/** Complete checkpoints of a run directory (the JSON and every file it names present), newest first. */
export function listCheckpoints(
  dir: string,
): { timestep: number; json: string; weights: string; optimizer: string | null }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^checkpoint_ts(\d+)\.json$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ timestep: Number(m[1]), json: join(dir, m[0]), ...filesOf(join(dir, m[0])) }))
    .filter((c) => existsSync(c.weights) && (c.optimizer === null || existsSync(c.optimizer)))
    .sort((a, b) => b.timestep - a.timestep);
}

/**
 * Reads a trainer-state JSON (given it or one of its safetensors), checking it names its weights
 * file and (format 2) its optimizer file, both present. `optimizer` is null for format 1, whose
 * optimizer state is inside the weights file.
 */
export function readTrainerState(path: string): {
  state: TrainerState;
  weights: string;
  optimizer: string | null;
  dir: string;
} {
  const json = path.endsWith(".safetensors") ? path.replace(/(\.optimizer)?\.safetensors$/, ".json") : path;
  let state: TrainerState;
  try {
    state = JSON.parse(readFileSync(json, "utf8")) as TrainerState;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
    throw new CheckpointError(`cannot resume from ${path}: trainer state ${json}: ${why}`);
  }
  if (state.format !== 1 && state.format !== TRAINER_STATE_FORMAT)
    throw new CheckpointError(
      `${json}: trainer state format ${state.format}, this keisei reads 1 and ${TRAINER_STATE_FORMAT}`,
    );
  for (const k of ["timestep", "iteration", "schedulerStep"] as const)
    if (!Number.isInteger(state[k]) || state[k] < 0)
      throw new CheckpointError(`${json}: field ${k} is ${JSON.stringify(state[k])}, expected a whole number`);
  const dir = dirname(json);
  if (
    typeof state.weights !== "string" ||
    basename(state.weights) !== state.weights ||
    !existsSync(join(dir, state.weights))
  )
    throw new CheckpointError(`${json}: its weights file ${state.weights} is missing`);
  const weights = join(dir, state.weights);
  if (state.format === 1) return { state, weights, optimizer: null, dir };
  // Never a silent fresh start of Adam's moments: format 2 must name its optimizer file, and it must be there.
  if (typeof state.optimizer !== "string" || basename(state.optimizer) !== state.optimizer)
    throw new CheckpointError(
      `${json}: field optimizer is ${JSON.stringify(state.optimizer)}, expected the name of its optimizer file`,
    );
  const optimizer = join(dir, state.optimizer);
  if (!existsSync(optimizer)) throw new CheckpointError(`${json}: its optimizer file ${state.optimizer} is missing`);
  return { state, weights, optimizer, dir };
}

export function rngStates(rngs: Record<string, Random>): Record<string, [number, number, number, number]> {
  return Object.fromEntries(Object.entries(rngs).map(([k, r]) => [k, r.state]));
}
