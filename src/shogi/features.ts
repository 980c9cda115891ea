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
//
// `core46-attacks` is core46 with the reserved planes put to use (the same 46 planes, so every
// buffer and the encoder stay as they are): 44 and 45 hold, per square, how many of the mover's and
// of the opponent's pieces attack it (count / 4). They are a function of planes 0–27, so the network
// derives them from any core46 observation (`addAttackPlanes`, called by its input stage): a piece
// en prise, or a square the king cannot be defended on, is then one square's worth of input rather
// than a ray the tower must trace across the board.

import { PIECE_VALUES } from "./material.ts";
import { attackCounts } from "./movegen.ts";
import { BLACK, codeColor, codeType, handIndex, NUM_HAND_TYPES, NUM_SQUARES, WHITE } from "./types.ts";

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
export const FEATURE_SETS = {
  core46: CORE46_PLANES,
  "core46-attacks": CORE46_PLANES,
} as const satisfies Record<string, number>;
export type InputFeatures = keyof typeof FEATURE_SETS;
/** The planes `core46-attacks` fills: attackers of each square, the mover's then the opponent's. */
const OWN_ATTACKS_PLANE = 44;
const OPPONENT_ATTACKS_PLANE = 45;
const ATTACK_NORMALISER = 4;

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

const attackBoard = new Int8Array(NUM_SQUARES);
const attackers = new Uint8Array(2 * NUM_SQUARES);

/**
 * Fills planes 44–45 of each of the `rows` observations in `obs` (core46 layout) with the attacker
 * counts of planes 0–27's board: the mover's pieces (0–13) move as Black's do in that frame (the
 * board is turned for White), the opponent's (14–27) as White's. A square's plane value is 1 for
 * the piece on it, so the first plane set wins; a valid observation has at most one.
 */
export function addAttackPlanes(obs: Float32Array, rows: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * OBS_SIZE;
    attackBoard.fill(0);
    for (let plane = 0; plane < 28; plane++) {
      const base = o + plane * NUM_SQUARES;
      const code = plane < 14 ? plane + 1 : (plane - 14 + 1) | (WHITE << 4);
      for (let sq = 0; sq < NUM_SQUARES; sq++)
        if (obs[base + sq] !== 0 && attackBoard[sq] === 0) attackBoard[sq] = code;
    }
    attackCounts(attackBoard, attackers);
    const own = o + OWN_ATTACKS_PLANE * NUM_SQUARES;
    const theirs = o + OPPONENT_ATTACKS_PLANE * NUM_SQUARES;
    for (let sq = 0; sq < NUM_SQUARES; sq++) {
      obs[own + sq] = attackers[BLACK * NUM_SQUARES + sq] / ATTACK_NORMALISER;
      obs[theirs + sq] = attackers[WHITE * NUM_SQUARES + sq] / ATTACK_NORMALISER;
    }
  }
}

/**
 * The material balance of the position a core46 observation encodes, from its side to move's view
 * (shogi/material.ts's `materialBalance`, read back from planes 0–27 and the hand planes): what a
 * value head trained with material shaping needs added back (search/network-evaluator.ts).
 */
export function core46Material(obs: Float32Array, offset = 0): number {
  let m = 0;
  for (let t = 0; t < 14; t++) {
    const own = offset + t * NUM_SQUARES;
    const theirs = offset + (14 + t) * NUM_SQUARES;
    let n = 0;
    for (let sq = 0; sq < NUM_SQUARES; sq++) n += obs[own + sq] - obs[theirs + sq];
    m += n * PIECE_VALUES[t];
  }
  for (let h = 0; h < NUM_HAND_TYPES; h++)
    m +=
      Math.round((obs[offset + (28 + h) * NUM_SQUARES] - obs[offset + (35 + h) * NUM_SQUARES]) * HAND_NORMALISER) *
      PIECE_VALUES[h];
  return m;
}
