// grid enumerates exactly the product, random is reproducible per seed, TPE beats random on a known
// function, and distributions map u ∈ [0, 1] the way W&B's ppf does.
import { describe, expect, test } from "bun:test";
import { Random } from "../../src/util/random.ts";
import { normalCdf, normalPpf, ppf } from "../../src/sweep/distributions.ts";
import {
  gridProposals,
  gridValues,
  type HistoryTrial,
  randomProposal,
  tpeGamma,
  tpeProposal,
  tpeSplit,
} from "../../src/sweep/samplers.ts";
import { type ParamSpec, parseSweepSpec } from "../../src/sweep/spec.ts";

const params = (yaml: string, method = "random"): ParamSpec[] =>
  parseSweepSpec(`method: ${method}\nparameters:\n${yaml}`).parameters;
const one = (yaml: string) => params(`  p: ${yaml}\n`.replace("p:", "training.learning_rate:"))[0];

describe("grid", () => {
  test("enumerates exactly the Cartesian product, first parameter slowest, duplicates removed", () => {
    const ps = params(
      "  training.learning_rate: {values: [0.001, 0.0003, 0.001]}\n  training.tower_depth: {min: 2, max: 4}\n  training.lr_schedule_type: {values: [null, cosine]}\n  env.device: {value: cpu}\n",
      "grid",
    );
    const points = gridProposals(ps);
    expect(points.length).toBe(2 * 3 * 2 * 1);
    const keys = points.map((p) => JSON.stringify(p.params));
    expect(new Set(keys).size).toBe(points.length);
    const expected: string[] = [];
    for (const lr of [0.001, 0.0003])
      for (const d of [2, 3, 4])
        for (const s of [null, "cosine"])
          expected.push(
            JSON.stringify({
              "training.learning_rate": lr,
              "training.tower_depth": d,
              "training.lr_schedule_type": s,
              "env.device": "cpu",
            }),
          );
    expect(keys).toEqual(expected);
    expect(points[1].internal).toEqual({
      "training.learning_rate": 0,
      "training.tower_depth": 0,
      "training.lr_schedule_type": 1,
      "env.device": 0,
    });
  });

  test("q_uniform expands like W&B's arange(min, max, q); int_uniform is min..max", () => {
    expect(
      gridValues(
        params("  training.clip_epsilon: {distribution: q_uniform, min: 0.1, max: 0.3, q: 0.05}\n", "grid")[0],
      ),
    ).toEqual([0.1, 0.15, 0.2, 0.25]);
    expect(
      gridValues(params("  training.minibatch_size: {distribution: q_uniform, min: 32, max: 160, q: 32}\n", "grid")[0]),
    ).toEqual([32, 64, 96, 128]);
    expect(gridValues(params("  training.ppo_epochs: {min: 1, max: 4}\n", "grid")[0])).toEqual([1, 2, 3, 4]);
  });

  test("a continuous parameter is refused", () => {
    expect(() => params("  training.gamma: {min: 0.9, max: 0.99}\n", "grid")).toThrow(
      /method grid needs a finite set of values/,
    );
  });
});

describe("distributions (W&B's ppf)", () => {
  test("normal CDF and quantile agree", () => {
    for (const x of [-4, -1.5, 0, 0.3, 2.5]) expect(normalPpf(normalCdf(x))).toBeCloseTo(x, 4);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
  });

  test("each distribution's range and scale", () => {
    const lu = one("{distribution: log_uniform_values, min: 1.0e-5, max: 1.0e-1}");
    expect(ppf(lu, 0) as number).toBeCloseTo(1e-5, 12);
    expect(ppf(lu, 0.5) as number).toBeCloseTo(1e-3, 10); // log-scaled: the middle is the geometric mean
    expect(ppf(lu, 1) as number).toBeCloseTo(1e-1, 10);
    const le = one("{distribution: log_uniform, min: -11.512925, max: -2.302585}"); // exponents of e
    expect(ppf(le, 0) as number).toBeCloseTo(1e-5, 9);
    expect(ppf(le, 1) as number).toBeCloseTo(1e-1, 6);
    const inv = one("{distribution: inv_log_uniform_values, min: 1.0e-4, max: 1.0e-2}");
    expect(ppf(inv, 0.5) as number).toBeCloseTo(1e-3, 10);
    const n = params("  training.value_loss_coeff: {distribution: normal, mu: 0.5, sigma: 0.1}\n")[0];
    expect(ppf(n, 0.5)).toBe(0.5);
    expect(ppf(n, normalCdf(1)) as number).toBeCloseTo(0.6, 6);
    const qn = params("  training.minibatch_size: {distribution: q_log_normal, mu: 4.6, sigma: 0.5, q: 16}\n")[0];
    for (const u of [0.1, 0.5, 0.9]) expect((ppf(qn, u) as number) % 16).toBe(0);
    const qu = params("  training.clip_epsilon: {distribution: q_uniform, min: 0.1, max: 0.3, q: 0.05}\n")[0];
    expect(ppf(qu, 0.37)).toBe(0.15); // 0.174 rounds to the 0.05 grid, without float noise
    const iu = params("  training.tower_depth: {min: 2, max: 5}\n")[0];
    expect([0, 0.2499, 0.25, 0.9999, 1].map((u) => ppf(iu, u))).toEqual([2, 2, 3, 5, 5]);
  });
});

describe("random", () => {
  const ps = params(
    "  training.learning_rate: {distribution: log_uniform_values, min: 1.0e-5, max: 1.0e-2}\n  training.gamma: {min: 0.9, max: 0.999}\n  training.tower_depth: {min: 2, max: 12}\n  training.lr_schedule_type: {values: [null, linear, cosine], probabilities: [0.6, 0.2, 0.2]}\n",
  );
  const draw = (seed: number, n: number) => {
    const rng = new Random(seed);
    return Array.from({ length: n }, () => randomProposal(ps, rng));
  };

  test("is reproducible per seed and differs between seeds", () => {
    expect(draw(7, 20)).toEqual(draw(7, 20));
    expect(JSON.stringify(draw(7, 20))).not.toBe(JSON.stringify(draw(8, 20)));
  });

  test("stays in range and follows the probabilities", () => {
    const xs = draw(1, 3000);
    let logSum = 0;
    const counts = new Map<unknown, number>();
    for (const { params: p } of xs) {
      const lr = p["training.learning_rate"] as number;
      expect(lr).toBeGreaterThanOrEqual(1e-5);
      expect(lr).toBeLessThanOrEqual(1e-2);
      logSum += Math.log10(lr);
      expect(p["training.gamma"] as number).toBeGreaterThanOrEqual(0.9);
      expect(Number.isInteger(p["training.tower_depth"])).toBe(true);
      counts.set(p["training.lr_schedule_type"], (counts.get(p["training.lr_schedule_type"]) ?? 0) + 1);
    }
    expect(logSum / xs.length).toBeCloseTo(-3.5, 1); // uniform in log10 between -5 and -2
    expect((counts.get(null) ?? 0) / xs.length).toBeCloseTo(0.6, 1);
  });
});

describe("TPE", () => {
  // A 2-D quadratic with a log-scale parameter; minimum 0 at lr = 10^-3.5, gamma = 0.93.
  const ps = parseSweepSpec(
    "method: bayes\nmetric: {name: losses/value_loss}\nparameters:\n  training.learning_rate: {distribution: log_uniform_values, min: 1.0e-6, max: 1.0e-1}\n  training.gamma: {min: 0.8, max: 1.0}\n",
  ).parameters;
  const f = (p: Record<string, unknown>) =>
    (Math.log10(p["training.learning_rate"] as number) + 3.5) ** 2 +
    100 * ((p["training.gamma"] as number) - 0.93) ** 2;
  const best = (method: "tpe" | "random", seed: number, n: number) => {
    const history: HistoryTrial[] = [];
    let b = Infinity;
    for (let i = 0; i < n; i++) {
      const rng = new Random((seed * 1000003 + i) >>> 0);
      const p =
        method === "tpe"
          ? tpeProposal(ps, history, "minimize", rng, { nStartupTrials: 10, nEiCandidates: 24 })
          : randomProposal(ps, rng);
      const v = f(p.params);
      b = Math.min(b, v);
      history.push({ number: i, state: "complete", value: v, internal: p.internal, lastStep: null, lastValue: null });
    }
    return b;
  };

  test("finds a better point than random in the same number of trials, averaged over seeds", () => {
    const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
    const tpe = seeds.map((s) => best("tpe", s, 30));
    const rnd = seeds.map((s) => best("random", s, 30));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(tpe)).toBeLessThan(mean(rnd) / 2);
    expect(tpe.filter((t, i) => t < rnd[i]).length).toBeGreaterThanOrEqual(8);
  });

  test("is random for the first n_startup_trials, and deterministic per seed", () => {
    const history: HistoryTrial[] = [];
    for (let i = 0; i < 5; i++) {
      const p = randomProposal(ps, new Random(i));
      history.push({
        number: i,
        state: "complete",
        value: f(p.params),
        internal: p.internal,
        lastStep: null,
        lastValue: null,
      });
    }
    const opts = { nStartupTrials: 10, nEiCandidates: 24 };
    expect(tpeProposal(ps, history, "minimize", new Random(99), opts)).toEqual(randomProposal(ps, new Random(99)));
    const more = { nStartupTrials: 3, nEiCandidates: 24 };
    expect(tpeProposal(ps, history, "minimize", new Random(99), more)).toEqual(
      tpeProposal(ps, history, "minimize", new Random(99), more),
    );
  });

  test("splits like Optuna: best gamma(n) complete trials, then pruned ones by depth; running ones are bad (constant liar)", () => {
    expect([1, 10, 11, 100, 300].map(tpeGamma)).toEqual([1, 1, 2, 10, 25]);
    const t = (
      number: number,
      state: HistoryTrial["state"],
      value: number | null,
      lastStep: number | null = null,
    ): HistoryTrial => ({
      number,
      state,
      value,
      internal: {},
      lastStep,
      lastValue: value,
    });
    const history = [
      ...Array.from({ length: 18 }, (_, i) => t(i, "complete", 10 + i)),
      t(18, "pruned", 1, 5),
      t(19, "pruned", 0.5, 3),
      t(20, "running", null),
    ];
    const maxi = tpeSplit(history, "maximize");
    expect(maxi.n).toBe(20);
    expect(maxi.below.map((x) => x.number)).toEqual([17, 16]);
    expect(maxi.above.at(-1)?.number).toBe(20);
    const mini = tpeSplit(
      [t(0, "pruned", 3, 9), t(1, "pruned", 1, 2), ...Array.from({ length: 9 }, (_, i) => t(i + 2, "running", null))],
      "minimize",
    );
    expect(mini.below.map((x) => x.number)).toEqual([0]); // deeper pruned trial ranks first
  });

  test("with a proposal running, the same random stream proposes a different point (constant liar)", () => {
    let differ = 0;
    const opts = { nStartupTrials: 10, nEiCandidates: 24 };
    for (let s = 1; s <= 30; s++) {
      const history: HistoryTrial[] = [];
      for (let i = 0; i < 20; i++) {
        const p = randomProposal(ps, new Random(s * 77 + i));
        history.push({
          number: i,
          state: "complete",
          value: f(p.params),
          internal: p.internal,
          lastStep: null,
          lastValue: null,
        });
      }
      const a = tpeProposal(ps, history, "minimize", new Random(999 + s), opts);
      const b = tpeProposal(
        ps,
        [
          ...history,
          { number: 20, state: "running", value: null, internal: a.internal, lastStep: null, lastValue: null },
        ],
        "minimize",
        new Random(999 + s),
        opts,
      );
      if (JSON.stringify(a.params) !== JSON.stringify(b.params)) differ++;
    }
    expect(differ).toBeGreaterThanOrEqual(24);
  });

  test("categorical parameters concentrate on the good choice", () => {
    const cat = parseSweepSpec(
      "method: bayes\nmetric: {name: losses/value_loss}\nparameters:\n  training.lr_schedule_type: {values: [linear, cosine, exponential, step]}\n",
    ).parameters;
    const history: HistoryTrial[] = [];
    for (let i = 0; i < 40; i++) {
      const p = tpeProposal(cat, history, "minimize", new Random(i), { nStartupTrials: 8, nEiCandidates: 24 });
      history.push({
        number: i,
        state: "complete",
        value: p.params["training.lr_schedule_type"] === "cosine" ? 0 : 1,
        internal: p.internal,
        lastStep: null,
        lastValue: null,
      });
    }
    const late = history.slice(20).filter((h) => h.value === 0).length;
    expect(late).toBeGreaterThanOrEqual(10); // random: 5 of 20 expected
  });
});
