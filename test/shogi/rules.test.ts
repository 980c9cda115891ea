// Game-end rules: checkmate, no legal move, sennichite (counting the loaded position) and perpetual
// check, the CSA 27-point entering-king declaration, and the move limit — and their order.

import { describe, expect, test } from "bun:test";
import { Position } from "../../src/shogi/position.ts";
import {
  canDeclareImpasse,
  gameStatus,
  impassePoints,
  ONGOING,
  repetitionCount,
  type RulesOptions,
} from "../../src/shogi/rules.ts";
import { BLACK, WHITE } from "../../src/shogi/types.ts";
import { play } from "./helpers/moves.ts";

const at = (sfen: string) => Position.fromSfen(sfen);
const rules = (over: Partial<RulesOptions> = {}): RulesOptions => ({ maxMovesPerGame: 500, impasse: "csa27", ...over });

// Black: king 5b in White's camp with 4 golds, 4 silvers, a dragon and a horse there (10 pieces,
// 18 points) and 10 pawns in hand (28 points).
const QUALIFIES = "GGGG5/SSSSK4/+R+B7/9/9/9/9/9/4k4 b 10P4n4l8p 1";

/** Plays the moves one by one and returns the ply at which the game was first over (or −1). */
function firstEnd(pos: Position, moves: string, options = rules()): number {
  for (const usi of moves.trim().split(/\s+/)) {
    play(pos, usi);
    if (gameStatus(pos, options).over) return pos.ply;
  }
  return -1;
}

describe("no legal move", () => {
  test("checkmate: the side to move loses", () => {
    expect(gameStatus(Position.startpos())).toBe(ONGOING);
    const mate = play(at("3lkl3/9/4G4/9/9/9/9/9/4K4 b G 1"), "G*5b");
    expect(gameStatus(mate)).toEqual({ over: true, winner: BLACK, reason: "checkmate" });
  });

  test("no legal move without check is a loss too (the reference scored it a draw)", () => {
    const pos = at("k8/2S6/1G7/9/9/9/9/9/K8 w - 1");
    expect(pos.inCheck()).toBe(false);
    expect(gameStatus(pos)).toEqual({ over: true, winner: BLACK, reason: "no_legal_moves" });
  });

  test("a passed-in legal count is used as is", () => {
    expect(gameStatus(Position.startpos(), rules(), 0)).toEqual({
      over: true,
      winner: WHITE,
      reason: "no_legal_moves",
    });
    expect(gameStatus(Position.startpos(), rules(), 30)).toBe(ONGOING);
  });
});

describe("sennichite", () => {
  const SHUFFLE = "5i5h 5a5b 5h5i 5b5a";

  test("the start position's 4th occurrence (counting the start) ends the game at ply 12, drawn", () => {
    const pos = Position.startpos();
    const end = firstEnd(pos, `${SHUFFLE} ${SHUFFLE} ${SHUFFLE} ${SHUFFLE}`);
    expect(end).toBe(12);
    expect(repetitionCount(pos)).toBe(4);
    expect(gameStatus(pos)).toEqual({ over: true, winner: null, reason: "repetition" });
  });

  test("an SFEN-loaded position counts as its own first occurrence", () => {
    const pos = at("4k4/9/9/9/9/R8/9/9/4K4 b - 1");
    expect(firstEnd(pos, "9f8f 5a6a 8f9f 6a5a ".repeat(4))).toBe(12);
  });

  test("occurrences are of board + hands + side to move", () => {
    const pos = Position.startpos();
    play(pos, SHUFFLE);
    expect(repetitionCount(pos)).toBe(2);
    play(pos, "5i5h");
    expect(repetitionCount(pos)).toBe(2); // the position after 5i5h occurred once before
    play(pos, "5a5b 5h5i");
    expect(repetitionCount(pos)).toBe(2);
  });

  // Black's rook shuttles 2h↔1h, checking White's king, which shuttles 1a↔2a.
  const BLACK_CHECKS = "8k/9/9/9/9/9/9/7R1/4K4 b - 1";
  const CHECK_CYCLE = "2h1h 1a2a 1h2h 2a1a";

  test("perpetual check: the side that checked on every move of the cycle loses", () => {
    const pos = at(BLACK_CHECKS);
    expect(firstEnd(pos, `${CHECK_CYCLE} `.repeat(4))).toBe(12);
    expect(gameStatus(pos)).toEqual({ over: true, winner: WHITE, reason: "perpetual_check" });
  });

  test("perpetual check by White loses for White", () => {
    const pos = at("4k4/7r1/9/9/9/9/9/9/8K w - 1");
    expect(firstEnd(pos, "2b1b 1i2i 1b2b 2i1i ".repeat(4))).toBe(12);
    expect(gameStatus(pos)).toEqual({ over: true, winner: BLACK, reason: "perpetual_check" });
  });

  test("one quiet move in the cycle makes it a plain repetition draw", () => {
    const pos = at(BLACK_CHECKS);
    // 2h3h does not give check; 3h2h does (the king stands on 2a).
    const quiet = "2h3h 1a2a 3h2h 2a1a";
    expect(firstEnd(pos, `${CHECK_CYCLE} ${quiet} ${CHECK_CYCLE} ${quiet}`)).toBe(12);
    expect(gameStatus(pos)).toEqual({ over: true, winner: null, reason: "repetition" });
  });
});

describe("entering-king declaration (CSA 27 points)", () => {
  test("Black with 10 pieces and 28 points in the camp, king in, not in check, declares and wins", () => {
    const pos = at(QUALIFIES);
    expect(impassePoints(pos, BLACK)).toEqual({ pieces: 10, points: 28 });
    expect(canDeclareImpasse(pos, BLACK)).toBe(true);
    expect(gameStatus(pos)).toEqual({ over: true, winner: BLACK, reason: "impasse" });
  });

  test("one point short (27 for Black) does not qualify", () => {
    const pos = at("GGGG5/SSSSK4/+R+B7/9/9/9/9/9/4k4 b 9P4n4l9p 1");
    expect(impassePoints(pos, BLACK)).toEqual({ pieces: 10, points: 27 });
    expect(gameStatus(pos)).toBe(ONGOING);
  });

  test("one piece short (9 in the camp, 28 points) does not qualify", () => {
    const pos = at("GGG6/SSSSK4/+R+B7/G8/9/9/9/9/4k4 b 11P4n4l7p 1");
    expect(impassePoints(pos, BLACK)).toEqual({ pieces: 9, points: 28 });
    expect(gameStatus(pos)).toBe(ONGOING);
  });

  test("the king outside the camp does not qualify", () => {
    const pos = at("GGGG5/SSSS5/+R+B7/4K4/9/9/9/9/4k4 b 10P4n4l8p 1");
    expect(impassePoints(pos, BLACK)).toEqual({ pieces: 10, points: 28 });
    expect(gameStatus(pos)).toBe(ONGOING);
  });

  test("a king in check cannot declare", () => {
    const pos = at("GGGGp4/SSSSK4/+R+B7/9/9/9/9/9/4k4 b 10P4n4l7p 1");
    expect(pos.inCheck()).toBe(true);
    expect(gameStatus(pos)).toBe(ONGOING);
  });

  test("only the side to move declares", () => {
    expect(canDeclareImpasse(at(QUALIFIES.replace(" b ", " w ")), BLACK)).toBe(false);
    expect(gameStatus(at(QUALIFIES.replace(" b ", " w ")))).toBe(ONGOING);
  });

  test("White needs 27 points", () => {
    const white = "4K4/9/9/9/9/9/+r+b7/ssssk4/gggg5 w 4N4L9P9p 1";
    const pos = at(white);
    expect(impassePoints(pos, WHITE)).toEqual({ pieces: 10, points: 27 });
    expect(gameStatus(pos)).toEqual({ over: true, winner: WHITE, reason: "impasse" });
    expect(gameStatus(at("4K4/9/9/9/9/9/+r+b7/ssssk4/gggg5 w 4N4L10P8p 1"))).toBe(ONGOING);
  });

  test('impasse: "none" never declares', () => {
    expect(gameStatus(at(QUALIFIES), rules({ impasse: "none" }))).toBe(ONGOING);
  });
});

describe("move limit", () => {
  test("reaching maxMovesPerGame plies is a draw", () => {
    const pos = Position.startpos();
    expect(firstEnd(pos, "7g7f 3c3d 8h2b+", rules({ maxMovesPerGame: 3 }))).toBe(3);
    expect(gameStatus(pos, rules({ maxMovesPerGame: 3 }))).toEqual({ over: true, winner: null, reason: "max_moves" });
    expect(gameStatus(pos, rules({ maxMovesPerGame: 0 }))).toBe(ONGOING); // 0: no limit
  });

  test("a mate on the last allowed ply is a win", () => {
    const pos = play(at("3lkl3/9/4G4/9/9/9/9/9/4K4 b G 1"), "G*5b");
    expect(gameStatus(pos, rules({ maxMovesPerGame: 1 }))).toEqual({ over: true, winner: BLACK, reason: "checkmate" });
  });

  test("the SFEN move number counts toward the limit", () => {
    expect(gameStatus(at("4k4/9/9/9/9/9/9/9/4K4 b - 100"), rules({ maxMovesPerGame: 99 })).reason).toBe("max_moves");
  });

  test("order: repetition before impasse before the move limit", () => {
    // Loaded at ply 19 with a limit of 10, so the limit always applies. Both kings shuffle; Black's
    // stays in the camp, so Black could declare at each of its turns.
    const pos = at(QUALIFIES.replace(/ 1$/, " 20"));
    const limit10 = rules({ maxMovesPerGame: 10 });
    expect(gameStatus(pos, limit10).reason).toBe("impasse");
    play(pos, "5b5c 5i5h 5c5b 5h5i ".repeat(3));
    expect(gameStatus(pos, limit10).reason).toBe("repetition");
    play(pos, "5b4b"); // a new position, White to move: only the limit applies
    expect(gameStatus(pos, limit10)).toEqual({ over: true, winner: null, reason: "max_moves" });
  });
});
