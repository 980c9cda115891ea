// The trainer: PPO by self-play, in the order CleanRL's ppo.py reads —
//
//   open the run → per iteration: collect a rollout → bootstrap → GAE → PPO update
//   → periodic evaluation and checkpoint (each returns what it did) → one metrics record → write, display
//
// Set-up (backend, run directory, network, resume) is run.ts; the parts each do one thing and hand
// back data: self-play (rl/selfplay.ts), the rollout and GAE (rl/buffer.ts, rl/gae.ts), PPO
// (rl/ppo.ts), evaluation (callbacks.ts), checkpoints, metrics.

import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import type { ActBatch, ActingPolicy } from "../rl/acting.ts";
import { RolloutBuffer } from "../rl/buffer.ts";
import { computeGae } from "../rl/gae.ts";
import { NonFiniteLossError, type PpoMetrics } from "../rl/ppo.ts";
import { OBS_SIZE } from "../shogi/features.ts";
import { moveToUsi } from "../shogi/sfen.ts";
import { saveCheckpoint } from "../models/checkpoint.ts";
import type { Network } from "../models/network.ts";
import { crossed, type EvaluationOutcome } from "./callbacks.ts";
import { checkpointStem, rngStates, writeCheckpoint } from "./checkpoints.ts";
import { finiteRecord, type IterationTiming, type MetricsRecord, summaryLine } from "./metrics.ts";
import { openRun, type Run, type TrainerFrame, TrainingError, type TrainOptions } from "./run.ts";

export {
  checkTrainingConfig,
  networkOf,
  rolloutSize,
  TrainingError,
  type TrainerFrame,
  type TrainerView,
  type TrainOptions,
} from "./run.ts";
export { SessionError } from "./session.ts";

export interface TrainResult {
  runDir: string;
  timestep: number;
  iteration: number;
  stoppedEarly: boolean;
  lastCheckpoint: string | null;
}

export async function train(config: Config, o: TrainOptions = {}): Promise<TrainResult> {
  const run = await openRun(config, o);
  const t = run.config.training;
  const started = performance.now();
  const wall = () => run.wallBase + (performance.now() - started) / 1000;
  const show = new Show(run, o, wall);
  let stoppedEarly = false;
  try {
    while (run.timestep < t.total_timesteps) {
      const previous = run.timestep;
      // 1. Collect a rollout: num_envs games in lock-step, one batched forward pass per ply.
      const rollout = await collect(run, o.signal, show);
      if (!rollout) {
        stoppedEarly = true; // the partial rollout is not trained on
        break;
      }
      const { buffer, timing } = rollout;
      // 2. Bootstrap: the value of every game's current position cuts the trajectories still in progress.
      await run.selfplay.bootstrap(timed(run.policy, timing), buffer);
      timing.selfplaySeconds = (performance.now() - timing.startedAt) / 1000;
      // 3. Advantages: shaping rewards, then GAE per trajectory (one colour of one game).
      buffer.addShapingRewards(t.gamma);
      computeGae(buffer, buffer.size, t.gamma, t.lambda_gae, buffer.advantages, buffer.returns);
      // 4. PPO update.
      const updateStart = performance.now();
      const ppo = await update(run, buffer);
      timing.updateSeconds = (performance.now() - updateStart) / 1000;
      run.timestep += buffer.size;
      run.iteration++;
      // 5. Periodic evaluation returns its metrics and Elo.
      const evaluation: EvaluationOutcome | null = run.evaluation?.due(previous, run.timestep)
        ? await run.evaluation.run(run.timestep, run.iteration)
        : null;
      if (evaluation) run.say(evaluation.line);
      // 6. One metrics record, built once.
      const { timestep, iteration } = run;
      const record = run.metrics.record({
        timestep,
        iteration,
        wallSeconds: wall(),
        timing,
        ppo,
        evaluation: evaluation?.metrics,
      });
      // 7. Checkpoint (its state holds this iteration's metrics); the newest checkpoint joins the evaluation pool.
      if (crossed(previous, run.timestep, t.checkpoint_interval_timesteps)) await checkpoint(run, wall());
      if (evaluation && run.lastCheckpoint) run.evaluation?.enterPool(run.lastCheckpoint);
      // 8. Write (metrics.jsonl, TensorBoard, the log) and display.
      write(run, record);
      await show.iteration(record, evaluation);
    }
    await finish(run, stoppedEarly, wall());
  } finally {
    o.view?.close(show.frame());
    run.close();
  }
  const { session, timestep, iteration, lastCheckpoint } = run;
  return { runDir: session.dir, timestep, iteration, stoppedEarly, lastCheckpoint };
}

/** The iteration's record to metrics.jsonl (one JSON line), TensorBoard and the run's log. */
function write(run: Run, record: MetricsRecord): void {
  appendFileSync(run.metricsPath, `${JSON.stringify({ wall_time: Date.now() / 1000, ...finiteRecord(record) })}\n`);
  run.tensorboard.scalars(run.timestep, record);
  run.session.log(summaryLine(record));
}

/** The end of a run: a checkpoint of where it stopped (unless one exists), and the final model when it ran to the end. */
async function finish(run: Run, stoppedEarly: boolean, wallSeconds: number): Promise<void> {
  if (stoppedEarly) run.say(`stopped at timestep ${run.timestep} (iteration ${run.iteration}) on request`);
  if (!run.lastCheckpoint?.endsWith(`${checkpointStem(run.timestep)}.safetensors`)) await checkpoint(run, wallSeconds);
  if (stoppedEarly) return;
  const final = join(run.session.dir, "final_model.safetensors");
  await saveCheckpoint(final, run.net, { metadata: { timestep: String(run.timestep) } });
  run.say(`final model written: ${final}`);
}

/** Plays one rollout's worth of lock-step self-play into a fresh buffer; null when asked to stop first. */
async function collect(run: Run, signal: { stop: boolean } | undefined, show: Show) {
  const t = run.config.training;
  const buffer = new RolloutBuffer(run.rolloutSize, OBS_SIZE, t.num_envs);
  const timing: IterationTiming & { startedAt: number } = {
    startedAt: performance.now(),
    selfplaySeconds: 0,
    inferenceSeconds: 0,
    updateSeconds: 0,
    steps: 0,
  };
  const policy = timed(run.policy, timing);
  while (buffer.size + t.num_envs <= run.rolloutSize) {
    if (signal?.stop) return null;
    run.metrics.addGames(await run.selfplay.step(policy, buffer));
    // On the CPU backend every await above resolves as a microtask: without a turn of the event
    // loop, timers and signal handlers (Ctrl-C, the sweep watchdog) would never run.
    await new Promise<void>((resolve) => setImmediate(resolve));
    timing.steps += t.num_envs;
    if ((timing.steps / t.num_envs) % t.render_every_steps === 0) show.step(run.timestep + timing.steps);
  }
  return signal?.stop ? null : { buffer, timing };
}

/** The policy, with the time spent in it added to timing.inferenceSeconds. */
function timed(policy: ActingPolicy, timing: IterationTiming): ActingPolicy {
  return {
    async act(b: ActBatch) {
      const t0 = performance.now();
      await policy.act(b);
      timing.inferenceSeconds += (performance.now() - t0) / 1000;
    },
  };
}

/** The PPO update; a non-finite loss stops training, naming the last good checkpoint. */
async function update(run: Run, buffer: RolloutBuffer): Promise<PpoMetrics> {
  try {
    return await run.learner.update(buffer);
  } catch (e) {
    if (e instanceof NonFiniteLossError)
      throw new TrainingError(
        `iteration ${run.iteration + 1} (timestep ${run.timestep + buffer.size}): ${e.message}; stopping. The last good checkpoint is ${run.lastCheckpoint ?? "none (no checkpoint was written yet)"}`,
      );
    throw e;
  }
}

/** Writes a checkpoint of the run as it stands; it becomes run.lastCheckpoint. */
async function checkpoint(run: Run, wallSeconds: number): Promise<void> {
  run.lastCheckpoint = await writeCheckpoint(run.session.dir, run.net, run.adam, {
    timestep: run.timestep,
    iteration: run.iteration,
    schedulerStep: run.learner.schedulerStep,
    wallSeconds,
    rng: rngStates(run.rngs),
    metrics: run.metrics.state,
    games: run.selfplay.snapshot(),
  });
  run.say(`checkpoint written: ${run.lastCheckpoint}`);
}

/** What the view sees: frames built from the run's data, only when the view wants one. */
class Show {
  private record: MetricsRecord = {};
  private elo: TrainerFrame["elo"] = null;
  private weightStats: TrainerFrame["weightStats"] = [];
  private timestep: number;

  constructor(
    private readonly run: Run,
    private readonly o: TrainOptions,
    private readonly wall: () => number,
  ) {
    this.timestep = run.timestep;
  }

  /** During a rollout: the live game, at the steps collected so far. */
  step(timestep: number): void {
    const view = this.o.view;
    if (!view || !(view.wantsFrame?.() ?? true)) return;
    this.timestep = timestep;
    view.update(this.frame());
  }

  /** After an iteration: its record, the newest Elo and (on a live dashboard) weight statistics. */
  async iteration(record: MetricsRecord, evaluation: EvaluationOutcome | null): Promise<void> {
    this.record = record;
    this.timestep = this.run.timestep;
    if (evaluation?.elo) this.elo = evaluation.elo;
    const filters = this.run.config.display.log_layer_keyword_filters;
    if (this.o.view?.live && filters.length > 0) this.weightStats = await weightStatistics(this.run.net, filters);
    this.o.view?.update(this.frame());
  }

  frame(): TrainerFrame {
    const { run } = this;
    const c = run.config;
    const g = run.selfplay.position(0);
    const moves = run.selfplay.movesOf(0);
    return {
      runName: run.session.runName,
      backend: run.backend.info.description,
      timestep: this.timestep,
      totalTimesteps: c.training.total_timesteps,
      iteration: run.iteration,
      elapsedSeconds: this.wall(),
      record: this.record,
      history: run.metrics.state.history,
      game: c.display.enable_board_display
        ? {
            sfen: g.toSfen(),
            recentMoves: Array.from(moves.slice(-c.display.move_list_length), moveToUsi),
            ply: g.ply,
            gameIndex: 0,
          }
        : null,
      config: c,
      weightStats: this.weightStats,
      elo: this.elo,
    };
  }
}

/** Mean, std, min, max of each parameter tensor whose name contains one of the keywords. */
export async function weightStatistics(net: Network, keywords: string[]): Promise<TrainerFrame["weightStats"]> {
  // Reads back only the matching tensors: the whole 9×256 parameter buffer is 53 MB.
  const stats: TrainerFrame["weightStats"] = [];
  for (const e of net.table.tensors.filter((t) => keywords.some((k) => t.name.includes(k)))) {
    const v = await net.backend.read(net.params, e.offset, e.size);
    let sum = 0,
      sq = 0,
      min = Infinity,
      max = -Infinity;
    for (const x of v) {
      sum += x;
      sq += x * x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const mean = sum / v.length;
    stats.push({ name: e.name, mean, std: Math.sqrt(Math.max(0, sq / v.length - mean * mean)), min, max });
  }
  return stats;
}
