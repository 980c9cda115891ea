// A match: many games between two players at once, in lock-step. Every step, each game in flight
// advances one ply; the games where the agent is to move form ONE batch for the agent's `act`, the
// others ONE batch for the opponent's. Finished games free their slot for the next game at once.
//
// Colour balance: game i has the agent as Black when i is even, as White when i is odd, and games
// 2k and 2k+1 start from the same position (startSfens[k mod length]), so every opening is played
// once from each side. Results come from the engine's `gameStatus` (rules.ts). A match is a pure
// function of its players' seeds and these options: the same seeds play the same games.
//
// Players that need the game itself, not only the row (a USI engine is sent the start position and
// the moves: usi-player.ts), implement `GamePolicy`: the match hands them each row's game, and they
// may end a game instead of moving (resign, declare, fail). Such a player also caps the games in
// flight (`maxConcurrency`: one engine process per slot), and its side's batch is played while the
// other side thinks, so a network's batch and the engines' searches overlap.

import { type ActBatch, type ActingPolicy, allocActBatch, batchRows, chosenMove, encodeRow } from "../rl/acting.ts";
import { MAX_LEGAL_MOVES } from "../shogi/movegen.ts";
import { Position } from "../shogi/position.ts";
import { canDeclareImpasse, type GameEndReason, gameStatus, type RulesOptions } from "../shogi/rules.ts";
import { moveToUsi, START_SFEN } from "../shogi/sfen.ts";
import { BLACK, type Color, WHITE } from "../shogi/types.ts";

/** A game's result from the agent's (the match's first player's) point of view. */
export type Outcome = "win" | "loss" | "draw";

/**
 * Why a game ended: the rules' reasons (rules.ts), or a player that ended it instead of moving:
 *   resign               it resigned (USI `bestmove resign`)
 *   illegal_declaration  it declared an entering-king win (`bestmove win`) the CSA 27-point rule refuses
 *   illegal_move         it answered a move that is not legal here, or not a move at all
 *   timeout              it did not answer within its time
 *   engine_crash         its process died or could not be (re)started
 * A declaration is judged by the CSA 27-point rule whatever `impasse` says (that option only decides
 * whether the match declares for the side to move by itself): valid, it ends the game as "impasse",
 * won by the declarer. In all the other cases the player that ended the game loses it.
 */
export type MatchEndReason =
  | GameEndReason
  | "resign"
  | "illegal_declaration"
  | "illegal_move"
  | "timeout"
  | "engine_crash";

export interface PlayedGame {
  index: number; // 0-based within the match
  agentColor: Color;
  startSfen: string;
  moves: string[]; // USI
  winner: Color | null; // null: a draw
  reason: MatchEndReason;
  outcome: Outcome;
  /** What a player that ended the game said or did (an engine's illegal answer, its exit status). */
  detail?: string;
}

/** The game behind a batch row, for a player that needs more than the row. */
export interface RowGame {
  /** The match slot it is played in, 0 ≤ slot < the match's width; a slot plays one game at a time. */
  slot: number;
  /** The game's index in the match. */
  game: number;
  startSfen: string;
  /** The moves played so far, USI. */
  moves: readonly string[];
  /** The current position; read it, never change it. */
  position: Position;
}

/** A player ending a game instead of moving: "declare" is adjudicated by the match, the rest lose. */
export interface RowEnd {
  reason: "resign" | "declare" | "illegal_move" | "timeout" | "engine_crash";
  detail?: string;
}

/**
 * A policy that is handed each row's game (`RowGame`) and may end a game instead of moving. The
 * match calls `actInGames`, never `act`, on it.
 */
export interface GamePolicy extends ActingPolicy {
  /** Fills `batch.actions` for the rows it moves in; for a row where it ends the game, returns a RowEnd at that index. */
  actInGames(batch: ActBatch, games: readonly RowGame[]): Promise<(RowEnd | undefined)[]>;
  /** A game it played in `slot` is over, with this result from its side. */
  gameOver?(slot: number, outcome: Outcome): void | Promise<void>;
  /** The most games it can play at once; the match plays no more than that in flight. */
  readonly maxConcurrency?: number;
  /** Called once before a match's first move with the number of slots it will use (to start engines together). */
  prepare?(slots: number): Promise<void>;
}

export const isGamePolicy = (p: ActingPolicy): p is GamePolicy =>
  typeof (p as Partial<GamePolicy>).actInGames === "function";

export interface MatchOptions {
  games: number;
  /** A game is drawn at this ply (counted from the SFEN's move number, as rules.ts does). Default 500. */
  maxMoves?: number;
  /** Entering-king rule (rules.ts). Default "csa27". */
  impasse?: RulesOptions["impasse"];
  /** Start positions; game pair k starts from startSfens[k mod length]. Default: the standard start. */
  startSfens?: readonly string[];
  /** Games in flight at once: the largest batch either player sees. Default min(games, 256). */
  concurrency?: number;
  /** Called as each game ends, with the number of games finished so far. */
  onGame?: (game: PlayedGame, finished: number) => void;
}

export const DEFAULT_MAX_MOVES = 500;

export const agentColorOf = (game: number): Color => (game % 2 === 0 ? BLACK : WHITE);

export const outcomeOf = (winner: Color | null, agentColor: Color): Outcome =>
  winner === null ? "draw" : winner === agentColor ? "win" : "loss";

/** One game in flight. */
interface Slot {
  game: number; // −1: empty
  startSfen: string;
  pos: Position;
  usi: string[]; // the moves played, USI
}

const flipOutcome = (o: Outcome): Outcome => (o === "win" ? "loss" : o === "loss" ? "win" : "draw");

/** Plays `options.games` games of `agent` against `opponent` and returns them in game order. */
export async function playMatch(
  agent: ActingPolicy,
  opponent: ActingPolicy,
  options: MatchOptions,
): Promise<PlayedGame[]> {
  const total = options.games;
  if (!Number.isInteger(total) || total < 0)
    throw new RangeError(`match: games must be a non-negative integer, got ${total}`);
  const rules: RulesOptions = {
    maxMovesPerGame: options.maxMoves ?? DEFAULT_MAX_MOVES,
    impasse: options.impasse ?? "csa27",
  };
  const starts = options.startSfens && options.startSfens.length > 0 ? options.startSfens : [START_SFEN];
  const players = [agent, opponent]; // side 0: the agent, 1: the opponent
  const aware = players.map(isGamePolicy);
  const caps = players.map((p) => (isGamePolicy(p) ? p.maxConcurrency : undefined) ?? Infinity);
  const width = Math.max(1, Math.min(total, options.concurrency ?? 256, ...caps));
  // A game-aware player (an engine in its own processes) thinks while the other side does; two
  // batched policies take turns, as one of them may be the other (`self`).
  const overlap = (aware[0] || aware[1]) && agent !== opponent;

  const slots: Slot[] = Array.from({ length: width }, () => ({
    game: -1,
    startSfen: START_SFEN,
    pos: new Position(),
    usi: [],
  }));
  const legal = new Uint32Array(width * MAX_LEGAL_MOVES); // each slot's legal moves
  const legalCount = new Int32Array(width);
  const chosen = new Uint32Array(width); // this step's move in each slot
  const ended: (RowEnd | undefined)[] = new Array(width); // this step's game ended by its player instead
  const sides = [allocActBatch(width), allocActBatch(width)]; // 0: the agent's batch, 1: the opponent's
  const rowSlot = [new Int32Array(width), new Int32Array(width)]; // batch row → slot
  const results: PlayedGame[] = new Array(total);
  let started = 0,
    finished = 0;

  const start = (s: Slot, si: number): void => {
    if (started >= total) {
      s.game = -1;
      return;
    }
    s.game = started++;
    s.startSfen = starts[(s.game >> 1) % starts.length];
    s.pos = Position.fromSfen(s.startSfen);
    s.usi = [];
    legalCount[si] = s.pos.generateLegal(legal, si * MAX_LEGAL_MOVES);
    if (gameStatus(s.pos, rules, legalCount[si]).over)
      throw new Error(`match: start position is already over: ${s.startSfen}`);
  };
  slots.forEach(start);
  await Promise.all(
    players.map((p, side) => ((side === 1 && p === agent) || !isGamePolicy(p) ? undefined : p.prepare?.(width))),
  );

  const finish = async (s: Slot, si: number, winner: Color | null, reason: MatchEndReason, detail?: string) => {
    const agentColor = agentColorOf(s.game);
    const game: PlayedGame = {
      index: s.game,
      agentColor,
      startSfen: s.startSfen,
      moves: s.usi,
      winner,
      reason,
      outcome: outcomeOf(winner, agentColor),
    };
    if (detail !== undefined) game.detail = detail;
    results[s.game] = game;
    finished++;
    for (const side of [0, 1]) {
      if (!aware[side] || (side === 1 && opponent === agent)) continue;
      await (players[side] as GamePolicy).gameOver?.(si, side === 0 ? game.outcome : flipOutcome(game.outcome));
    }
    options.onGame?.(game, finished);
    start(s, si);
  };

  /** One side's batch: the player's choices into `chosen`, or its ending of the game into `ended`. */
  const play = async (side: number, n: number): Promise<void> => {
    if (n === 0) return;
    const batch = batchRows(sides[side], n);
    const player = players[side];
    if (isGamePolicy(player)) {
      const games: RowGame[] = [];
      for (let r = 0; r < n; r++) {
        const si = rowSlot[side][r];
        const s = slots[si];
        games.push({ slot: si, game: s.game, startSfen: s.startSfen, moves: s.usi, position: s.pos });
      }
      const ends = await player.actInGames(batch, games);
      for (let r = 0; r < n; r++) ended[rowSlot[side][r]] = ends[r];
    } else await player.act(batch);
    for (let r = 0; r < n; r++) {
      const si = rowSlot[side][r];
      if (ended[si]) continue;
      const move = chosenMove(batch, r, legal, si * MAX_LEGAL_MOVES);
      if (move < 0) {
        // A choice outside the legal list is a bug in the player.
        const who = side === 0 ? "agent" : "opponent";
        throw new Error(
          `match game ${slots[si].game}: the ${who} chose action ${batch.actions[r]}, which is not legal in ${slots[si].pos.toSfen()}`,
        );
      }
      chosen[si] = move;
    }
  };

  while (finished < total) {
    // Split the games in flight by who is to move, and build each side's batch.
    const rows = [0, 0];
    for (let si = 0; si < width; si++) {
      const s = slots[si];
      if (s.game < 0) continue;
      const side = s.pos.sideToMove === agentColorOf(s.game) ? 0 : 1;
      encodeRow(sides[side], rows[side], s.pos, rules.maxMovesPerGame, legal, si * MAX_LEGAL_MOVES, legalCount[si]);
      rowSlot[side][rows[side]++] = si;
    }
    if (overlap) await Promise.all([play(0, rows[0]), play(1, rows[1])]);
    else {
      await play(0, rows[0]);
      await play(1, rows[1]);
    }
    // Play every chosen move; finished games hand their slot to the next game.
    for (let si = 0; si < width; si++) {
      const s = slots[si];
      if (s.game < 0) continue;
      const end = ended[si];
      if (end) {
        ended[si] = undefined;
        const mover = s.pos.sideToMove;
        const other = (mover ^ 1) as Color;
        if (end.reason !== "declare") await finish(s, si, other, end.reason, end.detail);
        else if (canDeclareImpasse(s.pos, mover)) await finish(s, si, mover, "impasse", end.detail);
        else await finish(s, si, other, "illegal_declaration", end.detail);
        continue;
      }
      s.usi.push(moveToUsi(chosen[si]));
      s.pos.makeMove(chosen[si]);
      legalCount[si] = s.pos.generateLegal(legal, si * MAX_LEGAL_MOVES);
      const status = gameStatus(s.pos, rules, legalCount[si]);
      if (status.over) await finish(s, si, status.winner, status.reason!);
    }
  }
  return results;
}
