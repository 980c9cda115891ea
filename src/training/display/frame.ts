// What the trainer hands the display: data only, computed by the trainer (the display never
// computes training state). The trainer's TrainerFrame is this type.

import type { Config } from "../../config/schema.ts";

export interface WeightStat {
  name: string;
  mean: number;
  std: number;
  min: number;
  max: number;
}

export interface DashboardFrame {
  runName: string;
  /** e.g. "webgpu: llvmpipe (Mesa 25.0.7) [fallback adapter]". */
  backend: string;
  /** Steps (plies) done. */
  timestep: number;
  totalTimesteps: number;
  iteration: number;
  elapsedSeconds: number;
  /** The latest flat metrics record, CleanRL-style tags ("charts/SPS", "losses/entropy", …); any may be absent or NaN. */
  record: Record<string, number>;
  /** Per-iteration series of some of the record's keys, oldest first. */
  history: Record<string, number[]>;
  /** A live self-play game, or null. */
  game: { sfen: string; recentMoves: string[]; ply: number; gameIndex: number } | null;
  config: Config;
  weightStats: WeightStat[];
  elo: { rating: number; opponent: string | null; history: number[] } | null;
  /** Seconds left, from the measured pace of self-play and of the update (NaN until measured). */
  etaSeconds?: number;
  /** The update's pace is not measured yet: etaSeconds counts self-play only. */
  etaIsLowerBound?: boolean;
  /** What the run is doing now: "self-play" or "PPO update 40%". */
  activity?: string;
  /** The actors playing for the learner (parallel.actors, keisei actor); absent or null in a single-process run. */
  actors?: { name: string; state: string; gamesPerSecond: number; stepsPerSecond: number; lag: number }[] | null;
  /** A status line, e.g. "checkpoint written: checkpoint_ts20480.safetensors". */
  message?: string;
}
