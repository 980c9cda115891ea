// When a game is over, who won, and why. Checked for the side to move, in this order:
//   1. no legal move: checkmate when in check, otherwise "no_legal_moves"; either way the side to
//      move loses (real shogi: the reference wrongly scores a stalemate as a draw);
//   2. sennichite: the same position (board + hands + side to move) for the 4th time, counting
//      the loaded position, is a draw, unless one side gave check with every one of its moves since
//      the first occurrence, in which case that side loses ("perpetual_check");
//   3. entering-king declaration (CSA 27-point rule), made automatically for the side to move;
//   4. ply ≥ maxMovesPerGame: a draw (so a mate on the last allowed ply still wins, by rule 1).

import { MAX_LEGAL_MOVES } from "./movegen.ts";
import type { Position } from "./position.ts";
import { BISHOP, BLACK, type Color, DRAGON, HORSE, KING, NUM_SQUARES, ROOK } from "./types.ts";
import { ZONE } from "./tables.ts";

export type GameEndReason = "checkmate" | "no_legal_moves" | "repetition" | "perpetual_check" | "max_moves" | "impasse";

export interface GameStatus {
  readonly over: boolean;
  /** The winning colour; null while the game goes on and for draws. */
  readonly winner: Color | null;
  /** Why the game ended; null while it goes on. */
  readonly reason: GameEndReason | null;
}

export interface RulesOptions {
  /** A game reaching this ply (moves played) is drawn; ≤ 0 means no limit. */
  maxMovesPerGame: number;
  /** Entering-king declaration: "csa27" adjudicates the CSA 27-point rule, "none" never does. */
  impasse: "none" | "csa27";
}

export const DEFAULT_RULES: Readonly<RulesOptions> = { maxMovesPerGame: 500, impasse: "csa27" };

/** The status of every game still in progress (shared, so the per-ply call allocates nothing). */
export const ONGOING: GameStatus = Object.freeze({ over: false, winner: null, reason: null });

const scratch = new Uint32Array(MAX_LEGAL_MOVES);

/**
 * The status of `pos`. Pass `legalCount` when the legal moves were just generated (self-play does,
 * for the policy mask) to save generating them again.
 */
export function gameStatus(
  pos: Position,
  options: Readonly<RulesOptions> = DEFAULT_RULES,
  legalCount = -1,
): GameStatus {
  const us = pos.sideToMove;
  const them = (us ^ 1) as Color;
  const legal = legalCount >= 0 ? legalCount : pos.generateLegal(scratch, 0);
  if (legal === 0) return { over: true, winner: them, reason: pos.inCheck() ? "checkmate" : "no_legal_moves" };

  const repetition = sennichite(pos);
  if (repetition !== null) return repetition;

  if (options.impasse === "csa27" && canDeclareImpasse(pos, us)) return { over: true, winner: us, reason: "impasse" };

  if (options.maxMovesPerGame > 0 && pos.ply >= options.maxMovesPerGame)
    return { over: true, winner: null, reason: "max_moves" };
  return ONGOING;
}

/** How many times the current position has occurred in the game so far, itself and the loaded position included. */
export function repetitionCount(pos: Position): number {
  const lo = pos.hashLo,
    hi = pos.hashHi;
  const hashLo = pos.historyHashLo,
    hashHi = pos.historyHashHi;
  let count = 0;
  // Same side to move only at even distances.
  for (let i = pos.played; i >= 0; i -= 2) if (hashLo[i] === lo && hashHi[i] === hi) count++;
  return count;
}

/** The sennichite verdict when the current position occurs for the 4th time, else null. */
function sennichite(pos: Position): GameStatus | null {
  const lo = pos.hashLo,
    hi = pos.hashHi;
  const hashLo = pos.historyHashLo,
    hashHi = pos.historyHashHi;
  let count = 0,
    first = -1;
  for (let i = pos.played; i >= 0; i -= 2) {
    if (hashLo[i] === lo && hashHi[i] === hi) {
      count++;
      first = i;
    }
  }
  if (count < 4) return null;
  // Move i (from position i to i + 1) was made by the side to move in position i, and gave check
  // iff position i + 1 has its side to move in check.
  const inCheck = pos.historyInCheck;
  const checkedAlways = [true, true];
  for (let i = first; i < pos.played; i++) {
    const mover = (pos.sideToMove ^ ((pos.played - i) & 1)) as Color;
    if (inCheck[i + 1] === 0) checkedAlways[mover] = false;
  }
  // Both sides checking on every move cannot be blamed on one of them: a plain repetition draw.
  if (checkedAlways[0] !== checkedAlways[1]) {
    const checker = checkedAlways[0] ? 0 : 1;
    return { over: true, winner: (checker ^ 1) as Color, reason: "perpetual_check" };
  }
  return { over: true, winner: null, reason: "repetition" };
}

/**
 * CSA 27-point entering-king declaration by `color`: its king in the enemy camp (its promotion
 * zone) and not in check, at least 10 of its other pieces in the camp, and those pieces plus its
 * hand worth ≥ 28 points for Black or ≥ 27 for White (bishops and rooks, promoted or not, 5;
 * every other piece 1; the king 0). Only the side to move can declare.
 */
export function canDeclareImpasse(pos: Position, color: Color): boolean {
  if (color !== pos.sideToMove || pos.inCheck()) return false;
  if (ZONE[color * NUM_SQUARES + pos.kingSq[color]] === 0) return false;
  const { pieces, points } = impassePoints(pos, color);
  return pieces >= 10 && points >= (color === BLACK ? 28 : 27);
}

/** Pieces of `color` in its enemy camp (king excluded) and their points plus the hand's. */
export function impassePoints(pos: Position, color: Color): { pieces: number; points: number } {
  let pieces = 0,
    points = 0;
  for (let sq = 0; sq < NUM_SQUARES; sq++) {
    const code = pos.board[sq];
    if (code === 0 || code >> 4 !== color || ZONE[color * NUM_SQUARES + sq] === 0) continue;
    const type = (code & 15) - 1;
    if (type === KING) continue;
    pieces++;
    points += type === BISHOP || type === ROOK || type === HORSE || type === DRAGON ? 5 : 1;
  }
  for (let t = 0; t < 7; t++) points += pos.hands[color * 7 + t] * (t === BISHOP || t === ROOK ? 5 : 1);
  return { pieces, points };
}
