// PPO's opponent pool, as AlphaStar's prioritized fictitious self-play (PFSP): a fraction of the
// self-play games pit the learner, on a random colour, against one of the run's recent
// checkpoints, chosen with weight (1 − x)², x being the learner's score against it so far — the
// opponents it still loses to are played most. The rest stay latest-against-latest. Only the
// learner's side of a pool game is trained (rl/selfplay.ts).
//
// The pool has `size` slots filled by the newest checkpoints in turn (the oldest is replaced); a
// game in progress against a replaced slot finishes against its new occupant. Its draws come from
// its own random source, and the opponents sample their moves from another: both are saved with
// the run, so a resumed run replays the same games.

import type { Backend } from "../compute/backend.ts";
import { loadCheckpoint } from "../models/checkpoint.ts";
import type { Network } from "../models/network.ts";
import { NetworkPolicy } from "../rl/network-policy.ts";
import type { FinishedGame, Match } from "../rl/selfplay.ts";
import type { Random } from "../util/random.ts";

/** The pool's keys in a metrics record. */
export const POOL_METRIC_NAMES = ["pool/size", "pool/games", "pool/learner_score"] as const;

export interface PoolSettings {
  /** Fraction of new games played against the pool (0: plain self-play). */
  fraction: number;
  /** Checkpoints kept in the pool. */
  size: number;
}

/** One slot: a checkpoint and the learner's results against it. */
export interface PoolEntry {
  path: string;
  games: number;
  /** The learner's points against it: 1 a win, ½ a draw. */
  score: number;
}

/** What a checkpoint keeps of the pool. */
export interface PoolState {
  entries: PoolEntry[];
  /** The slot the next checkpoint replaces once the pool is full. */
  next: number;
}

export class OpponentPool {
  private readonly entries: PoolEntry[];
  private next: number;
  private readonly loaded: ({ net: Network; policy: NetworkPolicy; path: string } | null)[] = [];

  constructor(
    private readonly backend: Backend,
    private readonly batch: number,
    readonly settings: PoolSettings,
    /** Draws who plays each new game. */
    private readonly draws: Random,
    /** The opponents' move sampling. */
    private readonly moves: Random,
    state?: PoolState,
  ) {
    this.entries = state?.entries.map((e) => ({ ...e })) ?? [];
    this.next = state?.next ?? 0;
  }

  get state(): PoolState {
    return { entries: this.entries.map((e) => ({ ...e })), next: this.next };
  }

  /** The pool in a metrics record: its size, the games played against its current members and the learner's score in them; null when off. */
  metrics(): Record<(typeof POOL_METRIC_NAMES)[number], number> | null {
    if (this.settings.fraction <= 0) return null;
    const games = this.entries.reduce((n, e) => n + e.games, 0);
    const score = this.entries.reduce((n, e) => n + e.score, 0);
    return {
      "pool/size": this.entries.length,
      "pool/games": games,
      "pool/learner_score": games > 0 ? score / games : Number.NaN,
    };
  }

  /** PFSP weight of an entry: (1 − x)², x the learner's score with one virtual draw (so a new entry weighs ¼). */
  static weight(e: PoolEntry): number {
    const x = (e.score + 0.5) / (e.games + 1);
    return (1 - x) ** 2;
  }

  /** Who plays the next game in a slot: the pool with probability `fraction` (once it has a checkpoint), else self-play. */
  nextMatch = (_game: number): Match => {
    if (this.entries.length === 0 || this.settings.fraction <= 0) return { opponent: -1, learner: 0 };
    if (this.draws.next() >= this.settings.fraction) return { opponent: -1, learner: 0 };
    const weights = this.entries.map(OpponentPool.weight);
    let u = this.draws.next() * weights.reduce((a, b) => a + b, 0);
    let opponent = 0;
    while (opponent < weights.length - 1 && u >= weights[opponent]) u -= weights[opponent++];
    return { opponent, learner: this.draws.next() < 0.5 ? 0 : 1 };
  };

  /** A new checkpoint joins: it fills an empty slot, or replaces the oldest. */
  enter(path: string): void {
    if (this.settings.fraction <= 0 || this.settings.size <= 0) return;
    const entry = { path, games: 0, score: 0 };
    if (this.entries.length < this.settings.size) this.entries.push(entry);
    else {
      this.entries[this.next] = entry;
      this.next = (this.next + 1) % this.settings.size;
    }
  }

  /** The learner's results of finished pool games. */
  record(games: readonly FinishedGame[]): void {
    for (const g of games) {
      const e = g.match.opponent >= 0 ? this.entries[g.match.opponent] : undefined;
      if (!e) continue;
      e.games++;
      e.score += g.winner === null ? 0.5 : g.winner === g.match.learner ? 1 : 0;
    }
  }

  /** The opponents' policies, by slot, loading the checkpoints that entered since the last call. */
  async policies(): Promise<NetworkPolicy[]> {
    for (let k = 0; k < this.entries.length; k++) {
      const have = this.loaded[k];
      if (have?.path === this.entries[k].path) continue;
      if (have) {
        have.policy.destroy();
        have.net.destroy();
      }
      const { net } = loadCheckpoint(this.backend, this.entries[k].path);
      await net.prepare();
      this.loaded[k] = { net, policy: new NetworkPolicy(net, this.batch, this.moves), path: this.entries[k].path };
    }
    return this.loaded.slice(0, this.entries.length).map((l) => l!.policy);
  }

  destroy(): void {
    for (const l of this.loaded) {
      l?.policy.destroy();
      l?.net.destroy();
    }
    this.loaded.length = 0;
  }
}
