// The 13 527-action policy index: the reference's anchors and closed forms (keisei-python.md §3).
import { describe, expect, test } from "bun:test";
import { actionToMove, legalMask, moveToAction, movesToActions, NUM_ACTIONS } from "../../src/shogi/actions.ts";
import { positionFromCommand } from "../../src/shogi/position-command.ts";
import { moveToUsi } from "../../src/shogi/sfen.ts";

const ANCHORS: [number, string][] = [
  [0, "9a8a"],
  [1, "9a8a+"],
  [2, "9a7a"],
  [159, "9a1i+"],
  [160, "8a9a"],
  [12959, "1i2i+"],
  [12960, "P*9a"],
  [12961, "L*9a"],
  [12966, "R*9a"],
  [12967, "P*8a"],
  [13526, "R*1i"],
  [9054, "7g7f"],
  [9702, "3g3f"],
  [3256, "7c7d"],
  [10272, "8h2b"],
  [10273, "8h2b+"],
  [13240, "P*5e"],
];

describe("policy index", () => {
  test("13 527 actions", () => expect(NUM_ACTIONS).toBe(13527));
  test.each(ANCHORS)("%i is %s", (index, usi) => {
    expect(moveToUsi(actionToMove(index))).toBe(usi);
    expect(moveToAction(actionToMove(index))).toBe(index);
  });
  test("every index round-trips, and the enumeration order is the reference's", () => {
    const seen = new Set<string>();
    let expected = 0;
    for (let fr = 0; fr < 81; fr++)
      for (let to = 0; to < 81; to++) {
        if (fr === to) continue;
        for (const promote of [false, true]) {
          const usi = moveToUsi(actionToMove(expected));
          expect(usi.endsWith("+")).toBe(promote);
          expect(moveToAction(actionToMove(expected))).toBe(expected);
          seen.add(usi);
          expected++;
        }
      }
    expect(expected).toBe(12960);
    for (let i = 12960; i < NUM_ACTIONS; i++) {
      expect(moveToAction(actionToMove(i))).toBe(i);
      seen.add(moveToUsi(actionToMove(i)));
    }
    expect(seen.size).toBe(NUM_ACTIONS);
  });
  test("out of range is an error", () => {
    expect(() => actionToMove(13527)).toThrow(/outside/);
    expect(() => actionToMove(-1)).toThrow(/outside/);
  });
});

describe("legal mask", () => {
  test("start position: 30 distinct legal actions including 7g7f", () => {
    const pos = positionFromCommand("startpos");
    const moves = new Uint32Array(600);
    const n = pos.generateLegal(moves);
    const mask = new Uint8Array(NUM_ACTIONS);
    legalMask(moves, n, mask);
    expect(mask.reduce((s, v) => s + v, 0)).toBe(30);
    expect(mask[9054]).toBe(1);
    const idx = new Int32Array(n);
    movesToActions(moves, n, idx);
    expect(new Set(idx).size).toBe(30);
    for (const i of idx) expect(mask[i]).toBe(1);
  });
  test("a position rich in drops: one action per legal move", () => {
    const pos = positionFromCommand("sfen 4k4/9/9/9/9/9/9/9/4K4 b RBGSNLP 1");
    const moves = new Uint32Array(1024);
    const n = pos.generateLegal(moves);
    expect(n).toBe(525);
    const idx = new Int32Array(n);
    movesToActions(moves, n, idx);
    expect(new Set(idx).size).toBe(525);
    expect(idx.filter((i) => i >= 12960).length).toBe(520); // every move but the 5 king moves is a drop
  });
});
