// The convolutional policy head's view of the action space: each of the 13 527 actions as one
// cell of a [139, 9, 9] stack of logit planes, in the side to move's frame (the observation's:
// White's board is rotated 180°, square s ↦ 80 − s, so both colours move "up", row − 1).
//
//   planes 0–63    a line move (rook, bishop, king, gold … any piece that moves along a line):
//                  direction d (N NE E SE S SW W NW) · 8 + distance − 1, not promoting
//   planes 64–65   a knight jump (two rows up, one column left / right), not promoting
//   planes 66–131  the same 66 geometries, promoting (plane − 66 is the geometry)
//   planes 132–138 a drop of hand type P L N S G B R
// and the cell's square is the move's DESTINATION in the mover's frame: a 1×1 convolution scores
// every move into a square from that square's features (what stands there, what guards it), the
// same weights on every square (AlphaZero's policy planes, indexed by target instead of origin).
// A board action whose geometry no piece has (a jump of (3, 1), say) has no cell; it is never
// legal, so its logit is a constant 0 under the legal mask.
//
// The map is injective, so the backward of "logits ← cells" is "∂cells ← ∂logits" through the
// inverse table: both directions are one gather (src/compute/kernels/gather.ts).
// Indexing by destination has a blind spot: a slider's move from farther away than the tower's
// receptive field (4 squares for one block with the head's 3×3) cannot see which piece moves;
// indexing by origin would be blind to the destination instead. Deeper towers close it.
//
// Defines: POLICY_PLANES, NO_CELL, PolicyPlaneTables, policyPlaneTables, actionCell.

import { NUM_ACTIONS, actionToMove } from "./actions.ts";
import {
  moveDropType,
  moveFrom,
  moveIsDrop,
  moveIsPromote,
  moveTo,
  NUM_HAND_TYPES,
  NUM_SQUARES,
  squareCol,
  squareRow,
} from "./types.ts";

const LINE_PLANES = 64; // 8 directions × distances 1..8
const GEOMETRIES = LINE_PLANES + 2; // + the two knight jumps
export const POLICY_PLANES = 2 * GEOMETRIES + NUM_HAND_TYPES; // 139

/** The table entry of an action (or cell) with no counterpart: the gather kernel's NONE (it writes 0). */
export const NO_CELL = 0xffffffff;

// Row and column steps of the 8 directions, in the mover's frame (row − 1 is forward).
const DIRECTIONS: readonly [number, number][] = [
  [-1, 0],
  [-1, 1],
  [0, 1],
  [1, 1],
  [1, 0],
  [1, -1],
  [0, -1],
  [-1, -1],
];

/** The geometry plane (0..65) of a step of (dr, dc) in the mover's frame, or −1. */
function geometry(dr: number, dc: number): number {
  if (dr === -2 && (dc === -1 || dc === 1)) return LINE_PLANES + (dc + 1) / 2;
  const dist = Math.max(Math.abs(dr), Math.abs(dc));
  if (dist === 0 || !(dr === 0 || dc === 0 || Math.abs(dr) === Math.abs(dc))) return -1;
  const d = DIRECTIONS.findIndex(([r, c]) => r === Math.sign(dr) && c === Math.sign(dc));
  return d * 8 + dist - 1;
}

/**
 * The cell (plane · 81 + destination square, both in the frame of `mover`: 0 Black, 1 White) of
 * `action`, or −1 when its geometry is no piece's.
 */
export function actionCell(action: number, mover: number): number {
  const m = actionToMove(action);
  const frame = (sq: number) => (mover === 0 ? sq : NUM_SQUARES - 1 - sq);
  const to = frame(moveTo(m));
  if (moveIsDrop(m)) return (2 * GEOMETRIES + moveDropType(m)) * NUM_SQUARES + to;
  const from = frame(moveFrom(m));
  const g = geometry(squareRow(to) - squareRow(from), squareCol(to) - squareCol(from));
  if (g < 0) return -1;
  return ((moveIsPromote(m) ? GEOMETRIES : 0) + g) * NUM_SQUARES + to;
}

export interface PolicyPlaneTables {
  /** [2, A] u32: the cell of action a for mover c at c·A + a, or NO_CELL. */
  gather: Uint32Array;
  /** [2, P·81] u32: the action of cell j for mover c at c·P·81 + j, or NO_CELL. */
  scatter: Uint32Array;
}

let cached: PolicyPlaneTables | null = null;

/** Both directions of the map, for both movers (built once). */
export function policyPlaneTables(): PolicyPlaneTables {
  if (cached) return cached;
  const cells = POLICY_PLANES * NUM_SQUARES;
  const gather = new Uint32Array(2 * NUM_ACTIONS).fill(NO_CELL);
  const scatter = new Uint32Array(2 * cells).fill(NO_CELL);
  for (let mover = 0; mover < 2; mover++) {
    for (let a = 0; a < NUM_ACTIONS; a++) {
      const cell = actionCell(a, mover);
      if (cell < 0) continue;
      if (scatter[mover * cells + cell] !== NO_CELL)
        throw new Error(`policy planes: actions ${scatter[mover * cells + cell]} and ${a} share cell ${cell}`);
      gather[mover * NUM_ACTIONS + a] = cell;
      scatter[mover * cells + cell] = a;
    }
  }
  cached = { gather, scatter };
  return cached;
}
