// The metrics record and its history: one record per iteration, built once from everything the
// iteration produced, and a history of every trend the dashboard plots.
import { describe, expect, test } from "bun:test";
import type { PpoMetrics } from "../../src/rl/ppo.ts";
import { MetricsManager, TRENDS } from "../../src/training/metrics.ts";

const ppo = (k: number): PpoMetrics => ({
  "losses/policy_loss": -0.01 * k,
  "losses/value_loss": 0.1 * k,
  "losses/entropy": 3 - 0.1 * k,
  "losses/old_approx_kl": 0.001 * k,
  "losses/approx_kl": 0.002 * k,
  "losses/clipfrac": 0.1,
  "losses/explained_variance": 0.5,
  "losses/grad_norm": 1 + k,
  "charts/learning_rate": 1e-3 / k,
  "losses/epochs": 2,
  "losses/minibatch_updates": 8,
});
const timing = { selfplaySeconds: 2, inferenceSeconds: 1, updateSeconds: 1, steps: 1024 };
const game = (winner: 0 | 1 | null, plies: number) => ({
  game: 0,
  plies,
  winner,
  reason: "checkmate" as const,
  startSfen: "",
  moves: new Uint32Array(plies),
  counters: {
    captures: [1, 2] as [number, number],
    drops: [0, 1] as [number, number],
    promotions: [0, 0] as [number, number],
  },
  match: { opponent: -1, learner: 0 as const },
});

describe("MetricsManager", () => {
  test("an iteration's evaluation metrics reach both its record and the trend history", () => {
    const m = new MetricsManager(100, 50);
    m.addGames([game(0, 80), game(null, 500)]);
    const r1 = m.record({
      timestep: 1024,
      iteration: 1,
      wallSeconds: 4,
      timing,
      learned: ppo(1),
      evaluation: { "eval/win_rate": 0.25, "eval/elo": 1510 },
    });
    const r2 = m.record({ timestep: 2048, iteration: 2, wallSeconds: 8, timing, learned: ppo(2), evaluation: null });
    const r3 = m.record({
      timestep: 3072,
      iteration: 3,
      wallSeconds: 12,
      timing,
      learned: ppo(3),
      evaluation: { "eval/win_rate": 0.75, "eval/elo": 1530 },
    });
    expect(r1["eval/elo"]).toBe(1510);
    expect(r2["eval/elo"]).toBeUndefined();
    expect(r3["eval/win_rate"]).toBe(0.75);
    const h = m.state.history;
    expect(h["eval/elo"]).toEqual([1510, 1530]);
    expect(h["eval/win_rate"]).toEqual([0.25, 0.75]);
    expect(h["losses/grad_norm"]).toEqual([2, 3, 4]);
    expect(h["charts/learning_rate"]).toEqual([1e-3, 5e-4, 1e-3 / 3]);
    expect(h["charts/SPS"]).toEqual([1024 / 3, 1024 / 3, 1024 / 3]); // 1024 steps in 2 s of self-play (inference included) + 1 s of update
    expect(h["game/mean_length"]).toEqual([290, 290, 290]);
    expect(h["game/draw_rate"]).toEqual([0.5, 0.5, 0.5]);
  });

  test("every trend the dashboard lists is a key some record carries, and the history keeps exactly those", () => {
    const m = new MetricsManager(100, 50);
    m.addGames([game(1, 40)]);
    const r = m.record({
      timestep: 1,
      iteration: 1,
      wallSeconds: 1,
      timing,
      // PPO's keys and Gumbel AZ's own, so that every trend has a value
      learned: {
        ...ppo(1),
        "losses/kl_target": 0.1,
        "search/simulations_per_second": 900,
        "search/root_visit_entropy": 2,
      } as PpoMetrics,
      pool: { "pool/size": 2, "pool/games": 10, "pool/learner_score": 0.25 },
      parallel: { "parallel/policy_lag_mean": 1.5, "parallel/actor_steps_per_second": 2000 },
      evaluation: { "eval/win_rate": 0.5, "eval/elo": 1500 },
    });
    expect(r["charts/selfplay_SPS"]).toBe(2000); // with actors: theirs
    for (const { key } of TRENDS) expect(r[key]).toBeNumber();
    expect(Object.keys(m.state.history).sort()).toEqual(TRENDS.map((t) => t.key).sort());
  });

  test("the history keeps the last trend_history_length points; non-finite values are not kept", () => {
    const m = new MetricsManager(100, 3);
    for (let k = 1; k <= 5; k++)
      m.record({
        timestep: k,
        iteration: k,
        wallSeconds: k,
        timing,
        learned: { ...ppo(k), "losses/explained_variance": k === 5 ? Number.NaN : k },
        evaluation: null,
      });
    expect(m.state.history["losses/grad_norm"]).toEqual([4, 5, 6]);
    expect(m.state.history["losses/explained_variance"]).toEqual([2, 3, 4]);
  });
});
