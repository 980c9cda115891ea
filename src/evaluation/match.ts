// A match: many games between two players at once, in lock-step. Every step, each game in flight
// advances one ply; the games where the agent is to move form ONE batch for the agent's `act`, the
// others ONE batch for the opponent's. Finished games free their slot for the next game at once.
//
// Colour balance: game i has the agent as Black when i is even, as White when i is odd, and games
// 2k and 2k+1 start from the same position (startSfens[k mod length]), so every opening is played
// once from each side. Results come from the engine's `gameStatus` (rules.ts). A match is a pure
// function of its players' seeds and these options: the same seeds play the same games.

import { type ActingPolicy, allocActBatch, batchRows, chosenMove, encodeRow } from "../rl/acting.ts";
import { MAX_LEGAL_MOVES } from "../shogi/movegen.ts";
import { Position } from "../shogi/position.ts";
import { type GameEndReason, gameStatus, type RulesOptions } from "../shogi/rules.ts";
import { moveToUsi, START_SFEN } from "../shogi/sfen.ts";
import { BLACK, type Color, WHITE } from "../shogi/types.ts";

/** A game's result from the agent's (the match's first player's) point of view. */
export type Outcome = "win" | "loss" | "draw";

export interface PlayedGame {
  index: number; // 0-based within the match
  agentColor: Color;
  startSfen: string;
  moves: string[]; // USI
  winner: Color | null; // null: a draw
  reason: GameEndReason;
  outcome: Outcome;
}

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
  pos: Position;
  moves: number[];
}

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
  const width = Math.max(1, Math.min(total, options.concurrency ?? 256));

  const slots: Slot[] = Array.from({ length: width }, () => ({ game: -1, pos: new Position(), moves: [] }));
  const legal = new Uint32Array(width * MAX_LEGAL_MOVES); // each slot's legal moves
  const legalCount = new Int32Array(width);
  const chosen = new Uint32Array(width); // this step's move in each slot
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
    const sfen = starts[(s.game >> 1) % starts.length];
    s.pos = Position.fromSfen(sfen);
    s.moves = [];
    legalCount[si] = s.pos.generateLegal(legal, si * MAX_LEGAL_MOVES);
    if (gameStatus(s.pos, rules, legalCount[si]).over)
      throw new Error(`match: start position is already over: ${sfen}`);
  };
  slots.forEach(start);

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
    for (const side of [0, 1]) {
      const n = rows[side];
      if (n === 0) continue;
      const batch = batchRows(sides[side], n);
      await (side === 0 ? agent : opponent).act(batch);
      for (let r = 0; r < n; r++) {
        const si = rowSlot[side][r];
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
    }
    // Play every chosen move; finished games hand their slot to the next game.
    for (let si = 0; si < width; si++) {
      const s = slots[si];
      if (s.game < 0) continue;
      s.moves.push(chosen[si]);
      s.pos.makeMove(chosen[si]);
      legalCount[si] = s.pos.generateLegal(legal, si * MAX_LEGAL_MOVES);
      const status = gameStatus(s.pos, rules, legalCount[si]);
      if (!status.over) continue;
      const agentColor = agentColorOf(s.game);
      const game: PlayedGame = {
        index: s.game,
        agentColor,
        startSfen: starts[(s.game >> 1) % starts.length],
        moves: s.moves.map(moveToUsi),
        winner: status.winner,
        reason: status.reason!,
        outcome: outcomeOf(status.winner, agentColor),
      };
      results[s.game] = game;
      finished++;
      options.onGame?.(game, finished);
      start(s, si);
    }
  }
  return results;
}
