// Precomputed board geometry and piece movement, indexed so the move generator and the attack
// query only ever read typed arrays.
//
// Directions are absolute on the board (row 0 at the top, Black moving up):
//   0 N (row−1)  1 NE (row−1, col+1)  2 E (col+1)  3 SE (row+1, col+1)
//   4 S (row+1)  5 SW (row+1, col−1)  6 W (col−1)  7 NW (row−1, col−1)
// so the opposite of d is d ^ 4, and a White piece moves like a Black one with every direction
// rotated by 4. Tables keyed by a piece code (0..31, see types.ts) already carry the colour.

import { BLACK, NUM_SQUARES, PROMOTED } from "./types.ts";

export const NUM_DIRS = 8;
const DIR_DR = [-1, -1, 0, 1, 1, 1, 0, -1];
const DIR_DC = [0, 1, 1, 1, 0, -1, -1, -1];

const N = 0,
  NE = 1,
  E = 2,
  SE = 3,
  S = 4,
  SW = 5,
  W = 6,
  NW = 7;

const onBoard = (r: number, c: number): boolean => r >= 0 && r < 9 && c >= 0 && c < 9;

/** NEXT[d·81 + sq]: the square one step from sq in direction d, or −1 off the board. */
export const NEXT = new Int8Array(NUM_DIRS * NUM_SQUARES);
/** LINE[a·81 + b] = d + 1 when b lies on the ray from a in direction d (any distance), else 0. */
export const LINE = new Int8Array(NUM_SQUARES * NUM_SQUARES);
/** Row of a square (0..8) and its column (0..8), to avoid divisions on the hot path. */
export const ROW = new Uint8Array(NUM_SQUARES);
export const COL = new Uint8Array(NUM_SQUARES);

for (let sq = 0; sq < NUM_SQUARES; sq++) {
  const r = (sq / 9) | 0,
    c = sq % 9;
  ROW[sq] = r;
  COL[sq] = c;
  for (let d = 0; d < NUM_DIRS; d++) {
    const r1 = r + DIR_DR[d],
      c1 = c + DIR_DC[d];
    NEXT[d * NUM_SQUARES + sq] = onBoard(r1, c1) ? 9 * r1 + c1 : -1;
    for (let k = 1; onBoard(r + k * DIR_DR[d], c + k * DIR_DC[d]); k++) {
      LINE[sq * NUM_SQUARES + 9 * (r + k * DIR_DR[d]) + (c + k * DIR_DC[d])] = d + 1;
    }
  }
}

/**
 * KNIGHT_TO[(color·81 + sq)·2 + i]: the two squares a knight of `color` on sq jumps to, −1 if off.
 * A square is attacked by a knight of colour c from exactly the squares a knight of the other
 * colour would jump to from it, so the attack query reads KNIGHT_TO with the colours swapped.
 */
export const KNIGHT_TO = new Int8Array(2 * NUM_SQUARES * 2);
for (let color = 0; color < 2; color++) {
  const fwd = color === BLACK ? -1 : 1;
  for (let sq = 0; sq < NUM_SQUARES; sq++) {
    const r = ROW[sq] + 2 * fwd;
    for (let i = 0; i < 2; i++) {
      const c = COL[sq] + (i === 0 ? -1 : 1);
      KNIGHT_TO[(color * NUM_SQUARES + sq) * 2 + i] = onBoard(r, c) ? 9 * r + c : -1;
    }
  }
}

// Black's movement per piece type (P L N S G B R K +P +L +N +S +B +R): directions moved one step,
// and directions slid along. The knight's jump is handled separately.
const GOLD_STEPS = [N, NE, NW, E, W, S];
const BLACK_STEPS: readonly (readonly number[])[] = [
  [N],
  [],
  [],
  [N, NE, NW, SE, SW],
  GOLD_STEPS,
  [],
  [],
  [N, NE, E, SE, S, SW, W, NW],
  GOLD_STEPS,
  GOLD_STEPS,
  GOLD_STEPS,
  GOLD_STEPS,
  [N, E, S, W],
  [NE, SE, SW, NW],
];
const BLACK_SLIDES: readonly (readonly number[])[] = [
  [],
  [N],
  [],
  [],
  [],
  [NE, SE, SW, NW],
  [N, E, S, W],
  [],
  [],
  [],
  [],
  [],
  [NE, SE, SW, NW],
  [N, E, S, W],
];

/** Per piece code: STEP_DIRS[code·8 + i] for i < STEP_COUNT[code], likewise for slides. */
export const STEP_DIRS = new Int8Array(32 * 8);
export const STEP_COUNT = new Uint8Array(32);
export const SLIDE_DIRS = new Int8Array(32 * 4);
export const SLIDE_COUNT = new Uint8Array(32);
/** Bit d set when a piece with this code attacks the adjacent square in direction d (slides included). */
export const STEP_MASK = new Uint8Array(32);
/** Bit d set when a piece with this code slides in direction d. */
export const SLIDE_MASK = new Uint8Array(32);
/** 1 for codes whose type can promote (P L N S B R of either colour). */
export const CAN_PROMOTE = new Uint8Array(32);

/**
 * Attack lookups for "is `sq` attacked by colour `by`": ATTACKS_IN[(by·32 + code)] has bit d set
 * when a piece `code` of colour `by` standing next to sq in direction d attacks sq (it moves in
 * direction d ^ 4). Zero for empty cells and for pieces of the other colour, so one lookup
 * answers both "whose piece" and "does it reach". SLIDES_IN is the same for sliding attacks.
 */
export const ATTACKS_IN = new Uint8Array(2 * 32);
export const SLIDES_IN = new Uint8Array(2 * 32);

for (let color = 0; color < 2; color++) {
  for (let type = 0; type < 14; type++) {
    const code = (type + 1) | (color << 4);
    const rot = color === BLACK ? 0 : 4;
    const steps = BLACK_STEPS[type].map((d) => (d + rot) & 7);
    const slides = BLACK_SLIDES[type].map((d) => (d + rot) & 7);
    STEP_COUNT[code] = steps.length;
    for (let i = 0; i < steps.length; i++) STEP_DIRS[code * 8 + i] = steps[i];
    SLIDE_COUNT[code] = slides.length;
    for (let i = 0; i < slides.length; i++) SLIDE_DIRS[code * 4 + i] = slides[i];
    for (const d of steps) STEP_MASK[code] |= 1 << d;
    for (const d of slides) {
      STEP_MASK[code] |= 1 << d;
      SLIDE_MASK[code] |= 1 << d;
    }
    CAN_PROMOTE[code] = PROMOTED[type] >= 0 ? 1 : 0;
    for (let d = 0; d < NUM_DIRS; d++) {
      if (STEP_MASK[code] & (1 << (d ^ 4))) ATTACKS_IN[color * 32 + code] |= 1 << d;
      if (SLIDE_MASK[code] & (1 << (d ^ 4))) SLIDES_IN[color * 32 + code] |= 1 << d;
    }
  }
}

/** ZONE[color·81 + sq] = 1 inside that colour's promotion zone (the three far ranks). */
export const ZONE = new Uint8Array(2 * NUM_SQUARES);
/**
 * DEAD[code·81 + sq] = 1 where an unpromoted piece with this code could never move again: pawn and
 * lance on the last rank, knight on the last two. Such squares forbid drops and non-promotions.
 */
export const DEAD = new Uint8Array(32 * NUM_SQUARES);
for (let sq = 0; sq < NUM_SQUARES; sq++) {
  const r = ROW[sq];
  ZONE[sq] = r <= 2 ? 1 : 0;
  ZONE[NUM_SQUARES + sq] = r >= 6 ? 1 : 0;
  for (let color = 0; color < 2; color++) {
    const depth = color === BLACK ? r : 8 - r; // ranks from the far edge
    const code = (t: number) => (t + 1) | (color << 4);
    if (depth === 0) DEAD[code(0) * NUM_SQUARES + sq] = DEAD[code(1) * NUM_SQUARES + sq] = 1;
    if (depth <= 1) DEAD[code(2) * NUM_SQUARES + sq] = 1;
  }
}

/** The direction "forward" for each colour's pieces: Black moves north (row − 1), White south. */
export const FORWARD_DIR = [N, S] as const;
