// Positions written the way USI's `position` command writes them, used by the CLI and the USI
// engine: "startpos", "startpos moves 7g7f 3c3d", "sfen <board> <side> <hands> <n> [moves …]",
// or a bare SFEN.

import { InputError, quote } from "../util/input-error.ts";
import { Position } from "./position.ts";
import { parseUsiMove } from "./sfen.ts";

export class PositionCommandError extends InputError {
  override name = "PositionCommandError";
}

/** Builds the position a USI position string describes; every move is checked for legality. */
export function positionFromCommand(spec: string): Position {
  // Words are separated by ASCII whitespace only, as in sfen.ts.
  const words = spec.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "").split(/[ \t\r\n]+/);
  let pos: Position;
  let i: number;
  if (words[0] === "startpos") {
    pos = Position.startpos();
    i = 1;
  } else {
    const start = words[0] === "sfen" ? 1 : 0;
    if (words.length < start + 4)
      throw new PositionCommandError(
        `position ${quote(spec, 200)}: expected "startpos" or "sfen <board> <side> <hands> <move number>"`,
      );
    pos = Position.fromSfen(words.slice(start, start + 4).join(" "));
    i = start + 4;
  }
  if (i < words.length) {
    if (words[i] !== "moves")
      throw new PositionCommandError(
        `position ${quote(spec, 200)}: expected "moves" after the position, got ${quote(words[i], 20)}`,
      );
    for (const usi of words.slice(i + 1)) pos.makeMove(parseUsiMove(pos, usi));
  }
  return pos;
}
