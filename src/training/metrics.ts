// MetricsManager: turns what an iteration produced (finished games, the PPO update's record,
// timings) into ONE flat metrics record — the only thing the display, the log, metrics.jsonl and
// TensorBoard read. Keeps running totals, a rolling window of recent games, and per-key history
// for trends. Its state is plain JSON so a resumed run continues the same stream.

import { EVAL_METRIC_NAMES } from "../evaluation/evaluate.ts";
import { AZ_METRIC_NAMES, type AzMetrics } from "../rl/az-learner.ts";
import { PPO_METRIC_NAMES, type PpoMetrics } from "../rl/ppo.ts";
import { type FinishedGame, SELF_PLAY_END_REASONS } from "../rl/selfplay.ts";
import { PARALLEL_METRIC_NAMES } from "./actors/feed.ts";
import { POOL_METRIC_NAMES } from "./opponent-pool.ts";

export type MetricsRecord = Record<string, number>;

/** The keys of a record before the PPO update's (the compiler checks record() writes exactly these). */
const HEAD_NAMES = [
  "timestep",
  "iteration",
  "charts/SPS",
  "charts/selfplay_SPS",
  "charts/episodes",
  "charts/games_per_hour",
] as const;
/** The keys of a record after the PPO update's, before the game-end counts. */
const TAIL_NAMES = [
  "game/black_win_rate",
  "game/white_win_rate",
  "game/draw_rate",
  "game/mean_length",
  "game/captures_per_game",
  "game/drops_per_game",
  "game/promotions_per_game",
  "game/total_black_wins",
  "game/total_white_wins",
  "game/total_draws",
  "time/selfplay_s",
  "time/inference_s",
  "time/engine_s",
  "time/update_s",
  "time/wall_s",
] as const;

/**
 * Every key a metrics record — one metrics.jsonl line, one TensorBoard step — can hold: what a
 * sweep's metric.name may name (sweep/spec.ts checks it at `sweep create`).
 */
export const METRIC_NAMES: readonly string[] = [
  ...HEAD_NAMES,
  ...PPO_METRIC_NAMES,
  ...AZ_METRIC_NAMES.filter((k) => !PPO_METRIC_NAMES.includes(k)),
  ...TAIL_NAMES,
  ...SELF_PLAY_END_REASONS.map((r) => `game/ends_${r}`),
  ...POOL_METRIC_NAMES,
  ...PARALLEL_METRIC_NAMES,
  ...EVAL_METRIC_NAMES,
];

/**
 * The series kept per iteration for the dashboard's trends, in display order: record key, label,
 * and how the value reads. The one list: the history here and the trends panel both read it.
 */
export const TRENDS: readonly { key: string; label: string; kind: "count" | "number" | "rate" | "exponent" }[] = [
  { key: "charts/SPS", label: "steps/s", kind: "count" },
  { key: "losses/policy_loss", label: "policy loss", kind: "number" },
  { key: "losses/value_loss", label: "value loss", kind: "number" },
  { key: "losses/entropy", label: "entropy", kind: "number" },
  { key: "losses/approx_kl", label: "approx KL", kind: "number" },
  { key: "losses/clipfrac", label: "clip frac", kind: "number" },
  { key: "losses/explained_variance", label: "explained var", kind: "number" },
  { key: "losses/grad_norm", label: "grad norm", kind: "number" },
  { key: "charts/learning_rate", label: "learning rate", kind: "exponent" },
  { key: "game/black_win_rate", label: "Black wins", kind: "rate" },
  { key: "game/white_win_rate", label: "White wins", kind: "rate" },
  { key: "game/draw_rate", label: "draws", kind: "rate" },
  { key: "game/mean_length", label: "game length", kind: "number" },
  { key: "losses/kl_target", label: "KL(π'‖π)", kind: "number" },
  { key: "search/simulations_per_second", label: "sims/s", kind: "count" },
  { key: "search/root_visit_entropy", label: "root entropy", kind: "number" },
  { key: "pool/learner_score", label: "vs pool", kind: "rate" },
  { key: "parallel/policy_lag_mean", label: "policy lag", kind: "number" },
  { key: "eval/win_rate", label: "eval win rate", kind: "rate" },
  { key: "eval/elo", label: "Elo", kind: "number" },
];

interface GameSummary {
  winner: 0 | 1 | -1; // -1: draw
  plies: number;
  captures: number;
  drops: number;
  promotions: number;
}

export interface MetricsState {
  totals: { games: number; blackWins: number; whiteWins: number; draws: number; reasons: Record<string, number> };
  window: GameSummary[];
  history: Record<string, number[]>;
}

export interface IterationTiming {
  selfplaySeconds: number; // collecting the rollout, inference included
  inferenceSeconds: number; // the part of it spent in the network
  updateSeconds: number;
  steps: number; // steps (plies, all games) collected this iteration
}

export class MetricsManager {
  state: MetricsState;

  constructor(
    private readonly windowSize: number,
    private readonly historyLength: number,
    state?: MetricsState,
  ) {
    this.state = state ?? {
      totals: { games: 0, blackWins: 0, whiteWins: 0, draws: 0, reasons: {} },
      window: [],
      history: {},
    };
  }

  /** Counts finished games (called after every self-play step). */
  addGames(games: readonly FinishedGame[]): void {
    const t = this.state.totals;
    for (const g of games) {
      t.games++;
      if (g.winner === 0) t.blackWins++;
      else if (g.winner === 1) t.whiteWins++;
      else t.draws++;
      t.reasons[g.reason] = (t.reasons[g.reason] ?? 0) + 1;
      const c = g.counters;
      this.state.window.push({
        winner: g.winner ?? -1,
        plies: g.plies,
        captures: c.captures[0] + c.captures[1],
        drops: c.drops[0] + c.drops[1],
        promotions: c.promotions[0] + c.promotions[1],
      });
    }
    const extra = this.state.window.length - this.windowSize;
    if (extra > 0) this.state.window.splice(0, extra);
  }

  /**
   * The record of one finished iteration, built once from everything the iteration produced (the
   * PPO update's metrics, and the periodic evaluation's when one ran); then appends the trend keys
   * to the history.
   */
  record(o: {
    timestep: number;
    iteration: number;
    wallSeconds: number;
    timing: IterationTiming;
    /** The learner's update: PPO's, or Gumbel AlphaZero's. */
    learned: PpoMetrics | AzMetrics;
    evaluation?: MetricsRecord | null;
    /** The opponent pool's figures (POOL_METRIC_NAMES), when it is on. */
    pool?: MetricsRecord | null;
    /** The actors' figures (PARALLEL_METRIC_NAMES), when actors play. */
    parallel?: MetricsRecord | null;
  }): MetricsRecord {
    const t = this.state.totals;
    const w = this.state.window;
    const n = w.length;
    const mean = (f: (g: GameSummary) => number) => (n ? w.reduce((s, g) => s + f(g), 0) / n : Number.NaN);
    const timing = o.timing;
    const head: Record<(typeof HEAD_NAMES)[number], number> = {
      timestep: o.timestep,
      iteration: o.iteration,
      "charts/SPS": timing.steps / (timing.selfplaySeconds + timing.updateSeconds),
      // With actors the learner plays nothing: self-play's pace is theirs, all together.
      "charts/selfplay_SPS": o.parallel
        ? o.parallel["parallel/actor_steps_per_second"]
        : timing.steps / timing.selfplaySeconds,
      "charts/episodes": t.games,
      "charts/games_per_hour": o.wallSeconds > 0 ? (t.games / o.wallSeconds) * 3600 : 0,
    };
    const tail: Record<(typeof TAIL_NAMES)[number], number> = {
      "game/black_win_rate": mean((g) => (g.winner === 0 ? 1 : 0)),
      "game/white_win_rate": mean((g) => (g.winner === 1 ? 1 : 0)),
      "game/draw_rate": mean((g) => (g.winner === -1 ? 1 : 0)),
      "game/mean_length": mean((g) => g.plies),
      "game/captures_per_game": mean((g) => g.captures),
      "game/drops_per_game": mean((g) => g.drops),
      "game/promotions_per_game": mean((g) => g.promotions),
      "game/total_black_wins": t.blackWins,
      "game/total_white_wins": t.whiteWins,
      "game/total_draws": t.draws,
      "time/selfplay_s": timing.selfplaySeconds,
      "time/inference_s": timing.inferenceSeconds,
      "time/engine_s": timing.selfplaySeconds - timing.inferenceSeconds,
      "time/update_s": timing.updateSeconds,
      "time/wall_s": o.wallSeconds,
    };
    const r: MetricsRecord = { ...head, ...o.learned, ...tail, ...o.pool, ...o.parallel, ...o.evaluation };
    for (const reason of SELF_PLAY_END_REASONS) r[`game/ends_${reason}`] = t.reasons[reason] ?? 0;
    for (const { key } of TRENDS) {
      const v = r[key];
      if (v === undefined || !Number.isFinite(v)) continue;
      this.state.history[key] ??= [];
      const series = this.state.history[key];
      series.push(v);
      if (series.length > this.historyLength) series.splice(0, series.length - this.historyLength);
    }
    return r;
  }
}

/** The record with non-finite values as null (JSON has no NaN). */
export function finiteRecord(r: MetricsRecord): Record<string, number | null> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
}

/** One line of training_log.txt per iteration. */
export function summaryLine(r: MetricsRecord): string {
  const f = (k: string, d = 4) => (Number.isFinite(r[k]) ? r[k].toFixed(d) : "-");
  return `iteration ${r.iteration} timestep ${r.timestep} SPS ${f("charts/SPS", 0)} policy_loss ${f("losses/policy_loss")} value_loss ${f("losses/value_loss")} entropy ${f("losses/entropy", 3)} approx_kl ${f("losses/approx_kl", 5)} clipfrac ${f("losses/clipfrac", 3)} games ${r["charts/episodes"]} mean_length ${f("game/mean_length", 1)}`;
}
