// Material balance: what the pieces on the board and in hand are worth, in pawns, from one side's
// view. Used for potential-based reward shaping (rl/shaping), never for the rules.
//
// Values are the common engine figures (Bonanza-style, pawn = 90) divided by 90. A piece in hand
// counts at its unpromoted value; the king counts nothing.

import { BLACK, codeColor, codeType, KING, NUM_HAND_TYPES, NUM_SQUARES, type Color } from "./types.ts";
import type { Position } from "./position.ts";

/** Pawn units by piece type: P L N S G B R K +P +L +N +S +B +R. */
export const PIECE_VALUES: readonly number[] = [1, 3.5, 4.5, 5.5, 6, 9.5, 11, 0, 6, 6, 6, 6, 10.5, 15.5];

/** Σ values of `colour`'s pieces (board and hand) − Σ the opponent's, in pawn units. */
export function materialBalance(pos: Position, colour: Color): number {
  let black = 0;
  for (let sq = 0; sq < NUM_SQUARES; sq++) {
    const code = pos.board[sq];
    if (code === 0) continue;
    const type = codeType(code);
    if (type === KING) continue;
    black += codeColor(code) === BLACK ? PIECE_VALUES[type] : -PIECE_VALUES[type];
  }
  for (let h = 0; h < NUM_HAND_TYPES; h++) black += PIECE_VALUES[h] * (pos.hands[h] - pos.hands[NUM_HAND_TYPES + h]);
  return colour === BLACK ? black : -black;
}
