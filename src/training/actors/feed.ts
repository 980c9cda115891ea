// The learner's side of the actors: the run registered in the rollout store, weights published
// there after every update, rollouts taken from it in place of the learner's own self-play, and
// the local actor processes `--actors N` starts. trainer.ts calls it where the single process
// would play: `collect` for the rollout, `publish` after the update.
//
// Policy lag. Every segment carries the weight version that played it; a segment more than
// parallel.max_policy_lag versions behind the learner's weights is dropped (stale, counted). The
// update is decoupled PPO (rl/ppo.ts): the clip is taken around the policy at the update's start,
// and each advantage is weighted by the truncated importance weight min(1, π_prox/μ) of the
// behaviour policy μ the actor recorded (V-trace's truncation), so stale data neither starts the
// update clipped nor counts beyond what the current policy would play; the value targets use the
// actor's value estimates, as IMPALA-style learners do. With lag 0, π_prox = μ and this is PPO.

import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { availableParallelism, hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import type { Config } from "../../config/schema.ts";
import type { Network } from "../../models/network.ts";
import type { RolloutBuffer } from "../../rl/buffer.ts";
import type { BehaviourGap } from "../../rl/ppo.ts";
import type { FinishedGame } from "../../rl/selfplay.ts";
import type { Position } from "../../shogi/position.ts";
import { keiseiProgram } from "../../util/process.ts";
import { fingerprint } from "./fingerprint.ts";
import { decodeSegment, fillRollout, finishedGames, type Segment, SegmentError } from "./segment.ts";
import { type ActorRow, type RolloutCounts, RolloutStore, weightVersionsKept } from "./store.ts";
import { weightBytes } from "./weights.ts";

export const PARALLEL_METRIC_NAMES = [
  "parallel/actors",
  "parallel/actor_steps_per_second",
  "parallel/actor_games_per_second",
  "parallel/policy_lag_mean",
  "parallel/policy_lag_max",
  "parallel/rollouts",
  "parallel/dropped_steps",
  "parallel/dropped_steps_total",
  "parallel/bad_rollouts_total",
  "parallel/wait_s",
  "parallel/behaviour_kl",
  "parallel/is_weight_mean",
  "parallel/is_weight_truncated",
  "parallel/inference_batch",
] as const;

/** Actors whose last report is older than this are not shown. */
const ACTOR_SEEN_MS = 30_000;

/** The actor processes `parallel.actors` asks for on this machine. */
export function localActorCount(p: Config["parallel"]): number {
  return p.actors === "auto" ? Math.max(1, availableParallelism() - 1) : p.actors;
}

/** Whether a run trains from actors (local ones, or remote ones through parallel.store). */
export const usesActors = (p: Config["parallel"]) => localActorCount(p) > 0 || p.store !== null;

/** The store a run's actors share: parallel.store, else an SQLite file in the run folder. */
export const storeUrl = (p: Config["parallel"], runDir: string) =>
  p.store ?? `sqlite://${join(runDir, "actors.sqlite")}`;

export interface Collected {
  buffer: RolloutBuffer;
  games: FinishedGame[];
  /** Seconds waiting for rollouts, and rebuilding them. */
  waitSeconds: number;
  rebuildSeconds: number;
}

/** An actor as the dashboard shows it. */
export interface ActorView {
  name: string;
  state: string;
  gamesPerSecond: number;
  stepsPerSecond: number;
  /** Versions its weights are behind the learner's. */
  lag: number;
}

export class ActorFeed {
  version = 0;
  /** The newest rebuilt game's position and its moves (the dashboard's board). */
  shown: { pos: Position; moves: number[] } | null = null;
  private children: { proc: Subprocess; index: number }[] = [];
  /** The inference server this learner started (parallel.inference: served), and its socket. */
  private server: { proc: Subprocess; socket: string } | null = null;
  /** When the server was started, within the last minute (a crashing server is not restarted forever). */
  private serverStarts: number[] = [];
  private lags: number[] = [];
  private droppedSteps = 0;
  /** The store's counts after the newest claim (totals over the run's life, restarts included). */
  private counts: RolloutCounts | null = null;
  private rollouts = 0;
  private waitSeconds = 0;
  private actorRows: ActorRow[] = [];
  /** When the learner last told the store it runs (publishing does too). */
  private heardAt = performance.now();

  private constructor(
    readonly store: RolloutStore,
    readonly url: string,
    readonly runName: string,
    private readonly config: Config,
    private readonly say: (line: string) => void,
  ) {}

  /**
   * Registers the run in the store (a resumed one puts back the rows claimed after its checkpoint's
   * iteration), publishes the learner's weights and starts the local actors.
   */
  static async open(
    config: Config,
    o: {
      runName: string;
      runDir: string;
      resumedAt: number | null;
      net: Network;
      /** The build's version text, stored with the run (an actor of another build is told it). */
      version: string;
      say: (line: string) => void;
      signal?: { stop: boolean };
    },
  ): Promise<ActorFeed> {
    const p = config.parallel;
    const url = storeUrl(p, o.runDir);
    const store = await RolloutStore.open(url, p.store === null ? "the run's actor store" : "parallel.store", {
      say: o.say,
      signal: o.signal,
    });
    const feed = new ActorFeed(store, url, o.runName, config, o.say);
    try {
      await store.registerRun(
        o.runName,
        config,
        fingerprint(o.version),
        `${hostname()}:${process.pid}`,
        o.resumedAt !== null,
      );
      if (o.resumedAt !== null) {
        const back = await store.release(o.runName, o.resumedAt);
        if (back > 0)
          o.say(
            `${back} rollouts claimed after iteration ${o.resumedAt} (training lost with the restart) are pending again`,
          );
      }
      await feed.publish(o.net);
      const n = localActorCount(p);
      const more = `more with: keisei actor --store ${p.store === null ? store.label : "<parallel.store>"} --run ${o.runName}`;
      if (p.inference === "served") {
        await feed.startServer();
        o.say(
          `actors: ${n} local processes playing the rules only, their positions evaluated by one inference server on the ${config.env.device} backend (up to ${n} × ${config.training.num_envs} rows a forward pass); rollout store ${store.label}; ${more} (each on its own backend)`,
        );
      } else
        o.say(
          `actors: ${n > 0 ? `${n} local processes (${p.actor_device} backend, ${p.actor_threads} thread${p.actor_threads > 1 ? "s" : ""} each)` : "none started here"}, each playing on its own backend; rollout store ${store.label}; ${more}`,
        );
      for (let k = 0; k < n; k++) feed.startLocal(k);
    } catch (e) {
      await feed.close(false);
      throw e;
    }
    return feed;
  }

  private startLocal(index: number): void {
    const p = this.config.parallel;
    const args = ["actor", "--store", this.url, "--run", this.runName, "--device", p.actor_device];
    if (this.server) args.push("--inference", this.server.socket);
    const proc = this.spawn(args, { KEISEI_CPU_THREADS: String(p.actor_threads) }, `actor ${index}`);
    this.children.push({ proc, index });
  }

  /**
   * Starts the inference server (parallel.inference: served) on the learner's device, and waits
   * until its socket accepts actors. The socket lives in the temporary folder: a Unix socket's
   * path is limited to about 100 bytes, which a run folder may exceed.
   */
  private async startServer(
    socket = join(tmpdir(), `keisei-${process.pid}-${randomBytes(4).toString("hex")}.sock`),
  ): Promise<void> {
    rmSync(socket, { force: true }); // a killed server's socket file: its successor's must be waited for
    const args = ["inference", "--store", this.url, "--run", this.runName, "--socket", socket];
    const proc = this.spawn([...args, "--device", this.config.env.device], {}, "inference");
    this.server = { proc, socket };
    this.serverStarts.push(performance.now());
    const deadline = performance.now() + 120_000; // a WebGPU device can take a while to come up
    while (!existsSync(socket)) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(
          `the inference server exited (${proc.exitCode ?? proc.signalCode}) before it listened; the run's log holds what it said`,
        );
      if (performance.now() > deadline)
        throw new Error(`the inference server did not listen on ${socket} within 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A child `keisei` process of this learner: it stops when the learner is gone, its lines go to the run's log. */
  private spawn(args: string[], env: Record<string, string>, name: string): Subprocess {
    const proc = Bun.spawn([...keiseiProgram(), ...args], {
      env: { ...process.env, ...env, KEISEI_ACTOR_PARENT: String(process.pid) },
      stdin: "ignore",
      stdout: "ignore",
      stderr: "pipe",
    });
    (async () => {
      const decoder = new TextDecoder();
      let rest = "";
      const reader = (proc.stderr as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        rest += decoder.decode(value, { stream: true });
        const lines = rest.split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) if (line.trim()) this.say(`${name}: ${line}`);
      }
      if (rest.trim()) this.say(`${name}: ${rest}`);
    })().catch(() => undefined);
    return proc;
  }

  /** Publishes the network's weights as the next version. */
  async publish(net: Network): Promise<void> {
    const kept = weightVersionsKept(this.config.parallel.max_policy_lag);
    this.version = await this.store.publish(this.runName, await weightBytes(net), (v) => v - (kept - 1));
    this.heardAt = performance.now();
  }

  /**
   * The rollout of iteration `iteration`: waits until the store holds `steps` fresh decisions, claims
   * them and rebuilds them into a buffer. null when a stop is asked for while waiting.
   */
  async collect(iteration: number, steps: number, signal?: { stop: boolean }): Promise<Collected | null> {
    const t = this.config.training;
    const p = this.config.parallel;
    const started = performance.now();
    this.droppedSteps = 0;
    let said = false;
    for (;;) {
      if (signal?.stop) return null;
      const r = await this.store.claim(this.runName, iteration, this.version, p.max_policy_lag, steps);
      this.droppedSteps += r.staleSteps;
      if (r.claimed.length > 0) {
        const segments: Segment[] = [];
        const lags: number[] = [];
        let bad = false;
        for (const row of r.claimed) {
          try {
            segments.push(decodeSegment(row.bytes));
            lags.push(row.lag);
          } catch (e) {
            if (!(e instanceof SegmentError)) throw e;
            this.say(`rollout ${row.id} from actor ${row.actor} is damaged (${e.message}); dropped`);
            await this.store.markBad(row.id);
            bad = true;
          }
        }
        if (bad) {
          await this.store.release(this.runName, iteration - 1); // the good ones go back; claim again
          continue;
        }
        const waitSeconds = (performance.now() - started) / 1000;
        const rebuilt = performance.now();
        let filled: ReturnType<typeof fillRollout>;
        try {
          filled = fillRollout(segments, {
            maxMovesPerGame: this.config.env.max_moves_per_game,
            materialShaping: t.material_shaping,
          });
        } catch (e) {
          if (!(e instanceof SegmentError)) throw e;
          // Which row failed to replay is not known here: drop the whole claim and say so.
          for (const row of r.claimed) await this.store.markBad(row.id);
          this.say(`rollouts ${r.claimed.map((c) => c.id).join(", ")} do not replay (${e.message}); dropped`);
          continue;
        }
        this.lags = lags;
        this.rollouts = r.claimed.length;
        this.waitSeconds = waitSeconds;
        if (filled.last) this.shown = { pos: filled.last, moves: filled.lastMoves };
        this.actorRows = await this.store.actors(this.runName, ACTOR_SEEN_MS);
        this.counts = await this.store.counts(this.runName);
        return {
          buffer: filled.buffer,
          games: segments.flatMap(finishedGames),
          waitSeconds,
          rebuildSeconds: (performance.now() - rebuilt) / 1000,
        };
      }
      await this.alive();
      const server = this.server;
      if (server && (server.proc.exitCode !== null || server.proc.signalCode !== null)) {
        // The actors wait and reconnect; a new server fetches the weights they play from the store.
        // One that keeps exiting is a fault to show, not to restart forever.
        const now = performance.now();
        this.serverStarts = this.serverStarts.filter((t) => now - t < 60_000);
        if (this.serverStarts.length >= 3)
          throw new Error(
            `the inference server exited ${this.serverStarts.length} times within a minute (last: ${server.proc.exitCode ?? server.proc.signalCode}); the run's log holds what it said`,
          );
        this.say(
          `the inference server exited (${server.proc.exitCode ?? server.proc.signalCode}); starting another on ${server.socket}`,
        );
        await this.startServer(server.socket);
      }
      if (!said && performance.now() - started > 10_000) {
        said = true;
        const alive = this.children.filter((c) => c.proc.exitCode === null && c.proc.signalCode === null).length;
        this.say(
          `waiting for rollouts (iteration ${iteration}): ${alive} local actors running${this.children.length > alive ? `, ${this.children.length - alive} exited` : ""}; remote ones: keisei actor --store … --run ${this.runName}`,
        );
      }
      if (
        this.children.length > 0 &&
        this.children.every((c) => c.proc.exitCode !== null || c.proc.signalCode !== null) &&
        this.config.parallel.store === null
      )
        throw new Error(
          `every local actor process exited (codes ${this.children.map((c) => c.proc.exitCode ?? c.proc.signalCode).join(", ")}); the run's log holds what they said`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Tells the store this learner runs, at most every 10 s (a learner resuming the run elsewhere is refused while it does). */
  async alive(): Promise<void> {
    if (performance.now() - this.heardAt < 10_000) return;
    this.heardAt = performance.now();
    await this.store.learnerHeartbeat(this.runName);
  }

  /** Rows claimed for iterations after `iteration` go back to pending (an update that was abandoned). */
  async release(iteration: number): Promise<void> {
    await this.store.release(this.runName, iteration);
  }

  /** The iteration's parallel/* figures, with the update's behaviour gap (rl/ppo.ts: decoupled PPO). */
  metrics(gap: BehaviourGap | null): Record<(typeof PARALLEL_METRIC_NAMES)[number], number> {
    // An inference server reports in the actors' table too (state "serving": steps are positions it
    // evaluated, games its forward passes); it is not an actor.
    const a = this.actorRows.filter((r) => r.state !== "serving");
    const servers = this.actorRows.filter((r) => r.state === "serving" && r.gamesPerSecond > 0);
    const lags = this.lags;
    return {
      "parallel/actors": a.filter((r) => r.state !== "stopped").length,
      "parallel/actor_steps_per_second": a.reduce((s, r) => s + (r.state === "stopped" ? 0 : r.stepsPerSecond), 0),
      "parallel/actor_games_per_second": a.reduce((s, r) => s + (r.state === "stopped" ? 0 : r.gamesPerSecond), 0),
      "parallel/policy_lag_mean": lags.length ? lags.reduce((s, x) => s + x, 0) / lags.length : Number.NaN,
      "parallel/policy_lag_max": lags.length ? Math.max(...lags) : Number.NaN,
      "parallel/rollouts": this.rollouts,
      "parallel/dropped_steps": this.droppedSteps,
      "parallel/dropped_steps_total": this.counts?.steps.stale ?? 0,
      "parallel/bad_rollouts_total": this.counts?.rows.bad ?? 0,
      "parallel/wait_s": this.waitSeconds,
      "parallel/behaviour_kl": gap?.kl ?? Number.NaN,
      "parallel/is_weight_mean": gap?.weightMean ?? Number.NaN,
      "parallel/is_weight_truncated": gap?.truncated ?? Number.NaN,
      "parallel/inference_batch": servers.length
        ? servers.reduce((n, r) => n + r.stepsPerSecond, 0) / servers.reduce((n, r) => n + r.gamesPerSecond, 0)
        : Number.NaN,
    };
  }

  /** The actors the dashboard lists. */
  actors(): ActorView[] {
    return this.actorRows.map((r, i) => {
      const serving = r.state === "serving";
      const perPass = r.gamesPerSecond > 0 ? (r.stepsPerSecond / r.gamesPerSecond).toFixed(0) : "–";
      return {
        name: serving ? `${i}: inference ${r.host}:${r.pid}, ${perPass} positions a pass` : `${i}: ${r.host}:${r.pid}`,
        state: r.state,
        gamesPerSecond: serving ? 0 : r.gamesPerSecond, // a server's "games" are its forward passes
        stepsPerSecond: r.stepsPerSecond,
        lag: this.version - r.version,
      };
    });
  }

  /** Marks the run finished (actors stop) when it ran to the end, stops the local actors, closes the store. */
  async close(finished: boolean): Promise<void> {
    if (finished) await this.store.learnerHeartbeat(this.runName, true).catch(() => undefined);
    // The actors first, then the server they play through.
    await stopProcesses(this.children.map((c) => c.proc));
    if (this.server) await stopProcesses([this.server.proc]);
    this.children = [];
    if (this.server) rmSync(this.server.socket, { force: true });
    this.server = null;
    await this.store.close();
  }
}

/** SIGTERM to each, then SIGKILL to any still running 5 s later. */
async function stopProcesses(procs: Subprocess[]): Promise<void> {
  for (const p of procs) p.kill("SIGTERM");
  const deadline = Date.now() + 5000;
  for (const p of procs) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = await Promise.race([
      p.exited.then(() => true),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), Math.max(0, deadline - Date.now()));
      }),
    ]);
    clearTimeout(timer);
    if (!done) p.kill("SIGKILL");
  }
}
