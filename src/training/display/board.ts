// The board of a self-play game as text, the way a KIF diagram draws it: files 9..1 across the
// top, ranks down the right (一..九, or a..i in ASCII), White's (gote's) pieces marked with a
// leading 'v'. In ASCII mode pieces are USI letters (uppercase Black, lowercase White, '+' for
// promoted). Hands are listed above (White) and below (Black) the board.
//
//   White hand: 角                              White hand: B
//     ９ ８ ７ ６ ５ ４ ３ ２ １                    9  8  7  6  5  4  3  2  1
//   +---------------------------+               +---------------------------+
//   |v香v桂v銀v金v玉v金v銀v桂v香|一             |  l  n  s  g  k  g  s  n  l|a
//   …                                           …
//
// defines: renderBoard, handText, moveListLines, BOARD_WIDTH

import { Position } from "../../shogi/position.ts";
import { parseSquare } from "../../shogi/sfen.ts";
import { BLACK, codeColor, codeType, type Color } from "../../shogi/types.ts";

// Indexed by piece type: P L N S G B R K +P +L +N +S +B +R.
const KANJI = ["歩", "香", "桂", "銀", "金", "角", "飛", "玉", "と", "杏", "圭", "全", "馬", "龍"];
const LETTER = ["P", "L", "N", "S", "G", "B", "R", "K", "+P", "+L", "+N", "+S", "+B", "+R"];
/** Hand types in the order KIF and SFEN list them: R B G S N L P. */
const HAND_ORDER = [6, 5, 4, 3, 2, 1, 0];
const RANK_KANJI = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];
const RANK_LETTER = "abcdefghi";
const FILES_KANJI = "  ９ ８ ７ ６ ５ ４ ３ ２ １";
const FILES_ASCII = "   9  8  7  6  5  4  3  2  1";
const BORDER = `+${"-".repeat(27)}+`;

/** Columns of the board block (the widest of its lines) in each mode. */
export const BOARD_WIDTH = { unicode: 31, ascii: 30 } as const;

export interface BoardStyle {
  unicode: boolean;
  color: boolean;
}

const sgr = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/** "飛 角 歩x3" (or "R B Px3"), "none" when empty. */
export function handText(hands: ArrayLike<number>, color: Color, unicode: boolean): string {
  const parts: string[] = [];
  for (const t of HAND_ORDER) {
    const n = hands[color * 7 + t];
    if (n === 0) continue;
    const name = unicode ? KANJI[t] : LETTER[t];
    parts.push(n > 1 ? `${name}x${n}` : name);
  }
  return parts.length ? parts.join(" ") : "none";
}

/** The destination square of a USI move ("7g7f" → 7f, "P*5e" → 5e), −1 if it has none. */
function moveDestination(usi: string | undefined): number {
  if (!usi) return -1;
  return parseSquare(usi.slice(2, 4));
}

/**
 * The 14 lines of the board block for `sfen`: White's hand, file labels, border, 9 ranks, border,
 * Black's hand. `lastMove` (USI) is shown in reverse video when colour is on. Throws SfenError on
 * an invalid SFEN.
 */
export function renderBoard(
  sfen: string,
  style: BoardStyle,
  lastMove?: string,
): { lines: string[]; sideToMove: Color } {
  const pos = Position.fromSfen(sfen);
  const { unicode, color } = style;
  const highlight = color ? moveDestination(lastMove) : -1;
  const dim = (s: string) => sgr(color, "2", s);
  const lines: string[] = [];
  lines.push(`${dim("White hand:")} ${handText(pos.hands, 1, unicode)}`);
  lines.push(dim(unicode ? FILES_KANJI : FILES_ASCII));
  lines.push(dim(BORDER));
  for (let row = 0; row < 9; row++) {
    let line = dim("|");
    for (let col = 0; col < 9; col++) {
      const sq = 9 * row + col;
      const code = pos.board[sq];
      let cell: string;
      if (code === 0) cell = unicode ? " ・" : "  .";
      else {
        const type = codeType(code),
          white = codeColor(code) !== BLACK;
        if (unicode) cell = (white ? "v" : " ") + KANJI[type];
        else cell = (white ? LETTER[type].toLowerCase() : LETTER[type]).padStart(3);
        cell = sgr(color, white ? "91" : "1", cell);
      }
      if (sq === highlight) cell = sgr(true, "7", cell);
      else if (code === 0) cell = dim(cell);
      line += cell;
    }
    lines.push(line + dim(`|${unicode ? RANK_KANJI[row] : RANK_LETTER[row]}`));
  }
  lines.push(dim(BORDER));
  lines.push(`${dim("Black hand:")} ${handText(pos.hands, 0, unicode)}`);
  return { lines, sideToMove: pos.sideToMove };
}

/**
 * Up to `max` recent moves, newest first, numbered by ply ("34. 3c3d") when `ply` (the number of
 * plies played) makes the numbering consistent.
 */
export function moveListLines(moves: readonly string[], ply: number, max: number): string[] {
  const out: string[] = [];
  const n = Math.min(max, moves.length);
  for (let i = 0; i < n; i++) {
    const move = moves[moves.length - 1 - i];
    const number = ply - i;
    out.push(number > 0 && ply >= moves.length ? `${String(number).padStart(3)}. ${move}` : `     ${move}`);
  }
  return out;
}
