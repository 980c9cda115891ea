// What runs after an iteration's update, as data in and data out: whether an interval was crossed
// (checkpoints every checkpoint_interval_timesteps fire; the reference's never did), and the
// periodic evaluation, which returns its metrics and Elo for the iteration's one record.

import type { Config } from "../config/schema.ts";
import { BENCHMARK_OPENINGS, type EloRegistry, evaluateForTraining } from "../evaluation/index.ts";
import type { CheckpointLoader } from "../evaluation/opponents.ts";
import type { ActingPolicy } from "../rl/acting.ts";
import type { MetricsRecord } from "./metrics.ts";

/** Whether (previous, now] contains a multiple of `interval`: intervals round up to whole rollouts. */
export function crossed(previous: number, now: number, interval: number): boolean {
  return Math.floor(now / interval) > Math.floor(previous / interval);
}

/** What one periodic evaluation did. */
export interface EvaluationOutcome {
  /** eval/* metrics for the iteration's record. */
  metrics: MetricsRecord;
  /** The run's rating after it, with every rating so far (null without an Elo). */
  elo: { rating: number; opponent: string | null; history: number[] } | null;
  /** One line for the log. */
  line: string;
}

/**
 * Periodic evaluation: every evaluation_interval_timesteps the current network (greedy) plays
 * num_games against the configured opponent — "pool" is the newest previous checkpoint of this
 * run — and the Elo registry rates the match. The trainer then enters its newest checkpoint into
 * the pool (enterPool), so the next evaluation meets it.
 */
export class PeriodicEvaluation {
  private readonly eloHistory: number[] = [];
  constructor(
    private readonly config: Config,
    private readonly runName: string,
    private readonly agent: ActingPolicy,
    private readonly registry: EloRegistry,
    private readonly loader: CheckpointLoader,
  ) {}

  /** Whether an evaluation is due after an iteration that took the run from `previous` to `now` timesteps. */
  due(previous: number, now: number): boolean {
    return crossed(previous, now, this.config.evaluation.evaluation_interval_timesteps);
  }

  async run(timestep: number, iteration: number): Promise<EvaluationOutcome> {
    const ev = this.config.evaluation;
    const result = await evaluateForTraining({
      agent: { name: this.runName, id: this.runName, policy: this.agent },
      opponentType: ev.opponent_type,
      numGames: ev.num_games,
      seed: this.config.env.seed * 1000 + iteration,
      maxMoves: ev.max_moves_per_game,
      impasse: this.config.env.impasse,
      // Two greedy networks would replay one game per colour: varied openings keep them apart.
      startSfens: ev.opponent_type === "pool" ? BENCHMARK_OPENINGS : undefined,
      registry: this.registry,
      pool: this.runName,
      loader: this.loader,
    });
    if (result.elo !== null) this.eloHistory.push(result.elo);
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    return {
      metrics: result.metrics,
      elo:
        result.elo === null ? null : { rating: result.elo, opponent: result.opponent, history: [...this.eloHistory] },
      line: `evaluation at timestep ${timestep} vs ${result.opponent}: ${result.games} games, win ${pct(result.win_rate)} draw ${pct(result.draw_rate)} loss ${pct(result.loss_rate)}${result.elo === null ? "" : `, Elo ${result.elo.toFixed(0)}`}`,
    };
  }

  /** The run's newest checkpoint joins the opponent pool. */
  enterPool(checkpoint: string): void {
    this.registry.addToPool(checkpoint, this.runName);
  }
}
