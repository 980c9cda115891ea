// Small helpers over the engine's move lists, for readable assertions.
import { MAX_LEGAL_MOVES } from "../../../src/shogi/movegen.ts";
import type { Position } from "../../../src/shogi/position.ts";
import { moveToUsi, parseUsiMove } from "../../../src/shogi/sfen.ts";

const buffer = new Uint32Array(MAX_LEGAL_MOVES);

/** The legal moves of `pos` as sorted USI strings. */
export function legalUsi(pos: Position): string[] {
  const n = pos.generateLegal(buffer, 0);
  return Array.from(buffer.subarray(0, n), moveToUsi).sort();
}

/** Plays USI moves (space-separated), each checked for legality. */
export function play(pos: Position, moves: string): Position {
  for (const usi of moves.trim().split(/\s+/)) if (usi !== "") pos.makeMove(parseUsiMove(pos, usi));
  return pos;
}
