// SFEN positions and USI move strings: parsing (with errors that say what is wrong) and emitting.
//
// SFEN: "<board> <b|w> <hands> <move number>". The board lists ranks a..i separated by '/', each
// rank from file 9 to file 1; uppercase is Black, lowercase White, '+' marks a promoted piece and a
// digit a run of empty squares. Hands are emitted as R B G S N L P, Black's first, count before the
// letter when above one, '-' when both are empty. The move number is ply + 1.

import { InputError, quote } from "../util/input-error.ts";
import type { Position } from "./position.ts";
import { attackedBy, attackersOf } from "./movegen.ts";
import { DEAD } from "./tables.ts";
import {
  BLACK,
  type Color,
  HAND_TYPE,
  KING,
  makeBoardMove,
  makeDrop,
  moveDropType,
  moveFrom,
  moveIsDrop,
  moveIsPromote,
  moveTo,
  NUM_SQUARES,
  PAWN,
  pieceCode,
  PROMOTED,
  USI_LETTER,
  WHITE,
} from "./types.ts";

export const START_SFEN = "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1";

/** A malformed SFEN or a position that cannot occur in a game. */
export class SfenError extends InputError {
  override name = "SfenError";
}

/** A malformed USI move string, or a well-formed move that is illegal in the position. */
export class UsiMoveError extends InputError {
  override name = "UsiMoveError";
}

/** What an SFEN describes, before it becomes a Position. */
export interface SfenSetup {
  board: Int8Array;
  hands: Uint8Array;
  sideToMove: Color;
  /** Moves played before this position: the SFEN move number − 1. */
  ply: number;
}

const LETTER_TYPE: Readonly<Record<string, number>> = { P: 0, L: 1, N: 2, S: 3, G: 4, B: 5, R: 6, K: 7 };

/**
 * The piece letter `ch` as [type, colour], or null: exactly the ASCII letters P L N S G B R K
 * (Black) and p l n s g b r k (White). Never by case mapping: "ſ".toUpperCase() is "S", and
 * "K" (the Kelvin sign) lower-cases to "k".
 */
function pieceLetter(ch: string): [number, Color] | null {
  if (ch.length !== 1 || ch < "A" || ch > "z") return null;
  if (Object.hasOwn(LETTER_TYPE, ch)) return [LETTER_TYPE[ch], BLACK];
  const upper = String.fromCharCode(ch.charCodeAt(0) - 32);
  return ch >= "a" && Object.hasOwn(LETTER_TYPE, upper) ? [LETTER_TYPE[upper], WHITE] : null;
}

/** One character of the input as an error shows it: 'X', or escaped when it is not printable ASCII. */
const charName = (ch: string): string =>
  /^[!-~]$/.test(ch)
    ? `'${ch}'`
    : `'${JSON.stringify(ch).slice(1, -1)}' (U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")})`;

/** A short field of the input as an error shows it: 'b', or quoted and escaped when long or not printable ASCII. */
const fieldName = (s: string): string => (/^[!-~]{1,20}$/.test(s) ? `'${s}'` : quote(s, 20));

/** The largest SFEN move number read: far beyond any game, and printed as digits (10^23 would print as 1e+23). */
export const MAX_MOVE_NUMBER = 1_000_000;
/** Hand types in SFEN order R B G S N L P. */
const HAND_ORDER = [6, 5, 4, 3, 2, 1, 0];
/** How many of each base type exist in a set (P L N S G B R), hands and promoted pieces included. */
const PIECES_IN_SET = [18, 4, 4, 4, 4, 2, 2];
const TYPE_NAME = ["pawn", "lance", "knight", "silver", "gold", "bishop", "rook", "king"];
const COLOR_NAME = ["Black", "White"];
const RANKS = "abcdefghi";

export const squareName = (sq: number): string => `${9 - (sq % 9)}${RANKS[(sq / 9) | 0]}`;

/** Parses a square name like "7g"; −1 when it is not one. */
export function parseSquare(name: string): number {
  if (name.length !== 2) return -1;
  const file = name.charCodeAt(0) - 48,
    row = RANKS.indexOf(name[1]);
  if (file < 1 || file > 9 || row < 0) return -1;
  return 9 * row + (9 - file);
}

/** Parses an SFEN and checks the position could occur in a game. Throws SfenError. */
export function parseSfen(sfen: string): SfenSetup {
  const fail = (why: string): never => {
    throw new SfenError(`invalid SFEN ${quote(sfen, 160)}: ${why}`);
  };
  // Fields are separated by ASCII whitespace only (an ideographic space is not a separator).
  const fields = sfen.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "").split(/[ \t\r\n]+/);
  if (fields.length !== 4) fail(`expected 4 fields (board, side to move, hands, move number), got ${fields.length}`);
  const [boardField, sideField, handField, moveField] = fields;

  const board = new Int8Array(NUM_SQUARES);
  const ranks = boardField.split("/");
  if (ranks.length !== 9) fail(`expected 9 ranks separated by '/', got ${ranks.length}`);
  for (let row = 0; row < 9; row++) {
    const rank = ranks[row];
    const where = `rank ${RANKS[row]} (${quote(rank, 20)})`;
    let col = 0;
    for (let i = 0; i < rank.length; i++) {
      const ch = rank[i];
      if (ch >= "1" && ch <= "9") {
        col += ch.charCodeAt(0) - 48;
        continue;
      }
      const promoted = ch === "+";
      const letter = promoted ? rank[++i] : ch;
      if (letter === undefined) fail(`${where}: '+' at the end of the rank`);
      const piece = pieceLetter(letter);
      if (piece === null && promoted) fail(`${where}: '+' must be followed by a piece letter, got ${charName(letter)}`);
      if (piece === null) fail(`${where}: bad piece letter ${charName(letter)}`);
      let [type, color] = piece!;
      if (promoted) {
        if (PROMOTED[type] < 0) fail(`${where}: '+${letter}', a ${TYPE_NAME[type]} cannot be promoted`);
        type = PROMOTED[type];
      }
      if (col >= 9) fail(`${where} is wider than 9 squares`);
      board[9 * row + col] = pieceCode(type, color);
      col++;
    }
    if (col !== 9) fail(`${where} is ${col} squares wide, expected 9`);
  }

  if (sideField !== "b" && sideField !== "w") fail(`side to move must be 'b' or 'w', got ${fieldName(sideField)}`);
  const sideToMove: Color = sideField === "b" ? BLACK : WHITE;

  const hands = new Uint8Array(14);
  if (handField !== "-") {
    const token = /([0-9]*)([A-Za-z])/y;
    const hand = `hands ${quote(handField, 40)}`;
    let seenWhite = false;
    for (let at = 0; at < handField.length; ) {
      token.lastIndex = at;
      const m = token.exec(handField);
      if (m === null) fail(`${hand}: unexpected character ${charName(handField[at])} at position ${at + 1}`);
      at = token.lastIndex;
      const [, digits, letter] = m!;
      const piece = pieceLetter(letter);
      if (piece === null || piece[0] === KING) fail(`${hand}: '${letter}' is not a piece that can be held`);
      const [type, color] = piece!;
      if (color === WHITE) seenWhite = true;
      else if (seenWhite) fail(`${hand}: Black's pieces must come before White's`);
      if (digits.length > 2 || digits.startsWith("0"))
        fail(`${hand}: count ${quote(digits, 10)} for '${letter}' (a set has at most 18 of a piece)`);
      const count = digits === "" ? 1 : Number(digits);
      if (digits !== "" && count < 2)
        fail(`${hand}: count ${digits} for '${letter}' (a lone letter means one; counts start at 2)`);
      if (count > PIECES_IN_SET[type])
        fail(`${hand}: ${count} ${TYPE_NAME[type]}s in one hand; a set has ${PIECES_IN_SET[type]}`);
      if (hands[color * 7 + type] !== 0) fail(`${hand}: '${letter}' is listed twice`);
      hands[color * 7 + type] = count;
    }
  }

  if (!/^[1-9][0-9]*$/.test(moveField)) fail(`move number must be a positive integer, got ${fieldName(moveField)}`);
  if (moveField.length > 7 || Number(moveField) > MAX_MOVE_NUMBER)
    fail(`move number ${quote(moveField, 30)} is above ${MAX_MOVE_NUMBER}`);
  const ply = Number(moveField) - 1;

  const problem = positionProblem(board, hands, sideToMove);
  if (problem !== null) fail(problem);
  return { board, hands, sideToMove, ply };
}

/** Why a board + hands + side cannot occur in a game, or null when it can. */
export function positionProblem(board: Int8Array, hands: Uint8Array, sideToMove: Color): string | null {
  const kings = [-1, -1];
  const pieces = new Array<number>(7).fill(0);
  const pawnFiles = [0, 0];
  for (let sq = 0; sq < NUM_SQUARES; sq++) {
    const code = board[sq];
    if (code === 0) continue;
    const type = (code & 15) - 1,
      color = code >> 4;
    if (type === KING) {
      if (kings[color] >= 0)
        return `${COLOR_NAME[color]} has two kings (${squareName(kings[color])} and ${squareName(sq)})`;
      kings[color] = sq;
      continue;
    }
    pieces[HAND_TYPE[type]]++;
    if (DEAD[code * NUM_SQUARES + sq] === 1)
      return `${COLOR_NAME[color]} ${TYPE_NAME[type]} on ${squareName(sq)} could never move`;
    if (type === PAWN) {
      const file = 1 << (sq % 9);
      if ((pawnFiles[color] & file) !== 0)
        return `two unpromoted ${COLOR_NAME[color]} pawns on file ${9 - (sq % 9)} (nifu)`;
      pawnFiles[color] |= file;
    }
  }
  for (const color of [BLACK, WHITE]) if (kings[color] < 0) return `${COLOR_NAME[color]} has no king`;
  for (let t = 0; t < 7; t++) {
    const total = pieces[t] + hands[t] + hands[7 + t];
    if (total > PIECES_IN_SET[t])
      return `${total} ${TYPE_NAME[t]}s on the board and in hand; a set has ${PIECES_IN_SET[t]}`;
  }
  const waiting = sideToMove ^ 1;
  if (attackedBy(board, kings[waiting], sideToMove)) {
    return `${COLOR_NAME[waiting]} is in check but it is ${COLOR_NAME[sideToMove]}'s move`;
  }
  // One move gives at most two checks, and two only when it uncovers a line piece's check from afar
  // (the moved piece steps out of that line): two adjacent or knight checkers cannot both be new.
  const checkers = attackersOf(board, kings[sideToMove], waiting);
  const mover = COLOR_NAME[sideToMove];
  if (checkers.length > 2)
    return `${mover} is in check from ${checkers.length} pieces (${checkers.map((c) => squareName(c.square)).join(", ")}); one move gives at most two checks`;
  if (checkers.length === 2 && !checkers.some((c) => c.distant))
    return `${mover} is in check from ${squareName(checkers[0].square)} and ${squareName(checkers[1].square)}, neither from a distance; no move gives that double check`;
  return null;
}

/** The SFEN of a position (board, hands, side to move, ply). */
export function toSfen(pos: Pick<Position, "board" | "hands" | "sideToMove" | "ply">): string {
  const ranks: string[] = [];
  for (let row = 0; row < 9; row++) {
    let rank = "",
      empty = 0;
    for (let col = 0; col < 9; col++) {
      const code = pos.board[9 * row + col];
      if (code === 0) {
        empty++;
        continue;
      }
      if (empty > 0) rank += empty;
      empty = 0;
      const letter = USI_LETTER[(code & 15) - 1];
      rank += code >> 4 === BLACK ? letter : letter.toLowerCase();
    }
    ranks.push(empty > 0 ? rank + empty : rank);
  }
  let hand = "";
  for (const color of [BLACK, WHITE]) {
    for (const t of HAND_ORDER) {
      const n = pos.hands[color * 7 + t];
      if (n === 0) continue;
      const letter = color === BLACK ? USI_LETTER[t] : USI_LETTER[t].toLowerCase();
      hand += n > 1 ? `${n}${letter}` : letter;
    }
  }
  return `${ranks.join("/")} ${pos.sideToMove === BLACK ? "b" : "w"} ${hand || "-"} ${pos.ply + 1}`;
}

/** USI text of a move: "7g7f", "8h2b+", "P*5e". */
export function moveToUsi(move: number): string {
  const to = squareName(moveTo(move));
  if (moveIsDrop(move)) return `${USI_LETTER[moveDropType(move)]}*${to}`;
  return `${squareName(moveFrom(move))}${to}${moveIsPromote(move) ? "+" : ""}`;
}

/** Parses a USI move and checks it is legal in `pos`. Throws UsiMoveError. */
export function parseUsiMove(pos: Position, usi: string): number {
  let move: number;
  const drop = /^([PLNSGBR])\*([1-9][a-i])$/.exec(usi);
  const board = /^([1-9][a-i])([1-9][a-i])(\+?)$/.exec(usi);
  if (drop !== null) {
    move = makeDrop(LETTER_TYPE[drop[1]], parseSquare(drop[2]));
  } else if (board !== null) {
    move = makeBoardMove(parseSquare(board[1]), parseSquare(board[2]), board[3] === "+");
  } else {
    throw new UsiMoveError(`malformed USI move ${quote(usi, 20)} (expected like 7g7f, 8h2b+ or P*5e)`);
  }
  if (!pos.isLegal(move)) throw new UsiMoveError(`illegal move ${usi} in position ${pos.toSfen()}`);
  return move;
}
