// Time management: budgets that never exceed the clock, and the stop rule's three cases.
import { describe, expect, test } from "bun:test";
import { moveBudget, shouldStop } from "../../src/search/time.ts";

describe("moveBudget", () => {
  test("byoyomi only: the byoyomi less the margin, soft = hard", () => {
    expect(moveBudget({ time: 0, byoyomi: 3000, increment: 0 }, 40, 500)).toEqual({ soft: 2500, hard: 2500 });
  });

  test("main time plus byoyomi: a share of the main time on top; never past main time + byoyomi − margin", () => {
    const b = moveBudget({ time: 60_000, byoyomi: 1000, increment: 0 }, 0, 300);
    expect(b.soft).toBeCloseTo(700 + 60_000 / 40, 6);
    expect(b.hard).toBeCloseTo(700 + (4 * 60_000) / 40, 6);
    const low = moveBudget({ time: 200, byoyomi: 1000, increment: 0 }, 100, 300);
    expect(low.hard).toBeLessThanOrEqual(200 + 1000 - 300);
  });

  test("Fischer: share + most of the increment; the hard budget stays inside the clock", () => {
    const b = moveBudget({ time: 10_000, increment: 2000, byoyomi: 0 }, 0, 500);
    expect(b.soft).toBeCloseTo(10_000 / 40 + 1600, 6);
    expect(b.hard).toBeCloseTo((4 * 10_000) / 40 + 2000, 6);
    // Almost out of time: everything left less the margin, never more.
    const end = moveBudget({ time: 300, increment: 0, byoyomi: 0 }, 200, 500);
    expect(end).toEqual({ soft: 0, hard: 0 });
    for (const time of [1000, 5000, 30_000, 600_000])
      for (const ply of [0, 50, 150]) {
        const x = moveBudget({ time, increment: 1000, byoyomi: 0 }, ply, 500);
        expect(x.hard).toBeLessThanOrEqual(time + 1000 - 500);
        expect(x.soft).toBeLessThanOrEqual(x.hard);
      }
  });

  test("later in the game a move gets a larger share (fewer moves to go, at least 10)", () => {
    const early = moveBudget({ time: 60_000, increment: 0, byoyomi: 0 }, 0, 0).soft;
    const late = moveBudget({ time: 60_000, increment: 0, byoyomi: 0 }, 200, 0).soft;
    expect(late).toBeGreaterThan(early);
    expect(late).toBeCloseTo(6000, 6);
  });
});

describe("shouldStop", () => {
  const budget = { soft: 1000, hard: 3000 };
  const base = { budget, best: 100, second: 90, rate: 1, sinceBestChanged: 0 };
  test("never past the hard budget", () => {
    expect(shouldStop({ ...base, elapsed: 3000, sinceBestChanged: 0 })).toBe(true);
  });
  test("before the soft budget only when the best move cannot be overtaken", () => {
    expect(shouldStop({ ...base, elapsed: 500 })).toBe(false);
    // 2500 ms left at 0.1 playouts/ms: 250 more playouts cannot close a gap of 300.
    expect(shouldStop({ ...base, elapsed: 500, best: 400, second: 100, rate: 0.1 })).toBe(true);
    expect(shouldStop({ ...base, elapsed: 500, best: 300, second: 100, rate: 0.1 })).toBe(false);
  });
  test("past the soft budget: stop when the best move is settled, go on while it keeps changing", () => {
    expect(shouldStop({ ...base, elapsed: 1200, sinceBestChanged: 1000 })).toBe(true);
    expect(shouldStop({ ...base, elapsed: 1200, sinceBestChanged: 100 })).toBe(false);
  });
});
