// The three search methods. grid: the finite Cartesian product of every parameter's values, in
// file order (first parameter slowest), duplicates removed. random: every parameter drawn
// independently from its distribution with a seeded source. bayes: Optuna's univariate TPE sampler
// — random warm-up for n_startup_trials, then the finished trials split into the best gamma(n) and
// the rest, a Parzen estimator per parameter for each group, and the candidate (of n_ei_candidates
// drawn from the good group's estimator) with the highest l(x)/g(x). Running and waiting trials
// count as bad ("constant liar"), so agents proposing at the same time spread out.
//
// Numeric parameters are modelled in their distribution's u-coordinate (distributions.ts), which
// makes a log-uniform parameter log-scaled and a normal one normal-scaled with no special cases.

import type { Random } from "../util/random.ts";
import { categoricalIndex, isNumeric, normalCdf, ppf } from "./distributions.ts";
import type { ParamSpec, SweepSpec } from "./spec.ts";

export type TrialState = "waiting" | "running" | "complete" | "pruned" | "failed";

/** A trial's parameters: values as passed to keisei, and the sampler's coordinates for them. */
export interface Proposal {
  params: Record<string, unknown>;
  /** u ∈ [0, 1] for numeric parameters, the value's index for constants and categoricals. */
  internal: Record<string, number>;
}

/** What a sampler needs to know about an earlier trial. */
export interface HistoryTrial {
  number: number;
  state: TrialState;
  value: number | null;
  internal: Record<string, number> | null;
  lastStep: number | null; // last intermediate step reported (pruned trials are ranked by it)
  lastValue: number | null;
}

const keyOf = (v: unknown) => JSON.stringify(v);

/** The values grid search takes for one parameter (W&B: int_uniform → min..max, q_uniform → arange(min, max, q)). */
export function gridValues(p: ParamSpec): unknown[] {
  switch (p.distribution) {
    case "constant":
      return [p.values[0]];
    case "categorical": {
      const seen = new Set<string>();
      return p.values.filter((v) => !seen.has(keyOf(v)) && seen.add(keyOf(v)));
    }
    case "int_uniform":
      return Array.from({ length: p.max - p.min + 1 }, (_, i) => p.min + i);
    case "q_uniform": {
      const out: number[] = [];
      for (let k = 0; p.min + k * p.q < p.max - 1e-9 * p.q; k++) {
        const v = Number((p.min + k * p.q).toPrecision(12));
        out.push(p.intQ && Number.isInteger(p.min) ? Math.round(v) : v);
      }
      return out;
    }
    default:
      throw new Error(`${p.key}: grid search needs a finite set of values; ${p.distribution} is continuous`);
  }
}

/** Every grid point, first parameter slowest. */
export function gridProposals(params: ParamSpec[]): Proposal[] {
  const axes = params.map(gridValues);
  let points: Proposal[] = [{ params: {}, internal: {} }];
  params.forEach((p, a) => {
    const next: Proposal[] = [];
    for (const point of points)
      for (const [i, v] of axes[a].entries())
        next.push({ params: { ...point.params, [p.name]: v }, internal: { ...point.internal, [p.name]: i } });
    points = next;
  });
  return points;
}

/** One parameter's value and coordinate from u ~ U(0, 1). */
function fromCoordinate(p: ParamSpec, u: number): [unknown, number] {
  if (p.distribution === "constant") return [p.values[0], 0];
  if (p.distribution === "categorical") {
    const i = categoricalIndex(p, u);
    return [p.values[i], i];
  }
  return [ppf(p, u), u];
}

export function randomProposal(params: ParamSpec[], rng: Random): Proposal {
  const out: Proposal = { params: {}, internal: {} };
  for (const p of params) [out.params[p.name], out.internal[p.name]] = fromCoordinate(p, rng.next());
  return out;
}

// ---- TPE ----

export interface TpeOptions {
  nStartupTrials: number;
  nEiCandidates: number;
  priorWeight?: number;
}

/** Optuna's default gamma: the best 10% (at most 25) are "good". */
export const tpeGamma = (n: number) => Math.min(Math.ceil(0.1 * n), 25);

/** Optuna's default_weights: flat below 25 observations, then a ramp that favours recent trials. */
function defaultWeights(n: number): number[] {
  if (n < 25) return Array<number>(n).fill(1);
  const ramp = Array.from({ length: n - 25 }, (_, i) => (n - 25 === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (n - 26)));
  return [...ramp, ...Array<number>(25).fill(1)];
}

/** A mixture of normals truncated to [0, 1]: the observations' kernels plus a broad prior. */
class ParzenEstimator {
  readonly mus: number[];
  readonly sigmas: number[];
  readonly weights: number[];
  private readonly logNorm: number[];

  constructor(obs: number[], priorWeight: number) {
    const n = obs.length;
    // Bandwidth: the larger gap to a neighbour (endpoints 0 and 1 bound the outermost), but the
    // outermost kernels use their inner gap only (Optuna: consider_endpoints=False).
    const order = obs.map((_, i) => i).sort((a, b) => obs[a] - obs[b]);
    const sorted = [0, ...order.map((i) => obs[i]), 1];
    const sortedSigmas = order.map((_, k) => Math.max(sorted[k + 1] - sorted[k], sorted[k + 2] - sorted[k + 1]));
    if (sorted.length >= 4) {
      sortedSigmas[0] = sorted[2] - sorted[1];
      sortedSigmas[n - 1] = sorted[n] - sorted[n - 1];
    }
    const sigmas = Array<number>(n);
    for (let k = 0; k < n; k++) sigmas[order[k]] = sortedSigmas[k];
    // Magic clip: no kernel narrower than range/min(100, 1 + kernels) or wider than the range.
    const minSigma = 1 / Math.min(100, 1 + n + 1);
    this.mus = [...obs, 0.5];
    this.sigmas = [...sigmas, 1].map((s) => Math.min(1, Math.max(minSigma, s)));
    const w = [...defaultWeights(n), priorWeight];
    const total = w.reduce((a, b) => a + b, 0);
    this.weights = w.map((x) => x / total);
    this.logNorm = this.mus.map((mu, k) =>
      Math.log(Math.max(1e-300, normalCdf((1 - mu) / this.sigmas[k]) - normalCdf(-mu / this.sigmas[k]))),
    );
  }

  sample(rng: Random): number {
    let r = rng.next();
    let k = 0;
    while (k < this.weights.length - 1 && r >= this.weights[k]) r -= this.weights[k++];
    for (let tries = 0; tries < 1000; tries++) {
      const x = this.mus[k] + this.sigmas[k] * rng.normal();
      if (x >= 0 && x <= 1) return x;
    }
    return Math.min(1, Math.max(0, this.mus[k]));
  }

  logPdf(x: number): number {
    const terms = this.mus.map((mu, k) => {
      const z = (x - mu) / this.sigmas[k];
      return (
        Math.log(this.weights[k]) - 0.5 * z * z - Math.log(this.sigmas[k] * Math.sqrt(2 * Math.PI)) - this.logNorm[k]
      );
    });
    const m = Math.max(...terms);
    return m + Math.log(terms.reduce((a, t) => a + Math.exp(t - m), 0));
  }
}

/** Optuna's categorical estimator: one kernel per observation (its choice, smoothed by the prior) plus the prior. */
function categoricalEstimator(obs: number[], p: ParamSpec, priorWeight: number): number[] {
  const n = p.values.length;
  const prior = p.probabilities ?? Array<number>(n).fill(1 / n);
  const w = [...defaultWeights(obs.length), priorWeight];
  const total = w.reduce((a, b) => a + b, 0);
  const nKernels = obs.length + 1;
  const probs = prior.map((x) => (w[obs.length] / total) * x);
  obs.forEach((choice, k) => {
    const row = prior.map((x) => (priorWeight / nKernels) * x * n);
    row[choice] += 1;
    const rowTotal = row.reduce((a, b) => a + b, 0);
    for (let c = 0; c < row.length; c++) probs[c] += (w[k] / total) * (row[c] / rowTotal);
  });
  return probs;
}

function sampleIndex(probs: number[], rng: Random): number {
  let r = rng.next() * probs.reduce((a, b) => a + b, 0);
  for (let i = 0; i < probs.length; i++) {
    r -= probs[i];
    if (r < 0) return i;
  }
  return probs.length - 1;
}

/** Splits trials into good and bad the way Optuna's TPE does (complete by value, then pruned by depth, running last). */
export function tpeSplit(
  history: HistoryTrial[],
  goal: "minimize" | "maximize",
): { below: HistoryTrial[]; above: HistoryTrial[]; n: number } {
  const sign = goal === "maximize" ? -1 : 1;
  const complete = history.filter((t) => t.state === "complete" && t.value !== null && Number.isFinite(t.value));
  const pruned = history.filter((t) => t.state === "pruned");
  const pending = history.filter((t) => t.state === "running" || t.state === "waiting");
  complete.sort((a, b) => sign * (a.value as number) - sign * (b.value as number) || a.number - b.number);
  const depth = (t: HistoryTrial) => t.lastStep ?? -Infinity;
  const last = (t: HistoryTrial) =>
    t.lastValue === null || !Number.isFinite(t.lastValue) ? Infinity : sign * t.lastValue;
  pruned.sort((a, b) => depth(b) - depth(a) || last(a) - last(b) || a.number - b.number);
  const n = complete.length + pruned.length;
  const ranked = [...complete, ...pruned];
  const nBelow = tpeGamma(n);
  return { below: ranked.slice(0, nBelow), above: [...ranked.slice(nBelow), ...pending], n };
}

export function tpeProposal(
  params: ParamSpec[],
  history: HistoryTrial[],
  goal: "minimize" | "maximize",
  rng: Random,
  opts: TpeOptions,
): Proposal {
  const { below, above, n } = tpeSplit(history, goal);
  if (n < opts.nStartupTrials || n === 0) return randomProposal(params, rng);
  const priorWeight = opts.priorWeight ?? 1;
  const byNumber = (ts: HistoryTrial[]) => [...ts].sort((a, b) => a.number - b.number);
  const coords = (ts: HistoryTrial[], name: string) =>
    byNumber(ts)
      .map((t) => t.internal?.[name])
      .filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  const out: Proposal = { params: {}, internal: {} };
  for (const p of params) {
    if (p.distribution === "constant") {
      [out.params[p.name], out.internal[p.name]] = [p.values[0], 0];
      continue;
    }
    const lo = coords(below, p.name);
    const hi = coords(above, p.name);
    if (isNumeric(p)) {
      const l = new ParzenEstimator(lo, priorWeight);
      const g = new ParzenEstimator(hi, priorWeight);
      let best = NaN;
      let bestScore = -Infinity;
      for (let c = 0; c < opts.nEiCandidates; c++) {
        const x = l.sample(rng);
        const score = l.logPdf(x) - g.logPdf(x);
        if (score > bestScore) [best, bestScore] = [x, score];
      }
      [out.params[p.name], out.internal[p.name]] = [ppf(p, best), best];
    } else {
      const valid = (xs: number[]) => xs.filter((i) => Number.isInteger(i) && i >= 0 && i < p.values.length);
      const l = categoricalEstimator(valid(lo), p, priorWeight);
      const g = categoricalEstimator(valid(hi), p, priorWeight);
      let best = 0;
      let bestScore = -Infinity;
      for (let c = 0; c < opts.nEiCandidates; c++) {
        const i = sampleIndex(l, rng);
        const score = Math.log(l[i]) - Math.log(g[i]);
        if (score > bestScore) [best, bestScore] = [i, score];
      }
      [out.params[p.name], out.internal[p.name]] = [p.values[best], best];
    }
  }
  return out;
}

/** The next trial's parameters for a random or bayes sweep. */
export function propose(spec: SweepSpec, history: HistoryTrial[], rng: Random): Proposal {
  if (spec.method === "bayes")
    return tpeProposal(spec.parameters, history, spec.metric?.goal ?? "minimize", rng, spec.tpe);
  if (spec.method === "random") return randomProposal(spec.parameters, rng);
  throw new Error("grid sweeps enqueue every point when the study is created; there is nothing to propose");
}
