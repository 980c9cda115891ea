import { describe, expect, test } from "bun:test";
import { lrFactor, scheduleKwargs, scheduleTotalSteps } from "../../src/rl/schedules.ts";

describe("LR schedules", () => {
  test("total steps: the reference's 40 (epoch) and 400 (update)", () => {
    expect(scheduleTotalSteps(1000, 100, 4, 10, "epoch")).toBe(40);
    expect(scheduleTotalSteps(1000, 100, 4, 10, "update")).toBe(400);
    expect(scheduleTotalSteps(1000, 100, 4, 30, "update")).toBe(120); // 3 full minibatches per epoch (the remainder is left out)
    expect(scheduleTotalSteps(1050, 100, 4, 10, "epoch")).toBe(44); // a last partial rollout still runs
  });
  test("linear runs its whole course and stops at the floor", () => {
    const c = { type: "linear" as const, kwargs: null, stepOn: "epoch" as const };
    expect(lrFactor(c, 0, 40)).toBe(1);
    expect(lrFactor(c, 20, 40)).toBe(0.5);
    expect(lrFactor(c, 40, 40)).toBe(0.1);
    expect(lrFactor({ ...c, kwargs: { final_lr_fraction: 0 } }, 40, 40)).toBe(0);
  });
  test("cosine, exponential and step match their closed forms", () => {
    const cos = { type: "cosine" as const, kwargs: { eta_min_fraction: 0.2 }, stepOn: "update" as const };
    expect(lrFactor(cos, 0, 100)).toBeCloseTo(1, 12);
    expect(lrFactor(cos, 50, 100)).toBeCloseTo(0.6, 12);
    expect(lrFactor(cos, 100, 100)).toBeCloseTo(0.2, 12);
    expect(lrFactor({ type: "exponential", kwargs: null, stepOn: "epoch" }, 10, 100)).toBeCloseTo(0.995 ** 10, 12);
    const step = { type: "step" as const, kwargs: { step_size: 3, gamma: 0.5 }, stepOn: "epoch" as const };
    expect([0, 2, 3, 5, 6].map((s) => lrFactor(step, s, 100))).toEqual([1, 1, 0.5, 0.5, 0.25]);
    expect(lrFactor({ type: null, kwargs: null, stepOn: "epoch" }, 99, 100)).toBe(1);
  });
  test("an unknown schedule parameter is named", () => {
    expect(() => scheduleKwargs("linear", { final_fraction: 0.1 })).toThrow(
      /lr_schedule_kwargs\.final_fraction.*final_lr_fraction/,
    );
  });
});
