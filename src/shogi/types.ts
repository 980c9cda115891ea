// The shared vocabulary of the engine: colours, piece types, squares and the 32-bit move encoding.
//
// Squares follow the reference's board[row][col] (keisei-python.md §1.1): row 0 is rank "a"
// (White's back rank), col 0 is file 9, so square = 9·row + col, "9a" = 0 and "1i" = 80. The
// observation (features.ts) and the policy index (actions.ts) are defined on this indexing.

export const BLACK = 0; // sente, moves first, "forward" is row − 1
export const WHITE = 1; // gote
export type Color = 0 | 1;

// Piece types in the reference's order. 0..6 are also the hand types (P L N S G B R).
export const PAWN = 0;
export const LANCE = 1;
export const KNIGHT = 2;
export const SILVER = 3;
export const GOLD = 4;
export const BISHOP = 5;
export const ROOK = 6;
export const KING = 7;
export const PRO_PAWN = 8;
export const PRO_LANCE = 9;
export const PRO_KNIGHT = 10;
export const PRO_SILVER = 11;
export const HORSE = 12; // promoted bishop
export const DRAGON = 13; // promoted rook
export const NUM_PIECE_TYPES = 14;
export const NUM_HAND_TYPES = 7;

/** promote(type) for P L N S B R; −1 for types that cannot promote. */
export const PROMOTED: readonly number[] = [
  PRO_PAWN,
  PRO_LANCE,
  PRO_KNIGHT,
  PRO_SILVER,
  -1,
  HORSE,
  DRAGON,
  -1,
  -1,
  -1,
  -1,
  -1,
  -1,
  -1,
];
/** The type a piece becomes in the captor's hand (promoted → base); −1 for the king. */
export const HAND_TYPE: readonly number[] = [
  PAWN,
  LANCE,
  KNIGHT,
  SILVER,
  GOLD,
  BISHOP,
  ROOK,
  -1,
  PAWN,
  LANCE,
  KNIGHT,
  SILVER,
  BISHOP,
  ROOK,
];

// A board cell is 0 when empty, else (type + 1) | (color << 4): 1..14 Black, 17..30 White.
export const EMPTY = 0;
export const pieceCode = (type: number, color: number): number => (type + 1) | (color << 4);
export const codeType = (code: number): number => (code & 15) - 1;
export const codeColor = (code: number): Color => (code >> 4) as Color;

export const NUM_SQUARES = 81;
export const square = (row: number, col: number): number => 9 * row + col;
export const squareRow = (sq: number): number => (sq / 9) | 0;
export const squareCol = (sq: number): number => sq % 9;

/** Hands are a Uint8Array(14): index color·7 + hand type. */
export const handIndex = (color: number, handType: number): number => color * NUM_HAND_TYPES + handType;

// A move is one 32-bit integer: from | to << 7 | promote << 14.
// Board move: from = source square 0..80. Drop: from = 81 + hand type (81..87). Never 0 for a
// legal move except 9a→9a, which cannot happen, so 0 can mean "no move".
export const DROP_BASE = 81;
/** The promote bit of a move (moveIsPromote tests it), for hot loops that build moves by hand. */
export const PROMOTE_FLAG = 1 << 14;
export const makeBoardMove = (from: number, to: number, promote: boolean): number =>
  from | (to << 7) | (promote ? 1 << 14 : 0);
export const makeDrop = (handType: number, to: number): number => (DROP_BASE + handType) | (to << 7);
export const moveFrom = (m: number): number => m & 127;
export const moveTo = (m: number): number => (m >> 7) & 127;
export const moveIsPromote = (m: number): boolean => (m & (1 << 14)) !== 0;
export const moveIsDrop = (m: number): boolean => (m & 127) >= DROP_BASE;
export const moveDropType = (m: number): number => (m & 127) - DROP_BASE;

/** USI letters of the types, uppercase; index by piece type (promoted ones carry a '+'). */
export const USI_LETTER: readonly string[] = [
  "P",
  "L",
  "N",
  "S",
  "G",
  "B",
  "R",
  "K",
  "+P",
  "+L",
  "+N",
  "+S",
  "+B",
  "+R",
];
