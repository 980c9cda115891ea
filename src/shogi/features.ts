// The network's observation: the `core46` planes exactly as the reference produces them
// (keisei-python.md §2.1), from the side to move's point of view.
//
//   0–13   own pieces by type (P L N S G B R K +P +L +N +S +B +R) — the type index itself
//   14–27  the opponent's pieces, same order
//   28–34  own hand P L N S G B R, whole plane = count / 18
//   35–41  opponent's hand, same encoding
//   42     whole plane 1 when the side to move is Black
//   43     whole plane ply / maxMovesPerGame (0 when the limit is ≤ 0)
//   44–45  reserved, zero
// When White is to move the board is rotated 180° (square s ↦ 80 − s), so the mover's pieces
// always start on the bottom rows.

import { BLACK, codeColor, codeType, handIndex, NUM_HAND_TYPES, NUM_SQUARES } from "./types.ts";

export const CORE46_PLANES = 46;
export const OBS_SIZE = CORE46_PLANES * NUM_SQUARES; // 3 726 floats, layout [plane, row, col]
/** The plane that is 1 when Black is to move (0 otherwise). */
export const SIDE_TO_MOVE_PLANE = 42;
const HAND_NORMALISER = 18;

/** The parts of a position the observation reads. */
export interface ObservablePosition {
  readonly board: Int8Array; // [81] piece codes, types.ts
  readonly hands: Uint8Array; // [14] color·7 + hand type
  readonly sideToMove: number;
  readonly ply: number;
}

/** Names of the observation encodings and their plane counts (the model's input channels). */
export const FEATURE_SETS: Readonly<Record<string, number>> = { core46: CORE46_PLANES };

/** Writes the core46 observation of `pos` into out[offset .. offset + 3726). */
export function encodeCore46(pos: ObservablePosition, maxMovesPerGame: number, out: Float32Array, offset = 0): void {
  const obs = out.subarray(offset, offset + OBS_SIZE);
  obs.fill(0);
  const me = pos.sideToMove;
  const flip = me !== BLACK;
  const board = pos.board;
  for (let sq = 0; sq < NUM_SQUARES; sq++) {
    const code = board[sq];
    if (code === 0) continue;
    const plane = codeType(code) + (codeColor(code) === me ? 0 : 14);
    obs[plane * NUM_SQUARES + (flip ? 80 - sq : sq)] = 1;
  }
  for (let side = 0; side < 2; side++) {
    const color = side === 0 ? me : 1 - me;
    for (let ht = 0; ht < NUM_HAND_TYPES; ht++) {
      const count = pos.hands[handIndex(color, ht)];
      if (count === 0) continue;
      const start = (28 + 7 * side + ht) * NUM_SQUARES;
      obs.fill(count / HAND_NORMALISER, start, start + NUM_SQUARES);
    }
  }
  if (me === BLACK) obs.fill(1, SIDE_TO_MOVE_PLANE * NUM_SQUARES, (SIDE_TO_MOVE_PLANE + 1) * NUM_SQUARES);
  if (maxMovesPerGame > 0 && pos.ply > 0) obs.fill(pos.ply / maxMovesPerGame, 43 * NUM_SQUARES, 44 * NUM_SQUARES);
}
