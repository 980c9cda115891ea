// live.json: what a training process shows the dashboard while it runs — which process it is (pid
// and host, so a dashboard can tell a running run from one whose process died), how far it is, and
// the board of its live self-play game. `keisei train` wraps its terminal view in LiveFileView,
// which writes the file at most once a second from the frames the trainer already builds for the
// terminal (the trainer computes nothing more for it), and once more when the run closes.
//
// The file is replaced by rename (never seen half-written) and not fsynced: it is a status, not a
// record, and a run must not wait on the disk for it.

import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import type { TrainerFrame, TrainerView } from "../training/trainer.ts";
import { processRuns } from "../util/process.ts";

export const LIVE_FILE = "live.json";

export interface LiveGame {
  sfen: string;
  /** Recent moves (USI), oldest first. */
  recentMoves: string[];
  ply: number;
  gameIndex: number;
}

export interface LiveFile {
  format: 1;
  pid: number;
  host: string;
  /** ms since the epoch. */
  startedAt: number;
  updatedAt: number;
  /** "running" while the trainer runs; "closed" once it returned or threw. */
  state: "running" | "closed";
  runName: string;
  backend: string;
  timestep: number;
  totalTimesteps: number;
  iteration: number;
  elapsedSeconds: number;
  game: LiveGame | null;
  elo: number | null;
  /** The newest line the trainer logged. */
  message: string | null;
  /** The actors playing for the learner (absent: a single-process run). */
  actors?: LiveActor[];
}

/** An actor process as the dashboard lists it. */
export interface LiveActor {
  name: string;
  state: string;
  gamesPerSecond: number;
  stepsPerSecond: number;
  /** Versions its weights are behind the learner's. */
  lag: number;
}

/** The trainer's view, plus live.json in the run folder. Writing never stops training: after a failed write it stops trying. */
export class LiveFileView implements TrainerView {
  private nextAt = 0;
  private readonly startedAt = Date.now();
  private message: string | null = null;
  private lastFrame: TrainerFrame | null = null;
  private broken = false;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: TrainerView,
    o: { intervalMs?: number; now?: () => number } = {},
  ) {
    this.intervalMs = o.intervalMs ?? 1000;
    this.now = o.now ?? (() => performance.now());
  }

  get live(): boolean | undefined {
    return this.inner.live;
  }

  wantsFrame(): boolean {
    return (this.inner.wantsFrame?.() ?? true) || (!this.broken && this.now() >= this.nextAt);
  }

  update(frame: TrainerFrame): void {
    this.inner.update(frame);
    this.lastFrame = frame;
    if (this.now() >= this.nextAt) this.write(frame, "running");
  }

  log(line: string): void {
    this.inner.log(line);
    this.message = line;
  }

  close(final?: TrainerFrame): void {
    this.inner.close(final);
    const frame = final ?? this.lastFrame;
    if (frame) this.write(frame, "closed");
  }

  private write(frame: TrainerFrame, state: LiveFile["state"]): void {
    if (this.broken) return;
    this.nextAt = this.now() + this.intervalMs;
    const dir = resolve(frame.config.logging.model_dir, frame.runName);
    const live: LiveFile = {
      format: 1,
      pid: process.pid,
      host: hostname(),
      startedAt: this.startedAt,
      updatedAt: Date.now(),
      state,
      runName: frame.runName,
      backend: frame.backend,
      timestep: frame.timestep,
      totalTimesteps: frame.totalTimesteps,
      iteration: frame.iteration,
      elapsedSeconds: frame.elapsedSeconds,
      game: frame.game,
      elo: frame.elo?.rating ?? null,
      message: this.message,
      ...(frame.actors ? { actors: frame.actors } : {}),
    };
    const path = join(dir, LIVE_FILE);
    const tmp = `${path}.tmp-${process.pid}`;
    try {
      writeFileSync(tmp, JSON.stringify(live));
      renameSync(tmp, path);
    } catch (e) {
      this.broken = true;
      rmSync(tmp, { force: true });
      this.inner.log(`dashboard: cannot write ${path}: ${(e as Error).message}; the live board is off for this run`);
    }
  }
}

/** A run folder's live.json, or null when it has none or it does not parse. */
export function readLive(dir: string): LiveFile | null {
  try {
    const v = JSON.parse(readFileSync(join(dir, LIVE_FILE), "utf8"));
    return v && typeof v === "object" && v.format === 1 ? (v as LiveFile) : null;
  } catch {
    return null;
  }
}

/** Whether process `pid` exists on this machine. */
export function processAlive(pid: number): boolean {
  return pid === process.pid || processRuns(pid);
}

/**
 * When process `pid` started (ms since the epoch), from Linux's /proc; null elsewhere or when it
 * cannot be read.
 */
export function processStartMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22 (starttime, in clock ticks since boot) counts from after the command name's ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[19]);
    const btime = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"));
    if (!btime || !Number.isFinite(ticks)) return null;
    return (Number(btime[1]) + ticks / 100) * 1000; // USER_HZ is 100 on every Linux keisei runs on
  } catch {
    return null;
  }
}

/** How long a live.json written on another machine stays "running" without an update. */
export const FOREIGN_STALE_MS = 10 * 60_000;

/**
 * Whether the process that wrote `live` still runs: by its pid on this machine (and, on Linux, a
 * start time before the file's, so a reused pid does not count), by the age of its last update on
 * another one (a dashboard on a laptop reading a mounted run folder).
 */
export function writerAlive(live: LiveFile, now = Date.now(), host = hostname()): boolean {
  if (live.state !== "running") return false;
  if (live.host !== host) return now - live.updatedAt < FOREIGN_STALE_MS;
  if (!processAlive(live.pid)) return false;
  if (live.pid === process.pid) return true;
  const started = processStartMs(live.pid);
  return started === null || started <= live.startedAt + 2000;
}
