// Vectorised self-play: N games advance in lock-step. Each step encodes every game's observation
// and legal actions into one batch, asks the policy once for all of them (one batched forward
// pass), plays the chosen moves, and restarts finished games at once. Legal moves are generated
// once per position: the same list feeds the policy's mask and the end-of-game check.
//
// A game slot may instead pit the learner, on one colour, against a fixed opponent policy (a past
// checkpoint of an opponent pool): the opponent's moves are chosen by its own batched forward pass
// and are not recorded — only the learner's side is trained. Games may start a few uniformly
// random plies into the game, so self-play does not replay one opening.

import { OBS_SIZE } from "../shogi/features.ts";
import { materialBalance } from "../shogi/material.ts";
import { MAX_LEGAL_MOVES } from "../shogi/movegen.ts";
import { Position } from "../shogi/position.ts";
import { type GameEndReason, gameStatus, type RulesOptions } from "../shogi/rules.ts";
import { moveIsDrop, moveIsPromote, moveTo, type Color } from "../shogi/types.ts";
import { type ActBatch, type ActingPolicy, allocActBatch, chosenMove, encodeRow } from "./acting.ts";
import type { RolloutBuffer } from "./buffer.ts";

/** Where self-play records decisions: the rollout buffer, or an actor's segment recorder (training/actors). */
export type TransitionSink = Pick<RolloutBuffer, "add" | "endGame" | "cut">;
import { mateMove } from "../search/mate.ts";
import type { Random } from "../util/random.ts";

/** Who plays a game: the learner on both sides (opponent −1), or the learner on `learner`'s colour against opponent `opponent`. */
export interface Match {
  opponent: number;
  learner: Color;
}

const SELF: Match = { opponent: -1, learner: 0 };

/** Per side (index = colour): what a game's moves did. */
export interface GameCounters {
  captures: [number, number];
  drops: [number, number];
  promotions: [number, number];
}

/** Why a self-play game ended. */
export type SelfPlayEndReason = GameEndReason | "mate_found";

/**
 * Every end reason, in a fixed order: metrics count them in it, and actors' segments
 * (training/actors/segment.ts) encode a reason as its index — append new ones, never reorder.
 */
export const SELF_PLAY_END_REASONS: readonly SelfPlayEndReason[] = [
  "checkmate",
  "no_legal_moves",
  "repetition",
  "perpetual_check",
  "max_moves",
  "impasse",
  "mate_found",
];

export interface FinishedGame {
  game: number;
  plies: number;
  winner: Color | null;
  /** The rules' reason, or "mate_found": the mate search found a forced mate for the side to move. */
  reason: SelfPlayEndReason;
  startSfen: string;
  moves: Uint32Array; // engine moves, in order (the random opening plies included)
  counters: GameCounters;
  /** Who played it (opponent −1: self-play). */
  match: Match;
}

/** A game in progress as a checkpoint keeps it. */
export interface GameSnapshot {
  moves: number[];
  counters: number[]; // captures, captures, drops, drops, promotions, promotions (Black, White)
  /** Absent in older checkpoints: self-play. */
  match?: Match;
  /** false: the slot's game has not begun (its match and opening are still to be drawn); absent: true. */
  started?: boolean;
  /** The SFEN the game started from, when self-play has several start positions (absent: the only one). */
  start?: string;
}

export interface SelfPlayOptions {
  /** Games start from these positions in turn (default: the initial position). */
  startSfens?: readonly string[];
  materialShaping?: number;
  mateSearchPly?: number;
  /** Each new game starts 0..N uniformly random legal plies in (drawn from `random`). */
  startRandomPlies?: number;
  /** Chooses who plays each new game (default: self-play). */
  nextMatch?: (game: number) => Match;
  /** Draws the random opening plies; needed when startRandomPlies > 0. */
  random?: Random;
}

/** The shaping potential Φ of `pos` from `colour`'s view: weight × material balance; 0 without shaping. */
export function shapingPotential(weight: number, pos: Position, colour: Color): number {
  return weight === 0 ? 0 : weight * materialBalance(pos, colour);
}

export class SelfPlay {
  readonly batch: ActBatch;
  private readonly games: Position[];
  private readonly legalMoves: Uint32Array; // [n, MAX_LEGAL_MOVES] engine moves of each game's position
  private readonly legalCount: Int32Array; // [n]
  private readonly history: Uint32Array[]; // per game: moves played
  private readonly counters: Int32Array; // [n, 6]: captures, drops, promotions × colour
  private readonly startSfens: readonly string[];
  /** The start position of the next new game (an index into startSfens). */
  private nextStart = 0;
  /** Per game: the SFEN it started from, and its ply there. */
  private readonly gameStart: string[];
  private readonly startPly: Int32Array;
  /** Plies of the mate search run after every move (0: none). */
  private readonly mateSearchPly: number;
  private readonly materialShaping: number;
  private readonly startRandomPlies: number;
  private readonly nextMatch: (game: number) => Match;
  private readonly random: Random | null;
  private readonly matches: Match[];
  /** Slots whose game has not begun yet (its match and opening are drawn at the first step, so a restore can replace them without drawing). */
  private readonly unstarted: boolean[];

  /**
   * `materialShaping`: weight of the shaping potential Φ = weight × material balance (pawn units,
   * the mover's view) recorded with each decision; 0 records no shaping (buffer.ts explains).
   */
  constructor(
    readonly numGames: number,
    readonly rules: Readonly<RulesOptions>,
    options: SelfPlayOptions = {},
  ) {
    this.mateSearchPly = options.mateSearchPly ?? 0;
    this.startRandomPlies = options.startRandomPlies ?? 0;
    this.nextMatch = options.nextMatch ?? (() => SELF);
    this.random = options.random ?? null;
    if (this.startRandomPlies > 0 && !this.random) throw new Error("self-play: startRandomPlies needs a random source");
    this.matches = Array.from({ length: numGames }, () => SELF);
    this.unstarted = Array.from({ length: numGames }, () => true);
    this.materialShaping = options.materialShaping ?? 0;
    this.startSfens = options.startSfens?.length ? options.startSfens : [Position.startpos().toSfen()];
    this.gameStart = Array.from({ length: numGames }, () => this.startSfens[0]);
    this.startPly = new Int32Array(numGames);
    this.batch = allocActBatch(numGames);
    this.legalMoves = new Uint32Array(numGames * MAX_LEGAL_MOVES);
    this.legalCount = new Int32Array(numGames);
    this.counters = new Int32Array(numGames * 6);
    const cap = rules.maxMovesPerGame > 0 ? rules.maxMovesPerGame + 1 : 4096;
    this.history = Array.from({ length: numGames }, () => new Uint32Array(cap));
    this.games = Array.from({ length: numGames }, (_, i) => this.newGame(i, this.startSfens[0]));
    this.encodeBatch();
  }

  private potential(pos: Position, colour: Color): number {
    return shapingPotential(this.materialShaping, pos, colour);
  }

  /** The current position of game `i` (for display; do not modify it). */
  position(i: number): Position {
    return this.games[i];
  }

  /** The moves game `i` has played so far. */
  movesOf(i: number): Uint32Array {
    return this.history[i].subarray(0, this.games[i].ply - this.startPly[i]);
  }

  /** A new game in slot `i` from `sfen` (default: the next start position in turn). */
  private newGame(i: number, sfen?: string): Position {
    if (sfen === undefined) {
      sfen = this.startSfens[this.nextStart];
      this.nextStart = (this.nextStart + 1) % this.startSfens.length;
    }
    const pos = Position.fromSfen(sfen);
    this.gameStart[i] = sfen;
    this.startPly[i] = pos.ply;
    this.legalCount[i] = pos.generateLegal(this.legalMoves, i * MAX_LEGAL_MOVES);
    if (gameStatus(pos, this.rules, this.legalCount[i]).over)
      throw new Error(`self-play start position is already over: ${sfen}`);
    this.counters.fill(0, i * 6, i * 6 + 6);
    return pos;
  }

  /** A new game in slot `i`: its match, then its random opening plies (replayed until one leaves the game going). */
  private beginGame(i: number): Position {
    this.matches[i] = this.nextMatch(i);
    this.unstarted[i] = false;
    const sfen = this.startSfens[this.nextStart];
    this.nextStart = (this.nextStart + 1) % this.startSfens.length;
    for (let attempt = 0; ; attempt++) {
      const pos = this.newGame(i, sfen);
      const plies = this.random && this.startRandomPlies > 0 ? this.random.int(this.startRandomPlies + 1) : 0;
      let over = false;
      for (let k = 0; k < plies && !over; k++) {
        const move = this.legalMoves[i * MAX_LEGAL_MOVES + this.random!.int(this.legalCount[i])];
        this.history[i][pos.ply - this.startPly[i]] = move;
        pos.makeMove(move);
        this.legalCount[i] = pos.generateLegal(this.legalMoves, i * MAX_LEGAL_MOVES);
        over = gameStatus(pos, this.rules, this.legalCount[i]).over;
      }
      if (!over || attempt >= 8) return over ? this.newGame(i, sfen) : pos;
    }
  }

  /** Whether the side to move in game `i` is an opponent's (its move is not the learner's). */
  private opponentToMove(i: number): boolean {
    const m = this.matches[i];
    return m.opponent >= 0 && this.games[i].sideToMove !== m.learner;
  }

  private encodeBatch(): void {
    for (let i = 0; i < this.numGames; i++) {
      encodeRow(
        this.batch,
        i,
        this.games[i],
        this.rules.maxMovesPerGame,
        this.legalMoves,
        i * MAX_LEGAL_MOVES,
        this.legalCount[i],
      );
    }
  }

  /**
   * One ply in every game. Records each decision into `buffer` (when given) with per-colour
   * credit, restarts finished games, and returns them.
   */
  async step(
    policy: ActingPolicy,
    buffer: TransitionSink | null,
    opponents: readonly ActingPolicy[] = [],
  ): Promise<FinishedGame[]> {
    const b = this.batch;
    if (this.unstarted.some(Boolean)) {
      for (let i = 0; i < this.numGames; i++) if (this.unstarted[i]) this.games[i] = this.beginGame(i);
      this.encodeBatch();
    }
    await policy.act(b);
    await this.opponentsAct(opponents);
    const finished: FinishedGame[] = [];
    for (let i = 0; i < this.numGames; i++) {
      const pos = this.games[i];
      const start = b.legalOffsets[i];
      const n = b.legalOffsets[i + 1] - start;
      const action = b.actions[i];
      const move = chosenMove(b, i, this.legalMoves, i * MAX_LEGAL_MOVES);
      if (move < 0)
        throw new Error(
          `self-play game ${i}: the policy chose action ${action}, which is not legal here (${pos.toSfen()})`,
        );
      const mover = pos.sideToMove;
      if (!this.opponentToMove(i))
        buffer?.add(
          i,
          mover,
          b.obs,
          i * OBS_SIZE,
          action,
          b.logProbs[i],
          b.values[i],
          b.legalActions,
          start,
          n,
          this.potential(pos, mover),
        );

      const c = i * 6 + mover;
      if (moveIsDrop(move)) this.counters[c + 2]++;
      else if (pos.board[moveTo(move)] !== 0) this.counters[c]++;
      if (moveIsPromote(move)) this.counters[c + 4]++;
      const plies = this.history[i];
      const played = pos.ply - this.startPly[i];
      plies[played] = move;
      pos.makeMove(move);

      this.legalCount[i] = pos.generateLegal(this.legalMoves, i * MAX_LEGAL_MOVES);
      let status: { over: boolean; winner: Color | null; reason: SelfPlayEndReason | null } = gameStatus(
        pos,
        this.rules,
        this.legalCount[i],
      );
      // A forced mate for the side to move ends the game as its win: the moves after it teach nothing.
      if (!status.over && this.mateSearchPly > 0 && mateMove(pos, this.mateSearchPly) !== 0)
        status = { over: true, winner: pos.sideToMove, reason: "mate_found" };
      if (!status.over) continue;
      buffer?.endGame(i, status.winner);
      const cs = this.counters;
      finished.push({
        game: i,
        plies: played + 1,
        winner: status.winner,
        reason: status.reason!,
        startSfen: this.gameStart[i],
        moves: plies.slice(0, played + 1),
        counters: {
          captures: [cs[i * 6], cs[i * 6 + 1]],
          drops: [cs[i * 6 + 2], cs[i * 6 + 3]],
          promotions: [cs[i * 6 + 4], cs[i * 6 + 5]],
        },
        match: this.matches[i],
      });
      this.games[i] = this.beginGame(i);
    }
    this.encodeBatch();
    return finished;
  }

  /**
   * Each opponent plays the rows where it is to move: one forward pass of its own over the batch,
   * whose choices replace the learner's there (the learner's outputs elsewhere are kept).
   */
  private async opponentsAct(opponents: readonly ActingPolicy[]): Promise<void> {
    const b = this.batch;
    for (let k = 0; k < opponents.length; k++) {
      const rows: number[] = [];
      for (let i = 0; i < this.numGames; i++)
        if (this.matches[i].opponent === k && this.opponentToMove(i)) rows.push(i);
      if (rows.length === 0) continue;
      const kept = { actions: b.actions.slice(), logProbs: b.logProbs.slice(), values: b.values.slice() };
      await opponents[k].act(b);
      const theirs = b.actions.slice();
      b.actions.set(kept.actions);
      b.logProbs.set(kept.logProbs);
      b.values.set(kept.values);
      for (const i of rows) b.actions[i] = theirs[i];
    }
    for (let i = 0; i < this.numGames; i++) {
      const k = this.matches[i].opponent;
      if (k >= opponents.length && this.opponentToMove(i))
        throw new Error(`self-play game ${i}: opponent ${k} is not among the ${opponents.length} given`);
    }
  }

  /** The games in progress (moves, counters and who plays them), for a checkpoint. */
  snapshot(): GameSnapshot[] {
    return this.games.map((_, i) => ({
      moves: Array.from(this.movesOf(i)),
      counters: Array.from(this.counters.subarray(i * 6, i * 6 + 6)),
      match: { ...this.matches[i] },
      ...(this.unstarted[i] ? { started: false } : {}),
      ...(this.startSfens.length > 1 ? { start: this.gameStart[i] } : {}),
    }));
  }

  /** Replays saved games in progress (each move checked for legality), so a resumed run continues them. */
  restore(saved: readonly GameSnapshot[]): void {
    if (saved.length !== this.numGames)
      throw new Error(
        `self-play: ${saved.length} saved games for ${this.numGames} game slots (training.num_envs changed?)`,
      );
    saved.forEach((g, i) => {
      const pos = this.newGame(i, g.start ?? this.startSfens[0]);
      for (const m of g.moves) {
        if (!pos.isLegal(m)) throw new Error(`self-play: saved game ${i} has an illegal move ${m} at ply ${pos.ply}`);
        this.history[i][pos.ply - this.startPly[i]] = m;
        pos.makeMove(m);
      }
      this.legalCount[i] = pos.generateLegal(this.legalMoves, i * MAX_LEGAL_MOVES);
      if (gameStatus(pos, this.rules, this.legalCount[i]).over)
        throw new Error(`self-play: saved game ${i} is already over`);
      this.counters.set(g.counters, i * 6);
      this.matches[i] = g.match ?? SELF;
      this.unstarted[i] = g.started === false;
      this.games[i] = pos;
    });
    this.encodeBatch();
  }

  /**
   * Ends a rollout: the value of every game's current position (one batched pass) bootstraps the
   * trajectories still in progress — from the side to move's view, negated for the other colour.
   */
  async bootstrap(policy: ActingPolicy, buffer: TransitionSink): Promise<void> {
    await policy.act(this.batch);
    const values = this.batch.values;
    const potentialOf =
      this.materialShaping === 0
        ? undefined
        : (game: number, colour: number) => this.potential(this.games[game], colour as Color);
    buffer.cut((game, colour) => (colour === this.games[game].sideToMove ? values[game] : -values[game]), potentialOf);
  }
}
