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
import { z } from "zod";
import type { Random } from "../util/random.ts";
import type { GameSnapshot } from "../rl/selfplay.ts";
import type { MetricsState } from "./metrics.ts";
import type { PoolState } from "./opponent-pool.ts";
import { optimizerPathOf, saveCheckpoint } from "../models/checkpoint.ts";
import {
  bytesOf,
  encodeSafetensors,
  readSafetensorsFile,
  readSafetensorsMetadata,
  type SafeTensor,
} from "../models/safetensors.ts";
import type { GumbelGameSnapshot } from "../rl/gumbel-selfplay.ts";
import type { ReplayState } from "../rl/replay.ts";
import { InputError, quote } from "../util/input-error.ts";
import type { Network } from "../models/network.ts";
import type { Adam } from "../models/optimizer.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { readSmallText } from "../util/small-file.ts";

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
  games: (GameSnapshot | GumbelGameSnapshot)[]; // self-play games in progress, replayed on resume
  pool?: PoolState; // the opponent pool and the learner's results against it (absent: empty)
  replay?: string; // gumbel_az: file name of the replay safetensors beside this JSON
  /** gumbel_az: plies of the iteration in progress already played (a stop checkpoint is inside an iteration). */
  partialSteps?: number;
}

export class CheckpointError extends InputError {
  override name = "CheckpointError";
}

/** The largest trainer-state JSON read (its games in progress are a few hundred KB at most). */
export const MAX_TRAINER_STATE_BYTES = 64 * 2 ** 20;

const count = () => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const u32 = () => z.number().int().min(0).max(0xffffffff);
/** A file name beside the JSON (never a path). */
const sibling = () =>
  z
    .string()
    .min(1)
    .refine((s) => basename(s) === s && s !== "." && s !== "..", "expected a file name beside the JSON, not a path");

/**
 * The trainer-state JSON, field by field, with the same schema machinery as the config
 * (config/schema.ts): a hand-edited or corrupt file is refused by the field that is wrong.
 */
const trainerStateSchema = z
  .object({
    format: z.union([z.literal(1), z.literal(TRAINER_STATE_FORMAT)]),
    weights: sibling(),
    optimizer: sibling().optional(),
    timestep: count(),
    iteration: count(),
    schedulerStep: count(),
    wallSeconds: z.number().min(0),
    rng: z.record(z.string(), z.tuple([u32(), u32(), u32(), u32()])),
    metrics: z.object({
      totals: z.object({
        games: count(),
        blackWins: count(),
        whiteWins: count(),
        draws: count(),
        reasons: z.record(z.string(), count()),
      }),
      window: z.array(
        z.object({
          winner: z.union([z.literal(0), z.literal(1), z.literal(-1)]),
          plies: count(),
          captures: count(),
          drops: count(),
          promotions: count(),
        }),
      ),
      history: z.record(z.string(), z.array(z.number())),
    }),
    games: z.array(
      z.object({
        moves: z.array(u32()),
        counters: z.array(count()).length(6),
        match: z
          .object({ opponent: z.number().int().min(-1), learner: z.union([z.literal(0), z.literal(1)]) })
          .optional(),
        started: z.boolean().optional(),
        // gumbel_az games: the random opening's length and the recorded decisions' policy targets
        openingPlies: count().optional(),
        policies: z.array(z.array(z.number().min(0).max(1))).optional(),
      }),
    ),
    pool: z
      .object({
        entries: z.array(z.object({ path: z.string(), games: count(), score: z.number().min(0) })),
        next: count(),
      })
      .optional(),
    replay: sibling().optional(),
    partialSteps: count().optional(),
  })
  .strict();

/** `json`'s text, refused unless it is a regular file of at most MAX_TRAINER_STATE_BYTES. */
function readStateText(json: string): string {
  return readSmallText(json, MAX_TRAINER_STATE_BYTES, {
    notFile: () => new CheckpointError(`${json}: not a regular file (a trainer state is a JSON file)`),
    tooBig: (size) =>
      new CheckpointError(`${json}: ${size} bytes, larger than any trainer state (${MAX_TRAINER_STATE_BYTES})`),
  });
}

/** A value as an error shows it: JSON, cut short. */
function shown(v: unknown): string {
  const json = JSON.stringify(v) ?? String(v);
  return json.length > 40 ? `${json.slice(0, 40)}… (${json.length} characters)` : json;
}

/** The trainer state in `text`, checked field by field; an error names `json` and the field. */
export function parseTrainerState(text: string, json: string): TrainerState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${json}: not JSON (${(e as Error).message.split("\n")[0].slice(0, 100)})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new CheckpointError(`${json}: expected a JSON object (a trainer state), got ${shown(raw)}`);
  const format = (raw as { format?: unknown }).format;
  if (format !== 1 && format !== TRAINER_STATE_FORMAT)
    throw new CheckpointError(
      `${json}: trainer state format ${shown(format)}, this keisei reads 1 and ${TRAINER_STATE_FORMAT}`,
    );
  const r = trainerStateSchema.safeParse(raw);
  if (r.success) return r.data as TrainerState;
  const issue = r.error.issues[0];
  const path = issue.path.map(String).join(".");
  let got: unknown = raw;
  for (const k of issue.path)
    got = typeof got === "object" && got !== null ? (got as Record<PropertyKey, unknown>)[k as string] : undefined;
  const what =
    issue.code === "unrecognized_keys"
      ? `unknown field ${issue.keys.map((k) => quote(k, 40)).join(", ")}`
      : `${issue.message.replace(/^Invalid input: /, "").replace(/, received \w+$/, "")}${got === undefined ? "" : `, got ${shown(got)}`}`;
  throw new CheckpointError(`${json}: field ${path || "(top level)"}: ${what}`);
}

/** The file stem of the checkpoint at `timestep`: checkpoint_ts<N> (.safetensors, .optimizer.safetensors, .json). */
export const checkpointStem = (timestep: number) => `checkpoint_ts${timestep}`;

/** Writes weights, then the optimizer, then the trainer state; returns the weights path. */
export async function writeCheckpoint(
  dir: string,
  net: Network,
  adam: Adam,
  state: Omit<TrainerState, "format" | "weights" | "optimizer" | "replay">,
  replay?: ReplayState,
  /** More __metadata__ for the weights file (the trainer records material_shaping). */
  metadata: Record<string, string> = {},
): Promise<string> {
  const name = checkpointStem(state.timestep);
  const weights = join(dir, `${name}.safetensors`);
  const json = join(dir, `${name}.json`);
  // A checkpoint of this timestep may exist (a run resumed from an older one reaches it again): make
  // it incomplete first, so that a crash between the renames below cannot leave its old JSON
  // vouching for new weights beside old moments.
  rmSync(json, { force: true });
  await saveCheckpoint(weights, net, { optimizer: adam, metadata: { ...metadata, timestep: String(state.timestep) } });
  const replayFile = join(dir, `${name}.replay.safetensors`);
  if (replay) writeFileAtomic(replayFile, replayToSafetensors(replay));
  const full: TrainerState = {
    format: TRAINER_STATE_FORMAT,
    weights: basename(weights),
    optimizer: basename(optimizerPathOf(weights)),
    ...(replay ? { replay: basename(replayFile) } : {}),
    ...state,
  };
  writeFileAtomic(json, new TextEncoder().encode(JSON.stringify(full)));
  return weights;
}

/**
 * The files the trainer-state JSON `json` needs beside it: its weights and, from format 2, its
 * optimizer file. An unreadable JSON needs the weights of its name (resume then names what is wrong with it).
 */
function filesOf(json: string): { weights: string; optimizer: string | null; replay: string | null } {
  const dir = dirname(json);
  let state: Partial<TrainerState> = {};
  try {
    state = JSON.parse(readFileSync(json, "utf8")) as TrainerState;
  } catch {}
  const weights = join(
    dir,
    typeof state.weights === "string" ? state.weights : basename(json).replace(/\.json$/, ".safetensors"),
  );
  return {
    weights,
    optimizer: typeof state.optimizer === "string" ? join(dir, state.optimizer) : null,
    replay: typeof state.replay === "string" ? join(dir, state.replay) : null,
  };
}

/** Complete checkpoints of a run directory (the JSON and every file it names present), newest first. */
export function listCheckpoints(
  dir: string,
): { timestep: number; json: string; weights: string; optimizer: string | null; replay: string | null }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^checkpoint_ts(\d+)\.json$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ timestep: Number(m[1]), json: join(dir, m[0]), ...filesOf(join(dir, m[0])) }))
    .filter(
      (c) =>
        existsSync(c.weights) &&
        (c.optimizer === null || existsSync(c.optimizer)) &&
        (c.replay === null || existsSync(c.replay)),
    )
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
  /** gumbel_az: the replay file the JSON names (checked present); null for PPO. */
  replay: string | null;
  dir: string;
} {
  const json = path.endsWith(".safetensors") ? path.replace(/(\.optimizer|\.replay)?\.safetensors$/, ".json") : path;
  let text: string;
  try {
    text = readStateText(json);
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
    throw new CheckpointError(`cannot resume from ${path}: trainer state ${json}: ${why}`);
  }
  const state = parseTrainerState(text, json);
  const dir = dirname(json);
  if (!existsSync(join(dir, state.weights)))
    throw new CheckpointError(`${json}: its weights file ${state.weights} is missing`);
  const weights = join(dir, state.weights);
  // The weights say which timestep they are of: a JSON that says another is not theirs.
  const saved = readSafetensorsMetadata(weights).timestep;
  if (saved !== undefined && saved !== String(state.timestep))
    throw new CheckpointError(
      `${json}: field timestep is ${state.timestep} but its weights file ${state.weights} is of timestep ${quote(saved, 20)}`,
    );
  if (state.format === 1) return { state, weights, optimizer: null, replay: null, dir };
  // Never a silent fresh start of Adam's moments: format 2 must name its optimizer file, and it must be there.
  if (typeof state.optimizer !== "string" || basename(state.optimizer) !== state.optimizer)
    throw new CheckpointError(
      `${json}: field optimizer is ${JSON.stringify(state.optimizer)}, expected the name of its optimizer file`,
    );
  const optimizer = join(dir, state.optimizer);
  if (!existsSync(optimizer)) throw new CheckpointError(`${json}: its optimizer file ${state.optimizer} is missing`);
  const replay = state.replay === undefined ? null : join(dir, state.replay);
  if (replay !== null && !existsSync(replay))
    throw new CheckpointError(`${json}: its replay file ${state.replay} is missing`);
  return { state, weights, optimizer, replay, dir };
}

/** Gumbel AZ's replay as safetensors: one tensor per array of its state, the counters as metadata. */
export function replayToSafetensors(r: ReplayState): Uint8Array {
  const t = (dtype: "U8" | "U32" | "F32", a: Uint8Array | Uint32Array | Float32Array): SafeTensor => ({
    dtype,
    shape: [a.length],
    data: bytesOf(a),
  });
  return encodeSafetensors(
    [
      ["boards", t("U8", r.boards)],
      ["hands", t("U8", r.hands)],
      ["meta", t("U32", r.meta)],
      ["actions", t("U32", r.actions)],
      ["policy", t("F32", r.policy)],
      ["outcomes", t("F32", r.outcomes)],
    ],
    {
      keisei_replay: String(r.format),
      produced: String(r.produced),
      sampled: String(r.sampled),
      count: String(r.count),
    },
  );
}

/** Reads a replay file written by replayToSafetensors; the replay's own restore() checks its sizes. */
export function readReplayFile(path: string): ReplayState {
  const { tensors, metadata } = readSafetensorsFile(path);
  const need = (name: string, dtype: string) => {
    const x = tensors.get(name);
    if (!x || x.dtype !== dtype) throw new CheckpointError(`${path}: replay tensor ${name} (${dtype}) is missing`);
    return x.data;
  };
  const num = (key: string) => {
    const v = Number(metadata[key]);
    if (!Number.isSafeInteger(v) || v < 0)
      throw new CheckpointError(`${path}: replay metadata ${key} is ${quote(metadata[key] ?? "missing", 20)}`);
    return v;
  };
  if (metadata.keisei_replay !== "1") throw new CheckpointError(`${path}: not a keisei replay file (format 1)`);
  const copy = <T>(bytes: Uint8Array, make: (b: ArrayBuffer) => T): T => make(bytes.slice().buffer);
  return {
    format: 1,
    produced: num("produced"),
    sampled: num("sampled"),
    count: num("count"),
    boards: copy(need("boards", "U8"), (b) => new Uint8Array(b)),
    hands: copy(need("hands", "U8"), (b) => new Uint8Array(b)),
    meta: copy(need("meta", "U32"), (b) => new Uint32Array(b)),
    actions: copy(need("actions", "U32"), (b) => new Uint32Array(b)),
    policy: copy(need("policy", "F32"), (b) => new Float32Array(b)),
    outcomes: copy(need("outcomes", "F32"), (b) => new Float32Array(b)),
  };
}

export function rngStates(rngs: Record<string, Random>): Record<string, [number, number, number, number]> {
  return Object.fromEntries(Object.entries(rngs).map(([k, r]) => [k, r.state]));
}
