// A database keisei shares between processes, through Bun's SQL client: an SQLite file (WAL) for
// processes on one machine, or a postgres:// URL for processes on many. The sweep's study database
// (sweep/storage.ts) and the actors' rollout store (training/actors/store.ts) both open theirs here.
//
// Defines: DatabaseError, describeDatabase, hidePassword, Mutex, connectDatabase, isConnectionError.

import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { SQL } from "bun";
import { InputError, quote } from "./input-error.ts";

export type Adapter = "sqlite" | "postgres";

export class DatabaseError extends InputError {
  override name = "DatabaseError";
}

/** The URL with its password replaced by *** (for messages and labels). */
export const hidePassword = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");

/**
 * `postgres://…` / `postgresql://…`, `sqlite://path`, or a plain path to an SQLite file. Any other
 * `scheme://` (mysql://, http://) is refused: read as a path it would make a folder named `mysql:`.
 * `flag` names the input in the message (--storage, --store), `noun` what it should be (a study database).
 */
export function describeDatabase(
  url: string,
  flag: string,
  noun: string,
  make: (message: string) => Error = (m) => new DatabaseError(m),
): { adapter: Adapter; target: string } {
  if (/^postgres(ql)?:\/\//.test(url)) return { adapter: "postgres", target: url };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1];
  if (scheme !== undefined && !/^(sqlite|file)$/i.test(scheme))
    throw make(
      `${flag} ${quote(hidePassword(url), 60)}: ${scheme}:// is not ${noun} keisei opens (sqlite://FILE, an SQLite file path, or postgres://…)`,
    );
  const path = url.replace(/^sqlite:(\/\/)?/i, "").replace(/^file:(\/\/)?/i, "");
  if (path === "") throw make(`${flag}: empty (sqlite://FILE, an SQLite file path, or postgres://…)`);
  if (path === ":memory:") return { adapter: "sqlite", target: path };
  return { adapter: "sqlite", target: resolve(path) };
}

/** Serialises this process's use of one connection: on SQLite a query issued while a transaction is open would join it. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** An open database: its client, the lock its users share, and how to let go of it. */
export interface Database {
  sql: SQL;
  lock: Mutex;
  adapter: Adapter;
  /** The database as a person would name it (password hidden). */
  label: string;
  /** Whether this connection is the process's first to it (the one that should set it up). */
  first: boolean;
  close(): Promise<void>;
}

/**
 * SQLite connections of this process, one per file. Bun's SQLite client runs queries synchronously,
 * so a second connection of the same process waiting on the first one's lock would block the only
 * thread the first needs to finish: a process shares one connection per file (and its Mutex).
 */
const sqliteShared = new Map<string, { sql: SQL; lock: Mutex; users: number }>();

/** Opens `target` (from describeDatabase); SQLite connections are shared within the process. */
export function connectDatabase(d: { adapter: Adapter; target: string }, o: { max?: number } = {}): Database {
  if (d.adapter === "postgres") {
    const sql = new SQL(d.target, { max: o.max ?? 4 });
    return {
      sql,
      lock: new Mutex(),
      adapter: "postgres",
      label: hidePassword(d.target),
      first: true,
      close: () => sql.close(),
    };
  }
  const { target } = d;
  let shared = target === ":memory:" ? undefined : sqliteShared.get(target);
  const first = !shared;
  if (!shared) {
    if (target !== ":memory:") mkdirSync(dirname(target), { recursive: true });
    shared = { sql: new SQL(target === ":memory:" ? ":memory:" : `sqlite://${target}`), lock: new Mutex(), users: 0 };
    if (target !== ":memory:") sqliteShared.set(target, shared);
  }
  shared.users++;
  const entry = shared;
  return {
    sql: entry.sql,
    lock: entry.lock,
    adapter: "sqlite",
    label: target,
    first,
    async close() {
      if (--entry.users > 0) return;
      sqliteShared.delete(target);
      await entry.sql.close();
    },
  };
}

/** The pragmas every SQLite connection runs first: WAL, so readers never wait for the one writer. */
export async function prepareSqlite(sql: SQL): Promise<void> {
  // busy_timeout first: switching to WAL needs the write lock another process may hold.
  await sql`PRAGMA busy_timeout = 10000`;
  await sql`PRAGMA journal_mode = WAL`;
  await sql`PRAGMA synchronous = NORMAL`;
  await sql`PRAGMA foreign_keys = ON`;
}

/**
 * Whether `e` says the database could not be reached or went away (refused, reset, closed, server
 * shutting down or starting, SQLite busy): an error worth waiting out, unlike a bad query.
 */
export function isConnectionError(e: unknown): boolean {
  const err = e as { code?: unknown; errno?: unknown; message?: unknown };
  const code = String(err?.code ?? "");
  const errno = String(err?.errno ?? "");
  const message = String(err?.message ?? "");
  if (/CONNECTION|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTCONN|EHOSTUNREACH|ENETUNREACH|SQLITE_BUSY/i.test(code))
    return true;
  // PostgreSQL's SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, starting up).
  if (/^(08|57P)/.test(errno) || /^(08|57P)/.test(code)) return true;
  return /connection (closed|refused|reset|terminated)|database system is (starting up|shutting down)|terminating connection|database is locked|Failed to connect|ECONNREFUSED/i.test(
    message,
  );
}
