// The trainer: learning by self-play, in the order CleanRL's ppo.py reads —
//
//   open the run → per iteration: the algorithm's iteration
//       PPO:        collect a rollout → bootstrap → GAE → PPO update           (ppoIteration)
//       Gumbel AZ:  play by search into the replay → train from the replay     (azIteration)
//   → periodic evaluation and checkpoint (each returns what it did) → one metrics record → write, display
//
// Set-up (backend, run directory, network, resume) is run.ts; the parts each do one thing and hand
// back data: self-play (rl/selfplay.ts, rl/gumbel-selfplay.ts), the rollout and GAE (rl/buffer.ts,
// rl/gae.ts), PPO (rl/ppo.ts), Gumbel AZ (rl/gumbel.ts, rl/replay.ts, rl/az-learner.ts), evaluation
// (callbacks.ts), checkpoints, metrics. A stop (Ctrl-C, SIGTERM, SIGHUP) is honoured at every ply
// and every minibatch, and always leaves a checkpoint that resumes exactly.

import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import type { ActBatch, ActingPolicy } from "../rl/acting.ts";
import type { AzMetrics } from "../rl/az-learner.ts";
import type { FinishedGame, GameSnapshot } from "../rl/selfplay.ts";
import { RolloutBuffer } from "../rl/buffer.ts";
import { computeGae } from "../rl/gae.ts";
import { NonFiniteLossError, type PpoMetrics } from "../rl/ppo.ts";
import { OBS_SIZE } from "../shogi/features.ts";
import { moveToUsi } from "../shogi/sfen.ts";
import { saveCheckpoint } from "../models/checkpoint.ts";
import type { Network } from "../models/network.ts";
import type { AdamState } from "../models/optimizer.ts";
import { crossed, type EvaluationOutcome } from "./callbacks.ts";
import { checkpointStem, rngStates, writeCheckpoint } from "./checkpoints.ts";
import { finiteRecord, type IterationTiming, type MetricsRecord, summaryLine } from "./metrics.ts";
import { appendWhole } from "./run-files.ts";
import { type AzParts, openRun, type PpoParts, type Run, type TrainerFrame, type TrainOptions } from "./run.ts";

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

/** The loss became non-finite: training stops (exit status 1: not the input's fault, but the run's). */
export class TrainingDiverged extends Error {
  override name = "TrainingDiverged";
}

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
  let completed = false;
  try {
    while (run.timestep < t.total_timesteps) {
      const previous = run.timestep;
      // 1–4. The algorithm's iteration: collect a rollout of self-play, then learn from it.
      const step =
        run.algo.kind === "ppo"
          ? await ppoIteration(run, run.algo, o.signal, show)
          : await azIteration(run, run.algo, o.signal, show);
      if (step === null) {
        stoppedEarly = true;
        show.at(pliesPlayed(run));
        break;
      }
      const { timing, learned } = step;
      run.timestep += timing.steps; // plies played (the learner's own transitions are fewer in pool games)
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
        learned,
        pool: run.pool.metrics(),
        parallel: run.feed?.metrics(run.algo.kind === "ppo" ? run.algo.learner.behaviourGap : null),
        evaluation: evaluation?.metrics,
      });
      // 7. Checkpoint (its state holds this iteration's metrics); the newest checkpoint joins the evaluation pool.
      if (crossed(previous, run.timestep, t.checkpoint_interval_timesteps)) {
        // It joins the opponent pool first, so that the checkpoint's pool state holds it (exact resume).
        run.pool.enter(join(run.session.dir, `${checkpointStem(run.timestep)}.safetensors`));
        await checkpoint(run, wall());
      }
      if (evaluation && run.lastCheckpoint) run.evaluation?.enterPool(run.lastCheckpoint);
      // 8. Write (metrics.jsonl, TensorBoard, the log) and display.
      write(run, record);
      await show.iteration(record, evaluation);
    }
    await finish(run, stoppedEarly, wall());
    completed = !stoppedEarly;
  } finally {
    o.view?.close(show.frame());
    await run.feed?.close(completed);
    run.close();
  }
  const { session, iteration, lastCheckpoint } = run;
  return { runDir: session.dir, timestep: pliesPlayed(run), iteration, stoppedEarly, lastCheckpoint };
}

/** The iteration's record to metrics.jsonl (one JSON line), TensorBoard and the run's log. */
function write(run: Run, record: MetricsRecord): void {
  appendWhole(run.metricsPath, `${JSON.stringify({ wall_time: Date.now() / 1000, ...finiteRecord(record) })}\n`);
  run.tensorboard.scalars(run.timestep, record);
  run.session.log(summaryLine(record));
}

/** The end of a run: a checkpoint of where it stopped (unless one exists), and the final model when it ran to the end. */
async function finish(run: Run, stoppedEarly: boolean, wallSeconds: number): Promise<void> {
  if (stoppedEarly) run.say(`stopped at timestep ${pliesPlayed(run)} (iteration ${run.iteration}) on request`);
  if (!run.lastCheckpoint?.endsWith(`${checkpointStem(pliesPlayed(run))}.safetensors`))
    await checkpoint(run, wallSeconds);
  if (stoppedEarly) return;
  const final = join(run.session.dir, "final_model.safetensors");
  await saveCheckpoint(final, run.net, { metadata: { ...valueMetadata(run), timestep: String(run.timestep) } });
  run.say(`final model written: ${final}`);
}

type Timing = IterationTiming & { startedAt: number };

const newTiming = (steps = 0): Timing => ({
  startedAt: performance.now(),
  selfplaySeconds: 0,
  inferenceSeconds: 0,
  updateSeconds: 0,
  steps,
});

/** On the CPU backend every await resolves as a microtask: a turn of the event loop lets timers and signal handlers (Ctrl-C, the sweep watchdog) run. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * PPO's iteration, as CleanRL's ppo.py: collect a rollout → bootstrap → GAE → update. Asked to
 * stop during the rollout, it puts the run back as it was when the rollout began (the partial
 * rollout is not trained on) and returns null.
 */
async function ppoIteration(
  run: Run,
  ppo: PpoParts,
  signal: { stop: boolean } | undefined,
  show: Show,
): Promise<{ timing: Timing; learned: PpoMetrics } | null> {
  const t = run.config.training;
  // 1. Collect a rollout: num_envs games in lock-step, one batched forward pass per ply — or, with
  //    actors, their segments from the store, already bootstrapped (actors/feed.ts).
  const rollout = run.feed ? await fromActors(run, run.feed, signal) : await collect(run, ppo, signal, show);
  if ("stopped" in rollout) {
    ppo.selfplay.restore(rollout.stopped.games);
    for (const [k, r] of Object.entries(run.rngs)) r.state = rollout.stopped.rng[k];
    return null;
  }
  const { buffer, timing, before } = rollout;
  // 2. Bootstrap: the value of every game's current position cuts the trajectories still in progress.
  if (!run.feed) await ppo.selfplay.bootstrap(timed(ppo.policy, timing), buffer);
  timing.selfplaySeconds = (performance.now() - timing.startedAt) / 1000;
  // 3. Advantages: shaping rewards, then GAE per trajectory (one colour of one game).
  buffer.addShapingRewards(t.gamma);
  computeGae(buffer, buffer.size, t.gamma, t.lambda_gae, buffer.advantages, buffer.returns);
  // 4. PPO update (a stop during it puts the learner back, and the run to the rollout's start).
  const updateStart = performance.now();
  const learned = await learn(run, signal, show, (progress) => ppo.learner.update(buffer, progress));
  if (learned === null) {
    ppo.selfplay.restore(before.games);
    for (const [k, r] of Object.entries(run.rngs)) r.state = before.rng[k];
    await run.feed?.release(run.iteration); // the rollout goes back to the store for the resumed run
    return null;
  }
  // 5. With actors: the new weights, published for them.
  await run.feed?.publish(run.net);
  timing.updateSeconds = (performance.now() - updateStart) / 1000;
  return { timing, learned };
}

/**
 * The rollout from the actors (actors/feed.ts): waits for enough fresh segments in the store,
 * claims them for this iteration and rebuilds them into a buffer, cut and bootstrapped as the
 * actors played them. Asked to stop while waiting, it returns the run as it was.
 */
async function fromActors(
  run: Run,
  feed: NonNullable<Run["feed"]>,
  signal: { stop: boolean } | undefined,
): Promise<{ buffer: RolloutBuffer; timing: Timing; before: RunPoint } | { stopped: RunPoint }> {
  const timing = newTiming();
  const before = { games: run.algo.selfplay.snapshot() as GameSnapshot[], rng: rngStates(run.rngs) };
  const got = await feed.collect(run.iteration + 1, run.rolloutSize, signal);
  if (got === null) return { stopped: before };
  timing.steps = got.buffer.size;
  run.metrics.addGames(got.games);
  return { buffer: got.buffer, timing, before };
}

/**
 * Gumbel AlphaZero's iteration: num_envs games in lock-step, every move chosen by the Gumbel
 * search (one batched evaluation per simulation round), each decision into the replay with its
 * improved policy and, when the game ends, its outcome; then the learner trains on the replay as
 * much as the replay ratio allows. Self-play and the replay cannot be put back: asked to stop, it
 * keeps how far the iteration got (`partial`), which the stop checkpoint saves, and returns null.
 */
async function azIteration(
  run: Run,
  az: AzParts,
  signal: { stop: boolean } | undefined,
  show: Show,
): Promise<{ timing: Timing; learned: AzMetrics } | null> {
  const t = run.config.training;
  const timing = newTiming(az.partial);
  while (timing.steps + t.num_envs <= run.rolloutSize) {
    if (signal?.stop) break;
    // Counted at once: a stopped iteration resumes where it stopped, with these games counted.
    run.metrics.addGames(await az.selfplay.step(az.search, az.learner.replay));
    await yieldToEventLoop();
    timing.steps += t.num_envs;
    show.collected(timing, timing.steps - az.partial);
    if ((timing.steps / t.num_envs) % t.render_every_steps === 0) show.step(run.timestep + timing.steps);
  }
  if (signal?.stop) {
    az.partial = timing.steps;
    return null;
  }
  az.partial = 0;
  const search = az.selfplay.takeStats();
  timing.selfplaySeconds = (performance.now() - timing.startedAt) / 1000;
  timing.inferenceSeconds = search.seconds;
  const updateStart = performance.now();
  const learned = await learn(run, signal, show, (progress) => az.learner.update(search, progress));
  if (learned === null) {
    az.partial = timing.steps; // every ply played: the resumed run starts with this update
    return null;
  }
  timing.updateSeconds = (performance.now() - updateStart) / 1000;
  return { timing, learned };
}

/**
 * Plays one rollout's worth of lock-step self-play into a fresh buffer. Asked to stop first, it
 * returns the games and random states as they were when it began: a checkpoint of those resumes
 * exactly where an uninterrupted run would be.
 */
async function collect(
  run: Run,
  ppo: PpoParts,
  signal: { stop: boolean } | undefined,
  show: Show,
): Promise<{ buffer: RolloutBuffer; timing: Timing; before: RunPoint } | { stopped: RunPoint }> {
  const t = run.config.training;
  const buffer = new RolloutBuffer(run.rolloutSize, OBS_SIZE, t.num_envs);
  const timing = newTiming();
  const policy = timed(ppo.policy, timing);
  const opponents = await run.pool.policies(); // the pool's checkpoints, loaded once they enter
  const before = { games: ppo.selfplay.snapshot(), rng: rngStates(run.rngs) };
  // Games finished in this rollout count once it completes: a stopped rollout leaves the metrics as they were.
  const finished: FinishedGame[] = [];
  while (timing.steps + t.num_envs <= run.rolloutSize) {
    if (signal?.stop) return { stopped: before };
    finished.push(...(await ppo.selfplay.step(policy, buffer, opponents)));
    await yieldToEventLoop();
    timing.steps += t.num_envs;
    show.collected(timing, timing.steps);
    if ((timing.steps / t.num_envs) % t.render_every_steps === 0) show.step(run.timestep + timing.steps);
  }
  if (signal?.stop) return { stopped: before };
  run.metrics.addGames(finished);
  run.pool.record(finished);
  return { buffer, timing, before };
}

/** Where a run stands between rollouts: the games in progress and the random states. */
interface RunPoint {
  games: GameSnapshot[];
  rng: ReturnType<typeof rngStates>;
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

/** Thrown from an update's progress callback when a stop is asked for: the update is abandoned. */
class UpdateInterrupted extends Error {}

/** What an update changes, taken before it: put back when a stop interrupts it. */
interface LearnerPoint {
  params: Float32Array;
  stats: Float32Array;
  adam: AdamState;
  schedulerStep: number;
  rng: ReturnType<typeof rngStates>;
  /** gumbel_az: the replay's count of samples drawn. */
  sampled: number;
}

async function learnerPoint(run: Run): Promise<LearnerPoint> {
  return {
    params: await run.net.readParameters(),
    stats: await run.net.readStats(),
    adam: await run.adam.readState(),
    schedulerStep: run.algo.learner.schedulerStep,
    rng: rngStates(run.rngs),
    sampled: run.algo.kind === "gumbel_az" ? run.algo.learner.replay.sampled : 0,
  };
}

function restoreLearner(run: Run, p: LearnerPoint): void {
  run.net.writeParameters(p.params);
  run.net.writeStats(p.stats);
  run.adam.writeState(p.adam);
  run.algo.learner.schedulerStep = p.schedulerStep;
  for (const [k, r] of Object.entries(run.rngs)) r.state = p.rng[k];
  if (run.algo.kind === "gumbel_az") run.algo.learner.replay.sampled = p.sampled;
}

/**
 * The learner's update, its progress shown. A stop asked for during it abandons it and puts the
 * learner back as it was (null): a long update (minutes on a big net) never holds up a stop, and
 * the stop checkpoint is the run before the update. A non-finite loss stops training, naming the
 * last good checkpoint.
 */
async function learn<M>(
  run: Run,
  signal: { stop: boolean } | undefined,
  show: Show,
  update: (progress: (done: number, planned: number) => Promise<void>) => Promise<M>,
): Promise<M | null> {
  const point = await learnerPoint(run);
  const started = performance.now();
  try {
    let minibatches = 0;
    const metrics = await update(async (done, planned) => {
      minibatches = done;
      show.updating(done, planned, (performance.now() - started) / 1000);
      if (run.feed) await run.feed.alive(); // a long update still shows the learner alive in the store
      await yieldToEventLoop();
      if (signal?.stop && done < planned) throw new UpdateInterrupted();
    });
    if (minibatches > 0)
      run.pace.update = updatePace(run, (performance.now() - started) / 1000, minibatches, minibatches);
    return metrics;
  } catch (e) {
    if (e instanceof UpdateInterrupted) {
      restoreLearner(run, point);
      return null;
    }
    if (e instanceof NonFiniteLossError)
      throw new TrainingDiverged(
        `iteration ${run.iteration + 1} (timestep ${run.timestep + run.rolloutSize}): ${e.message}; stopping. The last good checkpoint is ${run.lastCheckpoint ?? "none (no checkpoint was written yet)"}`,
      );
    throw e;
  }
}

/**
 * Seconds of update per ply played, from `done` of `planned` minibatches taking `seconds`. PPO
 * trains each rollout once (its planned minibatches); Gumbel AZ trains replay_ratio samples per ply
 * on average, whatever the backlog a single update catches up on.
 */
function updatePace(run: Run, seconds: number, done: number, planned: number): number {
  const t = run.config.training;
  return run.algo.kind === "ppo"
    ? seconds / (done / planned) / run.rolloutSize
    : (seconds / (done * t.minibatch_size)) * t.replay_ratio;
}

/** Plies played in all: the iteration's start, plus (gumbel_az, stopped inside an iteration) the plies of it already played. */
const pliesPlayed = (run: Run) => run.timestep + (run.algo.kind === "gumbel_az" ? run.algo.partial : 0);

/** What a reader of the weights must know of the value head: the material shaping it learned under (models/checkpoint.ts valueShapingOf). */
const valueMetadata = (run: Run) => ({ material_shaping: String(run.config.training.material_shaping) });

/** Writes a checkpoint of the run as it stands; it becomes run.lastCheckpoint. */
async function checkpoint(run: Run, wallSeconds: number): Promise<void> {
  const { algo } = run;
  const partial = algo.kind === "gumbel_az" ? algo.partial : 0;
  run.lastCheckpoint = await writeCheckpoint(
    run.session.dir,
    run.net,
    run.adam,
    {
      timestep: pliesPlayed(run),
      iteration: run.iteration,
      schedulerStep: algo.learner.schedulerStep,
      wallSeconds,
      rng: rngStates(run.rngs),
      metrics: run.metrics.state,
      games: algo.selfplay.snapshot(),
      pool: run.pool.state,
      ...(partial > 0 ? { partialSteps: partial } : {}),
    },
    algo.kind === "gumbel_az" ? algo.learner.replay.state() : undefined,
    valueMetadata(run),
  );
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

  private announced = false;
  /** During an update: the fraction of its minibatches done. */
  private updated: number | null = null;

  /** After each lock-step ply: self-play's pace over the `played` plies since timing began. */
  collected(timing: Timing, played: number): void {
    this.run.pace.collect = (performance.now() - timing.startedAt) / 1000 / played;
  }

  /**
   * After each minibatch of an update: its progress (a plain-line log prints it at its interval, so
   * a long update is never silent), and once the first one of the process is timed, a warning if
   * the rest of the run is long.
   */
  updating(done: number, planned: number, seconds: number): void {
    const { run } = this;
    this.updated = done / planned;
    run.pace.update = updatePace(run, seconds, done, planned);
    this.timestep = run.timestep + run.rolloutSize;
    if (!this.announced) {
      this.announced = true;
      const { kind, adapter } = run.backend.info;
      const left = run.config.training.total_timesteps - run.timestep;
      const warning = run.pace.longRunWarning(
        left,
        adapter ? `${kind} (${adapter.description})` : `the ${kind} backend`,
      );
      if (warning) run.say(warning);
    }
    const view = this.o.view;
    if (view && (view.wantsFrame?.() ?? true)) view.update(this.frame());
  }

  /** A stopped run: the plies it stands at. */
  at(timestep: number): void {
    this.updated = null;
    this.timestep = timestep;
  }

  /** During a rollout: the live game, at the steps collected so far. */
  step(timestep: number): void {
    this.updated = null;
    const view = this.o.view;
    if (!view || !(view.wantsFrame?.() ?? true)) return;
    this.timestep = timestep;
    view.update(this.frame());
  }

  /** After an iteration: its record, the newest Elo and (on a live dashboard) weight statistics. */
  async iteration(record: MetricsRecord, evaluation: EvaluationOutcome | null): Promise<void> {
    this.updated = null;
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
    // With actors the learner plays no game: the newest game it rebuilt from their rollouts.
    const shown = run.feed?.shown;
    const g = shown ? shown.pos : run.algo.selfplay.position(0);
    const moves = shown ? shown.moves : run.algo.selfplay.movesOf(0);
    // Time left: what is still to play and learn, plus the update still owed to what was collected.
    const owed = this.updated === null ? this.timestep - run.timestep : (1 - this.updated) * run.rolloutSize;
    const eta = run.pace.secondsFor(c.training.total_timesteps - this.timestep) + owed * run.pace.updatePerStep();
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
      actors: run.feed?.actors() ?? null,
      etaSeconds: eta,
      etaIsLowerBound: !run.pace.complete,
      activity:
        this.updated === null
          ? run.feed
            ? "taking the actors' rollouts"
            : "self-play"
          : `${run.algo.kind === "ppo" ? "PPO" : "AZ"} update ${Math.round(this.updated * 100)}%`,
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
