// Legal move generation: the reference's golden vectors (keisei-python.md §12.2) and one position
// per rule (promotion, dead pieces, nifu, uchifuzume, pins, checks), plus make/unmake consistency.

import { describe, expect, test } from "bun:test";
import { countCheckers, MAX_LEGAL_MOVES } from "../../src/shogi/movegen.ts";
import { Position } from "../../src/shogi/position.ts";
import { gameStatus } from "../../src/shogi/rules.ts";
import { parseUsiMove } from "../../src/shogi/sfen.ts";
import { legalUsi, play } from "./helpers/moves.ts";
import { mulberry32 } from "./helpers/random.ts";

const at = (sfen: string) => Position.fromSfen(sfen);
const from = (pos: Position, square: string) => legalUsi(pos).filter((u) => u.startsWith(square));
const drops = (pos: Position, letter: string) => legalUsi(pos).filter((u) => u.startsWith(`${letter}*`));

describe("reference golden vectors", () => {
  test("legal counts along 7g7f 3c3d 8h2b+ 3a2b B*4e B*6e are 30 30 39 33 77 74 40", () => {
    const pos = Position.startpos();
    const counts = [legalUsi(pos).length];
    for (const usi of "7g7f 3c3d 8h2b+ 3a2b B*4e B*6e".split(" ")) {
      play(pos, usi);
      counts.push(legalUsi(pos).length);
    }
    expect(counts).toEqual([30, 30, 39, 33, 77, 74, 40]);
  });

  test("SFEN after 7g7f", () => {
    expect(play(Position.startpos(), "7g7f").toSfen()).toBe(
      "lnsgkgsnl/1r5b1/ppppppppp/9/9/2P6/PP1PPPPPP/1B5R1/LNSGKGSNL w - 2",
    );
  });

  test("bare kings: 5 moves; with RBGSNLP in hand 525 = 5 + 79·4 (S G B R) + 71 P + 71 L + 62 N", () => {
    expect(legalUsi(at("4k4/9/9/9/9/9/9/9/4K4 b - 1")).length).toBe(5);
    const pos = at("4k4/9/9/9/9/9/9/9/4K4 b RBGSNLP 1");
    expect(legalUsi(pos).length).toBe(525);
    for (const letter of "SGBR") expect(drops(pos, letter).length).toBe(79);
    expect(drops(pos, "P").length).toBe(71); // not on rank a
    expect(drops(pos, "L").length).toBe(71); // not on rank a
    expect(drops(pos, "N").length).toBe(62); // not on ranks a, b
  });

  test("uchifuzume: P*5b is illegal (76 legal moves), G*5b is legal and mates", () => {
    const pos = at("3lkl3/9/4G4/9/9/9/9/9/4K4 b P 1");
    const legal = legalUsi(pos);
    expect(legal.length).toBe(76);
    expect(legal).not.toContain("P*5b");
    expect(() => parseUsiMove(pos, "P*5b")).toThrow("illegal move P*5b in position 3lkl3/9/4G4/9/9/9/9/9/4K4 b P 1");
    const gold = at("3lkl3/9/4G4/9/9/9/9/9/4K4 b G 1");
    play(gold, "G*5b");
    expect(gold.inCheck()).toBe(true);
    expect(gameStatus(gold)).toEqual({ over: true, winner: 0, reason: "checkmate" });
  });
});

describe("promotion and dead pieces", () => {
  test("a pawn reaching the last rank must promote (Black and White)", () => {
    expect(from(at("4k4/P8/9/9/9/9/9/9/4K4 b - 1"), "9b")).toEqual(["9b9a+"]);
    expect(from(at("4k4/9/9/9/9/9/9/p8/4K4 w - 1"), "9h")).toEqual(["9h9i+"]);
  });

  test("a pawn entering ranks b/c may promote or not", () => {
    expect(from(at("4k4/9/P8/9/9/9/9/9/4K4 b - 1"), "9c")).toEqual(["9c9b", "9c9b+"]);
    expect(from(at("4k4/9/9/P8/9/9/9/9/4K4 b - 1"), "9d")).toEqual(["9d9c", "9d9c+"]);
  });

  test("a knight landing on the last two ranks must promote", () => {
    expect(from(at("4k4/9/1N7/9/9/9/9/9/4K4 b - 1"), "8c")).toEqual(["8c7a+", "8c9a+"]);
    expect(from(at("4k4/9/9/1N7/9/9/9/9/4K4 b - 1"), "8d")).toEqual(["8d7b+", "8d9b+"]);
    expect(from(at("4k4/9/9/9/1N7/9/9/9/4K4 b - 1"), "8e")).toEqual(["8e7c", "8e7c+", "8e9c", "8e9c+"]);
  });

  test("a lance may stop short of the zone, choose in ranks b/c, and must promote on rank a", () => {
    expect(from(at("4k4/9/9/9/9/9/9/9/L3K4 b - 1"), "9i")).toEqual([
      "9i9a+",
      "9i9b",
      "9i9b+",
      "9i9c",
      "9i9c+",
      "9i9d",
      "9i9e",
      "9i9f",
      "9i9g",
      "9i9h",
    ]);
  });

  test("promotion on leaving the zone: silver 9c→8d may promote", () => {
    expect(from(at("4k4/9/S8/9/9/9/9/9/4K4 b - 1"), "9c")).toEqual(["9c8b", "9c8b+", "9c8d", "9c8d+", "9c9b", "9c9b+"]);
  });

  test("gold, king and promoted pieces never promote", () => {
    expect(from(at("4k4/9/G8/9/9/9/9/9/4K4 b - 1"), "9c").every((u) => !u.endsWith("+"))).toBe(true);
    expect(from(at("4k4/9/+R8/9/9/9/9/9/4K4 b - 1"), "9c").every((u) => !u.endsWith("+"))).toBe(true);
  });

  test("drops never promote, and never onto a square the piece could not leave", () => {
    const pos = at("4k4/9/9/9/9/9/9/9/4K4 b NLP 1");
    for (const u of legalUsi(pos)) expect(u.endsWith("+")).toBe(false);
    expect(drops(pos, "N").filter((u) => u.endsWith("a") || u.endsWith("b"))).toEqual([]);
    expect(drops(pos, "L").filter((u) => u.endsWith("a"))).toEqual([]);
    const white = at("4k4/9/9/9/9/9/9/9/4K4 w nlp 1");
    expect(drops(white, "N").filter((u) => u.endsWith("h") || u.endsWith("i"))).toEqual([]);
    expect(drops(white, "P").filter((u) => u.endsWith("i"))).toEqual([]);
  });
});

describe("nifu", () => {
  test("no pawn drop on a file holding an own unpromoted pawn", () => {
    const pos = at("4k4/9/9/9/9/9/4P4/9/4K4 b P 1");
    expect(drops(pos, "P").filter((u) => u[2] === "5")).toEqual([]);
    expect(drops(pos, "P").length).toBe(64); // 8 files × ranks b..i
  });

  test("a tokin or an enemy pawn on the file does not count", () => {
    expect(drops(at("4k4/9/9/9/9/9/4+P4/9/4K4 b P 1"), "P").length).toBe(64 + 6);
    expect(drops(at("4k4/9/4p4/9/9/9/9/9/4K4 b P 1"), "P").length).toBe(64 + 6);
  });
});

describe("uchifuzume (pawn-drop mate) edge cases", () => {
  // White king 1a boxed by its own lance 2a and gold 2b; a pawn on 1b is guarded by the knight on 2d.
  test("mate because the only capturer is pinned: P*1b is illegal", () => {
    const pos = at("7lk/7g1/9/7N1/4B4/9/9/9/4K4 b P 1");
    expect(drops(pos, "P")).not.toContain("P*1b");
    expect(drops(pos, "P").length).toBe(72 - 4 - 1); // ranks b..i, less 4 occupied squares and 1b
  });

  test("the same check is legal when the gold is free to capture", () => {
    const pos = at("7lk/7g1/9/7N1/9/9/9/9/4K4 b P 1");
    expect(drops(pos, "P")).toContain("P*1b");
    expect(drops(pos, "P").length).toBe(72 - 3);
  });

  test("mate by a pawn move (not a drop) is legal, promoted or not", () => {
    const pos = at("7lk/7g1/8P/7N1/4B4/9/9/9/4K4 b - 1");
    expect(from(pos, "1c")).toEqual(["1c1b", "1c1b+"]);
    play(pos, "1c1b");
    expect(gameStatus(pos)).toEqual({ over: true, winner: 0, reason: "checkmate" });
  });

  test("a checking pawn drop the king can capture is legal", () => {
    expect(drops(at("4k4/9/9/9/9/9/9/9/4K4 b P 1"), "P")).toContain("P*5b");
  });
});

describe("pins and checks", () => {
  test("a pinned rook moves only along the pin, capturing the pinner included", () => {
    expect(from(at("4k4/9/9/9/4r4/9/4R4/9/4K4 b - 1"), "5g")).toEqual(["5g5e", "5g5f", "5g5h"]);
  });

  test("a pinned gold may only step along the bishop's diagonal", () => {
    expect(from(at("4k4/9/9/9/8b/9/6G2/9/4K4 b - 1"), "3g")).toEqual(["3g2f"]);
  });

  test("a pinned knight cannot move; a pinned lance slides up to the pinner", () => {
    expect(from(at("4k4/9/9/9/4r4/9/9/4N4/4K4 b - 1"), "5h")).toEqual([]);
    expect(from(at("4k4/9/9/9/4r4/9/9/4L4/4K4 b - 1"), "5h")).toEqual(["5h5e", "5h5f", "5h5g"]);
  });

  test("double check: only king moves, no drop or block", () => {
    const pos = at("4k4/9/9/9/4r3b/9/9/9/4K4 b G 1");
    expect(countCheckers(pos)).toBe(2);
    expect(legalUsi(pos)).toEqual(["5i4i", "5i6h", "5i6i"]);
  });

  test("the king may not step back along the checking rook's line", () => {
    expect(legalUsi(at("4k4/9/9/9/9/4r4/9/4K4/9 b - 1"))).toEqual(["5h4g", "5h4h", "5h4i", "5h6g", "5h6h", "5h6i"]);
  });

  test("single check by a slider: block by a drop, or move the king", () => {
    expect(legalUsi(at("4k4/9/9/9/4r4/9/9/9/4K4 b G 1"))).toEqual([
      "5i4h",
      "5i4i",
      "5i6h",
      "5i6i",
      "G*5f",
      "G*5g",
      "G*5h",
    ]);
  });

  test("single check by a knight: capture it or move the king; drops cannot help", () => {
    // White knight 4g checks the king on 5i; the silver on 3h captures it (outside the zone: no promotion).
    expect(legalUsi(at("4k4/9/9/9/9/9/5n3/6S2/4K4 b G 1"))).toEqual(["3h4g", "5i4h", "5i4i", "5i5h", "5i6h", "5i6i"]);
  });
});

describe("make/unmake", () => {
  test("unmake restores board, hands, side, keys and check flags exactly, over long random games", () => {
    const rng = mulberry32(7);
    const moves = new Uint32Array(MAX_LEGAL_MOVES);
    for (const sfen of [
      "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1",
      "l6nl/5+P1gk/2np1S3/p1p4Pp/3P2Sp1/1PPb2P1P/P5GS1/R8/LN4bKL w RGgsn5p 1",
    ]) {
      const pos = at(sfen);
      const snapshots: string[] = [];
      const snap = () =>
        [pos.toSfen(), pos.hashLo, pos.hashHi, [...pos.kingSq], [...pos.pawnFiles], pos.inCheck()].join("|");
      for (let ply = 0; ply < 300; ply++) {
        const n = pos.generateLegal(moves, 0);
        if (n === 0) break;
        // Each move must round-trip on its own, too.
        const before = snap();
        for (let i = 0; i < n; i++) {
          pos.makeMove(moves[i]);
          pos.unmakeMove();
        }
        expect(snap()).toBe(before);
        snapshots.push(before);
        pos.makeMove(moves[Math.floor(rng() * n)]);
      }
      while (pos.played > 0) {
        pos.unmakeMove();
        expect(snap()).toBe(snapshots[pos.played]);
      }
      expect(pos.toSfen()).toBe(sfen);
    }
  });

  test("history grows past its initial size without losing entries", () => {
    const pos = Position.startpos();
    for (let i = 0; i < 1500; i++) play(pos, "5i5h 5a5b 5h5i 5b5a");
    expect(pos.played).toBe(6000);
    expect(pos.historyHashLo[6000]).toBe(pos.historyHashLo[0]);
    const copy = pos.clone();
    expect(copy.played).toBe(6000);
    for (let i = 0; i < 6000; i++) copy.unmakeMove();
    expect(copy.toSfen()).toBe(Position.startpos().toSfen());
  });

  test("generateLegal refuses a buffer that could overflow", () => {
    expect(() => Position.startpos().generateLegal(new Uint32Array(100), 0)).toThrow(RangeError);
    expect(() => Position.startpos().generateLegal(new Uint32Array(MAX_LEGAL_MOVES), 1)).toThrow(
      "needs 600 free slots",
    );
  });

  test("isLegal agrees with generateLegal", () => {
    const pos = at("l6nl/5+P1gk/2np1S3/p1p4Pp/3P2Sp1/1PPb2P1P/P5GS1/R8/LN4bKL w RGgsn5p 1");
    const moves = new Uint32Array(MAX_LEGAL_MOVES);
    const n = pos.generateLegal(moves, 0);
    const legal = new Set(moves.subarray(0, n));
    for (const m of legal) expect(pos.isLegal(m)).toBe(true);
    const rng = mulberry32(3);
    for (let i = 0; i < 20_000; i++) {
      const m = Math.floor(rng() * 32768);
      expect(pos.isLegal(m)).toBe(legal.has(m));
    }
  });
});
