// Checkpoint files of a run: checkpoint_ts<N>.safetensors (weights, BN statistics, Adam moments:
// PyTorch-loadable) and checkpoint_ts<N>.json (everything else needed to resume: counters,
// scheduler step, random states, metrics). Both are written to a temp name and renamed, the JSON
// last: a checkpoint exists only once its JSON does, so a crash (even kill -9) mid-write leaves the
// previous checkpoint as the newest complete one.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Random } from "../random.ts";
import type { GameSnapshot } from "../rl/selfplay.ts";
import type { MetricsState } from "./metrics.ts";
import { saveCheckpoint } from "./models/checkpoint.ts";
import type { Network } from "./models/network.ts";
import type { Adam } from "./models/optimizer.ts";
import { writeFileAtomic } from "./models/safetensors.ts";

export const TRAINER_STATE_FORMAT = 1;

export interface TrainerState {
  format: number;
  weights: string; // file name of the safetensors beside this JSON
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

export const checkpointName = (timestep: number) => `checkpoint_ts${timestep}`;

/** Writes weights + optimizer, then the trainer state; returns the safetensors path. */
export async function writeCheckpoint(dir: string, net: Network, adam: Adam, state: Omit<TrainerState, "format" | "weights">): Promise<string> {
  const name = checkpointName(state.timestep);
  const weights = join(dir, `${name}.safetensors`);
  await saveCheckpoint(weights, net, { optimizer: adam, metadata: { timestep: String(state.timestep) } });
  const full: TrainerState = { format: TRAINER_STATE_FORMAT, weights: `${name}.safetensors`, ...state };
  writeFileAtomic(join(dir, `${name}.json`), new TextEncoder().encode(JSON.stringify(full)));
  return weights;
}

/** Complete checkpoints of a run directory (JSON and weights both present), newest first. */
export function listCheckpoints(dir: string): { timestep: number; json: string; weights: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^checkpoint_ts(\d+)\.json$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ timestep: Number(m[1]), json: join(dir, m[0]), weights: join(dir, m[0].replace(/\.json$/, ".safetensors")) }))
    .filter((c) => existsSync(c.weights))
    .sort((a, b) => b.timestep - a.timestep);
}

/** Reads a trainer-state JSON (given it or its safetensors), checking it names its weights file. */
export function readTrainerState(path: string): { state: TrainerState; weights: string; dir: string } {
  const json = path.endsWith(".safetensors") ? path.replace(/\.safetensors$/, ".json") : path;
  let state: TrainerState;
  try {
    state = JSON.parse(readFileSync(json, "utf8")) as TrainerState;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
    throw new CheckpointError(`cannot resume from ${path}: trainer state ${json}: ${why}`);
  }
  if (state.format !== TRAINER_STATE_FORMAT) throw new CheckpointError(`${json}: trainer state format ${state.format}, this keisei reads ${TRAINER_STATE_FORMAT}`);
  for (const k of ["timestep", "iteration", "schedulerStep"] as const)
    if (!Number.isInteger(state[k]) || state[k] < 0) throw new CheckpointError(`${json}: field ${k} is ${JSON.stringify(state[k])}, expected a whole number`);
  const dir = dirname(json);
  const weights = join(dir, state.weights);
  if (basename(state.weights) !== state.weights || !existsSync(weights)) throw new CheckpointError(`${json}: its weights file ${state.weights} is missing`);
  return { state, weights, dir };
}

export function rngStates(rngs: Record<string, Random>): Record<string, [number, number, number, number]> {
  return Object.fromEntries(Object.entries(rngs).map(([k, r]) => [k, r.state]));
}
