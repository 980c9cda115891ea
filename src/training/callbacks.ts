// CallbackManager: what runs after each iteration — checkpoints every
// checkpoint_interval_timesteps (they fire; the reference's never did) and periodic evaluation.
// A callback gets the data it needs and returns metrics to add to the iteration's record.

import type { Backend } from "../compute/backend.ts";
import type { Config } from "../config/schema.ts";
import { type EloRegistry, evaluateForTraining, BENCHMARK_OPENINGS } from "../evaluation/index.ts";
import type { CheckpointLoader } from "../evaluation/opponents.ts";
import type { ActingPolicy } from "../rl/selfplay.ts";
import type { MetricsRecord } from "./metrics.ts";
import type { Network } from "../models/network.ts";
import type { Session } from "./session.ts";

export interface CallbackContext {
  config: Config;
  session: Session;
  net: Network;
  backend: Backend;
  say(line: string): void;
  /** Writes a checkpoint of the current state; returns its weights path. */
  checkpoint(): Promise<string>;
  /** The newest checkpoint of this run (null before the first). */
  lastCheckpoint(): string | null;
  setElo(elo: { rating: number; opponent: string | null; history: number[] } | null): void;
}

export interface IterationInfo {
  timestep: number;
  previousTimestep: number; // timestep before this iteration's rollout
  iteration: number;
  record: MetricsRecord;
}

export interface TrainingCallback {
  afterIteration(ctx: CallbackContext, info: IterationInfo): Promise<MetricsRecord | void>;
}

/** Whether (previous, now] contains a multiple of `interval`: intervals round up to whole rollouts. */
export function crossed(previous: number, now: number, interval: number): boolean {
  return Math.floor(now / interval) > Math.floor(previous / interval);
}

export class CheckpointCallback implements TrainingCallback {
  constructor(private readonly interval: number) {}
  async afterIteration(ctx: CallbackContext, info: IterationInfo): Promise<void> {
    if (crossed(info.previousTimestep, info.timestep, this.interval)) await ctx.checkpoint();
  }
}

/**
 * Periodic evaluation: every evaluation_interval_timesteps the current network (greedy) plays
 * num_games against the configured opponent — "pool" is the newest previous checkpoint of this
 * run — the Elo registry rates the match, and the newest checkpoint then joins the pool.
 */
export class EvaluationCallback implements TrainingCallback {
  private readonly eloHistory: number[] = [];
  constructor(
    private readonly agent: ActingPolicy,
    private readonly registry: EloRegistry,
    private readonly loader: CheckpointLoader,
  ) {}

  async afterIteration(ctx: CallbackContext, info: IterationInfo): Promise<MetricsRecord | void> {
    const ev = ctx.config.evaluation;
    if (!crossed(info.previousTimestep, info.timestep, ev.evaluation_interval_timesteps)) return;
    const runName = ctx.session.runName;
    const result = await evaluateForTraining({
      agent: { name: runName, id: runName, policy: this.agent },
      opponentType: ev.opponent_type,
      numGames: ev.num_games,
      seed: ctx.config.env.seed * 1000 + info.iteration,
      maxMoves: ev.max_moves_per_game,
      impasse: ctx.config.env.impasse,
      // Two greedy networks would replay one game per colour: varied openings keep them apart.
      startSfens: ev.opponent_type === "pool" ? BENCHMARK_OPENINGS : undefined,
      registry: this.registry,
      pool: runName,
      loader: this.loader,
    });
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    ctx.say(`evaluation at timestep ${info.timestep} vs ${result.opponent}: ${result.games} games, win ${pct(result.win_rate)} draw ${pct(result.draw_rate)} loss ${pct(result.loss_rate)}${result.elo === null ? "" : `, Elo ${result.elo.toFixed(0)}`}`);
    if (result.elo !== null) {
      this.eloHistory.push(result.elo);
      ctx.setElo({ rating: result.elo, opponent: result.opponent, history: [...this.eloHistory] });
    }
    const newest = ctx.lastCheckpoint();
    if (newest) this.registry.addToPool(newest, runName);
    return result.metrics;
  }
}

export function defaultCallbacks(config: Config, extra: TrainingCallback[] = []): TrainingCallback[] {
  return [new CheckpointCallback(config.training.checkpoint_interval_timesteps), ...extra];
}
