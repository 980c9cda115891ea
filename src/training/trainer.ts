// The Trainer: builds a run from one Config and drives the loop
//
//   collect a rollout (vectorised self-play, one batched forward pass per step)
//   → bootstrap + GAE per colour → PPO update → metrics record → callbacks → display
//
// The managers it composes take data and return data and never reach back into it: the session
// (run directory, log), the model (network, Adam, checkpoints), self-play (rl/selfplay.ts: the
// env and step managers), the PPO learner (rl/ppo.ts), metrics, callbacks, display.

import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { Backend } from "../compute/backend.ts";
import { createBackend } from "../compute/device.ts";
import type { Config } from "../config/schema.ts";
import { Random } from "../util/random.ts";
import { RolloutBuffer } from "../rl/buffer.ts";
import { NetworkPolicy } from "../rl/network-policy.ts";
import { NonFiniteLossError, PpoLearner } from "../rl/ppo.ts";
import { scheduleTotalSteps } from "../rl/schedules.ts";
import { type ActBatch, type ActingPolicy, type FinishedGame, SelfPlay } from "../rl/selfplay.ts";
import { OBS_SIZE } from "../shogi/features.ts";
import { moveToUsi } from "../shogi/sfen.ts";
import { EloRegistry, padToFixedBatch } from "../evaluation/index.ts";
import { type CallbackContext, defaultCallbacks, EvaluationCallback, type TrainingCallback } from "./callbacks.ts";
import { checkpointLoader } from "../evaluation/checkpoint-player.ts";
import { CheckpointError, listCheckpoints, readTrainerState, rngStates, type TrainerState, writeCheckpoint } from "./checkpoints.ts";
import { type MetricsRecord, MetricsManager } from "./metrics.ts";
import { loadCheckpoint, readOptimizerState, saveCheckpoint } from "../models/checkpoint.ts";
import { modelFactory } from "../models/factory.ts";
import type { Network } from "../models/network.ts";
import { Adam } from "../models/optimizer.ts";
import { newestRunWithCheckpoint, openSession, type Session, SessionError } from "./session.ts";
import { TensorBoardWriter } from "./tensorboard.ts";
import type { DashboardFrame } from "./display/frame.ts";

/** What the trainer shows while it runs (the display module implements it; tests may pass their own). */
export interface TrainerView {
  /** A live dashboard (weight statistics are computed only for one). */
  readonly live?: boolean;
  /** Whether update() would draw now (frames are not built when it would not). */
  wantsFrame?(): boolean;
  update(frame: TrainerFrame): void;
  log(line: string): void;
  close(final?: TrainerFrame): void;
}

/** Everything a display may read: data only, computed by the trainer (display/frame.ts documents each field). */
export type TrainerFrame = DashboardFrame;

export class TrainingError extends Error {
  override name = "TrainingError";
}

export interface TrainOptions {
  /** "latest" (the newest checkpoint of --run-name's run, else of the newest run) or a checkpoint path. */
  resume?: string;
  view?: TrainerView;
  /** Set `stop` to finish the current step, write a checkpoint and return. */
  signal?: { stop: boolean };
  callbacks?: TrainingCallback[];
  backend?: Backend;
}

export interface TrainResult {
  runDir: string;
  timestep: number;
  iteration: number;
  stoppedEarly: boolean;
  lastCheckpoint: string | null;
}

/** Rollout size: steps_per_epoch rounded up to whole lock-step rounds of num_envs games. */
export function rolloutSize(c: Config): number {
  return Math.ceil(c.training.steps_per_epoch / c.training.num_envs) * c.training.num_envs;
}

/** Checks what the schema alone cannot: fields that must agree with each other. */
export function checkTrainingConfig(c: Config): void {
  const t = c.training;
  const R = rolloutSize(c);
  if (t.minibatch_size > R) throw new TrainingError(`training.minibatch_size (${t.minibatch_size}) is larger than a rollout (${R} transitions: steps_per_epoch rounded up to num_envs)`);
  if (t.mixed_precision) throw new TrainingError("training.mixed_precision: not supported yet (keisei's kernels are f32 only); set it to false");
  if (t.model_type === "resnet" && t.tower_depth < 1) throw new TrainingError("training.tower_depth must be at least 1 for the resnet model");
  if (t.model_type === "cnn" && t.policy_head !== "dense") throw new TrainingError(`training.policy_head ${t.policy_head} needs model_type resnet (the cnn has only the dense head)`);
}

/** A fresh network of the configured architecture, initialised from `seed` (the trainer's, and the learning bench's untrained baseline). */
export function networkOf(backend: Backend, t: Config["training"], seed: number): Network {
  return modelFactory(backend, t.model_type, { depth: t.tower_depth, width: t.tower_width, seRatio: t.se_ratio, policyHead: t.policy_head }, { seed });
}

/** Resolves --resume to a checkpoint's trainer-state JSON. */
function resolveResume(resume: string, c: Config): string {
  if (resume !== "latest") return resume;
  const dir = c.logging.run_name ? join(c.logging.model_dir, c.logging.run_name) : newestRunWithCheckpoint(c.logging.model_dir);
  if (!dir) throw new CheckpointError(`--resume latest: no run with a checkpoint under ${c.logging.model_dir}`);
  const newest = listCheckpoints(dir)[0];
  if (!newest) throw new CheckpointError(`--resume latest: no complete checkpoint in ${dir}`);
  return newest.json;
}

export async function train(config: Config, o: TrainOptions = {}): Promise<TrainResult> {
  checkTrainingConfig(config);
  const t = config.training;
  const resumeFrom = o.resume ? readTrainerState(resolveResume(o.resume, config)) : null;
  // The backend first: a missing GPU must fail before a run directory is made.
  const backend = o.backend ?? (await createBackend(config.env.device));
  const session: Session = openSession(config, { resumeDir: resumeFrom?.dir });
  const view = o.view;
  const say = (line: string) => {
    session.log(line);
    view?.log(line);
  };

  const backendLine = backend.info.description; // names the fallback reason, if any
  say(`run ${session.runName} in ${session.dir}`);
  say(`compute backend: ${backendLine}`);

  // Random sources, forked from the one seed in a fixed order.
  const master = new Random(config.env.seed);
  const weightSeed = master.nextU32();
  const rngs = { policy: master.fork(), ppo: master.fork() };

  let net: Network;
  const adamConfig = { lr: t.learning_rate, weightDecay: t.weight_decay, maxGradNorm: t.gradient_clip_max_norm };
  let adam: Adam;
  let state: Omit<TrainerState, "format" | "weights"> = { timestep: 0, iteration: 0, schedulerStep: 0, wallSeconds: 0, rng: {}, metrics: undefined as never, games: [] };
  if (resumeFrom) {
    const loaded = loadCheckpoint(backend, resumeFrom.weights);
    net = loaded.net;
    const want = { type: t.model_type, depth: t.model_type === "resnet" ? t.tower_depth : 0, width: t.model_type === "resnet" ? t.tower_width : 16, head: t.policy_head };
    if (net.arch.type !== want.type || net.arch.depth !== want.depth || net.arch.width !== want.width || net.arch.policyHead !== want.head)
      throw new TrainingError(`${resumeFrom.weights} holds a ${net.arch.type} ${net.arch.depth}×${net.arch.width} network with a ${net.arch.policyHead} policy head; the config asks for ${want.type} ${want.depth}×${want.width} with a ${want.head} one`);
    adam = new Adam(net, adamConfig);
    // The optimizer file the JSON names (readTrainerState checked it exists); a format-1 checkpoint keeps it inside the weights file.
    const moments = resumeFrom.optimizer ? readOptimizerState(resumeFrom.optimizer, net, resumeFrom.weights) : loaded.optimizer;
    if (!moments) throw new CheckpointError(`${resumeFrom.weights} has no optimizer state; it cannot be resumed (it can be evaluated)`);
    adam.writeState(moments);
    state = resumeFrom.state;
    for (const [k, r] of Object.entries(rngs)) if (state.rng[k]) r.state = state.rng[k];
    say(`resumed from ${resumeFrom.weights} at timestep ${state.timestep}, iteration ${state.iteration}`);
  } else {
    net = networkOf(backend, t, weightSeed);
    adam = new Adam(net, adamConfig);
  }
  say(`model ${t.model_type} ${net.arch.depth}×${net.arch.width} SE ${net.arch.seRatio}, ${net.arch.policyHead} policy head: ${net.numParameters.toLocaleString("en-US")} parameters`);
  await net.prepare();

  const R = rolloutSize(config);
  const rules = { maxMovesPerGame: config.env.max_moves_per_game, impasse: config.env.impasse };
  const selfplay = new SelfPlay(t.num_envs, rules, { materialShaping: t.material_shaping });
  if (resumeFrom) selfplay.restore(resumeFrom.state.games);
  const policy = new NetworkPolicy(net, t.num_envs, rngs.policy);
  let inferenceSeconds = 0;
  const timedPolicy: ActingPolicy = {
    async act(b: ActBatch) {
      const t0 = performance.now();
      await policy.act(b);
      inferenceSeconds += (performance.now() - t0) / 1000;
    },
  };
  const learner = new PpoLearner(
    net,
    adam,
    {
      epochs: t.ppo_epochs,
      minibatchSize: t.minibatch_size,
      clipEpsilon: t.clip_epsilon,
      valueLossCoeff: t.value_loss_coeff,
      entropyCoef: t.entropy_coef,
      normalizeAdvantages: t.normalize_advantages,
      enableValueClipping: t.enable_value_clipping,
      targetKl: t.target_kl,
      learningRate: t.learning_rate,
      schedule: { type: t.lr_schedule_type, kwargs: t.lr_schedule_kwargs, stepOn: t.lr_schedule_step_on },
      scheduleTotalSteps: scheduleTotalSteps(t.total_timesteps, R, t.ppo_epochs, t.minibatch_size, t.lr_schedule_step_on),
    },
    rngs.ppo,
  );
  learner.schedulerStep = state.schedulerStep;
  const metrics = new MetricsManager(100, config.display.trend_history_length, resumeFrom?.state.metrics);
  const tensorboard = new TensorBoardWriter(session.dir);
  if (!resumeFrom) tensorboard.text(0, "hyperparameters", hyperparameterTable(config));
  const metricsPath = join(session.dir, "metrics.jsonl");
  // Periodic evaluation plays the live network (greedy, sharing the acting plan) and rates it.
  const ev = config.evaluation;
  const registry = ev.enable_periodic_evaluation ? EloRegistry.open(config.logging.model_dir, { k: ev.elo_k_factor, initial: ev.elo_initial_rating, poolSize: ev.previous_model_pool_size }) : null;
  const loader = registry ? checkpointLoader(backend, t.num_envs) : null;
  const evalAgent = registry ? padToFixedBatch(new NetworkPolicy(net, t.num_envs, new Random(config.env.seed ^ 0x5eed), true), t.num_envs) : null;
  const callbacks = o.callbacks ?? defaultCallbacks(config, registry && loader && evalAgent ? [new EvaluationCallback(evalAgent, registry, loader.load)] : []);

  let timestep = state.timestep;
  let iteration = state.iteration;
  const wallBase = state.wallSeconds;
  const started = performance.now();
  const wall = () => wallBase + (performance.now() - started) / 1000;
  let lastRecord: MetricsRecord = {};
  let lastCheckpoint: string | null = resumeFrom?.weights ?? null;
  let elo: TrainerFrame["elo"] = null;
  let weightStats: TrainerFrame["weightStats"] = [];

  const snapshot = (): Omit<TrainerState, "format" | "weights"> => ({
    timestep, iteration, schedulerStep: learner.schedulerStep, wallSeconds: wall(), rng: rngStates(rngs), metrics: metrics.state, games: selfplay.snapshot(),
  });
  const checkpoint = async (): Promise<string> => {
    lastCheckpoint = await writeCheckpoint(session.dir, net, adam, snapshot());
    say(`checkpoint written: ${lastCheckpoint}`);
    return lastCheckpoint;
  };
  const frame = (message?: string): TrainerFrame => {
    const g = selfplay.position(0);
    const moves = selfplay.movesOf(0);
    return {
      runName: session.runName, backend: backendLine, timestep, totalTimesteps: t.total_timesteps, iteration, elapsedSeconds: wall(),
      record: lastRecord, history: metrics.state.history,
      game: config.display.enable_board_display ? { sfen: g.toSfen(), recentMoves: Array.from(moves.slice(-config.display.move_list_length), moveToUsi), ply: g.ply, gameIndex: 0 } : null,
      config: session.config, weightStats, elo, message,
    };
  };
  const ctx: CallbackContext = { config: session.config, session, net, backend, say, checkpoint, lastCheckpoint: () => lastCheckpoint, setElo: (e) => (elo = e) };

  let stoppedEarly = false;
  try {
    while (timestep < t.total_timesteps) {
      // 1. Collect a rollout.
      const buffer = new RolloutBuffer(R, OBS_SIZE, t.num_envs);
      const rolloutStart = performance.now();
      const timestepAtStart = timestep;
      inferenceSeconds = 0;
      let stepCount = 0;
      while (buffer.size + t.num_envs <= R) {
        if (o.signal?.stop) break;
        const finished: FinishedGame[] = await selfplay.step(timedPolicy, buffer);
        // On the CPU backend every await above resolves as a microtask: without a turn of the event
        // loop, timers and signal handlers (Ctrl-C, the sweep watchdog) would never run.
        await yieldToEventLoop();
        metrics.addGames(finished);
        timestep += t.num_envs;
        if (++stepCount % config.training.render_every_steps === 0 && view && (view.wantsFrame?.() ?? true)) view.update(frame());
      }
      if (o.signal?.stop) {
        timestep = timestepAtStart; // the partial rollout is not trained on
        stoppedEarly = true;
        break;
      }
      await selfplay.finishRollout(timedPolicy, buffer, t.gamma, t.lambda_gae);
      const selfplaySeconds = (performance.now() - rolloutStart) / 1000;

      // 2. Update.
      const updateStart = performance.now();
      let ppo;
      try {
        ppo = await learner.update(buffer);
      } catch (e) {
        if (e instanceof NonFiniteLossError)
          throw new TrainingError(`iteration ${iteration + 1} (timestep ${timestep}): ${e.message}; stopping. The last good checkpoint is ${lastCheckpoint ?? "none (no checkpoint was written yet)"}`);
        throw e;
      }
      const updateSeconds = (performance.now() - updateStart) / 1000;
      iteration++;

      // 3. Record.
      lastRecord = metrics.record({
        timestep, iteration, wallSeconds: wall(),
        timing: { selfplaySeconds, inferenceSeconds, updateSeconds, steps: timestep - timestepAtStart },
        ppo: ppo as unknown as Record<string, number>,
      });
      if (view?.live && config.display.log_layer_keyword_filters.length > 0) weightStats = await weightStatistics(net, config.display.log_layer_keyword_filters);

      // 4. Callbacks (checkpoints, evaluation) may add to the record.
      for (const cb of callbacks) Object.assign(lastRecord, await cb.afterIteration(ctx, { timestep, previousTimestep: timestepAtStart, iteration, record: lastRecord }));
      appendFileSync(metricsPath, `${JSON.stringify({ wall_time: Date.now() / 1000, ...finite(lastRecord) })}\n`);
      tensorboard.scalars(timestep, lastRecord);
      session.log(summaryLine(lastRecord));
      view?.update(frame());
    }
    if (stoppedEarly) say(`stopped at timestep ${timestep} (iteration ${iteration}) on request`);
    if (lastCheckpoint === null || !lastCheckpoint.endsWith(`checkpoint_ts${timestep}.safetensors`)) await checkpoint();
    if (!stoppedEarly) {
      await saveCheckpoint(join(session.dir, "final_model.safetensors"), net, { metadata: { timestep: String(timestep) } });
      say(`final model written: ${join(session.dir, "final_model.safetensors")}`);
    }
  } finally {
    view?.close(frame());
    loader?.destroy();
    registry?.close();
    learner.destroy();
    policy.destroy();
    adam.destroy();
    net.destroy();
    if (!o.backend) backend.destroy();
  }
  return { runDir: session.dir, timestep, iteration, stoppedEarly, lastCheckpoint };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function finite(r: MetricsRecord): Record<string, number | null> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
}

function summaryLine(r: MetricsRecord): string {
  const f = (k: string, d = 4) => (Number.isFinite(r[k]) ? r[k].toFixed(d) : "-");
  return `iteration ${r.iteration} timestep ${r.timestep} SPS ${f("charts/SPS", 0)} policy_loss ${f("losses/policy_loss")} value_loss ${f("losses/value_loss")} entropy ${f("losses/entropy", 3)} approx_kl ${f("losses/approx_kl", 5)} clipfrac ${f("losses/clipfrac", 3)} games ${r["charts/episodes"]} mean_length ${f("game/mean_length", 1)}`;
}

function hyperparameterTable(c: Config): string {
  const rows = Object.entries(c).flatMap(([section, fields]) => Object.entries(fields as Record<string, unknown>).map(([k, v]) => `|${section}.${k}|${JSON.stringify(v)}|`));
  return ["|param|value|", "|-|-|", ...rows].join("\n");
}

/** Mean, std, min, max of each parameter tensor whose name contains one of the keywords. */
export async function weightStatistics(net: Network, keywords: string[]): Promise<TrainerFrame["weightStats"]> {
  // Reads back only the matching tensors: the whole 9×256 parameter buffer is 53 MB.
  const stats: TrainerFrame["weightStats"] = [];
  for (const e of net.table.tensors.filter((t) => keywords.some((k) => t.name.includes(k)))) {
    const v = (await net.backend.read(net.params, e.offset, e.size)) as Float32Array;
    let sum = 0, sq = 0, min = Infinity, max = -Infinity;
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

export { SessionError };
