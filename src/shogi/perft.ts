// Perft: the number of leaf nodes of the legal-move tree to a fixed depth, the standard check of a
// move generator against published counts (and its standard speed benchmark). The last ply is
// bulk-counted: its moves are generated and counted, not played.

import { MAX_LEGAL_MOVES } from "./movegen.ts";
import type { Position } from "./position.ts";
import { moveToUsi } from "./sfen.ts";
import { DROP_BASE, PROMOTE_FLAG } from "./types.ts";

/** The deepest perft keisei runs: from the start position depth 8 is ~4·10¹¹ leaves, hours of work. */
export const PERFT_MAX_DEPTH = 8;

/** Leaf count of the legal-move tree of `pos` to `depth` plies. `pos` is left unchanged. */
export function perft(pos: Position, depth: number): number {
  if (depth === 0) return 1;
  return perftInto(pos, depth, new Uint32Array(MAX_LEGAL_MOVES * depth), 0);
}

/** Moves of ply k live in buf[k·MAX_LEGAL_MOVES ..], so the recursion never allocates. */
function perftInto(pos: Position, depth: number, buf: Uint32Array, offset: number): number {
  const n = pos.generateLegal(buf, offset);
  if (depth === 1) return n;
  let nodes = 0;
  const next = offset + MAX_LEGAL_MOVES;
  for (let i = 0; i < n; i++) {
    pos.makeMove(buf[offset + i]);
    nodes += perftInto(pos, depth - 1, buf, next);
    pos.unmakeMove();
  }
  return nodes;
}

/** Leaf count below each legal root move, keyed by its USI text, in generation order. depth ≥ 1. */
export function perftDivide(pos: Position, depth: number): Map<string, number> {
  if (depth < 1) throw new RangeError(`perftDivide needs depth ≥ 1, got ${depth}`);
  const roots = new Uint32Array(MAX_LEGAL_MOVES);
  const n = pos.generateLegal(roots, 0);
  const result = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    pos.makeMove(roots[i]);
    result.set(moveToUsi(roots[i]), perft(pos, depth - 1));
    pos.unmakeMove();
  }
  return result;
}

export interface PerftBreakdown {
  /** Leaf moves (= perft(depth)). */
  nodes: number;
  /** Leaf moves that capture a piece. */
  captures: number;
  /** Leaf moves that promote. */
  promotions: number;
  /** Leaf moves that give check. */
  checks: number;
  /** Leaf moves that are drops. */
  drops: number;
  /** Leaf moves that give checkmate. */
  checkmates: number;
}

/**
 * Perft with the last ply's moves classified. Leaves are played (to see checks and mates), so this
 * is much slower than perft and meant for tests.
 */
export function perftBreakdown(pos: Position, depth: number): PerftBreakdown {
  if (depth < 1) throw new RangeError(`perftBreakdown needs depth ≥ 1, got ${depth}`);
  const result: PerftBreakdown = { nodes: 0, captures: 0, promotions: 0, checks: 0, drops: 0, checkmates: 0 };
  breakdownInto(pos, depth, new Uint32Array(MAX_LEGAL_MOVES * (depth + 1)), 0, result);
  return result;
}

function breakdownInto(pos: Position, depth: number, buf: Uint32Array, offset: number, acc: PerftBreakdown): void {
  const n = pos.generateLegal(buf, offset);
  const next = offset + MAX_LEGAL_MOVES;
  for (let i = 0; i < n; i++) {
    const m = buf[offset + i];
    if (depth > 1) {
      pos.makeMove(m);
      breakdownInto(pos, depth - 1, buf, next, acc);
      pos.unmakeMove();
      continue;
    }
    const from = m & 127,
      to = (m >> 7) & 127;
    acc.nodes++;
    if (from >= DROP_BASE) acc.drops++;
    else if (pos.board[to] !== 0) acc.captures++;
    if ((m & PROMOTE_FLAG) !== 0) acc.promotions++;
    pos.makeMove(m);
    if (pos.inCheck()) {
      acc.checks++;
      if (pos.generateLegal(buf, next) === 0) acc.checkmates++;
    }
    pos.unmakeMove();
  }
}
