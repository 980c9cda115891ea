// The study database, through Bun's SQL client: SQLite (WAL) for agents on one machine, or a
// postgres:// URL for agents on many. There is no server of keisei's own: agents coordinate only
// through these tables, the way Optuna's RDB storage does.
//
//   keisei_studies(id, name, spec, fingerprint, base, seed, created_at)
//   keisei_trials(id, study_id, number, state, params, internal, value, worker, heartbeat_at,
//                 attempts, retry_of, run_dir, message, created_at, started_at, finished_at)
//   keisei_trial_values(trial_id, step, value)   -- the intermediate values a trial reported
//
// (Prefixed: Optuna's RDB schema, which users may keep in the same database, also has tables
// named studies, trials and trial_values.)
//
// state is waiting | running | complete | pruned | failed. Waiting trials (grid points, retries) are
// claimed by a single UPDATE … RETURNING (with FOR UPDATE SKIP LOCKED on Postgres); new trials are
// numbered and sampled while holding the study's lock (a row lock on Postgres, BEGIN IMMEDIATE on
// SQLite), so agents proposing at once see each other's trials. Times are milliseconds since the
// epoch from the agents' clocks.

import { existsSync } from "node:fs";
import type { SQL } from "bun";
import { connectDatabase, describeDatabase, type Mutex, prepareSqlite } from "../util/database.ts";
import type { Proposal, TrialState } from "./samplers.ts";
import type { SweepSpec } from "./spec.ts";
import { InputError } from "../util/input-error.ts";

/** What every trial of a study starts from: the base config values and extra `keisei train` flags. */
export interface TrialBase {
  config: Record<string, unknown>; // merged --config files and --override values, as plain YAML values
  args: string[]; // other `keisei train` flags, passed through unchanged
  modelDir: string; // where the trials' run folders go
}

export interface StudyRecord {
  id: number;
  name: string;
  spec: SweepSpec;
  fingerprint: string;
  base: TrialBase;
  seed: number;
  createdAt: number;
}

export interface TrialRecord {
  id: number;
  studyId: number;
  number: number;
  state: TrialState;
  params: Record<string, unknown>;
  internal: Record<string, number> | null;
  value: number | null;
  worker: string | null;
  heartbeatAt: number | null;
  attempts: number;
  retryOf: number | null;
  runDir: string | null;
  message: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface StepValue {
  step: number;
  value: number;
}

export class StorageError extends InputError {
  override name = "StorageError";
}

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const json = <T>(v: unknown): T | null => (v === null || v === undefined ? null : (JSON.parse(String(v)) as T));

function toTrial(r: Row): TrialRecord {
  return {
    id: Number(r.id),
    studyId: Number(r.study_id),
    number: Number(r.number),
    state: r.state as TrialState,
    params: json<Record<string, unknown>>(r.params) ?? {},
    internal: json<Record<string, number>>(r.internal),
    value: num(r.value),
    worker: (r.worker as string | null) ?? null,
    heartbeatAt: num(r.heartbeat_at),
    attempts: Number(r.attempts),
    retryOf: num(r.retry_of),
    runDir: (r.run_dir as string | null) ?? null,
    message: (r.message as string | null) ?? null,
    createdAt: Number(r.created_at),
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
  };
}

function toStudy(r: Row): StudyRecord {
  return {
    id: Number(r.id),
    name: String(r.name),
    spec: json<SweepSpec>(r.spec) as SweepSpec,
    fingerprint: String(r.fingerprint),
    base: json<TrialBase>(r.base) as TrialBase,
    seed: Number(r.seed),
    createdAt: Number(r.created_at),
  };
}

function schema(adapter: "sqlite" | "postgres"): string[] {
  const id = adapter === "postgres" ? "SERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
  return [
    `CREATE TABLE IF NOT EXISTS keisei_studies (
      id ${id},
      name TEXT NOT NULL UNIQUE,
      spec TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      base TEXT NOT NULL,
      seed BIGINT NOT NULL,
      created_at DOUBLE PRECISION NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS keisei_trials (
      id ${id},
      study_id INTEGER NOT NULL REFERENCES keisei_studies(id),
      number INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'complete', 'pruned', 'failed')),
      params TEXT NOT NULL,
      internal TEXT,
      value DOUBLE PRECISION,
      worker TEXT,
      heartbeat_at DOUBLE PRECISION,
      attempts INTEGER NOT NULL DEFAULT 1,
      retry_of INTEGER,
      run_dir TEXT,
      message TEXT,
      created_at DOUBLE PRECISION NOT NULL,
      started_at DOUBLE PRECISION,
      finished_at DOUBLE PRECISION,
      UNIQUE (study_id, number))`,
    "CREATE INDEX IF NOT EXISTS keisei_trials_by_state ON keisei_trials (study_id, state)",
    `CREATE TABLE IF NOT EXISTS keisei_trial_values (
      trial_id INTEGER NOT NULL REFERENCES keisei_trials(id),
      step BIGINT NOT NULL,
      value DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (trial_id, step))`,
  ];
}

/**
 * `postgres://…` / `postgresql://…`, `sqlite://path`, or a plain path to an SQLite file; any other
 * `scheme://` is refused (util/database.ts).
 */
export function describeStorage(url: string): { adapter: "sqlite" | "postgres"; target: string } {
  return describeDatabase(url, "--storage", "a study database", (m) => new StorageError(m));
}

export class StudyStorage {
  private closed = false;

  private constructor(
    private readonly sql: SQL,
    private readonly lock: Mutex,
    readonly adapter: "sqlite" | "postgres",
    /** The storage as a person would name it (password hidden). */
    readonly label: string,
    private readonly closeConnection: () => Promise<void>,
  ) {}

  /**
   * Opens the study database at `url`. `create: false` (every command but creating a study) refuses
   * an SQLite file that does not exist instead of making an empty one.
   */
  static async open(url: string, o: { create?: boolean } = {}): Promise<StudyStorage> {
    const { adapter, target } = describeStorage(url);
    if (adapter === "sqlite" && target !== ":memory:" && o.create === false && !existsSync(target))
      throw new StorageError(
        `${target}: no such study database (keisei sweep create SWEEP.yaml makes one; --storage or --savedir names it)`,
      );
    const db = connectDatabase({ adapter, target });
    const storage = new StudyStorage(db.sql, db.lock, adapter, db.label, () => db.close());
    if (db.first) await storage.initOrClose();
    return storage;
  }

  private async initOrClose() {
    try {
      await this.init();
    } catch (e) {
      await this.close().catch(() => undefined);
      throw new StorageError(`${this.label}: cannot open the study database: ${(e as Error).message}`);
    }
  }

  private async init() {
    if (this.adapter === "sqlite") await prepareSqlite(this.sql);
    await this.globalTransaction(async (tx) => {
      for (const ddl of schema(this.adapter)) await tx.unsafe(ddl);
    });
  }

  /** A transaction that excludes every other writer of the database (study creation, schema). */
  private globalTransaction<T>(fn: (tx: SQL) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      if (this.adapter === "sqlite") return (await this.sql.begin("IMMEDIATE", fn)) as T;
      return (await this.sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(${0x6b65697365})`;
        return fn(tx);
      })) as T;
    });
  }

  /** A transaction holding the study's lock: trial numbers, sampling and retries happen one agent at a time. */
  private studyTransaction<T>(studyId: number, fn: (tx: SQL) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      if (this.adapter === "sqlite") return (await this.sql.begin("IMMEDIATE", fn)) as T;
      return (await this.sql.begin(async (tx) => {
        await tx`SELECT id FROM keisei_studies WHERE id = ${studyId} FOR UPDATE`;
        return fn(tx);
      })) as T;
    });
  }

  private query<T>(fn: (sql: SQL) => Promise<T>): Promise<T> {
    return this.lock.run(() => fn(this.sql));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.lock.run(() => this.closeConnection());
  }

  /** Creates the study, or returns the existing one of that name when its search is the same. */
  async createStudy(input: {
    name: string;
    spec: SweepSpec;
    fingerprint: string;
    base: TrialBase;
    seed: number;
    enqueue: Proposal[];
    now: number;
  }): Promise<{ study: StudyRecord; created: boolean }> {
    return this.globalTransaction(async (tx) => {
      const [existing] = await tx`SELECT * FROM keisei_studies WHERE name = ${input.name}`;
      if (existing) {
        const study = toStudy(existing);
        if (study.fingerprint !== input.fingerprint)
          throw new StorageError(
            `${this.label}: study "${input.name}" already exists with a different search (method, metric, parameters or early_terminate); give the sweep another name: or use another --storage`,
          );
        return { study, created: false };
      }
      const [row] = await tx`INSERT INTO keisei_studies (name, spec, fingerprint, base, seed, created_at)
        VALUES (${input.name}, ${JSON.stringify(input.spec)}, ${input.fingerprint}, ${JSON.stringify(input.base)}, ${input.seed}, ${input.now})
        RETURNING *`;
      const study = toStudy(row);
      let number = 0;
      for (const p of input.enqueue) {
        await tx`INSERT INTO keisei_trials (study_id, number, state, params, internal, attempts, created_at)
          VALUES (${study.id}, ${number++}, 'waiting', ${JSON.stringify(p.params)}, ${JSON.stringify(p.internal)}, 1, ${input.now})`;
      }
      return { study, created: true };
    });
  }

  async study(name: string): Promise<StudyRecord | null> {
    const [row] = await this.query((sql) => sql`SELECT * FROM keisei_studies WHERE name = ${name}`);
    return row ? toStudy(row) : null;
  }

  async studies(): Promise<StudyRecord[]> {
    return (await this.query((sql) => sql`SELECT * FROM keisei_studies ORDER BY id`)).map(toStudy);
  }

  async trials(studyId: number): Promise<TrialRecord[]> {
    return (
      await this.query((sql) => sql`SELECT * FROM keisei_trials WHERE study_id = ${studyId} ORDER BY number`)
    ).map(toTrial);
  }

  async trial(id: number): Promise<TrialRecord | null> {
    const [row] = await this.query((sql) => sql`SELECT * FROM keisei_trials WHERE id = ${id}`);
    return row ? toTrial(row) : null;
  }

  /** Every intermediate value of the study, by trial id, in step order. */
  async values(studyId: number): Promise<Map<number, StepValue[]>> {
    const rows = await this.query(
      (
        sql,
      ) => sql`SELECT v.trial_id, v.step, v.value FROM keisei_trial_values v JOIN keisei_trials t ON t.id = v.trial_id
        WHERE t.study_id = ${studyId} ORDER BY v.trial_id, v.step`,
    );
    const out = new Map<number, StepValue[]>();
    for (const r of rows as Row[]) {
      const id = Number(r.trial_id);
      let list = out.get(id);
      if (!list) {
        list = [];
        out.set(id, list);
      }
      list.push({ step: Number(r.step), value: Number(r.value) });
    }
    return out;
  }

  /** Claims the oldest waiting trial for `worker`, atomically; null when none is waiting. */
  async claimWaiting(studyId: number, worker: string, now: number): Promise<TrialRecord | null> {
    const rows = await this.query((sql) =>
      this.adapter === "postgres"
        ? sql`UPDATE keisei_trials SET state = 'running', worker = ${worker}, heartbeat_at = ${now}, started_at = ${now}
            WHERE id = (SELECT id FROM keisei_trials WHERE study_id = ${studyId} AND state = 'waiting' ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING *`
        : sql`UPDATE keisei_trials SET state = 'running', worker = ${worker}, heartbeat_at = ${now}, started_at = ${now}
            WHERE id = (SELECT id FROM keisei_trials WHERE study_id = ${studyId} AND state = 'waiting' ORDER BY number LIMIT 1) AND state = 'waiting'
            RETURNING *`,
    );
    return rows.length > 0 ? toTrial(rows[0]) : null;
  }

  /**
   * Under the study's lock: reads every trial and intermediate value, asks `make` for a new
   * trial's parameters (null: make none), and inserts it as running for `worker`.
   */
  async createTrial(
    studyId: number,
    worker: string,
    now: number,
    make: (trials: TrialRecord[], values: Map<number, StepValue[]>) => Proposal | null,
  ): Promise<TrialRecord | null> {
    return this.studyTransaction(studyId, async (tx) => {
      const trials: TrialRecord[] = (
        await tx`SELECT * FROM keisei_trials WHERE study_id = ${studyId} ORDER BY number`
      ).map(toTrial);
      const values = new Map<number, StepValue[]>();
      const rows =
        await tx`SELECT v.trial_id, v.step, v.value FROM keisei_trial_values v JOIN keisei_trials t ON t.id = v.trial_id
        WHERE t.study_id = ${studyId} ORDER BY v.trial_id, v.step`;
      for (const r of rows as Row[]) {
        const id = Number(r.trial_id);
        values.set(id, [...(values.get(id) ?? []), { step: Number(r.step), value: Number(r.value) }]);
      }
      const proposal = make(trials, values);
      if (!proposal) return null;
      const number = trials.reduce((m, t) => Math.max(m, t.number), -1) + 1;
      const [row] =
        await tx`INSERT INTO keisei_trials (study_id, number, state, params, internal, worker, heartbeat_at, attempts, created_at, started_at)
        VALUES (${studyId}, ${number}, 'running', ${JSON.stringify(proposal.params)}, ${JSON.stringify(proposal.internal)}, ${worker}, ${now}, 1, ${now}, ${now})
        RETURNING *`;
      return toTrial(row);
    });
  }

  /** Adds trials with hand-picked parameters to the queue (Optuna's enqueue_trial). */
  async enqueue(studyId: number, proposals: Proposal[], now: number): Promise<TrialRecord[]> {
    return this.studyTransaction(studyId, async (tx) => {
      const [{ n }] =
        await tx`SELECT COALESCE(MAX(number), -1) + 1 AS n FROM keisei_trials WHERE study_id = ${studyId}`;
      let number = Number(n);
      const out: TrialRecord[] = [];
      for (const p of proposals) {
        const [row] =
          await tx`INSERT INTO keisei_trials (study_id, number, state, params, internal, attempts, created_at)
          VALUES (${studyId}, ${number++}, 'waiting', ${JSON.stringify(p.params)}, ${JSON.stringify(p.internal)}, 1, ${now}) RETURNING *`;
        out.push(toTrial(row));
      }
      return out;
    });
  }

  /** Refreshes a running trial's heartbeat; false when the trial is no longer this worker's (it was reaped). */
  async heartbeat(trialId: number, worker: string, now: number): Promise<boolean> {
    const rows = await this.query(
      (sql) =>
        sql`UPDATE keisei_trials SET heartbeat_at = ${now} WHERE id = ${trialId} AND state = 'running' AND worker = ${worker} RETURNING id`,
    );
    return rows.length > 0;
  }

  async setRunDir(trialId: number, runDir: string): Promise<void> {
    await this.query((sql) => sql`UPDATE keisei_trials SET run_dir = ${runDir} WHERE id = ${trialId}`);
  }

  /** Records an intermediate value (a repeated step overwrites). */
  async report(trialId: number, step: number, value: number): Promise<void> {
    await this.query(
      (sql) => sql`INSERT INTO keisei_trial_values (trial_id, step, value) VALUES (${trialId}, ${step}, ${value})
        ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value`,
    );
  }

  /** Ends a running trial of `worker`; false when it was no longer this worker's. */
  async finish(
    trialId: number,
    worker: string,
    state: "complete" | "pruned" | "failed",
    value: number | null,
    message: string | null,
    now: number,
  ): Promise<boolean> {
    const rows = await this.query(
      (
        sql,
      ) => sql`UPDATE keisei_trials SET state = ${state}, value = ${value}, message = ${message}, finished_at = ${now}, heartbeat_at = ${now}
        WHERE id = ${trialId} AND state = 'running' AND worker = ${worker} RETURNING id`,
    );
    return rows.length > 0;
  }

  /**
   * Inside a study transaction: queues each of the failed `rows` once more while it has attempts
   * left. With `countAttempt: false` (the agent was stopped on purpose) the retry always happens and
   * keeps the attempt number.
   */
  private async failAndRetry(
    tx: SQL,
    studyId: number,
    rows: TrialRecord[],
    maxAttempts: number,
    now: number,
    countAttempt = true,
  ): Promise<TrialRecord[]> {
    const retried: TrialRecord[] = [];
    if (rows.length === 0) return retried;
    const [{ n }] = await tx`SELECT COALESCE(MAX(number), -1) + 1 AS n FROM keisei_trials WHERE study_id = ${studyId}`;
    let number = Number(n);
    for (const t of rows) {
      if (countAttempt && t.attempts >= maxAttempts) continue;
      const attempts = countAttempt ? t.attempts + 1 : t.attempts;
      const [row] =
        await tx`INSERT INTO keisei_trials (study_id, number, state, params, internal, attempts, retry_of, message, created_at)
        VALUES (${studyId}, ${number++}, 'waiting', ${JSON.stringify(t.params)}, ${JSON.stringify(t.internal)}, ${attempts}, ${t.id},
                ${`retry of trial ${t.number}`}, ${now}) RETURNING *`;
      retried.push(toTrial(row));
      await tx`UPDATE keisei_trials SET message = ${`${t.message ?? "failed"}; retried as trial ${Number(row.number)}`} WHERE id = ${t.id}`;
    }
    return retried;
  }

  /**
   * Running trials whose heartbeat is older than `graceMs` (their agent died) become failed, and each
   * is queued again once while `attempts < maxAttempts`.
   */
  async reapStale(
    studyId: number,
    graceMs: number,
    maxAttempts: number,
    now: number,
  ): Promise<{ failed: TrialRecord[]; retried: TrialRecord[] }> {
    return this.studyTransaction(studyId, async (tx) => {
      const stale: TrialRecord[] = (
        await tx`SELECT * FROM keisei_trials WHERE study_id = ${studyId} AND state = 'running' AND heartbeat_at < ${now - graceMs}`
      ).map(toTrial);
      const failed: TrialRecord[] = [];
      for (const t of stale) {
        const message = `no heartbeat from ${t.worker} for ${((now - (t.heartbeatAt ?? now)) / 1000).toFixed(1)} s (agent gone)`;
        const rows = await tx`UPDATE keisei_trials SET state = 'failed', message = ${message}, finished_at = ${now}
          WHERE id = ${t.id} AND state = 'running' AND heartbeat_at < ${now - graceMs} RETURNING *`;
        if (rows.length > 0) failed.push(toTrial(rows[0]));
      }
      return { failed, retried: await this.failAndRetry(tx, studyId, failed, maxAttempts, now) };
    });
  }

  /** Gives a running trial up because its agent is stopping: failed, and queued again (not counted as an attempt). */
  async release(trialId: number, worker: string, message: string, now: number): Promise<TrialRecord | null> {
    const trial = await this.trial(trialId);
    if (!trial) return null;
    return this.studyTransaction(trial.studyId, async (tx) => {
      const rows = await tx`UPDATE keisei_trials SET state = 'failed', message = ${message}, finished_at = ${now}
        WHERE id = ${trialId} AND state = 'running' AND worker = ${worker} RETURNING *`;
      if (rows.length === 0) return null;
      const [retry] = await this.failAndRetry(tx, trial.studyId, [toTrial(rows[0])], Infinity, now, false);
      return retry ?? null;
    });
  }
}
