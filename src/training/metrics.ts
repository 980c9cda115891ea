// MetricsManager: turns what an iteration produced (finished games, the PPO update's record,
// timings) into ONE flat metrics record — the only thing the display, the log, metrics.jsonl and
// TensorBoard read. Keeps running totals, a rolling window of recent games, and per-key history
// for trends. Its state is plain JSON so a resumed run continues the same stream.

import type { PpoMetrics } from "../rl/ppo.ts";
import type { FinishedGame, SelfPlayEndReason } from "../rl/selfplay.ts";

export type MetricsRecord = Record<string, number>;

const REASONS: readonly SelfPlayEndReason[] = [
  "checkmate",
  "no_legal_moves",
  "repetition",
  "perpetual_check",
  "max_moves",
  "impasse",
  "mate_found",
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
    ppo: PpoMetrics;
    evaluation?: MetricsRecord | null;
  }): MetricsRecord {
    const t = this.state.totals;
    const w = this.state.window;
    const n = w.length;
    const mean = (f: (g: GameSummary) => number) => (n ? w.reduce((s, g) => s + f(g), 0) / n : Number.NaN);
    const timing = o.timing;
    const r: MetricsRecord = {
      timestep: o.timestep,
      iteration: o.iteration,
      "charts/SPS": timing.steps / (timing.selfplaySeconds + timing.updateSeconds),
      "charts/selfplay_SPS": timing.steps / timing.selfplaySeconds,
      "charts/episodes": t.games,
      "charts/games_per_hour": o.wallSeconds > 0 ? (t.games / o.wallSeconds) * 3600 : 0,
      ...o.ppo,
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
      ...o.evaluation,
    };
    for (const reason of REASONS) r[`game/ends_${reason}`] = t.reasons[reason] ?? 0;
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
