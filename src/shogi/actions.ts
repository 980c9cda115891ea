// The policy's action space: 13 527 indices exactly as the reference's PolicyOutputMapper
// (keisei-python.md §3).
//   board moves: f = from square, t = to square, k = t < f ? t : t − 1, index = (80·f + k)·2 + promote
//                (12 960 indices, every geometric pair, legal or not)
//   drops:       index = 12 960 + 7·to + hand type (P L N S G B R)      (567 indices)

import {
  DROP_BASE,
  makeBoardMove,
  makeDrop,
  moveFrom,
  moveIsDrop,
  moveIsPromote,
  moveTo,
  NUM_HAND_TYPES,
} from "./types.ts";

export const NUM_BOARD_ACTIONS = 81 * 80 * 2;
export const NUM_ACTIONS = NUM_BOARD_ACTIONS + 81 * NUM_HAND_TYPES; // 13 527

/** The policy index of an engine move. */
export function moveToAction(m: number): number {
  const to = moveTo(m);
  if (moveIsDrop(m)) return NUM_BOARD_ACTIONS + NUM_HAND_TYPES * to + (moveFrom(m) - DROP_BASE);
  const from = moveFrom(m);
  const k = to < from ? to : to - 1;
  return (80 * from + k) * 2 + (moveIsPromote(m) ? 1 : 0);
}

/** The engine move of a policy index (a geometric move; legality is the position's business). */
export function actionToMove(action: number): number {
  if (!Number.isInteger(action) || action < 0 || action >= NUM_ACTIONS)
    throw new RangeError(`action index ${action} is outside 0..${NUM_ACTIONS - 1}`);
  if (action >= NUM_BOARD_ACTIONS) {
    const d = action - NUM_BOARD_ACTIONS;
    return makeDrop(d % NUM_HAND_TYPES, (d / NUM_HAND_TYPES) | 0);
  }
  const promote = (action & 1) === 1;
  const pair = action >> 1;
  const from = (pair / 80) | 0;
  const k = pair % 80;
  return makeBoardMove(from, k < from ? k : k + 1, promote);
}

/**
 * Writes the policy indices of `count` moves into `out` (the compact form of a legal mask that
 * the experience buffer stores) and returns `count`.
 */
export function movesToActions(moves: Uint32Array, count: number, out: Int32Array | Uint16Array, offset = 0): number {
  for (let i = 0; i < count; i++) out[offset + i] = moveToAction(moves[i]);
  return count;
}

/** Dense legal mask over the 13 527 actions: 1 at each of the `count` moves, 0 elsewhere. */
export function legalMask(moves: Uint32Array, count: number, out: Uint8Array, offset = 0): void {
  out.fill(0, offset, offset + NUM_ACTIONS);
  for (let i = 0; i < count; i++) out[offset + moveToAction(moves[i])] = 1;
}
