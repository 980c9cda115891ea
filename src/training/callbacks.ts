// CallbackManager: what runs after each iteration — checkpoints every
// checkpoint_interval_timesteps (they fire; the reference's never did) and periodic evaluation.
// A callback gets the data it needs and returns metrics to add to the iteration's record.

import type { Backend } from "../compute/backend.ts";
import type { Config } from "../config/schema.ts";
import type { MetricsRecord } from "./metrics.ts";
import type { Network } from "./models/network.ts";
import type { Session } from "./session.ts";

export interface CallbackContext {
  config: Config;
  session: Session;
  net: Network;
  backend: Backend;
  say(line: string): void;
  /** Writes a checkpoint of the current state; returns its weights path. */
  checkpoint(): Promise<string>;
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

export function defaultCallbacks(config: Config, extra: TrainingCallback[] = []): TrainingCallback[] {
  return [new CheckpointCallback(config.training.checkpoint_interval_timesteps), ...extra];
}
