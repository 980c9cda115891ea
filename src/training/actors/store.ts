// The rollout store: the tables a learner and its actors share, in PostgreSQL (actors on many
// machines) or an SQLite file in WAL mode (one machine) — the same code for both. There is no
// server of keisei's own: as in Leela Chess Zero and KataGo, actors upload finished work tagged
// with the network that played it, and the learner publishes weights by content hash.
//
//   keisei_runs(name, config, fingerprint, version, state, learner, heartbeat_at, created_at)
//   keisei_weights(run, version, sha256, bytes, created_at)          -- published weights
//   keisei_rollouts(id, run, upload_key, actor, version, steps, games, bytes, state, iteration,
//                   lag, created_at, claimed_at)                     -- segments (segment.ts)
//   keisei_actors(run, actor, host, pid, state, version, segments, games, steps,
//                 steps_per_second, games_per_second, started_at, heartbeat_at)
//
// A rollout row is pending until the learner claims it for an iteration (claimed, with the
// iteration and the policy lag it was trained at), or drops it: stale (played by weights more than
// max_policy_lag versions old) or bad (it does not decode or replay). Claims happen in one
// transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on SQLite). A learner resumed
// from the checkpoint of iteration c puts the rows claimed after c back to pending: the weights
// they trained are gone, so each row ends up trained into the surviving weights exactly once.
// upload_key (actor id and segment number) is unique: an upload retried after a lost reply is
// ignored. Times are milliseconds since the epoch from each process's clock.

import { createHash } from "node:crypto";
import type { SQL } from "bun";
import {
  connectDatabase,
  type Database,
  describeDatabase,
  isConnectionError,
  prepareSqlite,
} from "../../util/database.ts";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { InputError } from "../../util/input-error.ts";
import { processRuns } from "../../util/process.ts";
import type { Fingerprint } from "./fingerprint.ts";

export class StoreError extends InputError {
  override name = "StoreError";
}

/** The store stayed unreachable until a stop was asked for. */
export class StoreUnavailable extends Error {
  override name = "StoreUnavailable";
}

/**
 * How many weight versions the store keeps of a run: the newest and the max_policy_lag + 2 before it,
 * so an actor still playing the oldest version it may upload finds its weights (and so does the
 * inference server, which keeps as many on its device).
 */
export const weightVersionsKept = (maxPolicyLag: number): number => maxPolicyLag + 3;

export interface RunRow {
  name: string;
  config: Record<string, unknown>;
  fingerprint: Fingerprint;
  version: number;
  state: "running" | "finished";
  learner: string;
  heartbeatAt: number;
}

export interface ClaimedRollout {
  id: number;
  actor: string;
  version: number;
  steps: number;
  lag: number;
  bytes: Uint8Array;
}

export interface ActorRow {
  actor: string;
  host: string;
  pid: number;
  state: string;
  version: number;
  segments: number;
  games: number;
  steps: number;
  stepsPerSecond: number;
  gamesPerSecond: number;
  heartbeatAt: number;
}

/** A new actor's row (an actor or an inference server), counters at zero. */
export function newActorRow(actor: string, state: string): ActorRow & { startedAt: number } {
  return {
    actor,
    host: hostname(),
    pid: process.pid,
    state,
    version: 0,
    segments: 0,
    games: 0,
    steps: 0,
    stepsPerSecond: 0,
    gamesPerSecond: 0,
    heartbeatAt: 0,
    startedAt: Date.now(),
  };
}

/** Rows of a run by state, and the decisions they hold. */
export interface RolloutCounts {
  rows: Record<"pending" | "claimed" | "stale" | "bad", number>;
  steps: Record<"pending" | "claimed" | "stale" | "bad", number>;
}

type Row = Record<string, unknown>;

function schema(adapter: "sqlite" | "postgres"): string[] {
  const id = adapter === "postgres" ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
  const blob = adapter === "postgres" ? "BYTEA" : "BLOB";
  return [
    `CREATE TABLE IF NOT EXISTS keisei_runs (
      name TEXT PRIMARY KEY,
      config TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      version INTEGER NOT NULL DEFAULT 0,
      state TEXT NOT NULL CHECK (state IN ('running', 'finished')),
      learner TEXT NOT NULL,
      heartbeat_at DOUBLE PRECISION NOT NULL,
      created_at DOUBLE PRECISION NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS keisei_weights (
      run TEXT NOT NULL REFERENCES keisei_runs(name),
      version INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      bytes ${blob} NOT NULL,
      created_at DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (run, version))`,
    `CREATE TABLE IF NOT EXISTS keisei_rollouts (
      id ${id},
      run TEXT NOT NULL REFERENCES keisei_runs(name),
      upload_key TEXT NOT NULL UNIQUE,
      actor TEXT NOT NULL,
      version INTEGER NOT NULL,
      steps INTEGER NOT NULL,
      games INTEGER NOT NULL,
      bytes ${blob} NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'claimed', 'stale', 'bad')),
      iteration INTEGER,
      lag INTEGER,
      created_at DOUBLE PRECISION NOT NULL,
      claimed_at DOUBLE PRECISION)`,
    "CREATE INDEX IF NOT EXISTS keisei_rollouts_by_state ON keisei_rollouts (run, state, id)",
    `CREATE TABLE IF NOT EXISTS keisei_actors (
      run TEXT NOT NULL REFERENCES keisei_runs(name),
      actor TEXT NOT NULL,
      host TEXT NOT NULL,
      pid INTEGER NOT NULL,
      state TEXT NOT NULL,
      version INTEGER NOT NULL,
      segments BIGINT NOT NULL,
      games BIGINT NOT NULL,
      steps BIGINT NOT NULL,
      steps_per_second DOUBLE PRECISION NOT NULL,
      games_per_second DOUBLE PRECISION NOT NULL,
      started_at DOUBLE PRECISION NOT NULL,
      heartbeat_at DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (run, actor))`,
  ];
}

/** A learner on another host silent this long is taken for dead (it reports at least every 10 s). */
export const LEARNER_SILENT_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** sha256 of weight bytes, hex. */
export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const toBytes = (v: unknown): Uint8Array => (v instanceof Uint8Array ? v : new Uint8Array(v as ArrayBuffer));

export interface StoreOptions {
  /** Where "unreachable, retrying" and "reachable again" go. */
  say?: (line: string) => void;
  /** Set `stop` to give up waiting for an unreachable store (StoreUnavailable). */
  signal?: { stop: boolean };
  /** Seconds between retries while the store is unreachable. */
  retrySeconds?: number;
  /**
   * The store must exist already (an actor or inference server joins a learner's): an SQLite file
   * that is not there is refused rather than created empty.
   */
  existing?: boolean;
}

export class RolloutStore {
  private closed = false;

  private constructor(
    private readonly db: Database,
    private readonly o: StoreOptions,
  ) {}

  get label(): string {
    return this.db.label;
  }

  get adapter(): "sqlite" | "postgres" {
    return this.db.adapter;
  }

  /** Opens (and sets up) the store at `url`, waiting while it is unreachable. `flag` names it in messages. */
  static async open(url: string, flag: string, o: StoreOptions = {}): Promise<RolloutStore> {
    const d = describeDatabase(url, flag, "a rollout store", (m) => new StoreError(m));
    if (o.existing && d.adapter === "sqlite" && d.target !== ":memory:" && !existsSync(d.target))
      throw new StoreError(
        `${flag} ${d.target}: no such file (the learner's rollout store is created by keisei train)`,
      );
    const store = new RolloutStore(connectDatabase(d, { max: 2 }), o);
    try {
      await store.retrying("set up", async (sql) => {
        if (store.db.adapter === "sqlite") await prepareSqlite(sql);
        await sql.begin(async (tx) => {
          if (store.db.adapter === "postgres") await tx`SELECT pg_advisory_xact_lock(${0x6b65697366})`;
          for (const ddl of schema(store.db.adapter)) await tx.unsafe(ddl);
        });
      });
    } catch (e) {
      await store.close();
      if (e instanceof StoreUnavailable || e instanceof InputError) throw e;
      throw new StoreError(`${flag} ${store.label}: cannot open the rollout store: ${(e as Error).message}`);
    }
    return store;
  }

  /**
   * Runs `fn`, waiting out an unreachable store: a connection error is said once, retried every few
   * seconds until it works (said again) or a stop is asked for (StoreUnavailable). Other errors pass.
   */
  private async retrying<T>(what: string, fn: (sql: SQL) => Promise<T>): Promise<T> {
    let since: number | null = null;
    for (;;) {
      try {
        const r = await this.db.lock.run(() => fn(this.db.sql));
        if (since !== null)
          this.o.say?.(
            `rollout store ${this.label} reachable again after ${((Date.now() - since) / 1000).toFixed(0)} s`,
          );
        return r;
      } catch (e) {
        if (!isConnectionError(e)) throw e;
        if (since === null) {
          since = Date.now();
          this.o.say?.(
            `rollout store ${this.label} unreachable (${what}: ${(e as Error).message.split("\n")[0]}); retrying every ${this.o.retrySeconds ?? 2} s`,
          );
        }
        if (this.o.signal?.stop) throw new StoreUnavailable(`rollout store ${this.label} unreachable (${what})`);
        await sleep((this.o.retrySeconds ?? 2) * 1000);
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.lock.run(() => this.db.close()).catch(() => undefined);
  }

  /** A transaction excluding other writers: BEGIN IMMEDIATE on SQLite. */
  private transaction<T>(sql: SQL, fn: (tx: SQL) => Promise<T>): Promise<T> {
    return (this.db.adapter === "sqlite" ? sql.begin("IMMEDIATE", fn) : sql.begin(fn)) as Promise<T>;
  }

  // ---- the learner's side ----

  /**
   * Registers run `name` for this learner (`host:pid`). A new run must not exist yet; a resumed one
   * must, must not have another live learner (on this host: its process runs; elsewhere: heard from
   * within LEARNER_SILENT_MS), and gets its config and fingerprint updated and state running.
   */
  async registerRun(name: string, config: unknown, fp: Fingerprint, learner: string, resume: boolean): Promise<void> {
    const now = Date.now();
    await this.retrying("register the run", (sql) =>
      this.transaction(sql, async (tx) => {
        const [existing] = await tx`SELECT name, state, learner, heartbeat_at FROM keisei_runs WHERE name = ${name}`;
        if (existing && !resume)
          throw new StoreError(
            `${this.label} already holds a run named ${name}: resume it (--resume) or give this one another --run-name`,
          );
        if (existing && existing.state === "running" && existing.learner !== learner) {
          const other = String(existing.learner);
          const [host, pid] = [other.slice(0, other.lastIndexOf(":")), Number(other.slice(other.lastIndexOf(":") + 1))];
          const silent = now - Number(existing.heartbeat_at);
          const alive = host === hostname() ? processRuns(pid) : silent < LEARNER_SILENT_MS;
          if (alive)
            throw new StoreError(
              `run ${name} in ${this.label} is being trained by the learner ${other} (heard from ${(silent / 1000).toFixed(0)} s ago): two learners would publish two lines of weights; stop it first`,
            );
        }
        if (existing)
          await tx`UPDATE keisei_runs SET config = ${JSON.stringify(config)}, fingerprint = ${JSON.stringify(fp)},
            state = 'running', learner = ${learner}, heartbeat_at = ${now} WHERE name = ${name}`;
        else
          await tx`INSERT INTO keisei_runs (name, config, fingerprint, version, state, learner, heartbeat_at, created_at)
            VALUES (${name}, ${JSON.stringify(config)}, ${JSON.stringify(fp)}, 0, 'running', ${learner}, ${now}, ${now})`;
      }),
    );
  }

  /** Publishes weights as the run's next version; keeps the versions from `keepFrom` on. Returns the version. */
  async publish(run: string, bytes: Uint8Array, keepFrom: (version: number) => number): Promise<number> {
    const hash = sha256(bytes);
    const now = Date.now();
    return this.retrying("publish weights", (sql) =>
      this.transaction(sql, async (tx) => {
        const [r] = await tx`SELECT version FROM keisei_runs WHERE name = ${run}`;
        const version = Number(r.version) + 1;
        await tx`INSERT INTO keisei_weights (run, version, sha256, bytes, created_at) VALUES (${run}, ${version}, ${hash}, ${bytes}, ${now})`;
        await tx`UPDATE keisei_runs SET version = ${version}, heartbeat_at = ${now} WHERE name = ${run}`;
        await tx`DELETE FROM keisei_weights WHERE run = ${run} AND version < ${keepFrom(version)}`;
        return version;
      }),
    );
  }

  /**
   * For iteration `iteration` of a learner at weight version `version`: marks pending rows older
   * than `version − maxLag` stale, then, when the fresh pending rows hold at least `steps`
   * decisions, claims the oldest of them until they do. Returns the rows claimed (none when there
   * were not enough) and the stale ones dropped now.
   */
  async claim(
    run: string,
    iteration: number,
    version: number,
    maxLag: number,
    steps: number,
  ): Promise<{ claimed: ClaimedRollout[]; staleRows: number; staleSteps: number }> {
    const now = Date.now();
    return this.retrying("claim rollouts", (sql) =>
      this.transaction(sql, async (tx) => {
        const minVersion = version - maxLag;
        const stale =
          await tx`UPDATE keisei_rollouts SET state = 'stale', iteration = ${iteration}, lag = ${version} - version, claimed_at = ${now}
          WHERE run = ${run} AND state = 'pending' AND version < ${minVersion} RETURNING steps`;
        const staleSteps = (stale as Row[]).reduce((n, r) => n + Number(r.steps), 0);
        const fresh = (
          this.db.adapter === "postgres"
            ? await tx`SELECT id, steps FROM keisei_rollouts WHERE run = ${run} AND state = 'pending' ORDER BY id FOR UPDATE SKIP LOCKED`
            : await tx`SELECT id, steps FROM keisei_rollouts WHERE run = ${run} AND state = 'pending' ORDER BY id`
        ) as Row[];
        const ids: number[] = [];
        let have = 0;
        for (const r of fresh) {
          if (have >= steps) break;
          ids.push(Number(r.id));
          have += Number(r.steps);
        }
        if (have < steps) return { claimed: [], staleRows: stale.length, staleSteps };
        const claimed: ClaimedRollout[] = [];
        for (const id of ids) {
          const [r] =
            await tx`UPDATE keisei_rollouts SET state = 'claimed', iteration = ${iteration}, lag = ${version} - version, claimed_at = ${now}
            WHERE id = ${id} AND state = 'pending' RETURNING id, actor, version, steps, lag, bytes`;
          claimed.push({
            id: Number(r.id),
            actor: String(r.actor),
            version: Number(r.version),
            steps: Number(r.steps),
            lag: Number(r.lag),
            bytes: toBytes(r.bytes),
          });
        }
        return { claimed, staleRows: stale.length, staleSteps };
      }),
    );
  }

  /** A claimed row that does not decode or replay: kept for inspection, never trained on. */
  async markBad(id: number): Promise<void> {
    await this.retrying("mark a bad rollout", (sql) => sql`UPDATE keisei_rollouts SET state = 'bad' WHERE id = ${id}`);
  }

  /** Rows claimed by iterations after `iteration` go back to pending (their training was lost or abandoned). Returns how many. */
  async release(run: string, iteration: number): Promise<number> {
    const rows = await this.retrying(
      "release claimed rollouts",
      (sql) => sql`UPDATE keisei_rollouts SET state = 'pending', iteration = NULL, lag = NULL, claimed_at = NULL
        WHERE run = ${run} AND state = 'claimed' AND iteration > ${iteration} RETURNING id`,
    );
    return rows.length;
  }

  /** Decisions in pending rows played by version ≥ `minVersion`. */
  async pendingSteps(run: string, minVersion: number): Promise<number> {
    const [r] = await this.retrying(
      "count pending rollouts",
      (sql) =>
        sql`SELECT COALESCE(SUM(steps), 0) AS n FROM keisei_rollouts WHERE run = ${run} AND state = 'pending' AND version >= ${minVersion}`,
    );
    return Number(r.n);
  }

  async counts(run: string): Promise<RolloutCounts> {
    const rows = (await this.retrying(
      "count rollouts",
      (sql) =>
        sql`SELECT state, COUNT(*) AS n, COALESCE(SUM(steps), 0) AS s FROM keisei_rollouts WHERE run = ${run} GROUP BY state`,
    )) as Row[];
    const out: RolloutCounts = {
      rows: { pending: 0, claimed: 0, stale: 0, bad: 0 },
      steps: { pending: 0, claimed: 0, stale: 0, bad: 0 },
    };
    for (const r of rows) {
      out.rows[r.state as keyof RolloutCounts["rows"]] = Number(r.n);
      out.steps[r.state as keyof RolloutCounts["steps"]] = Number(r.s);
    }
    return out;
  }

  /** Actors that reported within `withinMs`. */
  async actors(run: string, withinMs: number): Promise<ActorRow[]> {
    const since = Date.now() - withinMs;
    const rows = (await this.retrying(
      "list actors",
      (sql) =>
        sql`SELECT * FROM keisei_actors WHERE run = ${run} AND heartbeat_at >= ${since} ORDER BY started_at, actor`,
    )) as Row[];
    return rows.map((r) => ({
      actor: String(r.actor),
      host: String(r.host),
      pid: Number(r.pid),
      state: String(r.state),
      version: Number(r.version),
      segments: Number(r.segments),
      games: Number(r.games),
      steps: Number(r.steps),
      stepsPerSecond: Number(r.steps_per_second),
      gamesPerSecond: Number(r.games_per_second),
      heartbeatAt: Number(r.heartbeat_at),
    }));
  }

  /** The learner is alive (actors stop when it has been silent too long) and, with `finished`, done. */
  async learnerHeartbeat(run: string, finished = false): Promise<void> {
    const now = Date.now();
    await this.retrying("learner heartbeat", (sql) =>
      finished
        ? sql`UPDATE keisei_runs SET heartbeat_at = ${now}, state = 'finished' WHERE name = ${run}`
        : sql`UPDATE keisei_runs SET heartbeat_at = ${now} WHERE name = ${run}`,
    );
  }

  // ---- the actors' side ----

  async run(name: string): Promise<RunRow | null> {
    const [r] = (await this.retrying(
      "read the run",
      (sql) => sql`SELECT * FROM keisei_runs WHERE name = ${name}`,
    )) as Row[];
    if (!r) return null;
    return {
      name: String(r.name),
      config: JSON.parse(String(r.config)),
      fingerprint: JSON.parse(String(r.fingerprint)),
      version: Number(r.version),
      state: r.state as RunRow["state"],
      learner: String(r.learner),
      heartbeatAt: Number(r.heartbeat_at),
    };
  }

  async runNames(): Promise<string[]> {
    const rows = (await this.retrying(
      "list runs",
      (sql) => sql`SELECT name FROM keisei_runs ORDER BY created_at`,
    )) as Row[];
    return rows.map((r) => String(r.name));
  }

  /** Published weights of `version`, checked against their sha256; null when that version is gone. */
  async weights(run: string, version: number): Promise<Uint8Array | null> {
    const [r] = (await this.retrying(
      "fetch weights",
      (sql) => sql`SELECT sha256, bytes FROM keisei_weights WHERE run = ${run} AND version = ${version}`,
    )) as Row[];
    if (!r) return null;
    const bytes = toBytes(r.bytes);
    const got = sha256(bytes);
    if (got !== r.sha256)
      throw new StoreError(`weights of run ${run} version ${version} fail their sha256 check (${got} ≠ ${r.sha256})`);
    return bytes;
  }

  /**
   * Uploads a segment; false when `key` was uploaded before (a retry: ignored). The actor's row
   * (its counters) is updated in the same transaction. `pauseMs` holds the transaction open before
   * it commits (tests kill an actor there: mid-upload).
   */
  async upload(
    run: string,
    key: string,
    actor: ActorRow & { startedAt: number },
    version: number,
    steps: number,
    games: number,
    bytes: Uint8Array,
    pauseMs = 0,
  ): Promise<boolean> {
    const now = Date.now();
    return this.retrying("upload a segment", (sql) =>
      this.transaction(sql, async (tx) => {
        const rows =
          await tx`INSERT INTO keisei_rollouts (run, upload_key, actor, version, steps, games, bytes, state, created_at)
          VALUES (${run}, ${key}, ${actor.actor}, ${version}, ${steps}, ${games}, ${bytes}, 'pending', ${now})
          ON CONFLICT (upload_key) DO NOTHING RETURNING id`;
        await this.writeActor(tx, run, actor, now);
        if (pauseMs > 0) await sleep(pauseMs);
        return rows.length > 0;
      }),
    );
  }

  /** The actor's row: its state and counters. */
  async reportActor(run: string, actor: ActorRow & { startedAt: number }): Promise<void> {
    await this.retrying("actor heartbeat", (sql) => this.writeActor(sql, run, actor, Date.now()));
  }

  private async writeActor(sql: SQL, run: string, a: ActorRow & { startedAt: number }, now: number): Promise<void> {
    await sql`INSERT INTO keisei_actors (run, actor, host, pid, state, version, segments, games, steps, steps_per_second, games_per_second, started_at, heartbeat_at)
      VALUES (${run}, ${a.actor}, ${a.host}, ${a.pid}, ${a.state}, ${a.version}, ${a.segments}, ${a.games}, ${a.steps}, ${a.stepsPerSecond}, ${a.gamesPerSecond}, ${a.startedAt}, ${now})
      ON CONFLICT (run, actor) DO UPDATE SET state = excluded.state, version = excluded.version, segments = excluded.segments,
        games = excluded.games, steps = excluded.steps, steps_per_second = excluded.steps_per_second,
        games_per_second = excluded.games_per_second, heartbeat_at = excluded.heartbeat_at`;
  }
}
