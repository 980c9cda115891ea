// What a lock-step game loop hands a player and takes back: one batch of positions per `act`
// (observations plus each row's legal actions as CSR), and the building blocks both loops share —
// self-play (selfplay.ts: every game in one batch) and evaluation matches (evaluation/match.ts: each
// side's games in its own batch). `encodeRow` writes a position as the next batch row;
// `chosenMove` maps the action a player chose for a row back to the engine move it stands for.

import { moveToAction } from "../shogi/actions.ts";
import { encodeCore46, OBS_SIZE } from "../shogi/features.ts";
import { MAX_LEGAL_MOVES } from "../shogi/movegen.ts";
import type { Position } from "../shogi/position.ts";

/** One batched decision: the policy reads obs and legal actions and fills actions, logProbs, values. */
export interface ActBatch {
  n: number;
  obs: Float32Array; // [n, 46·81]
  legalOffsets: Int32Array; // [n + 1] CSR row starts
  legalActions: Int32Array; // [legalOffsets[n]] action indices of the legal moves, per row
  actions: Int32Array; // out [n] chosen action (must be one of the row's legal actions)
  logProbs: Float32Array; // out [n] log π(action)
  values: Float32Array; // out [n] V(s) from the side to move's point of view
}

export interface ActingPolicy {
  act(batch: ActBatch): Promise<void> | void;
}

export function allocActBatch(n: number): ActBatch {
  return {
    n,
    obs: new Float32Array(n * OBS_SIZE),
    legalOffsets: new Int32Array(n + 1),
    legalActions: new Int32Array(n * MAX_LEGAL_MOVES),
    actions: new Int32Array(n),
    logProbs: new Float32Array(n),
    values: new Float32Array(n),
  };
}

/** The first n rows of a batch, as arrays of exactly their length (views: writes reach `b`). */
export function batchRows(b: ActBatch, n: number): ActBatch {
  return {
    n,
    obs: b.obs.subarray(0, n * OBS_SIZE),
    legalOffsets: b.legalOffsets.subarray(0, n + 1),
    legalActions: b.legalActions.subarray(0, b.legalOffsets[n]),
    actions: b.actions.subarray(0, n),
    logProbs: b.logProbs.subarray(0, n),
    values: b.values.subarray(0, n),
  };
}

/**
 * Writes `pos` as batch row `row`: its observation (core46, ply channel scaled by
 * `maxMovesPerGame`) and its legal moves legalMoves[legalAt .. legalAt + legalCount) as the row's
 * legal actions, in that order, starting where row − 1 ended. Rows are written in order from 0.
 */
export function encodeRow(
  b: ActBatch,
  row: number,
  pos: Position,
  maxMovesPerGame: number,
  legalMoves: Uint32Array,
  legalAt: number,
  legalCount: number,
): void {
  encodeCore46(pos, maxMovesPerGame, b.obs, row * OBS_SIZE);
  if (row === 0) b.legalOffsets[0] = 0;
  const first = b.legalOffsets[row];
  for (let k = 0; k < legalCount; k++) b.legalActions[first + k] = moveToAction(legalMoves[legalAt + k]);
  b.legalOffsets[row + 1] = first + legalCount;
}

/**
 * The engine move of row `row`'s chosen action: the legal move at the same place in
 * legalMoves[legalAt ..] as the action in the row's legal actions (the list `encodeRow` wrote).
 * −1 when the action is not among them — a bug in the player; the caller says whose.
 */
export function chosenMove(b: ActBatch, row: number, legalMoves: Uint32Array, legalAt: number): number {
  const first = b.legalOffsets[row];
  const n = b.legalOffsets[row + 1] - first;
  const action = b.actions[row];
  for (let k = 0; k < n; k++) if (b.legalActions[first + k] === action) return legalMoves[legalAt + k];
  return -1;
}
