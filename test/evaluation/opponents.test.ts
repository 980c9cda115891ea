// The heuristic opponent's move classes (§9.1), read from the observation from either side, and
// the fixed-batch adapter for networks that plan one batch size.
import { describe, expect, test } from "bun:test";
import { HeuristicPolicy, heuristicPlayer, padToFixedBatch } from "../../src/evaluation/opponents.ts";
import type { ActBatch } from "../../src/rl/acting.ts";
import { actionToMove } from "../../src/shogi/actions.ts";
import { moveToUsi } from "../../src/shogi/sfen.ts";
import { batchOf } from "./helpers.ts";

const chosenUsi = (b: ActBatch): string[] => Array.from(b.actions.subarray(0, b.n), (a) => moveToUsi(actionToMove(a)));

describe("heuristic opponent", () => {
  const cases = [
    // [title, sfen, the only move the heuristic may play]
    ["Black captures the pawn in front of its rook", "4k4/9/9/9/4p4/4R4/9/9/4K4 b - 1", "5f5e"],
    ["White captures (board rotated in its observation)", "4k4/9/9/4r4/4P4/9/9/9/4K4 w - 1", "5d5e"],
    ["Black, no capture: the pawn move", "4k4/9/9/9/9/9/4P4/9/4K4 b - 1", "5g5f"],
    ["White, no capture: the pawn move", "4k4/9/4p4/9/9/9/9/9/4K4 w - 1", "5c5d"],
    ["a pawn that may promote: the non-promoting move", "4k4/9/9/4P4/9/9/9/9/4K4 b - 1", "5d5c"],
    ["a capture beats a pawn move", "4k4/9/9/9/9/2p6/2R1P4/9/4K4 b - 1", "7g7f"],
  ] as const;
  for (const [title, sfen, only] of cases) {
    test(title, () => {
      const policy = new HeuristicPolicy(1);
      for (let i = 0; i < 20; i++) {
        const b = batchOf([sfen]);
        policy.act(b);
        expect(chosenUsi(b)).toEqual([only]);
      }
    });
  }

  test("with no capture and no pawn move it plays anything, uniformly by its seed", () => {
    const sfen = "4k4/9/9/9/9/9/9/9/4K4 b G 1"; // king moves and gold drops only
    const seen = new Set<string>();
    const policy = heuristicPlayer(3).policy as HeuristicPolicy;
    for (let i = 0; i < 200; i++) {
      const b = batchOf([sfen]);
      policy.act(b);
      seen.add(chosenUsi(b)[0]);
    }
    expect(seen.size).toBeGreaterThan(20); // 5 king moves + 76 drops
    expect([...seen].some((m) => m.startsWith("G*"))).toBe(true);
  });

  test("ties among captures are broken by the seed, the same way each time", () => {
    const twoCaptures = "4k4/9/9/9/4p4/3pR4/9/9/4K4 b - 1"; // 5f5e and 5f6f
    const run = (seed: number) => {
      const policy = new HeuristicPolicy(seed);
      return Array.from({ length: 30 }, () => {
        const b = batchOf([twoCaptures]);
        policy.act(b);
        return chosenUsi(b)[0];
      });
    };
    const a = run(9);
    expect(run(9)).toEqual(a);
    expect(new Set(a)).toEqual(new Set(["5f5e", "5f6f"]));
  });
});

describe("padToFixedBatch", () => {
  test("a policy planned for one batch size serves smaller and larger batches, row for row", async () => {
    const sizes: number[] = [];
    const inner = {
      act(b: ActBatch) {
        if (b.n !== 4) throw new Error(`planned for 4, got ${b.n}`);
        sizes.push(b.n);
        new HeuristicPolicy(1).act(b);
      },
    };
    const padded = padToFixedBatch(inner, 4);
    const blackCapture = "4k4/9/9/9/4p4/4R4/9/9/4K4 b - 1",
      whiteCapture = "4k4/9/9/4r4/4P4/9/9/9/4K4 w - 1";
    const whitePawn = "4k4/9/4p4/9/9/9/9/9/4K4 w - 1",
      blackPromotable = "4k4/9/9/4P4/9/9/9/9/4K4 b - 1";
    const small = batchOf([blackCapture, whiteCapture]);
    await padded.act(small);
    expect(chosenUsi(small)).toEqual(["5f5e", "5d5e"]);
    expect(sizes).toEqual([4]);
    // 6 rows: a full chunk of 4, then 2 padded to 4.
    const large = batchOf([whitePawn, blackCapture, blackPromotable, whiteCapture, blackPromotable, whitePawn]);
    await padded.act(large);
    expect(chosenUsi(large)).toEqual(["5c5d", "5f5e", "5d5c", "5d5e", "5d5c", "5c5d"]);
    expect(sizes).toEqual([4, 4, 4]);
  });
});
