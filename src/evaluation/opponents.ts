// The players of evaluation, every one an `ActingPolicy` (one batched `act` over many positions):
//   random     uniform over the legal moves (rl/uniform-policy.ts)
//   heuristic  the reference's SimpleHeuristicOpponent (keisei-python.md §9.1): a capture if there
//              is one, else a non-promoting pawn move, else anything; ties broken uniformly by the
//              seeded RNG. It reads only what a network reads (the core46 observation and the legal
//              actions), so it is a drop-in ActingPolicy like any other.
//   checkpoint a saved network, built by an injected loader (never a hard-coded class: the
//              reference's loaders built the wrong network and played random weights, §13.3 item 17)
//   self       the agent's own policy
//   usi:CMD    any USI engine in its own processes (usi-player.ts): not an ActingPolicy alone but a
//              GamePolicy (match.ts), handed each game's moves

import { basename } from "node:path";
import { Random } from "../util/random.ts";
import { type ActBatch, type ActingPolicy, allocActBatch } from "../rl/acting.ts";
import { UniformPolicy } from "../rl/uniform-policy.ts";
import { actionToMove } from "../shogi/actions.ts";
import { OBS_SIZE } from "../shogi/features.ts";
import { moveFrom, moveIsDrop, moveIsPromote, moveTo, NUM_SQUARES, PAWN } from "../shogi/types.ts";
import type { SearchOptions } from "./search-player.ts";

/** A policy with the name it plays under (in reports, records and the Elo registry). */
export interface Player {
  readonly name: string;
  readonly policy: ActingPolicy;
  /** Its id in the Elo registry when that differs from the name (a checkpoint's path in the models directory). */
  readonly id?: string;
  /** Frees what it holds outside keisei (a USI engine's processes); called once, when the evaluation ends. */
  close?(): Promise<void>;
}

/** What a checkpoint loader returns: a batched policy that can say what it is (file, architecture, step). */
export interface LoadedPolicy extends ActingPolicy {
  describe(): string;
}

/**
 * Builds the acting policy of a checkpoint file. `deterministic`: argmax over the legal moves
 * (evaluation's default) rather than sampling; `seed` seeds its sampling. A missing or unreadable
 * file must throw an Error whose message names the file: evaluation passes it on unchanged.
 * `act` is called with any batch size from 1 up to the match's concurrency (see `padToFixedBatch`).
 */
export type CheckpointLoader = (
  path: string,
  /** `search`: play by PUCT search instead of one forward pass (search-player.ts). */
  options: { deterministic: boolean; seed: number; search?: SearchOptions },
) => Promise<LoadedPolicy>;

export function randomPlayer(seed: number, name = "random"): Player {
  return { name, policy: new UniformPolicy(seed) };
}

export function heuristicPlayer(seed: number, name = "heuristic"): Player {
  return { name, policy: new HeuristicPolicy(seed) };
}

/** The name a checkpoint plays under: its file name. */
export const playerNameOf = (path: string): string => basename(path);

export async function checkpointPlayer(
  path: string,
  load: CheckpointLoader,
  options: { deterministic: boolean; seed: number },
  id?: string,
): Promise<Player> {
  return { name: playerNameOf(path), policy: await load(path, options), id };
}

// Observation planes the heuristic reads (features.ts): own pawns, the opponent's pieces, "Black to move".
const OWN_PAWN_PLANE = PAWN;
const THEIR_FIRST_PLANE = 14;
const THEIR_PLANES = 14;
const BLACK_TO_MOVE_PLANE = 42;

export class HeuristicPolicy implements ActingPolicy {
  private readonly rng: Random;
  private captures = new Int32Array(0);
  private pawnMoves = new Int32Array(0);

  constructor(seed: number) {
    this.rng = new Random(seed);
  }

  act(b: ActBatch): void {
    for (let i = 0; i < b.n; i++) {
      const start = b.legalOffsets[i];
      const n = b.legalOffsets[i + 1] - start;
      if (n === 0) throw new Error(`heuristic policy: row ${i} has no legal action`);
      if (this.captures.length < n) {
        this.captures = new Int32Array(n);
        this.pawnMoves = new Int32Array(n);
      }
      const obs = b.obs.subarray(i * OBS_SIZE, (i + 1) * OBS_SIZE);
      // The observation is rotated 180° when White is to move (square s is cell 80 − s).
      const flip = obs[BLACK_TO_MOVE_PLANE * NUM_SQUARES] === 0;
      let nc = 0,
        np = 0;
      for (let k = 0; k < n; k++) {
        const action = b.legalActions[start + k];
        const move = actionToMove(action);
        if (moveIsDrop(move)) continue; // drops are "everything else"
        const to = flip ? 80 - moveTo(move) : moveTo(move);
        let capture = false;
        for (let p = THEIR_FIRST_PLANE; p < THEIR_FIRST_PLANE + THEIR_PLANES && !capture; p++)
          capture = obs[p * NUM_SQUARES + to] !== 0;
        if (capture) {
          this.captures[nc++] = action;
          continue;
        }
        const from = flip ? 80 - moveFrom(move) : moveFrom(move);
        if (!moveIsPromote(move) && obs[OWN_PAWN_PLANE * NUM_SQUARES + from] !== 0) this.pawnMoves[np++] = action;
      }
      let pick: number, among: number;
      if (nc > 0) {
        among = nc;
        pick = this.captures[this.rng.int(nc)];
      } else if (np > 0) {
        among = np;
        pick = this.pawnMoves[this.rng.int(np)];
      } else {
        among = n;
        pick = b.legalActions[start + this.rng.int(n)];
      }
      b.actions[i] = pick;
      b.logProbs[i] = -Math.log(among);
      b.values[i] = 0;
    }
  }
}

/**
 * Wraps a policy that wants one fixed batch size (a network plans its activations once per batch
 * size, DESIGN.md "Compute"; rl/network-policy.ts refuses any other) so that it serves batches of
 * any size: rows go through in chunks of `size`, the last chunk padded with copies of its first
 * row, whose choices are discarded.
 */
export function padToFixedBatch(inner: ActingPolicy, size: number): ActingPolicy {
  const full = allocActBatch(size);
  return {
    async act(b: ActBatch): Promise<void> {
      if (b.n === size) return inner.act(b);
      for (let first = 0; first < b.n; first += size) {
        const m = Math.min(size, b.n - first);
        const base = b.legalOffsets[first];
        full.obs.set(b.obs.subarray(first * OBS_SIZE, (first + m) * OBS_SIZE));
        for (let r = 0; r <= m; r++) full.legalOffsets[r] = b.legalOffsets[first + r] - base;
        full.legalActions.set(b.legalActions.subarray(base, b.legalOffsets[first + m]));
        const row0 = full.legalOffsets[1];
        for (let r = m; r < size; r++) {
          full.obs.copyWithin(r * OBS_SIZE, 0, OBS_SIZE);
          full.legalActions.copyWithin(full.legalOffsets[r], 0, row0);
          full.legalOffsets[r + 1] = full.legalOffsets[r] + row0;
        }
        await inner.act(full);
        b.actions.set(full.actions.subarray(0, m), first);
        b.logProbs.set(full.logProbs.subarray(0, m), first);
        b.values.set(full.values.subarray(0, m), first);
      }
    },
  };
}
