// A segment: what an actor sends the learner for one rollout's worth of self-play — compact (about
// 10 bytes per decision, not a 14.9 KB float32 observation), and enough for the learner to rebuild
// every transition exactly.
//
// An actor plays num_envs games in lock-step; a segment holds, per game, the *piece* of it played
// since the last segment: the position the piece starts at (SFEN), then per decision the action
// index, the behaviour policy's log-probability and its value estimate; and how the piece ends — the
// game's result, or cut with the value of the position it stopped at (the bootstrap). The learner
// replays the actions from the SFEN, encoding observations and legal moves as self-play would have
// (`fillRollout`), so the rollout buffer holds the same transitions, rewards and GAE inputs the
// single-process run would (test/training/actors/segment.test.ts checks it).
//
// Binary layout, little-endian:
//   u32 magic "KSG1" · u32 weight version · u32 pieces · u32 finished games
//   per finished game: i8 winner (−1 draw) · u8 reason · u32 plies · u16×6 counters
//   per piece: u16 SFEN bytes · SFEN (UTF-8) · u32 decisions · i8 end (0/1 winner, −1 draw, −2 cut)
//              · f32 bootstrap (Black's view) · u16×n actions · f32×n log-probabilities · f32×n values

import { OBS_SIZE } from "../../shogi/features.ts";
import { moveToAction, NUM_ACTIONS } from "../../shogi/actions.ts";
import { MAX_LEGAL_MOVES } from "../../shogi/movegen.ts";
import { Position } from "../../shogi/position.ts";
import type { Color } from "../../shogi/types.ts";
import { allocActBatch, encodeRow } from "../../rl/acting.ts";
import { RolloutBuffer } from "../../rl/buffer.ts";
import {
  type FinishedGame,
  SELF_PLAY_END_REASONS,
  type SelfPlayEndReason,
  shapingPotential,
  type TransitionSink,
} from "../../rl/selfplay.ts";

/** The format's name: part of the encoding fingerprint, so actors of another format are refused. */
export const SEGMENT_FORMAT = "KSG1";
const MAGIC = 0x3147534b; // "KSG1" read as a little-endian u32

/** How a piece ends: a colour won, a draw, or cut (the game goes on in the next segment). */
export const DRAW = -1;
export const CUT = -2;

export interface Piece {
  /** The position of the piece's first decision. */
  start: string;
  actions: Uint16Array; // [n] action indices
  logProbs: Float32Array; // [n] behaviour log π(action)
  values: Float32Array; // [n] behaviour V(s), side to move's view
  /** The winner (0, 1), DRAW, or CUT. */
  end: number;
  /** CUT: the value of the position the piece stopped at, from Black's view; else 0. */
  bootstrap: number;
}

/** A game that ended in the segment, as metrics count it. */
export interface GameResult {
  winner: Color | null;
  reason: SelfPlayEndReason;
  plies: number;
  counters: number[]; // captures, captures, drops, drops, promotions, promotions (Black, White)
}

export interface Segment {
  /** The weight version that played every decision in it. */
  version: number;
  pieces: Piece[];
  games: GameResult[];
}

export class SegmentError extends Error {
  override name = "SegmentError";
}

/** Decisions in a segment. */
export const segmentSteps = (s: Segment) => s.pieces.reduce((n, p) => n + p.actions.length, 0);

/**
 * The actor's side: a TransitionSink self-play records into (in place of a rollout buffer). It keeps
 * per game the open piece; `take` hands the closed ones over as a segment.
 */
export class SegmentRecorder implements TransitionSink {
  private readonly open: ({ start: string; actions: number[]; logProbs: number[]; values: number[] } | null)[];
  private pieces: Piece[] = [];

  constructor(private readonly games: { readonly numGames: number; position(i: number): Position }) {
    this.open = Array.from({ length: games.numGames }, () => null);
  }

  add(
    game: number,
    _colour: number,
    _obs: Float32Array,
    _at: number,
    action: number,
    logProb: number,
    value: number,
  ): number {
    let p = this.open[game];
    if (!p) {
      p = { start: this.games.position(game).toSfen(), actions: [], logProbs: [], values: [] };
      this.open[game] = p;
    }
    p.actions.push(action);
    p.logProbs.push(logProb);
    p.values.push(value);
    return p.actions.length - 1;
  }

  endGame(game: number, winner: number | null): void {
    this.close(game, winner ?? DRAW, 0);
  }

  /** Cuts every open piece with the value of its game's current position (`valueAt(game, 0)`: Black's view). */
  cut(valueAt: (game: number, colour: number) => number): void {
    for (let g = 0; g < this.open.length; g++) if (this.open[g]) this.close(g, CUT, valueAt(g, 0));
  }

  private close(game: number, end: number, bootstrap: number): void {
    const p = this.open[game];
    if (!p) return;
    this.pieces.push({
      start: p.start,
      actions: Uint16Array.from(p.actions),
      logProbs: Float32Array.from(p.logProbs),
      values: Float32Array.from(p.values),
      end,
      bootstrap,
    });
    this.open[game] = null;
  }

  /** The closed pieces and the games that ended, as a segment of `version`; the recorder starts afresh. */
  take(version: number, finished: readonly FinishedGame[]): Segment {
    if (this.open.some(Boolean)) throw new Error("segment: take() before cut() would split a piece");
    const pieces = this.pieces;
    this.pieces = [];
    const games = finished.map((g) => ({
      winner: g.winner,
      reason: g.reason,
      plies: g.plies,
      counters: [...g.counters.captures, ...g.counters.drops, ...g.counters.promotions],
    }));
    return { version, pieces, games };
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export function encodeSegment(s: Segment): Uint8Array {
  const sfens = s.pieces.map((p) => encoder.encode(p.start));
  let size = 16 + s.games.length * 18;
  s.pieces.forEach((p, i) => {
    size += 2 + sfens[i].length + 4 + 1 + 4 + p.actions.length * 10;
  });
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  let at = 0;
  const u32 = (x: number) => {
    v.setUint32(at, x, true);
    at += 4;
  };
  u32(MAGIC);
  u32(s.version);
  u32(s.pieces.length);
  u32(s.games.length);
  for (const g of s.games) {
    v.setInt8(at++, g.winner ?? DRAW);
    v.setUint8(at++, SELF_PLAY_END_REASONS.indexOf(g.reason));
    u32(g.plies);
    for (const c of g.counters) {
      v.setUint16(at, Math.min(c, 0xffff), true);
      at += 2;
    }
  }
  s.pieces.forEach((p, i) => {
    v.setUint16(at, sfens[i].length, true);
    at += 2;
    bytes.set(sfens[i], at);
    at += sfens[i].length;
    const n = p.actions.length;
    u32(n);
    v.setInt8(at++, p.end);
    v.setFloat32(at, p.bootstrap, true);
    at += 4;
    for (let k = 0; k < n; k++, at += 2) v.setUint16(at, p.actions[k], true);
    for (let k = 0; k < n; k++, at += 4) v.setFloat32(at, p.logProbs[k], true);
    for (let k = 0; k < n; k++, at += 4) v.setFloat32(at, p.values[k], true);
  });
  return bytes;
}

/** Reads a segment; a truncated or malformed one is a SegmentError saying where. */
export function decodeSegment(bytes: Uint8Array): Segment {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number, what: string) => {
    if (at + n > bytes.length) throw new SegmentError(`segment truncated at byte ${at} (reading ${what})`);
  };
  const u32 = (what: string) => {
    need(4, what);
    const x = v.getUint32(at, true);
    at += 4;
    return x;
  };
  if (u32("magic") !== MAGIC) throw new SegmentError(`not a ${SEGMENT_FORMAT} segment (bad magic)`);
  const version = u32("version");
  const numPieces = u32("pieces");
  const numGames = u32("games");
  if (numPieces > bytes.length || numGames > bytes.length)
    throw new SegmentError(`segment claims ${numPieces} pieces and ${numGames} games in ${bytes.length} bytes`);
  const games: GameResult[] = [];
  for (let i = 0; i < numGames; i++) {
    need(18, "a game");
    const w = v.getInt8(at++);
    const reason = SELF_PLAY_END_REASONS[v.getUint8(at++)];
    if (reason === undefined || w < DRAW || w > 1) throw new SegmentError(`segment game ${i}: bad result`);
    const plies = u32("plies");
    const counters: number[] = [];
    for (let k = 0; k < 6; k++, at += 2) counters.push(v.getUint16(at, true));
    games.push({ winner: w === DRAW ? null : (w as Color), reason, plies, counters });
  }
  const pieces: Piece[] = [];
  for (let i = 0; i < numPieces; i++) {
    need(2, "an SFEN length");
    const len = v.getUint16(at, true);
    at += 2;
    need(len, "an SFEN");
    let start: string;
    try {
      start = decoder.decode(bytes.subarray(at, at + len));
    } catch {
      throw new SegmentError(`segment piece ${i}: its SFEN is not UTF-8`);
    }
    at += len;
    const n = u32("decisions");
    need(5 + n * 10, "decisions");
    const end = v.getInt8(at++);
    if (end < CUT || end > 1) throw new SegmentError(`segment piece ${i}: bad end ${end}`);
    const bootstrap = v.getFloat32(at, true);
    at += 4;
    const actions = new Uint16Array(n);
    const logProbs = new Float32Array(n);
    const values = new Float32Array(n);
    for (let k = 0; k < n; k++, at += 2) actions[k] = v.getUint16(at, true);
    for (let k = 0; k < n; k++, at += 4) logProbs[k] = v.getFloat32(at, true);
    for (let k = 0; k < n; k++, at += 4) values[k] = v.getFloat32(at, true);
    pieces.push({ start, actions, logProbs, values, end, bootstrap });
  }
  if (at !== bytes.length) throw new SegmentError(`segment has ${bytes.length - at} bytes after its end`);
  return { version, pieces, games };
}

/** A segment's finished games as self-play's FinishedGame (no moves: the metrics do not read them). */
export function finishedGames(s: Segment): FinishedGame[] {
  return s.games.map((g, i) => ({
    game: i,
    plies: g.plies,
    winner: g.winner,
    reason: g.reason,
    startSfen: "",
    moves: new Uint32Array(0),
    counters: {
      captures: [g.counters[0], g.counters[1]],
      drops: [g.counters[2], g.counters[3]],
      promotions: [g.counters[4], g.counters[5]],
    },
    match: { opponent: -1, learner: 0 },
  }));
}

/**
 * The learner's side: a rollout buffer holding every decision of `segments`, rebuilt by replaying
 * each piece from its SFEN (observations and legal moves encoded here, the actor's action,
 * log-probability and value kept), with its end: the result, or the cut and its bootstrap value.
 * An action that is not legal where it was played is a SegmentError (a corrupt or foreign upload).
 */
export function fillRollout(
  segments: readonly Segment[],
  o: { maxMovesPerGame: number; materialShaping: number },
): { buffer: RolloutBuffer; last: Position | null; lastMoves: number[] } {
  const numPieces = segments.reduce((n, s) => n + s.pieces.length, 0);
  const steps = segments.reduce((n, s) => n + segmentSteps(s), 0);
  const buffer = new RolloutBuffer(steps, OBS_SIZE, numPieces);
  const row = allocActBatch(1);
  const moves = new Uint32Array(MAX_LEGAL_MOVES);
  const cutAt: (Position | null)[] = [];
  const bootstrap = new Float32Array(numPieces);
  let g = 0;
  let last: Position | null = null;
  let lastMoves: number[] = [];
  for (const s of segments)
    for (const p of s.pieces) {
      let pos: Position;
      try {
        pos = Position.fromSfen(p.start);
      } catch (e) {
        throw new SegmentError(`segment piece ${g}: bad start position (${(e as Error).message})`);
      }
      const played: number[] = [];
      for (let k = 0; k < p.actions.length; k++) {
        const n = pos.generateLegal(moves);
        const action = p.actions[k];
        let move = -1;
        for (let j = 0; j < n && move < 0; j++) if (moveToAction(moves[j]) === action) move = moves[j];
        if (move < 0 || action >= NUM_ACTIONS)
          throw new SegmentError(`segment piece ${g}, decision ${k}: action ${action} is not legal in ${pos.toSfen()}`);
        encodeRow(row, 0, pos, o.maxMovesPerGame, moves, 0, n);
        const mover = pos.sideToMove;
        buffer.add(
          g,
          mover,
          row.obs,
          0,
          action,
          p.logProbs[k],
          p.values[k],
          row.legalActions,
          0,
          n,
          shapingPotential(o.materialShaping, pos, mover),
        );
        pos.makeMove(move);
        played.push(move);
      }
      if (p.end === CUT) {
        cutAt[g] = pos;
        bootstrap[g] = p.bootstrap;
      } else {
        cutAt[g] = null;
        buffer.endGame(g, p.end === DRAW ? null : p.end);
      }
      last = pos;
      lastMoves = played;
      g++;
    }
  buffer.cut(
    (game, colour) => (colour === 0 ? bootstrap[game] : -bootstrap[game]),
    (game, colour) => {
      const at = cutAt[game];
      return at ? shapingPotential(o.materialShaping, at, colour as Color) : 0;
    },
  );
  return { buffer, last, lastMoves };
}
