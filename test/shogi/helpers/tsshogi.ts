// tsshogi 2.2.0 as an independent oracle (dev-only: tests and bench, never the engine). tsshogi has
// no move generator, so its legal moves are enumerated here the straightforward way over its own
// API: every destination its movement tables allow, both promotion options, every drop, each kept
// when its `isValidMove` (its full legality check: pins, nifu, dead pieces, uchifuzume) agrees.

import {
  directionToDeltaMap,
  handPieceTypes,
  type Move,
  MoveType,
  movableDirections,
  type Position,
  resolveMoveType,
  Square,
} from "tsshogi";

/** Appends tsshogi's legal moves in `pos` to `out` and returns it. */
export function tsshogiLegalMoves(pos: Position, out: Move[] = []): Move[] {
  const board = pos.board,
    color = pos.color;
  for (const from of Square.all) {
    const piece = board.at(from);
    if (!piece || piece.color !== color) continue;
    for (const dir of movableDirections(piece)) {
      const long = resolveMoveType(piece, dir) === MoveType.LONG;
      const delta = directionToDeltaMap[dir];
      for (let to = from.neighbor(delta.x, delta.y); to.valid; to = to.neighbor(delta.x, delta.y)) {
        const target = board.at(to);
        if (target && target.color === color) break;
        const move = pos.createMove(from, to);
        if (move !== null) {
          if (pos.isValidMove(move)) out.push(move);
          const promoted = move.withPromote();
          if (pos.isValidMove(promoted)) out.push(promoted);
        }
        if (target || !long) break;
      }
    }
  }
  const hand = pos.hand(color);
  for (const type of handPieceTypes) {
    if (hand.count(type) === 0) continue;
    for (const to of Square.all) {
      if (board.at(to)) continue;
      const move = pos.createMove(type, to);
      if (move !== null && pos.isValidMove(move)) out.push(move);
    }
  }
  return out;
}

/** USI texts of tsshogi's legal moves, sorted. */
export function tsshogiLegalUsi(pos: Position): string[] {
  return tsshogiLegalMoves(pos)
    .map((m) => m.usi)
    .sort();
}

/** Perft over tsshogi's API (doMove/undoMove), bulk-counting the last ply like keisei's perft. */
export function tsshogiPerft(pos: Position, depth: number): number {
  if (depth === 0) return 1;
  const moves = tsshogiLegalMoves(pos);
  if (depth === 1) return moves.length;
  let nodes = 0;
  for (const move of moves) {
    pos.doMove(move, { ignoreValidation: true });
    nodes += tsshogiPerft(pos, depth - 1);
    pos.undoMove(move);
  }
  return nodes;
}
