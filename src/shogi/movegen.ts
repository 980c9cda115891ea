// Legal move generation. Moves are produced directly legal: the generator knows the checkers and
// the pinned pieces of the side to move, so only king moves are tested with an attack query, and
// only a pawn drop that gives check runs the small uchifuzume (pawn-drop mate) probe.
//
// Scratch state lives in module-level typed arrays: JavaScript runs one generator at a time, and
// nothing here allocates.

import type { Position } from "./position.ts";
import {
  ATTACKS_IN,
  CAN_PROMOTE,
  COL,
  DEAD,
  FORWARD_DIR,
  KNIGHT_TO,
  LINE,
  NEXT,
  ROW,
  SLIDES_IN,
  SLIDE_COUNT,
  SLIDE_DIRS,
  STEP_COUNT,
  STEP_DIRS,
  ZONE,
} from "./tables.ts";
import { DROP_BASE, KING, KNIGHT, LANCE, NUM_SQUARES, PAWN, PROMOTE_FLAG, ROOK, SILVER } from "./types.ts";

const KNIGHT_CODE = [KNIGHT + 1, (KNIGHT + 1) | 16];

/**
 * The most legal moves any shogi position has (593), rounded up: size every move list with this
 * (generateLegal's output, the rollout buffer's per-transition bound). The generator writes legal
 * moves only — no pseudo-legal overshoot — so 593 would do; 600 is just the round figure.
 */
export const MAX_LEGAL_MOVES = 600;

/** True when `sq` is attacked by a piece of colour `by` on this board (cell codes as in types.ts). */
export function attackedBy(board: Int8Array, sq: number, by: number): boolean {
  const base = by << 5;
  for (let d = 0; d < 8; d++) {
    let s = NEXT[d * NUM_SQUARES + sq];
    if (s < 0) continue;
    let c = board[s];
    if (c !== 0) {
      if ((ATTACKS_IN[base + c] >> d) & 1) return true;
      continue;
    }
    do {
      s = NEXT[d * NUM_SQUARES + s];
      if (s < 0) break;
      c = board[s];
    } while (c === 0);
    if (s >= 0 && (SLIDES_IN[base + c] >> d) & 1) return true;
  }
  const knight = KNIGHT_CODE[by];
  const k = ((by ^ 1) * NUM_SQUARES + sq) * 2;
  const k0 = KNIGHT_TO[k],
    k1 = KNIGHT_TO[k + 1];
  return (k0 >= 0 && board[k0] === knight) || (k1 >= 0 && board[k1] === knight);
}

/**
 * Every square's attacker count for both colours: counts[c·81 + sq] = how many pieces of colour c
 * attack sq (each piece's steps, its slides up to and including the first occupied square, the
 * knights' jumps; the squares of pieces of either colour count, so a defended piece shows).
 */
export function attackCounts(board: Int8Array, counts: Uint8Array): void {
  counts.fill(0, 0, 2 * NUM_SQUARES);
  for (let sq = 0; sq < NUM_SQUARES; sq++) {
    const code = board[sq];
    if (code === 0) continue;
    const at = (code >> 4) * NUM_SQUARES;
    for (let i = 0; i < STEP_COUNT[code]; i++) {
      const t = NEXT[STEP_DIRS[code * 8 + i] * NUM_SQUARES + sq];
      if (t >= 0) counts[at + t]++;
    }
    for (let i = 0; i < SLIDE_COUNT[code]; i++) {
      const d = SLIDE_DIRS[code * 4 + i] * NUM_SQUARES;
      for (let t = NEXT[d + sq]; t >= 0; t = NEXT[d + t]) {
        counts[at + t]++;
        if (board[t] !== 0) break;
      }
    }
    if (code === KNIGHT_CODE[code >> 4]) {
      const k = sq * 2 + at * 2;
      if (KNIGHT_TO[k] >= 0) counts[at + KNIGHT_TO[k]]++;
      if (KNIGHT_TO[k + 1] >= 0) counts[at + KNIGHT_TO[k + 1]]++;
    }
  }
}

/**
 * Every piece of colour `by` attacking `sq`, each with whether it attacks from a distance (a line
 * piece with empty squares between): for validating positions (sfen.ts), not the move generator.
 */
export function attackersOf(board: Int8Array, sq: number, by: number): { square: number; distant: boolean }[] {
  const base = by << 5;
  const out: { square: number; distant: boolean }[] = [];
  for (let d = 0; d < 8; d++) {
    let s = NEXT[d * NUM_SQUARES + sq];
    if (s < 0) continue;
    let c = board[s];
    if (c !== 0) {
      if ((ATTACKS_IN[base + c] >> d) & 1) out.push({ square: s, distant: false });
      continue;
    }
    do {
      s = NEXT[d * NUM_SQUARES + s];
      if (s < 0) break;
      c = board[s];
    } while (c === 0);
    if (s >= 0 && (SLIDES_IN[base + c] >> d) & 1) out.push({ square: s, distant: true });
  }
  const knight = KNIGHT_CODE[by];
  const k = ((by ^ 1) * NUM_SQUARES + sq) * 2;
  for (let i = 0; i < 2; i++) {
    const s = KNIGHT_TO[k + i];
    if (s >= 0 && board[s] === knight) out.push({ square: s, distant: false });
  }
  return out;
}

// ---- scratch ----------------------------------------------------------------------------------
/** Destinations allowed for non-king moves and drops: all ones, or the check-evasion squares. */
const ALL_SQUARES = new Uint8Array(NUM_SQUARES).fill(1);
const evasion = new Uint8Array(NUM_SQUARES);
/** pinDir[sq] = d + 1 when the own piece on sq is pinned along direction d from its king. */
const pinDir = new Int8Array(NUM_SQUARES);
const pinnedSquares = new Int8Array(8);
const checkers = new Int8Array(2);

/** Fills `checkers` with the squares of `them`'s pieces attacking `ksq`; returns how many (0..2). */
function findCheckers(board: Int8Array, ksq: number, them: number): number {
  const base = them << 5;
  let n = 0;
  for (let d = 0; d < 8; d++) {
    let s = NEXT[d * NUM_SQUARES + ksq];
    if (s < 0) continue;
    let c = board[s];
    if (c !== 0) {
      if ((ATTACKS_IN[base + c] >> d) & 1) checkers[n++] = s;
      continue;
    }
    do {
      s = NEXT[d * NUM_SQUARES + s];
      if (s < 0) break;
      c = board[s];
    } while (c === 0);
    if (s >= 0 && (SLIDES_IN[base + c] >> d) & 1) checkers[n++] = s;
  }
  const knight = KNIGHT_CODE[them];
  const k = ((them ^ 1) * NUM_SQUARES + ksq) * 2;
  for (let i = 0; i < 2; i++) {
    const s = KNIGHT_TO[k + i];
    if (s >= 0 && board[s] === knight) checkers[n++] = s;
  }
  return n;
}

/**
 * Marks in `pinDir` the pieces of `us` pinned to the king on `ksq` (an own piece with an enemy
 * slider behind it on the same line). Returns how many, their squares in `pinnedSquares`.
 */
function markPins(board: Int8Array, ksq: number, us: number): number {
  const them = us ^ 1;
  let n = 0;
  for (let d = 0; d < 8; d++) {
    let s = NEXT[d * NUM_SQUARES + ksq];
    while (s >= 0 && board[s] === 0) s = NEXT[d * NUM_SQUARES + s];
    if (s < 0 || board[s] >> 4 !== us) continue;
    const pinned = s;
    s = NEXT[d * NUM_SQUARES + s];
    while (s >= 0 && board[s] === 0) s = NEXT[d * NUM_SQUARES + s];
    if (s >= 0 && (SLIDES_IN[(them << 5) + board[s]] >> d) & 1) {
      pinDir[pinned] = d + 1;
      pinnedSquares[n++] = pinned;
    }
  }
  return n;
}

/** True when the piece of `color` on `sq` is pinned to that colour's king on `ksq`. */
function isPinned(board: Int8Array, sq: number, ksq: number, color: number): boolean {
  const dir = LINE[ksq * NUM_SQUARES + sq] - 1;
  if (dir < 0) return false;
  let s = NEXT[dir * NUM_SQUARES + ksq];
  while (s !== sq) {
    if (board[s] !== 0) return false; // something else shields the king
    s = NEXT[dir * NUM_SQUARES + s];
  }
  s = NEXT[dir * NUM_SQUARES + s];
  while (s >= 0 && board[s] === 0) s = NEXT[dir * NUM_SQUARES + s];
  return s >= 0 && ((SLIDES_IN[((color ^ 1) << 5) + board[s]] >> dir) & 1) === 1;
}

/**
 * Uchifuzume probe: `us` drops a pawn on `sq`, directly in front of the enemy king on `ek`, giving
 * check. The drop is illegal iff that is mate. A pawn check can only be answered by a king move
 * (including capturing the pawn) or by another piece capturing the pawn; nothing can interpose.
 */
function pawnDropMates(board: Int8Array, sq: number, us: number, ek: number): boolean {
  const them = us ^ 1;
  const kingCode = board[ek];
  board[sq] = (PAWN + 1) | (us << 4);
  board[ek] = 0; // the king must not shield the squares it flees to
  let mate = true;
  for (let d = 0; d < 8 && mate; d++) {
    const to = NEXT[d * NUM_SQUARES + ek];
    if (to < 0) continue;
    const c = board[to];
    if (c !== 0 && c >> 4 === them) continue;
    if (!attackedBy(board, to, us)) mate = false;
  }
  board[ek] = kingCode;
  if (mate) mate = !hasUnpinnedCapturer(board, sq, them, ek);
  board[sq] = 0;
  return mate;
}

/** True when a non-king piece of `them` can legally capture on `sq` (it attacks sq and is not pinned). */
function hasUnpinnedCapturer(board: Int8Array, sq: number, them: number, ek: number): boolean {
  const base = them << 5;
  for (let d = 0; d < 8; d++) {
    let s = NEXT[d * NUM_SQUARES + sq];
    if (s < 0) continue;
    let c = board[s];
    if (c === 0) {
      do {
        s = NEXT[d * NUM_SQUARES + s];
        if (s < 0) break;
        c = board[s];
      } while (c === 0);
      if (s < 0 || ((SLIDES_IN[base + c] >> d) & 1) === 0) continue;
    } else if (((ATTACKS_IN[base + c] >> d) & 1) === 0) continue;
    if ((c & 15) - 1 === KING) continue;
    if (!isPinned(board, s, ek, them)) return true;
  }
  const knight = KNIGHT_CODE[them];
  const k = ((them ^ 1) * NUM_SQUARES + sq) * 2;
  for (let i = 0; i < 2; i++) {
    const s = KNIGHT_TO[k + i];
    if (s >= 0 && board[s] === knight && !isPinned(board, s, ek, them)) return true;
  }
  return false;
}

/** Writes the board move from→to of a piece `code`, with its promotion options; returns the new n. */
function emitBoardMove(out: Uint32Array, n: number, from: number, to: number, code: number, us: number): number {
  const m = from | (to << 7);
  if (CAN_PROMOTE[code] === 1 && (ZONE[us * NUM_SQUARES + from] | ZONE[us * NUM_SQUARES + to]) === 1) {
    out[n++] = m | PROMOTE_FLAG;
    if (DEAD[code * NUM_SQUARES + to] === 0) out[n++] = m;
  } else {
    out[n++] = m;
  }
  return n;
}

/** Moves of every non-king piece of `us` to squares with allowed[to] = 1, respecting pins. */
function genPieceMoves(
  board: Int8Array,
  us: number,
  ksq: number,
  allowed: Uint8Array,
  out: Uint32Array,
  n: number,
): number {
  const kLine = ksq * NUM_SQUARES;
  for (let from = 0; from < NUM_SQUARES; from++) {
    const code = board[from];
    if (code === 0 || code >> 4 !== us) continue;
    const type = (code & 15) - 1;
    if (type === KING) continue;
    const pin = pinDir[from];
    if (type === KNIGHT) {
      if (pin !== 0) continue; // a knight's jump always leaves the line
      const k = (us * NUM_SQUARES + from) * 2;
      for (let i = 0; i < 2; i++) {
        const to = KNIGHT_TO[k + i];
        if (to < 0 || allowed[to] === 0) continue;
        const c = board[to];
        if (c !== 0 && c >> 4 === us) continue;
        n = emitBoardMove(out, n, from, to, code, us);
      }
      continue;
    }
    const stepCount = STEP_COUNT[code];
    for (let i = 0; i < stepCount; i++) {
      const to = NEXT[STEP_DIRS[code * 8 + i] * NUM_SQUARES + from];
      if (to < 0 || allowed[to] === 0) continue;
      const c = board[to];
      if (c !== 0 && c >> 4 === us) continue;
      if (pin !== 0 && LINE[kLine + to] !== pin) continue;
      n = emitBoardMove(out, n, from, to, code, us);
    }
    const slideCount = SLIDE_COUNT[code];
    for (let i = 0; i < slideCount; i++) {
      const d = SLIDE_DIRS[code * 4 + i];
      // A pinned slider may only move along its pin line, in either direction.
      if (pin !== 0 && d !== pin - 1 && d !== ((pin - 1) ^ 4)) continue;
      let to = NEXT[d * NUM_SQUARES + from];
      while (to >= 0) {
        const c = board[to];
        if (c !== 0 && c >> 4 === us) break;
        if (allowed[to] === 1) n = emitBoardMove(out, n, from, to, code, us);
        if (c !== 0) break;
        to = NEXT[d * NUM_SQUARES + to];
      }
    }
  }
  return n;
}

/** King moves of `us` to squares `them` does not attack (tested with the king lifted off the board). */
function genKingMoves(board: Int8Array, us: number, ksq: number, out: Uint32Array, n: number): number {
  const them = us ^ 1;
  const kingCode = board[ksq];
  board[ksq] = 0;
  for (let d = 0; d < 8; d++) {
    const to = NEXT[d * NUM_SQUARES + ksq];
    if (to < 0) continue;
    const c = board[to];
    if (c !== 0 && c >> 4 === us) continue;
    if (!attackedBy(board, to, them)) out[n++] = ksq | (to << 7);
  }
  board[ksq] = kingCode;
  return n;
}

/** Drops from `us`'s hand onto empty squares with allowed[sq] = 1. */
function genDrops(pos: Position, us: number, allowed: Uint8Array, out: Uint32Array, n: number): number {
  const board = pos.board,
    hands = pos.hands;
  const h = us * 7;
  const hasP = hands[h + PAWN] > 0,
    hasL = hands[h + LANCE] > 0,
    hasN = hands[h + KNIGHT] > 0;
  // Pieces with no drop restriction, as drop-encoded `from` values.
  let free0 = 0,
    free1 = 0,
    free2 = 0,
    free3 = 0,
    freeCount = 0;
  for (let t = SILVER; t <= ROOK; t++) {
    if (hands[h + t] === 0) continue;
    const f = DROP_BASE + t;
    if (freeCount === 0) free0 = f;
    else if (freeCount === 1) free1 = f;
    else if (freeCount === 2) free2 = f;
    else free3 = f;
    freeCount++;
  }
  if (!hasP && !hasL && !hasN && freeCount === 0) return n;

  const pawnFiles = pos.pawnFiles[us];
  // The one square where a pawn drop gives check: straight in front of the enemy king.
  const ek = pos.kingSq[us ^ 1];
  const checkSq = NEXT[FORWARD_DIR[us ^ 1] * NUM_SQUARES + ek];
  for (let sq = 0; sq < NUM_SQUARES; sq++) {
    if (board[sq] !== 0 || allowed[sq] === 0) continue;
    const to = sq << 7;
    if (freeCount > 0) {
      out[n++] = free0 | to;
      if (freeCount > 1) {
        out[n++] = free1 | to;
        if (freeCount > 2) {
          out[n++] = free2 | to;
          if (freeCount > 3) out[n++] = free3 | to;
        }
      }
    }
    const depth = us === 0 ? ROW[sq] : 8 - ROW[sq]; // ranks from the far edge
    if (depth === 0) continue;
    if (hasL) out[n++] = (DROP_BASE + LANCE) | to;
    if (hasN && depth >= 2) out[n++] = (DROP_BASE + KNIGHT) | to;
    if (hasP && ((pawnFiles >> COL[sq]) & 1) === 0 && !(sq === checkSq && pawnDropMates(board, sq, us, ek))) {
      out[n++] = (DROP_BASE + PAWN) | to;
    }
  }
  return n;
}

/** How many pieces give check to the side to move (0, 1 or 2). */
export function countCheckers(pos: Position): number {
  const us = pos.sideToMove;
  return pos.inCheck() ? findCheckers(pos.board, pos.kingSq[us], us ^ 1) : 0;
}

/**
 * Writes every legal move of the side to move into out[offset..]; returns how many. `out` needs
 * room for MAX_LEGAL_MOVES from `offset` (a typed array would drop extra writes silently).
 */
export function generateLegal(pos: Position, out: Uint32Array, offset: number): number {
  if (out.length - offset < MAX_LEGAL_MOVES) {
    throw new RangeError(
      `generateLegal: out needs ${MAX_LEGAL_MOVES} free slots from offset ${offset}, has ${out.length - offset}`,
    );
  }
  const board = pos.board;
  const us = pos.sideToMove;
  const ksq = pos.kingSq[us];
  let n = offset;
  let allowed = ALL_SQUARES;
  let nCheckers = 0;
  if (pos.inCheck()) {
    nCheckers = findCheckers(board, ksq, us ^ 1);
    if (nCheckers === 1) {
      // Evade a single check by capturing the checker or by interposing on the squares between.
      const csq = checkers[0];
      evasion[csq] = 1;
      const d = LINE[ksq * NUM_SQUARES + csq] - 1;
      if (d >= 0) for (let s = NEXT[d * NUM_SQUARES + ksq]; s !== csq; s = NEXT[d * NUM_SQUARES + s]) evasion[s] = 1;
      allowed = evasion;
    }
  }
  if (nCheckers < 2) {
    const nPinned = markPins(board, ksq, us);
    n = genPieceMoves(board, us, ksq, allowed, out, n);
    n = genDrops(pos, us, allowed, out, n);
    for (let i = 0; i < nPinned; i++) pinDir[pinnedSquares[i]] = 0;
    if (allowed === evasion) evasion.fill(0);
  }
  n = genKingMoves(board, us, ksq, out, n);
  return n - offset;
}
