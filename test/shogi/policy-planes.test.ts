// The conv policy head's action ↔ cell map (src/shogi/policy-planes.ts): every legal move of real
// positions has a cell, for both movers; the map is the 180° rotation between colours; anchors.
import { describe, expect, test } from "bun:test";
import { NUM_ACTIONS, moveToAction } from "../../src/shogi/actions.ts";
import { NO_CELL, POLICY_PLANES, actionCell, policyPlaneTables } from "../../src/shogi/policy-planes.ts";
import { Position } from "../../src/shogi/position.ts";
import { MAX_LEGAL_MOVES } from "../../src/shogi/movegen.ts";
import { Random } from "../../src/util/random.ts";
import { makeBoardMove, makeDrop } from "../../src/shogi/types.ts";

const CELLS = POLICY_PLANES * 81;

describe("policy planes", () => {
  test("139 planes; 2 × (64 line + 2 knight) geometries plus 7 drops; mapped actions and inverse agree", () => {
    expect(POLICY_PLANES).toBe(139);
    const { gather, scatter } = policyPlaneTables();
    for (let mover = 0; mover < 2; mover++) {
      let mapped = 0;
      for (let a = 0; a < NUM_ACTIONS; a++) {
        const cell = gather[mover * NUM_ACTIONS + a];
        if (cell === NO_CELL) continue;
        mapped++;
        expect(scatter[mover * CELLS + cell]).toBe(a);
      }
      let inverse = 0;
      for (let j = 0; j < CELLS; j++) if (scatter[mover * CELLS + j] !== NO_CELL) inverse++;
      expect(inverse).toBe(mapped);
      // Line moves: Σ over 8 directions and distances of the squares with room = 2 · 2 · (rook
      // lines 4·Σ_{d=1..8} 9·(9−d) + bishop lines 4·Σ (9−d)²); knights 2 · 2 · 7·8; drops 567.
      let rook = 0;
      let bishop = 0;
      for (let d = 1; d <= 8; d++) {
        rook += 4 * 9 * (9 - d);
        bishop += 4 * (9 - d) ** 2;
      }
      expect(mapped).toBe(2 * (rook + bishop) + 2 * 2 * 7 * 8 + 567);
    }
  });

  test("anchors: Black's 7g7f is N 1 into 7f; White's 3c3d is the same cell; knights; drops", () => {
    const n1 = 47; // plane 0 (N, distance 1), square 7f = 9·5 + 2
    expect(actionCell(moveToAction(makeBoardMove(56, 47, false)), 0)).toBe(n1);
    expect(actionCell(moveToAction(makeBoardMove(80 - 56, 80 - 47, false)), 1)).toBe(n1); // 3c3d
    expect(actionCell(moveToAction(makeBoardMove(56, 47, true)), 0)).toBe(66 * 81 + n1); // promoting
    expect(actionCell(moveToAction(makeBoardMove(73, 56, false)), 0)).toBe(65 * 81 + 56); // 8i7g: up 2, right 1
    expect(actionCell(moveToAction(makeBoardMove(73, 57, false)), 0)).toBe((1 * 8 + 1) * 81 + 57); // 8i6g: NE, distance 2
    expect(actionCell(moveToAction(makeBoardMove(0, 11, false)), 0)).toBe(-1); // 9a7b: (1, 2), no piece's
  });

  test("every legal move of 400 random-play positions has a cell", () => {
    const rng = new Random(3);
    const { gather } = policyPlaneTables();
    const moves = new Uint32Array(MAX_LEGAL_MOVES);
    let checked = 0;
    for (let game = 0; game < 4; game++) {
      const pos = Position.startpos();
      for (let ply = 0; ply < 100; ply++) {
        const n = pos.generateLegal(moves);
        if (n === 0) break;
        for (let i = 0; i < n; i++) {
          if (gather[pos.sideToMove * NUM_ACTIONS + moveToAction(moves[i])] === NO_CELL)
            throw new Error(`${pos.toSfen()}: move ${moves[i]} has no cell`);
          checked++;
        }
        pos.makeMove(moves[rng.int(n)]);
      }
    }
    expect(checked).toBeGreaterThan(10_000);
    expect(actionCell(moveToAction(makeDrop(0, 40)), 0)).toBe(132 * 81 + 40); // P*5e
    expect(actionCell(moveToAction(makeDrop(6, 40)), 1)).toBe(138 * 81 + 40); // R*5e, White: 5e is the centre
  });
});
