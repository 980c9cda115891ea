// Elo ratings, and the previous-model pool, kept in one SQLite database per models directory:
// `<model_dir>/elo.sqlite` (WAL, so a trainer and an `evaluate` can share it). The reference kept a
// JSON file relative to the working directory, shared by accident across runs (keisei-python.md
// §9.5, §13.3 item 24); this one lives beside the models it rates.
//
// Rating update (the reference's, §9.5): for each game in order, with both expectations taken from
// the ratings before that game,
//   E_a = 1 / (1 + 10^((R_b − R_a) / 400)),  R_a += K·(S_a − E_a),  R_b += K·(S_b − E_b),  S_b = 1 − S_a
// K = 32, a new player starts at 1500. Golden: A, B from 1500 with [win, win, draw, loss] end at
// 1509.2130416923687 / 1490.7869583076313; one Black win from 1500/1500 gives 1516 / 1484.
//
// Players are named by id: "random", "heuristic", or a checkpoint's path relative to the models
// directory (so `run_a/checkpoint_ts10000.safetensors` and run_b's file of the same name differ).

import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Outcome } from "./match.ts";

export const ELO_K = 32;
export const ELO_INITIAL = 1500;
export const ELO_FILE = "elo.sqlite";
export const DEFAULT_POOL = "default";

export const expectedScore = (ra: number, rb: number): number => 1 / (1 + 10 ** ((rb - ra) / 400));

export const scoreOf = (o: Outcome): number => (o === "win" ? 1 : o === "loss" ? 0 : 0.5);

/** One game: both players' new ratings; `scoreA` is A's score (1 win, ½ draw, 0 loss). */
export function eloUpdate(ra: number, rb: number, scoreA: number, k = ELO_K): [number, number] {
  const ea = expectedScore(ra, rb);
  const eb = expectedScore(rb, ra);
  return [ra + k * (scoreA - ea), rb + k * (1 - scoreA - eb)];
}

/** A series of games, one update per game in order (the reference's sequential update). */
export function updateRatings(ra: number, rb: number, outcomes: readonly Outcome[], k = ELO_K): [number, number] {
  for (const o of outcomes) [ra, rb] = eloUpdate(ra, rb, scoreOf(o), k);
  return [ra, rb];
}

export interface Rating {
  id: string;
  rating: number;
  games: number;
}

export interface RatingHistoryEntry {
  at: string; // ISO 8601
  rating: number; // after the match
  games: number; // games rated so far, this match's included
}

export interface EloRegistryOptions {
  k?: number;
  initial?: number;
  /** Checkpoints kept in the previous-model pool (`evaluation.previous_model_pool_size`). Default 5. */
  poolSize?: number;
  /** Clock for history rows (tests pin it). */
  now?: () => Date;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ratings (
  id      TEXT PRIMARY KEY,
  rating  REAL NOT NULL,
  games   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rating_history (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  id      TEXT NOT NULL,
  at      TEXT NOT NULL,
  rating  REAL NOT NULL,
  games   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS rating_history_id ON rating_history (id, seq);
CREATE TABLE IF NOT EXISTS model_pool (
  pool    TEXT NOT NULL,
  path    TEXT NOT NULL,
  seq     INTEGER NOT NULL,
  added   TEXT NOT NULL,
  PRIMARY KEY (pool, path)
);
`;

export class EloRegistry {
  readonly k: number;
  readonly initial: number;
  readonly poolSize: number;
  private readonly now: () => Date;

  private constructor(
    readonly path: string,
    readonly modelDir: string,
    private readonly db: Database,
    o: EloRegistryOptions,
  ) {
    this.k = o.k ?? ELO_K;
    this.initial = o.initial ?? ELO_INITIAL;
    this.poolSize = o.poolSize ?? 5;
    this.now = o.now ?? (() => new Date());
    if (!Number.isInteger(this.poolSize) || this.poolSize < 1)
      throw new RangeError(`Elo registry: pool size must be a positive integer, got ${this.poolSize}`);
  }

  /** Opens (creating when needed) `<modelDir>/elo.sqlite`. */
  static open(modelDir: string, o: EloRegistryOptions = {}): EloRegistry {
    mkdirSync(modelDir, { recursive: true });
    const path = join(modelDir, ELO_FILE);
    let db: Database;
    try {
      db = new Database(path, { create: true, strict: true });
      db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
      db.exec(SCHEMA);
    } catch (e) {
      throw new Error(`Elo registry ${path}: ${(e as Error).message}`);
    }
    return new EloRegistry(path, resolve(modelDir), db, o);
  }

  close(): void {
    this.db.close();
  }

  /** The registry id of a checkpoint file: its path relative to the models directory when inside it. */
  idOf(path: string): string {
    const rel = relative(this.modelDir, resolve(path));
    return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : resolve(path);
  }

  private row(id: string): Rating {
    const r = this.db
      .query<{ rating: number; games: number }, [string]>("SELECT rating, games FROM ratings WHERE id = ?")
      .get(id);
    return { id, rating: r?.rating ?? this.initial, games: r?.games ?? 0 };
  }

  /** A player's rating (the initial rating when it has none yet). */
  rating(id: string): number {
    return this.row(id).rating;
  }

  /** Every rated player, best first. */
  ratings(): Rating[] {
    return this.db.query<Rating, []>("SELECT id, rating, games FROM ratings ORDER BY rating DESC, id").all();
  }

  /**
   * Rates a match of `outcomes` (A's point of view, in play order) and stores both players' new
   * ratings and a history row each. Returns the new ratings.
   */
  recordMatch(a: string, b: string, outcomes: readonly Outcome[]): { a: number; b: number } {
    if (a === b) throw new Error(`Elo registry: a player cannot be rated against itself (${a})`);
    const at = this.now().toISOString();
    const put = this.db.query(
      "INSERT INTO ratings (id, rating, games) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET rating = excluded.rating, games = excluded.games",
    );
    const log = this.db.query("INSERT INTO rating_history (id, at, rating, games) VALUES (?, ?, ?, ?)");
    return this.db.transaction(() => {
      const ra = this.row(a),
        rb = this.row(b);
      const [na, nb] = updateRatings(ra.rating, rb.rating, outcomes, this.k);
      const ga = ra.games + outcomes.length,
        gb = rb.games + outcomes.length;
      put.run(a, na, ga);
      put.run(b, nb, gb);
      log.run(a, at, na, ga);
      log.run(b, at, nb, gb);
      return { a: na, b: nb };
    })();
  }

  /** A player's rating after each of its rated matches, oldest first. */
  history(id: string): RatingHistoryEntry[] {
    return this.db
      .query<RatingHistoryEntry, [string]>("SELECT at, rating, games FROM rating_history WHERE id = ? ORDER BY seq")
      .all(id);
  }

  /** The file a registry id names (ids inside the models directory are relative to it). */
  pathOf(id: string): string {
    return isAbsolute(id) ? id : join(this.modelDir, id);
  }

  /**
   * Adds a checkpoint to the previous-model pool as its newest entry (re-adding one makes it the
   * newest) and drops the oldest beyond the pool size. Entries are stored by id, so the pool
   * survives moving the models directory. Returns the paths dropped.
   */
  addToPool(checkpoint: string, pool = DEFAULT_POOL): string[] {
    const path = this.idOf(checkpoint);
    return this.db.transaction(() => {
      const top = this.db
        .query<{ seq: number | null }, [string]>("SELECT MAX(seq) AS seq FROM model_pool WHERE pool = ?")
        .get(pool);
      this.db
        .query(
          "INSERT INTO model_pool (pool, path, seq, added) VALUES (?, ?, ?, ?) ON CONFLICT (pool, path) DO UPDATE SET seq = excluded.seq, added = excluded.added",
        )
        .run(pool, path, (top?.seq ?? 0) + 1, this.now().toISOString());
      const dropped = this.db
        .query<{ path: string }, [string, number]>(
          "SELECT path FROM model_pool WHERE pool = ? ORDER BY seq DESC LIMIT -1 OFFSET ?",
        )
        .all(pool, this.poolSize)
        .map((r) => r.path);
      const del = this.db.query("DELETE FROM model_pool WHERE pool = ? AND path = ?");
      for (const p of dropped) del.run(pool, p);
      return dropped.map((p) => this.pathOf(p));
    })();
  }

  /** The pool's checkpoint paths, oldest first. */
  pool(pool = DEFAULT_POOL): string[] {
    return this.db
      .query<{ path: string }, [string]>("SELECT path FROM model_pool WHERE pool = ? ORDER BY seq")
      .all(pool)
      .map((r) => this.pathOf(r.path));
  }

  /** The pool's newest checkpoint path, or null when the pool is empty. */
  newestInPool(pool = DEFAULT_POOL): string | null {
    const row = this.db
      .query<{ path: string }, [string]>("SELECT path FROM model_pool WHERE pool = ? ORDER BY seq DESC LIMIT 1")
      .get(pool);
    return row ? this.pathOf(row.path) : null;
  }
}
