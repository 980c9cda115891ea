// SFEN parsing and emitting, refusal of impossible positions, and USI move text.

import { describe, expect, test } from "bun:test";
import { Position } from "../../src/shogi/position.ts";
import {
  moveToUsi,
  parseSfen,
  parseSquare,
  parseUsiMove,
  SfenError,
  squareName,
  START_SFEN,
  UsiMoveError,
} from "../../src/shogi/sfen.ts";
import { makeBoardMove, makeDrop, BISHOP, PAWN, ROOK } from "../../src/shogi/types.ts";
import { play } from "./helpers/moves.ts";

describe("SFEN round trip", () => {
  test.each([
    START_SFEN,
    "9/4k4/9/9/9/9/4K4/9/9 b - 1",
    "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL w - 1",
    "l6nl/5+P1gk/2np1S3/p1p4Pp/3P2Sp1/1PPb2P1P/P5GS1/R8/LN4bKL w RGgsn5p 1",
    "R8/2K1S1SSk/4B4/9/9/9/9/9/1L1L1L3 b RBGSNLP3g3n17p 1",
    "4k4/1+R5b1/9/9/9/9/9/1B5+r1/4K4 b Gg 5",
    "lnsgkg1nl/1r5s1/pppppp1pp/6p2/9/2P6/PP1PPPPPP/7R1/LNSGKGSNL b Bb 5",
  ])("%s", (sfen) => {
    expect(Position.fromSfen(sfen).toSfen()).toBe(sfen);
  });

  test("move number is ply + 1", () => {
    const pos = Position.fromSfen("4k4/9/9/9/9/9/9/9/4K4 b - 37");
    expect(pos.ply).toBe(36);
    play(pos, "5i5h");
    expect(pos.ply).toBe(37);
    expect(pos.toSfen()).toBe("4k4/9/9/9/9/9/9/4K4/9 w - 38");
  });

  test("hands are emitted R B G S N L P, Black's first, whatever order they were read in", () => {
    expect(Position.fromSfen("4k4/9/9/9/9/9/9/9/4K4 b PGL 1").toSfen()).toBe("4k4/9/9/9/9/9/9/9/4K4 b GLP 1");
    expect(Position.fromSfen("4k4/9/9/9/9/9/9/9/4K4 w 2PRBp2gs 1").toSfen()).toBe("4k4/9/9/9/9/9/9/9/4K4 w RB2P2gsp 1");
  });

  test("surrounding whitespace is ignored; the parsed setup is exposed as arrays", () => {
    const setup = parseSfen(`  ${START_SFEN}\n`);
    expect(setup.sideToMove).toBe(0);
    expect(setup.ply).toBe(0);
    expect(setup.board.length).toBe(81);
    expect(setup.hands).toEqual(new Uint8Array(14));
  });
});

describe("SFEN errors name what is wrong", () => {
  const cases: [string, string][] = [
    ["lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b -", "expected 4 fields"],
    ["lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1 b - 1", "expected 9 ranks separated by '/', got 8"],
    [
      "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSN b - 1",
      `rank i ("LNSGKGSN") is 8 squares wide, expected 9`,
    ],
    ["lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R2/LNSGKGSNL b - 1", "is 10 squares wide"],
    ["lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPX/1B5R1/LNSGKGSNL b - 1", "bad piece letter 'X'"],
    ["lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPP0/1B5R1/LNSGKGSNL b - 1", "bad piece letter '0'"],
    ["lnsg+kgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1", "'+k', a king cannot be promoted"],
    ["lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNS+GKGSNL b - 1", "'+G', a gold cannot be promoted"],
    ["lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSN+ b - 1", "'+' at the end of the rank"],
    [
      "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/L+1SGKGSNL b - 1",
      "'+' must be followed by a piece letter, got '1'",
    ],
    [START_SFEN.replace(" b ", " x "), "side to move must be 'b' or 'w', got 'x'"],
    [START_SFEN.replace(/ 1$/, " 0"), "move number must be a positive integer, got '0'"],
    [START_SFEN.replace(/ 1$/, " one"), "move number must be a positive integer, got 'one'"],
    ["4k4/9/9/9/9/9/9/9/4K4 b pP 1", "Black's pieces must come before White's"],
    ["4k4/9/9/9/9/9/9/9/4K4 b K 1", "'K' is not a piece that can be held"],
    ["4k4/9/9/9/9/9/9/9/4K4 b P- 1", "unexpected character '-' at position 2"],
    ["4k4/9/9/9/9/9/9/9/4K4 b 1P 1", "count 1 for 'P'"],
    ["4k4/9/9/9/9/9/9/9/4K4 b 3B 1", "3 bishops in one hand; a set has 2"],
    ["4k4/9/9/9/9/9/9/9/4K4 b PP 1", "'P' is listed twice"],
    // Positions that cannot occur in a game.
    ["4k4/9/9/9/9/9/9/9/9 b - 1", "Black has no king"],
    ["9/9/9/9/9/9/9/9/4K4 b - 1", "White has no king"],
    ["4k4/9/9/9/9/9/9/9/3KK4 b - 1", "Black has two kings (6i and 5i)"],
    ["4k4/9/9/9/4P4/9/4P4/9/4K4 b - 1", "two unpromoted Black pawns on file 5 (nifu)"],
    ["P3k4/9/9/9/9/9/9/9/4K4 b - 1", "Black pawn on 9a could never move"],
    ["4k4/N8/9/9/9/9/9/9/4K4 b - 1", "Black knight on 9b could never move"],
    ["4k4/9/9/9/9/9/9/9/l3K4 w - 1", "White lance on 9i could never move"],
    ["4k4/9/9/9/9/9/9/9/4K4 b 2B2b 1", "4 bishops on the board and in hand; a set has 2"],
    ["4k4/9/9/9/9/9/9/9/4K4 b 10P9p 1", "19 pawns on the board and in hand; a set has 18"],
    ["4k4/9/9/9/4R4/9/9/9/4K4 b - 1", "White is in check but it is Black's move"],
    // The reference's own round-trip example has three bishops and six lances.
    ["l+N1gkgsnl/1r1+B3b1/p1pppp1pp/7P1/1p5P1/P1P1P1P1P/PP1PPPP1P/1B5R1/LNSGKGSNL w 2L2Pgsn 32", "nifu"],
  ];
  for (const [sfen, message] of cases) {
    test(message, () => {
      expect(() => Position.fromSfen(sfen)).toThrow(SfenError);
      expect(() => Position.fromSfen(sfen)).toThrow(message);
      expect(() => Position.fromSfen(sfen)).toThrow(`invalid SFEN "${sfen}"`);
    });
  }
});

describe("USI moves", () => {
  test("squares: 9a is 0, 1i is 80, 7g is row 6 col 2", () => {
    expect(squareName(0)).toBe("9a");
    expect(squareName(80)).toBe("1i");
    expect(parseSquare("7g")).toBe(6 * 9 + 2);
    expect(parseSquare("0a")).toBe(-1);
    expect(parseSquare("5j")).toBe(-1);
  });

  test("emit board moves, promotions and drops", () => {
    expect(moveToUsi(makeBoardMove(parseSquare("7g"), parseSquare("7f"), false))).toBe("7g7f");
    expect(moveToUsi(makeBoardMove(parseSquare("8h"), parseSquare("2b"), true))).toBe("8h2b+");
    expect(moveToUsi(makeDrop(PAWN, parseSquare("5e")))).toBe("P*5e");
    expect(moveToUsi(makeDrop(ROOK, parseSquare("1i")))).toBe("R*1i");
    expect(moveToUsi(makeDrop(BISHOP, parseSquare("4e")))).toBe("B*4e");
  });

  test("parse returns the engine move and checks legality", () => {
    const pos = Position.startpos();
    expect(parseUsiMove(pos, "7g7f")).toBe(makeBoardMove(parseSquare("7g"), parseSquare("7f"), false));
    expect(() => parseUsiMove(pos, "7g7e")).toThrow(UsiMoveError);
    expect(() => parseUsiMove(pos, "7g7e")).toThrow(`illegal move 7g7e in position ${START_SFEN}`);
    expect(() => parseUsiMove(pos, "7g7f+")).toThrow("illegal move 7g7f+");
    expect(() => parseUsiMove(pos, "P*5e")).toThrow("illegal move P*5e");
    for (const bad of ["7g7", "7g7f++", "K*5e", "P*5e+", "0a1a", "7g 7f", ""]) {
      expect(() => parseUsiMove(pos, bad)).toThrow(`malformed USI move "${bad}"`);
    }
  });
});
