// The runs under a log directory, found by scanning its folders (a run folder holds
// effective_config.yaml or metrics.jsonl; folders that are not runs are searched a few levels
// down), each summarised from the files the run writes: its config, the tail of metrics.jsonl,
// its checkpoints, live.json and the end of training_log.txt. refresh() re-reads only what
// changed (by size and mtime), so it is cheap to call every second.
//
// Status: running (live.json's process still runs), finished (it ran to the end and wrote its
// final model), stopped (stopped on request: Ctrl-C, a sweep's pruning), crashed (anything else
// that ended: an error, kill -9, a lost machine).

import { closeSync, type Dirent, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { type BoardView, boardView } from "./board.ts";
import { type LiveActor, type LiveFile, readLive, writerAlive } from "./live.ts";
import { fileStamp, MetricsStore, tailRecord } from "./metrics-store.ts";
import { relativeName } from "./paths.ts";

export type RunStatus = "running" | "finished" | "stopped" | "crashed";

export interface RunConfigSummary {
  model: string;
  depth: number | null;
  width: number | null;
  policyHead: string | null;
  numEnvs: number | null;
  stepsPerEpoch: number | null;
  learningRate: number | null;
  device: string | null;
  seed: number | null;
}

export interface RunSummary {
  /** Path relative to the log directory, "/"-separated: how requests name the run. */
  name: string;
  status: RunStatus;
  /** Why that status, e.g. "pid 4121 on host-a", "final model written". */
  statusReason: string;
  timestep: number;
  totalTimesteps: number | null;
  iteration: number;
  /** Seconds of training (the run's own clock, across resumes). */
  wallSeconds: number | null;
  sps: number | null;
  /** ms since the epoch: the run folder's creation (its config), the newest write to it. */
  startedAt: number;
  updatedAt: number;
  lastCheckpoint: { file: string; timestep: number; mtime: number } | null;
  config: RunConfigSummary | null;
  /** Records held by the server, and the epoch they belong to; null until a client asked for the run's series. */
  records: number | null;
  epoch: number;
  /** Scalar keys of the records (from the newest record until the run's series are loaded). */
  keys: string[];
  /** The newest record's values. */
  latest: Record<string, number | null>;
  live: { updatedAt: number; game: boolean; pid: number } | null;
  /** Bytes of metrics.jsonl. */
  metricsBytes: number;
}

export interface LiveBoard {
  run: string;
  updatedAt: number;
  timestep: number;
  totalTimesteps: number;
  iteration: number;
  gameIndex: number;
  ply: number;
  recentMoves: string[];
  board: BoardView;
  /** The actors playing for it (empty: a single-process run). */
  actors: LiveActor[];
}

interface Entry {
  dir: string;
  name: string;
  dirMtime: number;
  checkpoints: { file: string; timestep: number; mtime: number }[];
  configMtime: number;
  config: RunConfigSummary | null;
  total: number | null;
  startedAt: number;
  metricsStamp: string;
  latest: Record<string, number | null> | null;
  liveMtime: number;
  live: LiveFile | null;
  logStamp: string;
  logEvent: "finished" | "stopped" | null;
  store: MetricsStore | null;
  /** A load() in progress. */
  loading: Promise<void> | null;
  lastUsed: number;
  summary: RunSummary | null;
  summaryKey: string;
}

const RUN_MARKERS = ["effective_config.yaml", "metrics.jsonl"];
const SKIP_DIRS = new Set(["node_modules", ".git"]);
const MAX_DEPTH = 3;
/** Metric cells held before the least recently viewed runs are dropped: 64 M, about 256 MB of float32. */
export const DEFAULT_MEMORY_CELLS = 64 << 20;

/** The end of training_log.txt: the last line that says how the run ended (or that it resumed). */
function logEvent(path: string): "finished" | "stopped" | null {
  const tail = readTail(path, 16384);
  let event: "finished" | "stopped" | null = null;
  let at = -1;
  const mark = (re: RegExp, e: typeof event) => {
    let m: RegExpExecArray | null;
    const g = new RegExp(re.source, "g");
    for (;;) {
      m = g.exec(tail);
      if (!m) break;
      if (m.index > at) {
        at = m.index;
        event = e;
      }
    }
  };
  mark(/final model written/, "finished");
  mark(/stopped at timestep \d+ \(iteration \d+\) on request/, "stopped");
  mark(/resumed from /, null);
  return event;
}

function readTail(path: string, bytes: number): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return "";
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, bytes);
    const buf = Buffer.allocUnsafe(len);
    const got = readSync(fd, buf, 0, len, size - len);
    return buf.toString("utf8", 0, got);
  } finally {
    closeSync(fd);
  }
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** The run's config file, summarised, and the timesteps it aims at. */
function readConfig(dir: string): { summary: RunConfigSummary | null; total: number | null } {
  try {
    const c = parseYaml(readFileSync(join(dir, "effective_config.yaml"), "utf8")) as Record<
      string,
      Record<string, unknown> | undefined
    >;
    const t = c.training ?? {};
    const e = c.env ?? {};
    return {
      summary: {
        model: String(t.model_type ?? "?"),
        depth: num(t.tower_depth),
        width: num(t.tower_width),
        policyHead: typeof t.policy_head === "string" ? t.policy_head : null,
        numEnvs: num(t.num_envs),
        stepsPerEpoch: num(t.steps_per_epoch),
        learningRate: num(t.learning_rate),
        device: typeof e.device === "string" ? e.device : null,
        seed: num(e.seed),
      },
      total: num(t.total_timesteps),
    };
  } catch {
    return { summary: null, total: null };
  }
}

/** Reads a metrics file to its end, 8 MB at a time, letting the event loop run in between (pages are served meanwhile). */
async function readAll(store: MetricsStore): Promise<void> {
  for (;;) {
    store.update(8 << 20);
    if (!store.more) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export class RunIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly dirMtimes = new Map<string, number>();
  private readonly nonRuns = new Map<string, string[]>();

  constructor(
    readonly root: string,
    private readonly o: { memoryCells?: number } = {},
  ) {}

  /** Run names, sorted. */
  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The absolute folder of run `name` (already checked to be a run under the root). */
  dirOf(name: string): string | null {
    return this.entries.get(name)?.dir ?? null;
  }

  /**
   * Re-scans the log directory and re-reads what changed. Returns the summaries that changed and
   * the names of runs that disappeared.
   */
  refresh(now = Date.now()): { changed: RunSummary[]; removed: string[] } {
    const found = new Set<string>();
    this.scan(this.root, 0, found);
    const removed: string[] = [];
    for (const name of [...this.entries.keys()])
      if (!found.has(name)) {
        this.entries.delete(name);
        removed.push(name);
      }
    const changed: RunSummary[] = [];
    for (const name of found) {
      const s = this.summarise(name, now);
      if (s) changed.push(s);
    }
    this.evict();
    return { changed, removed };
  }

  /** Runs whose metrics are held in memory, and the bytes of their columns. */
  memory(): { runs: number; bytes: number } {
    let runs = 0;
    let bytes = 0;
    for (const e of this.entries.values())
      if (e.store) {
        runs++;
        bytes += e.store.bytes;
      }
    return { runs, bytes };
  }

  /** Every run's summary as last refreshed. */
  summaries(): RunSummary[] {
    return this.names()
      .map((n) => this.entries.get(n)?.summary)
      .filter((s): s is RunSummary => !!s);
  }

  summary(name: string): RunSummary | null {
    return this.entries.get(name)?.summary ?? null;
  }

  /**
   * The run's metrics columns, read (or brought up to date) first. A long file is read 8 MB at a
   * time with a turn of the event loop between, so other requests are answered meanwhile; two
   * callers share one read.
   */
  async load(name: string): Promise<MetricsStore | null> {
    const e = this.entries.get(name);
    if (!e) return null;
    e.lastUsed = Date.now();
    if (!e.store) e.store = new MetricsStore(join(e.dir, "metrics.jsonl"));
    const store = e.store;
    // (.finally runs after this assignment, even when the read needs no turn of the event loop.)
    e.loading ??= readAll(store).finally(() => {
      e.loading = null;
    });
    await e.loading;
    if (e.store === store) {
      e.latest = store.last;
      e.summaryKey = ""; // records and keys are known now
    }
    return store;
  }

  /** Reads the newest runs' metrics in the background (the ones a page shows first), within the memory budget. */
  async preload(count = 10): Promise<void> {
    const newest = this.summaries()
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, count);
    let cells = 0;
    for (const s of newest) {
      if (cells > (this.o.memoryCells ?? DEFAULT_MEMORY_CELLS) / 2) break;
      const store = await this.load(s.name);
      cells += store?.cells ?? 0;
    }
    Bun.gc(true); // the parsed records are garbage now: collected here rather than during a page's request
  }

  /** The live self-play board of a running run, or null. */
  liveBoard(name: string): LiveBoard | null {
    const e = this.entries.get(name);
    const live = e?.live;
    if (!e || !live?.game || e.summary?.status !== "running") return null;
    let board: BoardView;
    try {
      board = boardView(live.game.sfen, live.game.recentMoves.at(-1) ?? null);
    } catch {
      return null;
    }
    return {
      run: name,
      updatedAt: live.updatedAt,
      timestep: live.timestep,
      totalTimesteps: live.totalTimesteps,
      iteration: live.iteration,
      gameIndex: live.game.gameIndex,
      ply: live.game.ply,
      recentMoves: live.game.recentMoves,
      board,
      actors: Array.isArray(live.actors) ? live.actors.slice(0, 64) : [],
    };
  }

  private scan(dir: string, depth: number, found: Set<string>): void {
    let mtime: number;
    try {
      mtime = statSync(dir).mtimeMs;
    } catch {
      return;
    }
    // A folder that is not a run: its sub-folders, re-listed only when it changed.
    let children = this.nonRuns.get(dir);
    if (!children || this.dirMtimes.get(dir) !== mtime) {
      let list: Dirent[];
      try {
        list = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      children = list
        .filter((d) => (d.isDirectory() || d.isSymbolicLink()) && !d.name.startsWith(".") && !SKIP_DIRS.has(d.name))
        .map((d) => join(dir, d.name));
      this.nonRuns.set(dir, children);
      this.dirMtimes.set(dir, mtime);
    }
    for (const child of children) {
      let isRun = false;
      for (const m of RUN_MARKERS)
        if (fileStamp(join(child, m))) {
          isRun = true;
          break;
        }
      if (isRun) {
        const name = relativeName(this.root, child);
        if (name.startsWith("..")) continue; // a symbolic link out of the log directory
        found.add(name);
        if (!this.entries.has(name)) this.entries.set(name, this.newEntry(child, name));
      } else if (depth + 1 < MAX_DEPTH) this.scan(child, depth + 1, found);
    }
  }

  private newEntry(dir: string, name: string): Entry {
    return {
      dir,
      name,
      dirMtime: -1,
      checkpoints: [],
      configMtime: -1,
      config: null,
      total: null,
      startedAt: 0,
      metricsStamp: "",
      latest: null,
      liveMtime: -1,
      live: null,
      logStamp: "",
      logEvent: null,
      store: null,
      loading: null,
      lastUsed: 0,
      summary: null,
      summaryKey: "",
    };
  }

  /** Re-reads what changed in one run folder; its summary when it differs from the last one. */
  private summarise(name: string, now: number): RunSummary | null {
    const e = this.entries.get(name)!;
    const dirStamp = fileStamp(e.dir);
    if (!dirStamp) return null;
    if (dirStamp.mtimeMs !== e.dirMtime) {
      e.dirMtime = dirStamp.mtimeMs;
      e.checkpoints = [];
      try {
        for (const f of readdirSync(e.dir)) {
          const m = /^checkpoint_ts(\d+)\.json$/.exec(f);
          if (!m) continue;
          const st = fileStamp(join(e.dir, f));
          if (st)
            e.checkpoints.push({
              file: f.replace(/\.json$/, ".safetensors"),
              timestep: Number(m[1]),
              mtime: st.mtimeMs,
            });
        }
      } catch {
        // the folder went away between the scan and now
      }
      e.checkpoints.sort((a, b) => b.timestep - a.timestep);
    }
    const config = fileStamp(join(e.dir, "effective_config.yaml"));
    if (config && config.mtimeMs !== e.configMtime) {
      e.configMtime = config.mtimeMs;
      const read = readConfig(e.dir);
      e.config = read.summary;
      e.total = read.total;
      try {
        const st = statSync(join(e.dir, "effective_config.yaml"));
        e.startedAt = st.birthtimeMs > 0 ? Math.min(st.birthtimeMs, st.mtimeMs) : st.mtimeMs;
      } catch {
        e.startedAt = config.mtimeMs;
      }
    }
    const metrics = fileStamp(join(e.dir, "metrics.jsonl"));
    const metricsStamp = metrics ? `${metrics.ino}:${metrics.size}:${metrics.mtimeMs}` : "";
    if (metricsStamp !== e.metricsStamp) {
      e.metricsStamp = metricsStamp;
      if (e.store) {
        if (!e.loading) e.store.update();
        e.latest = e.store.last;
      } else e.latest = metrics ? tailRecord(join(e.dir, "metrics.jsonl")) : null;
    }
    const live = fileStamp(join(e.dir, "live.json"));
    if ((live?.mtimeMs ?? -1) !== e.liveMtime) {
      e.liveMtime = live?.mtimeMs ?? -1;
      e.live = live ? readLive(e.dir) : null;
    }
    const log = fileStamp(join(e.dir, "training_log.txt"));
    const logStamp = log ? `${log.size}:${log.mtimeMs}` : "";
    if (logStamp !== e.logStamp) {
      e.logStamp = logStamp;
      e.logEvent = log ? logEvent(join(e.dir, "training_log.txt")) : null;
    }

    const latest = e.latest ?? {};
    const live0 = e.live;
    const finalModel = fileStamp(join(e.dir, "final_model.safetensors"));
    let status: RunStatus;
    let reason: string;
    if (live0 && writerAlive(live0, now)) {
      status = "running";
      reason = `pid ${live0.pid} on ${live0.host}`;
    } else if (e.logEvent === "finished" || (!live0 && finalModel && e.logEvent === null)) {
      status = "finished";
      reason = "final model written";
    } else if (e.logEvent === "stopped") {
      status = "stopped";
      reason = "stopped on request";
    } else if (live0) {
      status = "crashed";
      reason =
        live0.state === "closed"
          ? "the trainer stopped with an error"
          : `process ${live0.pid} on ${live0.host} is gone`;
    } else {
      // No live.json (a run by an older keisei, or by the library): recent writes mean it runs.
      const newest = Math.max(metrics?.mtimeMs ?? 0, log?.mtimeMs ?? 0);
      if (now - newest < 120_000) {
        status = "running";
        reason = "written to in the last 2 minutes";
      } else {
        status = "crashed";
        reason = "ended without a final model";
      }
    }
    const showLive = status === "running" && live0;
    const liveNewer = showLive && live0.timestep > (num(latest.timestep) ?? -1);
    const updatedAt = Math.max(
      metrics?.mtimeMs ?? 0,
      log?.mtimeMs ?? 0,
      live?.mtimeMs ?? 0,
      e.checkpoints[0]?.mtime ?? 0,
      e.startedAt,
    );
    const summary: RunSummary = {
      name,
      status,
      statusReason: reason,
      timestep: liveNewer ? live0.timestep : (num(latest.timestep) ?? 0),
      totalTimesteps: (showLive ? live0.totalTimesteps : null) ?? e.total,
      iteration: liveNewer ? live0.iteration : (num(latest.iteration) ?? 0),
      wallSeconds: liveNewer ? live0.elapsedSeconds : num(latest["time/wall_s"]),
      sps: num(latest["charts/SPS"]),
      startedAt: e.startedAt,
      updatedAt,
      lastCheckpoint: e.checkpoints[0] ?? null,
      config: e.config,
      records: e.store ? e.store.rows : null,
      epoch: e.store ? e.store.epoch : 0,
      keys: e.store ? e.store.keys : Object.keys(latest).filter((k) => k !== "wall_time"),
      latest,
      live: showLive ? { updatedAt: live0.updatedAt, game: live0.game !== null, pid: live0.pid } : null,
      metricsBytes: metrics?.size ?? 0,
    };
    e.summary = summary;
    const key = JSON.stringify({ ...summary, updatedAt: 0 });
    if (key === e.summaryKey) return null;
    e.summaryKey = key;
    return summary;
  }

  /** Drops the columns of the least recently used runs beyond the memory budget (they reload on demand). */
  private evict(): void {
    const budget = this.o.memoryCells ?? DEFAULT_MEMORY_CELLS;
    const loaded = [...this.entries.values()].filter((e) => e.store).sort((a, b) => b.lastUsed - a.lastUsed);
    let used = 0;
    for (const e of loaded) {
      used += e.store!.cells;
      if (used > budget && !e.loading && Date.now() - e.lastUsed > 10_000) {
        e.store = null;
        e.summaryKey = ""; // records: null from now on
      }
    }
  }
}
