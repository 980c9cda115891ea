// Mate search (tsume) for the side to move, a fixed number of plies deep.
//
// mateMove(pos, plies) finds a forced mate of at most `plies` plies (1, 3, 5, …): the attacker only
// plays checks, the defender tries every legal reply, and a mate is a position where the side to
// move is in check and has no legal move. The search deepens 1, 3, 5 … so the mate returned is a
// shortest one. matePv gives the whole line, the defender always choosing the reply that delays
// mate the longest.
//
// The rules come from the engine's legal move generator (src/shogi/movegen.ts): no move leaves the
// own king in check, and a pawn drop that mates (uchifuzume) is illegal, so it is never a mating
// move here (the search places its checking drops itself and rejects a pawn drop that leaves no
// reply). Repetition cannot matter inside so short a search.
//
// Speed: only checks are ever made. The attacker's board moves are the legal generator's (with the
// hand hidden from it), kept by a table-driven "gives check" test (a direct check from the
// destination, or a discovered one by a piece leaving the line between one of the attacker's
// sliders and the enemy king); drops are placed only on the squares that check. At the last ply a
// king that can step out of check is seen before any move list is generated. Move lists live in
// one preallocated Uint32Array, a slice per ply; mateMove allocates nothing (matePv does, once).

import { attackedBy, MAX_LEGAL_MOVES } from "../shogi/movegen.ts";
import type { Position } from "../shogi/position.ts";
import { ATTACKS_IN, COL, DEAD, KNIGHT_TO, LINE, NEXT, SLIDES_IN } from "../shogi/tables.ts";
import { BISHOP, DROP_BASE, KNIGHT, LANCE, NUM_SQUARES, PAWN, PROMOTE_FLAG, PROMOTED, ROOK } from "../shogi/types.ts";

/** Move lists, MAX_LEGAL_MOVES slots per ply of the current search (checks are a subset of the legal moves). */
let moves = new Uint32Array(8 * MAX_LEGAL_MOVES);
/** Positions entered (moves made) by the searches since the last resetMateNodes(). */
let nodes = 0;

/** disc[sq] = d + 1 when the attacker's piece on sq is the only piece between the enemy king and an
 * attacker's slider in direction d from the king: moving it off that line gives discovered check. */
const disc = new Int8Array(NUM_SQUARES);
const discSquares = new Int8Array(8);

/**
 * The side to move's legal checking moves, as a new array (for tools and tests; the search itself
 * uses its own buffers). Same set as filtering generateLegal's moves by "leaves the opponent in check".
 */
export function checkingMoves(pos: Position): number[] {
  ensurePlies(1);
  const n = generateChecks(pos, 0, true);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = moves[i];
    if ((m & 127) === DROP_BASE + PAWN && !pos.isLegal(m)) continue; // a pawn drop that mates
    out.push(m);
  }
  return out;
}

/** Moves made by mate searches since the last resetMateNodes() (for nodes/s figures). */
export function mateNodes(): number {
  return nodes;
}

export function resetMateNodes(): void {
  nodes = 0;
}

function ensurePlies(plies: number): void {
  if (moves.length < (plies + 1) * MAX_LEGAL_MOVES) moves = new Uint32Array((plies + 1) * MAX_LEGAL_MOVES);
}

/** Marks in `disc` the attacker's pieces that shield the enemy king from an attacker's slider. */
function markDiscoverers(board: Int8Array, us: number, ek: number): number {
  let count = 0;
  for (let d = 0; d < 8; d++) {
    let s = NEXT[d * NUM_SQUARES + ek];
    while (s >= 0 && board[s] === 0) s = NEXT[d * NUM_SQUARES + s];
    if (s < 0 || board[s] >> 4 !== us) continue;
    const blocker = s;
    s = NEXT[d * NUM_SQUARES + s];
    while (s >= 0 && board[s] === 0) s = NEXT[d * NUM_SQUARES + s];
    if (s >= 0 && (SLIDES_IN[(us << 5) + board[s]] >> d) & 1) {
      disc[blocker] = d + 1;
      discSquares[count++] = blocker;
    }
  }
  return count;
}

/**
 * True when the legal move `m` of `us` checks the king on `ek`. `disc` must be marked for this
 * position. Exact for legal moves: the attacker is never giving check before its own move.
 */
function givesCheck(board: Int8Array, us: number, ek: number, m: number): boolean {
  const from = m & 127,
    to = (m >> 7) & 127;
  let code: number;
  if (from >= DROP_BASE) {
    code = (from - DROP_BASE + 1) | (us << 4);
  } else {
    code = board[from];
    if ((m & PROMOTE_FLAG) !== 0) code = (PROMOTED[(code & 15) - 1] + 1) | (us << 4);
    const line = disc[from];
    if (line !== 0 && LINE[ek * NUM_SQUARES + to] !== line) return true; // discovered check
  }
  if ((code & 15) - 1 === KNIGHT) {
    const k = (us * NUM_SQUARES + to) * 2;
    return KNIGHT_TO[k] === ek || KNIGHT_TO[k + 1] === ek;
  }
  const d = LINE[ek * NUM_SQUARES + to] - 1; // direction from the king to the piece
  if (d < 0) return false;
  let s = NEXT[d * NUM_SQUARES + ek];
  if (s === to) return ((ATTACKS_IN[(us << 5) + code] >> d) & 1) === 1;
  if (((SLIDES_IN[(us << 5) + code] >> d) & 1) === 0) return false;
  // The mover's own square is never on this path: a slider there with a clear line would already be checking.
  for (; s !== to; s = NEXT[d * NUM_SQUARES + s]) if (board[s] !== 0) return false;
  return true;
}

const savedHand = new Uint8Array(7);

/**
 * Writes the side to move's legal checking moves into moves[base..]; returns how many. Not in
 * check, board moves come from the legal generator with the hand hidden from it, and drops are
 * placed only on the squares from which they check. A checking pawn drop is written without the
 * uchifuzume test (a pawn drop that mates is illegal; defend() rejects it), and only when
 * `pawnDrops`: at the last ply such a drop can only be legal if it does not mate. In check, every
 * legal evasion is generated and filtered.
 */
function generateChecks(pos: Position, base: number, pawnDrops: boolean): number {
  const board = pos.board,
    hands = pos.hands;
  const us = pos.sideToMove;
  const ek = pos.kingSq[us ^ 1];
  const inCheck = pos.inCheck();
  const h = us * 7;
  let n: number;
  if (inCheck) {
    n = pos.generateLegal(moves, base);
  } else {
    for (let t = 0; t < 7; t++) {
      savedHand[t] = hands[h + t];
      hands[h + t] = 0;
    }
    n = pos.generateLegal(moves, base);
    for (let t = 0; t < 7; t++) hands[h + t] = savedHand[t];
  }
  const nDisc = markDiscoverers(board, us, ek);
  let k = base;
  for (let i = base; i < base + n; i++) {
    const m = moves[i];
    if (givesCheck(board, us, ek, m)) moves[k++] = m;
  }
  for (let i = 0; i < nDisc; i++) disc[discSquares[i]] = 0;
  if (!inCheck) k = generateDropChecks(pos, k, pawnDrops);
  return k - base;
}

/** Hand types that attack along a line (lance, bishop, rook). */
const LINE_DROPPERS = [LANCE, BISHOP, ROOK];

/** Drops that check the enemy king, written at moves[k..]; returns the new k. */
function generateDropChecks(pos: Position, k: number, pawnDrops: boolean): number {
  const board = pos.board,
    hands = pos.hands;
  const us = pos.sideToMove;
  const ek = pos.kingSq[us ^ 1];
  const h = us * 7,
    base = us << 5;
  let held = 0;
  for (let t = 0; t < 7; t++) if (hands[h + t] > 0) held |= 1 << t;
  if (!pawnDrops || ((pos.pawnFiles[us] >> COL[ek]) & 1) === 1) held &= ~(1 << PAWN); // nifu
  if (held === 0) return k;
  for (let d = 0; d < 8; d++) {
    let s = NEXT[d * NUM_SQUARES + ek];
    if (s < 0 || board[s] !== 0) continue;
    for (let t = 0; t < 7; t++) {
      if (((held >> t) & 1) === 0) continue;
      const code = (t + 1) | (us << 4);
      if (((ATTACKS_IN[base + code] >> d) & 1) === 1 && DEAD[code * NUM_SQUARES + s] === 0)
        moves[k++] = (DROP_BASE + t) | (s << 7);
    }
    for (s = NEXT[d * NUM_SQUARES + s]; s >= 0 && board[s] === 0; s = NEXT[d * NUM_SQUARES + s]) {
      for (const t of LINE_DROPPERS) {
        if (((held >> t) & 1) === 0) continue;
        const code = (t + 1) | (us << 4);
        if (((SLIDES_IN[base + code] >> d) & 1) === 1 && DEAD[code * NUM_SQUARES + s] === 0)
          moves[k++] = (DROP_BASE + t) | (s << 7);
      }
    }
  }
  if (((held >> KNIGHT) & 1) === 1) {
    const code = (KNIGHT + 1) | (us << 4);
    const j = ((us ^ 1) * NUM_SQUARES + ek) * 2; // a knight of `us` on these squares attacks ek
    for (let i = 0; i < 2; i++) {
      const s = KNIGHT_TO[j + i];
      if (s >= 0 && board[s] === 0 && DEAD[code * NUM_SQUARES + s] === 0) moves[k++] = (DROP_BASE + KNIGHT) | (s << 7);
    }
  }
  return k;
}

/** A checking move after which the defender is mated within depth − 1 more plies, or 0. */
function attack(pos: Position, depth: number, ply: number): number {
  const base = ply * MAX_LEGAL_MOVES;
  return tryChecks(pos, depth, ply, generateChecks(pos, base, depth > 1));
}

/** The first of the n checks at this ply's list that mates within `depth` plies, or 0. */
function tryChecks(pos: Position, depth: number, ply: number, n: number): number {
  const base = ply * MAX_LEGAL_MOVES;
  for (let i = base; i < base + n; i++) {
    const m = moves[i];
    pos.makeMove(m);
    nodes++;
    const mated = defend(pos, depth - 1, ply + 1);
    pos.unmakeMove();
    if (mated) return m;
  }
  return 0;
}

/** True when the side to move's king can step to a square the other side does not attack (a legal move). */
function hasFlight(pos: Position): boolean {
  const board = pos.board;
  const us = pos.sideToMove;
  const ksq = pos.kingSq[us];
  const kingCode = board[ksq];
  board[ksq] = 0; // the king must not shield the squares it flees to
  let flight = false;
  for (let d = 0; d < 8 && !flight; d++) {
    const to = NEXT[d * NUM_SQUARES + ksq];
    if (to < 0) continue;
    const c = board[to];
    if (c !== 0 && c >> 4 === us) continue;
    flight = !attackedBy(board, to, us ^ 1);
  }
  board[ksq] = kingCode;
  return flight;
}

/** True when the last move was a pawn drop: with no reply it was an illegal pawn-drop mate. */
const lastIsPawnDrop = (pos: Position): boolean => (pos.lastMove() & 127) === DROP_BASE + PAWN;

/** The side to move is in check: true when every reply loses to a mate within `depth` plies. */
function defend(pos: Position, depth: number, ply: number): boolean {
  const base = ply * MAX_LEGAL_MOVES;
  if (depth === 0) return !hasFlight(pos) && pos.generateLegal(moves, base) === 0 && !lastIsPawnDrop(pos);
  const n = pos.generateLegal(moves, base);
  if (n === 0) return !lastIsPawnDrop(pos);
  for (let i = base; i < base + n; i++) {
    pos.makeMove(moves[i]);
    nodes++;
    const refuted = attack(pos, depth - 1, ply + 1) === 0;
    pos.unmakeMove();
    if (refuted) return false;
  }
  return true;
}

/** The first move of the mate shortestMate last found. */
let found = 0;

/** The length of a shortest mate within `plies` (deepening 1, 3, 5 …), its first move in `found`; 0 if none. */
function shortestMate(pos: Position, plies: number): number {
  if (plies < 1) return 0;
  ensurePlies(plies);
  const n = generateChecks(pos, 0, true); // the root's checks serve every depth
  for (let depth = 1; depth <= plies; depth += 2) {
    found = tryChecks(pos, depth, 0, n);
    if (found !== 0) return depth;
  }
  return 0;
}

/**
 * The first move of a shortest forced mate by the side to move within `plies` plies (odd; an even
 * number counts as the odd one below it), or 0 when there is none. `pos` is left as it was.
 */
export function mateMove(pos: Position, plies: number): number {
  return shortestMate(pos, plies) > 0 ? found : 0;
}

/**
 * The principal variation of a shortest mate within `plies` plies: attacker's check, the defence
 * that delays mate longest (the first such in generation order), …, the mating move. Its length is
 * the mate's length in plies. null when there is no mate within `plies`.
 */
export function matePv(pos: Position, plies: number): number[] | null {
  const length = shortestMate(pos, plies);
  if (length === 0) return null;
  const pv: number[] = [];
  extendPv(pos, length, pv);
  return pv;
}

/** Appends a shortest mate of at most `plies` from `pos` (one is known to exist) to `pv`. */
function extendPv(pos: Position, plies: number, pv: number[]): void {
  const length = shortestMate(pos, plies);
  const move = found;
  pv.push(move);
  pos.makeMove(move);
  const replies = new Uint32Array(MAX_LEGAL_MOVES);
  const n = pos.generateLegal(replies, 0);
  let best = 0,
    bestLength = -1;
  for (let i = 0; i < n; i++) {
    pos.makeMove(replies[i]);
    const l = shortestMate(pos, length - 2);
    pos.unmakeMove();
    if (l > bestLength) {
      best = replies[i];
      bestLength = l;
    }
  }
  if (n > 0) {
    pv.push(best);
    pos.makeMove(best);
    extendPv(pos, bestLength, pv);
    pos.unmakeMove();
  }
  pos.unmakeMove();
}
