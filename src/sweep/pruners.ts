// Early stopping on the intermediate values a trial reports (one per metrics.jsonl line carrying
// the sweep's metric).
//
// hyperband (W&B's `early_terminate`, run asynchronously as ASHA): rungs sit at W&B's bands, counted
// in *reported values* (min_iter·eta^k, or max_iter/eta^k). When a trial reports its band-th value
// it competes with every trial that reached that rung: it goes on only if it is in the top
// max(1, ⌊n/eta⌋) of the n values there. strict (W&B's schema default) compares the value at the
// rung; strict: false compares the best value so far.
//
// median (Optuna's MedianPruner): after n_startup_trials complete trials and n_warmup_steps, at the
// first report of each interval_steps window, prune when the trial's best value so far is worse than
// the median of the complete trials' values at the same step (with at least n_min_trials of them).

import type { TrialState } from "./samplers.ts";
import type { EarlyTerminate } from "./spec.ts";

export interface PrunerTrial {
  number: number;
  state: TrialState;
  values: { step: number; value: number }[]; // in the order reported
}

export interface PruneDecision {
  prune: boolean;
  reason: string;
}

export interface Pruner {
  /** Whether `decide` could prune after the trial's `count`-th value (spares reading the whole study otherwise). */
  due(count: number): boolean;
  /** Whether `trial` (which has just reported its latest value) should stop; `all` is every trial of the study. */
  decide(trial: PrunerTrial, all: PrunerTrial[]): PruneDecision;
}

type Goal = "minimize" | "maximize";
const keep = (reason: string): PruneDecision => ({ prune: false, reason });
const fmt = (x: number) => String(Number(x.toPrecision(6)));

/** a is strictly better than b under the goal; NaN is worse than everything. */
function better(a: number, b: number, goal: Goal): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return goal === "minimize" ? a < b : a > b;
}

function bestOf(values: number[], goal: Goal): number {
  let best = NaN;
  for (const v of values) if (better(v, best, goal)) best = v;
  return best;
}

export class HyperbandPruner implements Pruner {
  constructor(
    readonly bands: number[],
    readonly eta: number,
    readonly strict: boolean,
    readonly goal: Goal,
  ) {}

  due(count: number): boolean {
    return this.bands.includes(count);
  }

  /** A trial's value at the rung of `count` reported values (null: it did not get there). */
  private valueAt(t: PrunerTrial, count: number): number | null {
    if (t.values.length < count) return null;
    const v = this.strict
      ? t.values[count - 1].value
      : bestOf(
          t.values.slice(0, count).map((x) => x.value),
          this.goal,
        );
    return Number.isFinite(v) ? v : NaN;
  }

  decide(trial: PrunerTrial, all: PrunerTrial[]): PruneDecision {
    const count = trial.values.length;
    if (!this.bands.includes(count))
      return keep(`${count} values reported; next rung at ${this.bands.find((b) => b > count) ?? "none"}`);
    const mine = this.valueAt(trial, count) as number;
    const rung: number[] = [mine];
    for (const t of all) {
      if (t.number === trial.number) continue;
      const v = this.valueAt(t, count);
      if (v !== null) rung.push(v);
    }
    const n = rung.length;
    const kept = Math.max(1, Math.floor(n / this.eta));
    rung.sort((a, b) => (better(a, b, this.goal) ? -1 : better(b, a, this.goal) ? 1 : 0));
    const threshold = rung[kept - 1];
    const what = this.strict ? "value" : "best value";
    if (better(threshold, mine, this.goal))
      return {
        prune: true,
        reason: `rung ${count}: ${what} ${fmt(mine)} is not in the top ${kept} of ${n} trials there (threshold ${fmt(threshold)})`,
      };
    return keep(`rung ${count}: ${what} ${fmt(mine)} is in the top ${kept} of ${n}`);
  }
}

/** numpy's default (linear) percentile of finite values. */
function percentile(values: number[], q: number): number {
  const xs = [...values].sort((a, b) => a - b);
  const pos = (q / 100) * (xs.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
}

export class MedianPruner implements Pruner {
  constructor(
    readonly nStartupTrials: number,
    readonly nWarmupSteps: number,
    readonly intervalSteps: number,
    readonly nMinTrials: number,
    readonly goal: Goal,
  ) {}

  due(count: number): boolean {
    return count > 0;
  }

  decide(trial: PrunerTrial, all: PrunerTrial[]): PruneDecision {
    if (trial.values.length === 0) return keep("no values yet");
    const step = trial.values[trial.values.length - 1].step;
    const complete = all.filter((t) => t.state === "complete" && t.number !== trial.number);
    if (complete.length === 0 || complete.length < this.nStartupTrials)
      return keep(`${complete.length} complete trials, pruning starts at ${Math.max(1, this.nStartupTrials)}`);
    if (step < this.nWarmupSteps) return keep(`step ${step} is in the warm-up (${this.nWarmupSteps} steps)`);
    // Optuna's _is_first_in_interval_step: only the first report at or past each interval boundary.
    const boundary =
      Math.floor((step - this.nWarmupSteps) / this.intervalSteps) * this.intervalSteps + this.nWarmupSteps;
    const previous = trial.values.slice(0, -1).reduce((m, v) => (v.step > m && v.step !== step ? v.step : m), -1);
    if (previous >= boundary) return keep(`step ${step} is not the first of its ${this.intervalSteps}-step interval`);
    const best = bestOf(
      trial.values.map((v) => v.value),
      this.goal,
    );
    if (Number.isNaN(best)) return { prune: true, reason: "every reported value is NaN" };
    const atStep = complete.flatMap((t) =>
      t.values
        .filter((v) => v.step === step && Number.isFinite(v.value))
        .map((v) => v.value)
        .slice(-1),
    );
    if (atStep.length < this.nMinTrials)
      return keep(`${atStep.length} complete trials reported step ${step}, need ${this.nMinTrials}`);
    const median = percentile(atStep, 50);
    if (better(median, best, this.goal))
      return {
        prune: true,
        reason: `step ${step}: best value ${fmt(best)} is worse than the median ${fmt(median)} of ${atStep.length} complete trials`,
      };
    return keep(`step ${step}: best value ${fmt(best)} vs median ${fmt(median)}`);
  }
}

export function makePruner(et: EarlyTerminate | null, goal: Goal): Pruner | null {
  if (!et) return null;
  if (et.type === "hyperband") return new HyperbandPruner(et.bands, et.eta, et.strict, goal);
  return new MedianPruner(et.nStartupTrials, et.nWarmupSteps, et.intervalSteps, et.nMinTrials, goal);
}
