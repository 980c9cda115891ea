// Hyperband/ASHA and median pruning on hand-made curves.
import { describe, expect, test } from "bun:test";
import { HyperbandPruner, MedianPruner, makePruner, type PrunerTrial } from "../../src/sweep/pruners.ts";
import type { TrialState } from "../../src/sweep/samplers.ts";
import { parseSweepSpec } from "../../src/sweep/spec.ts";

/** A trial whose curve is `values` at steps 1, 2, 3, … (or the given steps). */
const trial = (number: number, state: TrialState, values: number[], steps?: number[]): PrunerTrial => ({
  number,
  state,
  values: values.map((value, i) => ({ step: steps ? steps[i] : i + 1, value })),
});

describe("hyperband (ASHA on W&B's bands)", () => {
  // Bands 1, 3, 9 (min_iter 1, eta 3); the loss is minimised.
  const pruner = new HyperbandPruner([1, 3, 9, 27], 3, true, "minimize");
  const others = [
    trial(0, "complete", [10, 8, 6, 5, 4, 4, 4, 4, 4, 3]),
    trial(1, "complete", [9, 7, 5, 4, 3, 3, 3, 3, 3, 2]),
    trial(2, "pruned", [11, 9, 7]),
    trial(3, "running", [12, 10, 8, 7]),
    trial(4, "running", [20]), // only reached rung 1
  ];

  test("a trial is checked only when it reports a band-th value", () => {
    expect(pruner.decide(trial(9, "running", [50, 50]), others).prune).toBe(false); // 2 values: no rung
    expect(pruner.decide(trial(9, "running", [50, 50, 50, 50]), others).prune).toBe(false); // 4 values: between rungs
  });

  test("at a rung only the top max(1, ⌊n/eta⌋) go on", () => {
    // Rung 3 values: 6, 5, 7, 8 and the candidate's: n = 5, one continues (the best).
    const lose = pruner.decide(trial(9, "running", [9, 9, 5.5]), others);
    expect(lose.prune).toBe(true);
    expect(lose.reason).toBe("rung 3: value 5.5 is not in the top 1 of 5 trials there (threshold 5)");
    expect(pruner.decide(trial(9, "running", [9, 9, 4.5]), others).prune).toBe(false);
    expect(pruner.decide(trial(9, "running", [9, 9, 5]), others).prune).toBe(false); // ties go on
    // With a sixth trial at the rung two go on: 5.5 is now second best.
    const six = [...others, trial(5, "complete", [9, 9, 9])];
    expect(pruner.decide(trial(9, "running", [9, 9, 5.5]), six).prune).toBe(false);
    expect(pruner.decide(trial(9, "running", [9, 9, 6.5]), six).prune).toBe(true);
  });

  test("rung 1 counts every trial that reported once; the first at a rung always goes on", () => {
    // Rung-1 values 10, 9, 11, 12, 20 and the candidate's: n = 6, the best two go on (9, 10).
    expect(pruner.decide(trial(9, "running", [9.5]), others).prune).toBe(false);
    expect(pruner.decide(trial(9, "running", [10.5]), others).prune).toBe(true);
    expect(pruner.decide(trial(0, "running", [1000]), []).prune).toBe(false);
    expect(pruner.decide(trial(9, "running", [1, 1, 1, 1, 1, 1, 1, 1, 99]), others).prune).toBe(true); // trials 0 and 1 reached rung 9 with 4 and 3
    expect(pruner.decide(trial(9, "running", [1, 1, 1, 1, 1, 1, 1, 1, 99]), others.slice(2)).prune).toBe(false); // alone at rung 9
  });

  test("strict compares the value at the rung; strict: false the best so far", () => {
    const spiky = trial(9, "running", [3, 9, 9]);
    expect(pruner.decide(spiky, others).prune).toBe(true);
    const lenient = new HyperbandPruner([1, 3, 9], 3, false, "minimize");
    // best-so-far at rung 3: others 6, 5, 7, 8; candidate 3 → best → goes on.
    expect(lenient.decide(spiky, others).prune).toBe(false);
  });

  test("maximize flips the order", () => {
    const win = new HyperbandPruner([2], 2, true, "maximize");
    const rivals = [
      trial(0, "complete", [0.1, 0.5]),
      trial(1, "complete", [0.1, 0.4]),
      trial(2, "complete", [0.1, 0.3]),
    ];
    // Four at rung 2 keep two: 0.5 and the next best.
    expect(win.decide(trial(9, "running", [0.1, 0.45]), rivals).prune).toBe(false);
    expect(win.decide(trial(9, "running", [0.1, 0.35]), rivals).prune).toBe(true);
  });

  test("the sweep file's early_terminate becomes this pruner", () => {
    const spec = parseSweepSpec(
      "method: random\nmetric: {name: eval/win_rate, goal: maximize}\nparameters: {training.gamma: {values: [0.9]}}\nearly_terminate: {type: hyperband, max_iter: 27, s: 3, eta: 3}\n",
    );
    const p = makePruner(spec.earlyTerminate, "maximize");
    expect(p).toBeInstanceOf(HyperbandPruner);
    expect((p as HyperbandPruner).bands).toEqual([1, 3, 9]);
  });
});

describe("median (Optuna's MedianPruner)", () => {
  const complete = [trial(0, "complete", [5, 4, 3]), trial(1, "complete", [7, 6, 5])];
  const p = (
    o: Partial<{ startup: number; warmup: number; interval: number; min: number }> = {},
    goal: "minimize" | "maximize" = "minimize",
  ) => new MedianPruner(o.startup ?? 2, o.warmup ?? 0, o.interval ?? 1, o.min ?? 1, goal);

  test("prunes a best-so-far worse than the complete trials' median at the same step", () => {
    const d = p().decide(trial(2, "running", [8]), complete);
    expect(d).toEqual({ prune: true, reason: "step 1: best value 8 is worse than the median 6 of 2 complete trials" });
    expect(p().decide(trial(2, "running", [5.5]), complete).prune).toBe(false);
    // The best so far counts, not the latest: 4 then 9 at step 2 (median 5) goes on.
    expect(p().decide(trial(2, "running", [4, 9]), complete).prune).toBe(false);
    expect(p().decide(trial(2, "running", [6, 9]), complete).prune).toBe(true);
  });

  test("only complete trials make the median", () => {
    const mixed = [
      ...complete,
      trial(3, "pruned", [100, 100]),
      trial(4, "running", [100, 100]),
      trial(5, "failed", [100]),
    ];
    expect(p().decide(trial(2, "running", [5.9]), mixed).prune).toBe(false); // median stays 6
  });

  test("n_startup_trials, n_warmup_steps, interval_steps and n_min_trials hold pruning back", () => {
    const bad = trial(2, "running", [50, 50, 50]);
    expect(p({ startup: 3 }).decide(bad, complete).prune).toBe(false);
    expect(p({ warmup: 4 }).decide(bad, complete).prune).toBe(false); // step 3 < 4
    expect(p({ warmup: 3 }).decide(bad, complete).prune).toBe(true); // step 3 ≥ 3
    expect(p({ min: 3 }).decide(bad, complete).prune).toBe(false);
    // interval 2 from step 0: step 3 follows step 2 in the same window, so it is not checked…
    expect(p({ interval: 2 }).decide(trial(2, "running", [50, 50, 50], [1, 2, 3]), complete).prune).toBe(false);
    // …but step 2, the first report of its window, is.
    expect(p({ interval: 2 }).decide(trial(2, "running", [50, 50], [1, 2]), complete).prune).toBe(true);
  });

  test("steps that no complete trial reported are not compared", () => {
    expect(p().decide(trial(2, "running", [50], [7]), complete).prune).toBe(false);
  });

  test("maximize and NaN", () => {
    const wins = [trial(0, "complete", [0.5]), trial(1, "complete", [0.7])];
    expect(p({}, "maximize").decide(trial(2, "running", [0.55]), wins).prune).toBe(true);
    expect(p({}, "maximize").decide(trial(2, "running", [0.65]), wins).prune).toBe(false);
    expect(p().decide(trial(2, "running", [Number.NaN]), complete).prune).toBe(true);
  });

  test("type: median in the sweep file", () => {
    const spec = parseSweepSpec(
      "method: random\nmetric: {name: eval/win_rate}\nparameters: {training.gamma: {values: [0.9]}}\nearly_terminate: {type: median, n_startup_trials: 3, n_warmup_steps: 1000}\n",
    );
    expect(spec.earlyTerminate).toEqual({
      type: "median",
      nStartupTrials: 3,
      nWarmupSteps: 1000,
      intervalSteps: 1,
      nMinTrials: 1,
    });
    expect(makePruner(spec.earlyTerminate, "minimize")).toBeInstanceOf(MedianPruner);
  });
});
