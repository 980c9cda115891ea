// Gumbel AlphaZero self-play: num_envs games advance in lock-step, every move chosen by the
// batched Gumbel search (gumbel.ts: one forward pass per simulation round across all games).
// Each decision is recorded as (position, legal actions, the search's improved policy, side to
// move); when a game ends its decisions get their outcome z per colour (+1 for the winner's
// positions, −1 for the loser's, 0 for a draw: the mover's view) and go into the replay. Finished
// games restart at once and come back in selfplay.ts's FinishedGame shape, so the game metrics
// work unchanged.
//
// Options: a short mate search after every move (a forced mate found for the side to move ends
// the game as its win; that position and any after it are not recorded, as dlshogi does), and
// diversified starts (each game opens with a uniformly drawn number, up to a bound, of uniformly
// random legal moves, not recorded; as selfplay.ts's startRandomPlies).

import { moveToAction } from "../shogi/actions.ts";
import { MAX_LEGAL_MOVES } from "../shogi/movegen.ts";
import { Position } from "../shogi/position.ts";
import { gameStatus, type RulesOptions } from "../shogi/rules.ts";
import { type Color, moveIsDrop, moveIsPromote, moveTo } from "../shogi/types.ts";
import { mateMove } from "../search/mate.ts";
import type { Random } from "../util/random.ts";
import { emptySearchStats, type GumbelSearch, type GumbelSearchStats } from "./gumbel.ts";
import type { Replay, ReplayPosition } from "./replay.ts";
import type { FinishedGame, Match, SelfPlayEndReason } from "./selfplay.ts";

/** Every game here is the learner against itself. */
const SELF_PLAY: Match = { opponent: -1, learner: 0 };

export interface GumbelSelfPlayOptions {
  startSfen?: string;
  /** Plies of the mate search run after every move (0: none). */
  mateSearchPly?: number;
  /** Each game opens with a uniform draw from 0..this many uniformly random legal moves, not recorded (0: none). */
  startRandomPlies?: number;
}

/** A game in progress as a checkpoint keeps it. */
export interface GumbelGameSnapshot {
  /** Every move from the start position, the random opening included. */
  moves: number[];
  counters: number[]; // captures, captures, drops, drops, promotions, promotions (Black, White)
  /** Moves of the random opening (not recorded). */
  openingPlies: number;
  /** The policy target of each recorded decision (the moves after the opening), over generateLegal's order. */
  policies: number[][];
  /** false: the slot's game has not begun (its opening is still to be drawn); absent: true. */
  started?: boolean;
}

/** The search figures of the moves played since the last takeStats(). */
export interface SelfPlaySearchFigures {
  "search/simulations_per_second": number;
  /** Mean over decisions of the entropy (nats) of the root's visit distribution. */
  "search/root_visit_entropy": number;
}

/** Search figures from accumulated stats (NaN where nothing was searched). */
export function searchFigures(s: GumbelSearchStats): SelfPlaySearchFigures {
  return {
    "search/simulations_per_second": s.seconds > 0 ? s.simulations / s.seconds : Number.NaN,
    "search/root_visit_entropy": s.decisions > 0 ? s.visitEntropySum / s.decisions : Number.NaN,
  };
}

type Pending = Omit<ReplayPosition, "outcome">;

export class GumbelSelfPlay {
  private readonly games: Position[];
  private readonly history: Uint32Array[]; // per game: moves played
  private readonly counters: Int32Array; // [n, 6]: captures, drops, promotions × colour
  private readonly opening: Int32Array; // [n] random opening plies of each game
  /** Slots whose game has not begun (its random opening is drawn at the first step). */
  private readonly unstarted: boolean[];
  private readonly pending: Pending[][]; // per game: its recorded decisions, waiting for the outcome
  private readonly startSfen: string;
  private readonly startPly: number;
  private readonly mateSearchPly: number;
  private readonly startRandomPlies: number;
  private readonly scratch = new Uint32Array(MAX_LEGAL_MOVES);
  /** The search work of the moves played since the last takeStats(). */
  private totals: GumbelSearchStats = emptySearchStats();

  constructor(
    readonly numGames: number,
    readonly rules: Readonly<RulesOptions>,
    private readonly rng: Random,
    options: GumbelSelfPlayOptions = {},
  ) {
    this.mateSearchPly = options.mateSearchPly ?? 0;
    this.startRandomPlies = options.startRandomPlies ?? 0;
    this.startSfen = options.startSfen ?? Position.startpos().toSfen();
    this.startPly = Position.fromSfen(this.startSfen).ply;
    this.counters = new Int32Array(numGames * 6);
    this.opening = new Int32Array(numGames);
    const cap = rules.maxMovesPerGame > 0 ? rules.maxMovesPerGame + 1 : 4096;
    this.history = Array.from({ length: numGames }, () => new Uint32Array(cap));
    this.pending = Array.from({ length: numGames }, () => []);
    this.unstarted = Array.from({ length: numGames }, () => true);
    this.games = Array.from({ length: numGames }, (_, i) => this.startPosition(i));
  }

  /** The current position of game `i` (for display; do not modify it). */
  position(i: number): Position {
    return this.games[i];
  }

  /** The moves game `i` has played so far. */
  movesOf(i: number): Uint32Array {
    return this.history[i].subarray(0, this.games[i].ply - this.startPly);
  }

  /** The start position, for a slot whose game begins at its first step. */
  private startPosition(i: number): Position {
    this.counters.fill(0, i * 6, i * 6 + 6);
    this.pending[i] = [];
    this.opening[i] = 0;
    const pos = Position.fromSfen(this.startSfen);
    if (gameStatus(pos, this.rules).over)
      throw new Error(`self-play start position is already over: ${this.startSfen}`);
    return pos;
  }

  /**
   * A new game in slot i: the start position after its random opening plies (drawn again when
   * they end the game, up to 8 times, then none). Drawn at the slot's first step, not when the slot
   * is made, so that a restore replaces unstarted slots without drawing.
   */
  private beginGame(i: number): Position {
    this.unstarted[i] = false;
    for (let attempt = 0; ; attempt++) {
      const pos = this.startPosition(i);
      const plies = this.startRandomPlies > 0 ? this.rng.int(this.startRandomPlies + 1) : 0;
      let over = false;
      for (let k = 0; k < plies && !over; k++) {
        const count = pos.generateLegal(this.scratch, 0);
        const move = this.scratch[this.rng.int(count)];
        this.history[i][pos.ply - this.startPly] = move;
        pos.makeMove(move);
        over = gameStatus(pos, this.rules).over;
      }
      if (!over) {
        this.opening[i] = plies;
        return pos;
      }
      if (attempt >= 8) return this.startPosition(i);
    }
  }

  /** Plays the decision `move` in game i, keeping its history and counters. */
  private play(i: number, pos: Position, move: number): void {
    const c = i * 6 + pos.sideToMove;
    if (moveIsDrop(move)) this.counters[c + 2]++;
    else if (pos.board[moveTo(move)] !== 0) this.counters[c]++;
    if (moveIsPromote(move)) this.counters[c + 4]++;
    this.history[i][pos.ply - this.startPly] = move;
    pos.makeMove(move);
  }

  /**
   * One move in every game, chosen by `search` (one batched search over all games). Records each
   * decision; a game that ends hands its positions, with their outcomes, to `replay` (when given)
   * and restarts. Returns the games that ended.
   */
  async step(search: GumbelSearch, replay: Replay | null): Promise<FinishedGame[]> {
    for (let i = 0; i < this.numGames; i++) if (this.unstarted[i]) this.games[i] = this.beginGame(i);
    const before = { ...search.stats };
    const decisions = await search.search(this.games, this.rng);
    for (const k of Object.keys(before) as (keyof GumbelSearchStats)[]) this.totals[k] += search.stats[k] - before[k];

    const finished: FinishedGame[] = [];
    for (let i = 0; i < this.numGames; i++) {
      const pos = this.games[i];
      const d = decisions[i];
      this.pending[i].push({
        board: pos.board.slice(),
        hands: pos.hands.slice(),
        sideToMove: pos.sideToMove,
        ply: pos.ply,
        actions: Uint16Array.from(d.moves, moveToAction),
        policy: d.policy,
      });
      const played = pos.ply - this.startPly;
      this.play(i, pos, d.move);

      const count = pos.generateLegal(this.scratch, 0);
      let status: { over: boolean; winner: Color | null; reason: SelfPlayEndReason | null } = gameStatus(
        pos,
        this.rules,
        count,
      );
      // A forced mate for the side to move ends the game as its win: the moves after it teach nothing.
      if (!status.over && this.mateSearchPly > 0 && mateMove(pos, this.mateSearchPly) !== 0)
        status = { over: true, winner: pos.sideToMove, reason: "mate_found" };
      if (!status.over) continue;
      if (replay)
        for (const p of this.pending[i]) replay.add({ ...p, outcome: outcomeFor(p.sideToMove, status.winner) });
      const cs = this.counters;
      finished.push({
        game: i,
        plies: played + 1,
        winner: status.winner,
        reason: status.reason as SelfPlayEndReason,
        startSfen: this.startSfen,
        moves: this.history[i].slice(0, played + 1),
        counters: {
          captures: [cs[i * 6], cs[i * 6 + 1]],
          drops: [cs[i * 6 + 2], cs[i * 6 + 3]],
          promotions: [cs[i * 6 + 4], cs[i * 6 + 5]],
        },
        match: SELF_PLAY,
      });
      this.games[i] = this.beginGame(i);
    }
    return finished;
  }

  /** The search work since the last call (simulations, seconds, decisions, visit entropies), and a fresh count. */
  takeStats(): GumbelSearchStats {
    const t = this.totals;
    this.totals = emptySearchStats();
    return t;
  }

  /** The games in progress, with their recorded decisions' targets, for a checkpoint. */
  snapshot(): GumbelGameSnapshot[] {
    return this.games.map((_, i) => ({
      moves: Array.from(this.movesOf(i)),
      counters: Array.from(this.counters.subarray(i * 6, i * 6 + 6)),
      openingPlies: this.opening[i],
      policies: this.pending[i].map((p) => Array.from(p.policy)),
      ...(this.unstarted[i] ? { started: false } : {}),
    }));
  }

  /**
   * Replays saved games in progress (each move checked for legality) and rebuilds their recorded
   * decisions from the positions along them, so a resumed run continues them exactly.
   */
  restore(saved: readonly GumbelGameSnapshot[]): void {
    if (saved.length !== this.numGames)
      throw new Error(
        `self-play: ${saved.length} saved games for ${this.numGames} game slots (training.num_envs changed?)`,
      );
    saved.forEach((g, i) => {
      if (g.policies.length !== g.moves.length - g.openingPlies)
        throw new Error(
          `self-play: saved game ${i} has ${g.policies.length} recorded decisions for ${g.moves.length - g.openingPlies} moves after its opening`,
        );
      const pos = Position.fromSfen(this.startSfen);
      const pending: Pending[] = [];
      g.moves.forEach((m, k) => {
        if (!pos.isLegal(m)) throw new Error(`self-play: saved game ${i} has an illegal move ${m} at ply ${pos.ply}`);
        if (k >= g.openingPlies) {
          const count = pos.generateLegal(this.scratch, 0);
          const policy = g.policies[k - g.openingPlies];
          if (policy.length !== count)
            throw new Error(
              `self-play: saved game ${i}, ply ${pos.ply}: ${policy.length} targets for ${count} legal moves`,
            );
          pending.push({
            board: pos.board.slice(),
            hands: pos.hands.slice(),
            sideToMove: pos.sideToMove,
            ply: pos.ply,
            actions: Uint16Array.from(this.scratch.subarray(0, count), moveToAction),
            policy: Float32Array.from(policy),
          });
        }
        this.history[i][pos.ply - this.startPly] = m;
        pos.makeMove(m);
      });
      if (gameStatus(pos, this.rules).over) throw new Error(`self-play: saved game ${i} is already over`);
      this.counters.set(g.counters, i * 6);
      this.opening[i] = g.openingPlies;
      this.unstarted[i] = g.started === false;
      this.pending[i] = pending;
      this.games[i] = pos;
    });
  }
}

/** z for a position whose side to move was `mover`: +1 when it won, −1 when it lost, 0 for a draw. */
export function outcomeFor(mover: Color, winner: Color | null): number {
  return winner === null ? 0 : winner === mover ? 1 : -1;
}
