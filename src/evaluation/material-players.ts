// Two deterministic material players, the rungs of a fixed strength ladder above `heuristic`. Both
// count material with shogi/material.ts (PIECE_VALUES, pawn units; a capture gains the piece's
// board value plus its value in hand, a promotion the difference of the two types) and both are
// GamePolicies: they search the game's real position (match.ts hands it over), so `act` alone throws.
//
//   material-1ply  for each legal move, the material balance after it, net of the opponent's best
//                  reply that captures the moved (or dropped) piece on its square, if any (a one-move
//                  exchange: "the best capture net of the recapture"); a move that leaves the
//                  opponent no legal reply (mate; a stalemate loses in shogi too) wins outright.
//                  Ties go to the first in tie order (`tieRank`), or, with a seed, to one drawn by a
//                  random source seeded by the seed and the position's key (the same position always
//                  gets the same move).
//   material-Nply  negamax alpha-beta to N plies (default 2) over all legal moves, then a quiescence
//                  search on captures (stand-pat = the balance for the side to move; captures only,
//                  MVV-LVA order; in check, every evasion instead; at most QUIESCENCE_PLIES deep).
//                  No legal move loses (mate or not: shogi has no stalemate draw); mates score
//                  ±(MATE − ply), so shorter mates are preferred. Repetition is ignored inside the
//                  search; at the root, a move back into a position the game has seen scores a draw
//                  less a quarter pawn (REPEAT_DRAW), or REPEAT_PERPETUAL when it would be the
//                  mover's perpetual check. Move order: captures by MVV-LVA, then promotions, then
//                  the rest, each in tie order; the first of equal-scored root moves is played.
//
// Tie order is defined on the board as the mover sees it, so both players make the same choices
// with either colour (the generator's order would have White shuffle its back rank).
// Move lists live in one preallocated buffer, MAX_LEGAL_MOVES per ply; the search plays on its own
// copy of the game's position (Position.copyFrom, no allocation once warm).

import type { ActBatch } from "../rl/acting.ts";
import { moveToAction } from "../shogi/actions.ts";
import { materialBalance, PIECE_VALUES } from "../shogi/material.ts";
import { MAX_LEGAL_MOVES } from "../shogi/movegen.ts";
import { Position } from "../shogi/position.ts";
import {
  BLACK,
  type Color,
  DROP_BASE,
  HAND_TYPE,
  KING,
  NUM_HAND_TYPES,
  PROMOTE_FLAG,
  PROMOTED,
} from "../shogi/types.ts";
import { Random } from "../util/random.ts";
import type { GamePolicy, RowEnd, RowGame } from "./match.ts";
import type { Player } from "./opponents.ts";

/** A mate score: being mated `ply` plies from the root scores −(MATE − ply). */
export const MATE = 100_000;
/** The most plies of quiescence below the full-width search. */
export const QUIESCENCE_PLIES = 8;

/** The material the mover gains by move `m` on `board` (pawn units): capture (board + hand value) and promotion. */
export function moveGain(board: Int8Array, m: number): number {
  const from = m & 127;
  if (from >= DROP_BASE) return 0;
  let gain = 0;
  const captured = board[(m >> 7) & 127];
  if (captured !== 0) {
    const t = (captured & 15) - 1;
    gain = PIECE_VALUES[t] + PIECE_VALUES[HAND_TYPE[t]];
  }
  if ((m & PROMOTE_FLAG) !== 0) {
    const t = (board[from] & 15) - 1;
    gain += PIECE_VALUES[PROMOTED[t]] - PIECE_VALUES[t];
  }
  return gain;
}

/** How many tie ranks there are: board moves (from, to, promotion), then drops (to, type), then king moves (to). */
const TIE_RANKS = 81 * 81 * 2 + 81 * 8 + 81;

/**
 * A move's place in the order equal-scored moves are taken in (lower first), defined on the board
 * as the mover sees it (White's squares turned 180°), so that it is the same for both colours: the
 * pieces nearest the enemy camp first (promotion before non-promotion), then drops (far ranks
 * first), then king moves. Unique per legal move. (The generator's own order walks the board from
 * 9a, Black's front and White's back rank: by it Black would push on where White shuffles its king.)
 */
export function tieRank(board: Int8Array, m: number, us: Color): number {
  const from = m & 127,
    to = (m >> 7) & 127;
  const t = us === BLACK ? to : 80 - to;
  if (from >= DROP_BASE) return 81 * 81 * 2 + t * 8 + (from - DROP_BASE);
  if ((board[from] & 15) - 1 === KING) return 81 * 81 * 2 + 81 * 8 + t;
  const f = us === BLACK ? from : 80 - from;
  return (f * 81 + t) * 2 + ((m & PROMOTE_FLAG) !== 0 ? 0 : 1);
}

const needsTheGame = (name: string): Error =>
  new Error(`${name}: needs the game (a GamePolicy: the match calls actInGames with each row's position, never act)`);

/** Shared GamePolicy shell: one move per row from the row's position. */
abstract class PositionPolicy implements GamePolicy {
  protected readonly pos = new Position();

  constructor(readonly name: string) {}

  act(_batch: ActBatch): void {
    throw needsTheGame(this.name);
  }

  async actInGames(batch: ActBatch, games: readonly RowGame[]): Promise<(RowEnd | undefined)[]> {
    for (let r = 0; r < batch.n; r++) {
      this.pos.copyFrom(games[r].position);
      const move = this.choose(this.pos);
      batch.actions[r] = moveToAction(move);
      batch.logProbs[r] = 0;
      batch.values[r] = 0;
    }
    return new Array(batch.n).fill(undefined);
  }

  /** The move to play in `pos` (which it may change, but must leave as it found it); throws when there is none. */
  abstract choose(pos: Position): number;

  /** The move for a position given as SFEN (tests, tools). */
  chooseSfen(sfen: string): number {
    return this.choose(Position.fromSfen(sfen));
  }
}

// ---- material-1ply ------------------------------------------------------------------------------

export class MaterialOnePlyPolicy extends PositionPolicy {
  private readonly moves = new Uint32Array(MAX_LEGAL_MOVES);
  private readonly replies = new Uint32Array(MAX_LEGAL_MOVES);
  private readonly ties = new Uint32Array(MAX_LEGAL_MOVES);

  constructor(
    readonly seed?: number,
    name = "material-1ply",
  ) {
    super(name);
  }

  /** The score of every legal move, in generation order (for tests and tools). */
  scores(pos: Position): { move: number; score: number }[] {
    const n = pos.generateLegal(this.moves);
    const base = materialBalance(pos, pos.sideToMove);
    const out: { move: number; score: number }[] = [];
    for (let i = 0; i < n; i++) out.push({ move: this.moves[i], score: this.score(pos, this.moves[i], base) });
    return out;
  }

  /** Balance after `m` net of the best recapture on its square; +MATE when the opponent has no reply. */
  private score(pos: Position, m: number, base: number): number {
    const after = base + moveGain(pos.board, m);
    const to = (m >> 7) & 127;
    pos.makeMove(m);
    const n = pos.generateLegal(this.replies);
    let recapture = 0;
    for (let j = 0; j < n; j++) {
      const r = this.replies[j];
      if (((r >> 7) & 127) !== to || (r & 127) >= DROP_BASE) continue;
      const g = moveGain(pos.board, r);
      if (g > recapture) recapture = g;
    }
    pos.unmakeMove();
    return n === 0 ? MATE : after - recapture;
  }

  choose(pos: Position): number {
    const n = pos.generateLegal(this.moves);
    if (n === 0) throw new Error(`${this.name}: no legal move in ${pos.toSfen()}`);
    const base = materialBalance(pos, pos.sideToMove);
    let best = -Infinity,
      ties = 0;
    for (let i = 0; i < n; i++) {
      const m = this.moves[i];
      const s = this.score(pos, m, base);
      if (s > best) {
        best = s;
        ties = 0;
      }
      if (s === best) this.ties[ties++] = m;
    }
    // The ties in tie order (insertion sort: usually a handful), then the first, or a seeded draw.
    const us = pos.sideToMove;
    for (let i = 1; i < ties; i++) {
      const m = this.ties[i];
      const r = tieRank(pos.board, m, us);
      let j = i - 1;
      for (; j >= 0 && tieRank(pos.board, this.ties[j], us) > r; j--) this.ties[j + 1] = this.ties[j];
      this.ties[j + 1] = m;
    }
    if (this.seed === undefined || ties === 1) return this.ties[0];
    const rng = new Random((this.seed ^ pos.hashLo ^ Math.imul(pos.hashHi, 0x9e3779b1)) >>> 0);
    return this.ties[rng.int(ties)];
  }
}

// ---- material-Nply: alpha-beta + quiescence -----------------------------------------------------

/**
 * A root move back into a position the game has seen scores a draw, less a quarter pawn: below any
 * equal-material move that does not repeat (material is counted in half pawns), so the player does
 * not shuffle into sennichite when it has anything else to do, and above every real loss of material.
 */
export const REPEAT_DRAW = -0.25;
/** A root move that repeats a position by the mover's perpetual check (lost on its 4th occurrence). */
export const REPEAT_PERPETUAL = -MATE / 2;

/**
 * After a root move: NaN when the position is new in the game; else REPEAT_DRAW, or REPEAT_PERPETUAL
 * when the mover gave check with every one of its moves since the position's first occurrence and
 * the opponent did not (on its 4th occurrence that is a loss, rules.ts), from the mover's view.
 */
function repetitionScore(pos: Position): number {
  const lo = pos.hashLo,
    hi = pos.hashHi;
  const hashLo = pos.historyHashLo,
    hashHi = pos.historyHashHi;
  let first = -1;
  for (let i = pos.played - 2; i >= 0; i -= 2) if (hashLo[i] === lo && hashHi[i] === hi) first = i;
  if (first < 0) return Number.NaN;
  // Move i leads from position i to i + 1 and gave check iff position i + 1 is in check; the mover of
  // the root move made the moves at odd distances before the current position.
  const inCheck = pos.historyInCheck;
  let moverAlways = true,
    otherAlways = true;
  for (let i = first; i < pos.played; i++) {
    const byMover = ((pos.played - i) & 1) === 1;
    if (inCheck[i + 1] === 0) {
      if (byMover) moverAlways = false;
      else otherAlways = false;
    }
  }
  return moverAlways && !otherAlways ? REPEAT_PERPETUAL : REPEAT_DRAW;
}

/**
 * Move-order keys: a class (captures by MVV-LVA: the most valuable victim, then the cheapest
 * attacker; then promotions; then the rest) in the high bits, the tie rank below it.
 */
const CAPTURE_CLASS = 2048;
const PROMOTION_CLASS = 1024;
const CLASS_SHIFT = 14; // TIE_RANKS < 2^14
/** Integer piece values (2 × pawn units, < 32) for the ordering keys. */
const ORDER_VALUE = PIECE_VALUES.map((v) => Math.round(2 * v));

export class MaterialSearchPolicy extends PositionPolicy {
  private moves: Uint32Array;
  private keys: Int32Array;
  private readonly savedHand = new Uint8Array(NUM_HAND_TYPES);
  /** Nodes (positions entered) since the last choose(). */
  nodes = 0;
  /** The root score of the last choose(), from the mover's view (pawn units, or ±(MATE − ply)). */
  lastScore = 0;

  constructor(
    readonly depth = 2,
    name = `material-${depth}ply`,
  ) {
    super(name);
    if (!Number.isInteger(depth) || depth < 1 || depth > 8)
      throw new RangeError(`${name}: depth must be a whole number in [1, 8], got ${depth}`);
    const plies = depth + QUIESCENCE_PLIES + 1;
    this.moves = new Uint32Array(plies * MAX_LEGAL_MOVES);
    this.keys = new Int32Array(plies * MAX_LEGAL_MOVES);
  }

  choose(pos: Position): number {
    this.nodes = 0;
    const n = pos.generateLegal(this.moves, 0);
    if (n === 0) throw new Error(`${this.name}: no legal move in ${pos.toSfen()}`);
    this.orderKeys(pos.board, pos.sideToMove, 0, n);
    const material = materialBalance(pos, pos.sideToMove);
    let alpha = -2 * MATE;
    let bestMove = 0;
    for (let i = 0; i < n; i++) {
      const m = this.pick(0, i, n);
      const gain = moveGain(pos.board, m);
      pos.makeMove(m);
      this.nodes++;
      const repeated = repetitionScore(pos);
      const s = Number.isNaN(repeated)
        ? -this.negamax(pos, this.depth - 1, 1, -2 * MATE, -alpha, -(material + gain))
        : repeated;
      pos.unmakeMove();
      if (s > alpha) {
        alpha = s;
        bestMove = m;
      }
    }
    this.lastScore = alpha + 0; // never −0
    return bestMove;
  }

  /**
   * The quiescence score of `pos` for its side to move: the balance after the best capture sequence
   * (every evasion when in check), pawn units; ±(MATE − ply) when the sequence mates.
   */
  quiescence(pos: Position): number {
    return this.quiesce(pos, 0, 0, -2 * MATE, 2 * MATE, materialBalance(pos, pos.sideToMove));
  }

  /** Fail-soft negamax; `material` is the balance for the side to move. */
  private negamax(pos: Position, depth: number, ply: number, alpha: number, beta: number, material: number): number {
    if (depth <= 0) return this.quiesce(pos, ply, 0, alpha, beta, material);
    const at = ply * MAX_LEGAL_MOVES;
    const n = pos.generateLegal(this.moves, at);
    if (n === 0) return -(MATE - ply);
    this.orderKeys(pos.board, pos.sideToMove, at, n);
    let best = -2 * MATE;
    for (let i = 0; i < n; i++) {
      const m = this.pick(at, i, n);
      const gain = moveGain(pos.board, m);
      pos.makeMove(m);
      this.nodes++;
      const s = -this.negamax(pos, depth - 1, ply + 1, -beta, -alpha, -(material + gain));
      pos.unmakeMove();
      if (s > best) {
        best = s;
        if (s > alpha) {
          alpha = s;
          if (s >= beta) break;
        }
      }
    }
    return best;
  }

  /** Captures only (every evasion when in check), after standing pat on the balance. */
  private quiesce(pos: Position, ply: number, qply: number, alpha: number, beta: number, material: number): number {
    const inCheck = pos.inCheck();
    const at = ply * MAX_LEGAL_MOVES;
    let best: number;
    let n: number;
    if (!inCheck) {
      best = material;
      if (best >= beta || qply >= QUIESCENCE_PLIES) return best;
      if (best > alpha) alpha = best;
      n = this.generateCaptures(pos, at);
      if (n === 0) return best;
    } else {
      if (qply >= QUIESCENCE_PLIES) return material;
      n = pos.generateLegal(this.moves, at);
      if (n === 0) return -(MATE - ply);
      best = -2 * MATE;
    }
    this.orderKeys(pos.board, pos.sideToMove, at, n);
    for (let i = 0; i < n; i++) {
      const m = this.pick(at, i, n);
      const gain = moveGain(pos.board, m);
      pos.makeMove(m);
      this.nodes++;
      const s = -this.quiesce(pos, ply + 1, qply + 1, -beta, -alpha, -(material + gain));
      pos.unmakeMove();
      if (s > best) {
        best = s;
        if (s > alpha) {
          alpha = s;
          if (s >= beta) break;
        }
      }
    }
    return best;
  }

  /** The legal captures of the side to move (not in check) into moves[at..]: board moves with the hand hidden, filtered. */
  private generateCaptures(pos: Position, at: number): number {
    const hands = pos.hands;
    const slot = pos.sideToMove * NUM_HAND_TYPES;
    let held = 0;
    for (let t = 0; t < NUM_HAND_TYPES; t++) {
      this.savedHand[t] = hands[slot + t];
      held |= hands[slot + t];
      hands[slot + t] = 0;
    }
    const total = pos.generateLegal(this.moves, at);
    if (held !== 0) for (let t = 0; t < NUM_HAND_TYPES; t++) hands[slot + t] = this.savedHand[t];
    const moves = this.moves,
      board = pos.board;
    let n = 0;
    for (let i = 0; i < total; i++) {
      const m = moves[at + i];
      if (board[(m >> 7) & 127] !== 0) moves[at + n++] = m;
    }
    return n;
  }

  private orderKeys(board: Int8Array, us: Color, at: number, n: number): void {
    const moves = this.moves,
      keys = this.keys;
    for (let i = 0; i < n; i++) {
      const m = moves[at + i];
      const from = m & 127;
      let cls = 0;
      if (from < DROP_BASE) {
        const captured = board[(m >> 7) & 127];
        if (captured !== 0)
          cls = CAPTURE_CLASS + ORDER_VALUE[(captured & 15) - 1] * 64 + (63 - ORDER_VALUE[(board[from] & 15) - 1]);
        else if ((m & PROMOTE_FLAG) !== 0) cls = PROMOTION_CLASS;
      }
      keys[at + i] = (cls << CLASS_SHIFT) | (TIE_RANKS - 1 - tieRank(board, m, us));
    }
  }

  /** Swaps the highest-keyed of moves[at+i .. at+n) (keys are unique) to at+i and returns it. */
  private pick(at: number, i: number, n: number): number {
    const moves = this.moves,
      keys = this.keys;
    let j = at + i;
    let best = keys[j];
    for (let k = j + 1; k < at + n; k++)
      if (keys[k] > best) {
        best = keys[k];
        j = k;
      }
    const m = moves[j];
    if (j !== at + i) {
      moves[j] = moves[at + i];
      keys[j] = keys[at + i];
      moves[at + i] = m;
      keys[at + i] = best;
    }
    return m;
  }
}

/** "material-1ply": the best move by material after the opponent's best recapture; ties by move order, or seeded. */
export function materialOnePlyPlayer(seed?: number, name = "material-1ply"): Player {
  return { name, policy: new MaterialOnePlyPolicy(seed, name) };
}

/** "material-2ply" (or `material-<depth>ply`): alpha-beta to `depth` plies plus quiescence on captures. */
export function materialSearchPlayer(depth = 2, name = `material-${depth}ply`): Player {
  return { name, policy: new MaterialSearchPolicy(depth, name) };
}
