// Perft counts against the published values for shogi (start position, "matsuri", and the position
// with the most legal moves), plus the start position's depth-4 leaf breakdown.

import { describe, expect, test } from "bun:test";
import { perft, perftBreakdown, perftDivide } from "../../src/shogi/perft.ts";
import { Position } from "../../src/shogi/position.ts";

const START = "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1";
const MATSURI = "l6nl/5+P1gk/2np1S3/p1p4Pp/3P2Sp1/1PPb2P1P/P5GS1/R8/LN4bKL w RGgsn5p 1";
const MAX_MOVES = "R8/2K1S1SSk/4B4/9/9/9/9/9/1L1L1L3 b RBGSNLP3g3n17p 1";

describe("perft", () => {
  const cases: [string, string, number[]][] = [
    ["start position", START, [30, 900, 25_470, 719_731, 19_861_490]],
    ["matsuri", MATSURI, [207, 28_684, 4_809_015]],
    ["most legal moves (593)", MAX_MOVES, [593, 105_677]],
  ];
  for (const [name, sfen, counts] of cases) {
    test(`${name}: ${counts.join(" / ")}`, () => {
      const pos = Position.fromSfen(sfen);
      const hash = pos.hash;
      counts.forEach((expected, i) => {
        expect(perft(pos, i + 1)).toBe(expected);
      });
      // perft leaves the position as it found it.
      expect(pos.toSfen()).toBe(sfen);
      expect(pos.hash).toBe(hash);
      expect(pos.played).toBe(0);
    }, 60_000);
  }

  test("depth 0 counts the position itself", () => {
    expect(perft(Position.startpos(), 0)).toBe(1);
  });

  test("start position depth-4 leaves: 1 803 captures, 842 promotions, 1 121 checks, no mate", () => {
    expect(perftBreakdown(Position.startpos(), 4)).toEqual({
      nodes: 719_731,
      captures: 1_803,
      promotions: 842,
      checks: 1_121,
      drops: 0,
      checkmates: 0,
    });
  }, 60_000);

  test("divide: one entry per legal root move, keyed by USI, summing to perft", () => {
    const pos = Position.fromSfen(MATSURI);
    const divide = perftDivide(pos, 2);
    expect(divide.size).toBe(207);
    let sum = 0;
    for (const n of divide.values()) sum += n;
    expect(sum).toBe(28_684);
    const start = perftDivide(Position.startpos(), 1);
    expect([...start.keys()].sort()).toEqual([
      "1g1f",
      "1i1h",
      "2g2f",
      "2h1h",
      "2h3h",
      "2h4h",
      "2h5h",
      "2h6h",
      "2h7h",
      "3g3f",
      "3i3h",
      "3i4h",
      "4g4f",
      "4i3h",
      "4i4h",
      "4i5h",
      "5g5f",
      "5i4h",
      "5i5h",
      "5i6h",
      "6g6f",
      "6i5h",
      "6i6h",
      "6i7h",
      "7g7f",
      "7i6h",
      "7i7h",
      "8g8f",
      "9g9f",
      "9i9h",
    ]);
    expect([...start.values()].every((n) => n === 1)).toBe(true);
  });
});
