// The replay Gumbel AlphaZero trains from: a window over the most recent self-play positions,
// shaped as KataGo's shuffle window (python/shuffle.py): while fewer than c positions exist the
// window holds them all; after that it grows as a power law of the positions produced N,
//   W(N) = c + β · (N^α − c^α) / (α · c^(α−1))      (slope β at N = c, flattening as N grows),
// bounded by maxWindow (memory). Training draws positions uniformly from the window, with
// replacement, and the replay ratio bounds how often: after N positions at most ratio · N samples
// have been drawn in all, so a position is trained on about `ratio` times on average whatever the
// speed of self-play against the learner.
//
// A position is kept compactly (board, hands, side to move, ply: what the observation reads, plus
// the legal actions, the policy target over them and the game's outcome, ~0.5 KB), not as its
// 15 KB observation: the learner's minibatch re-encodes it (`sample`).

import { encodeCore46, OBS_SIZE } from "../shogi/features.ts";
import { MAX_LEGAL_MOVES } from "../shogi/movegen.ts";
import type { Color } from "../shogi/types.ts";
import type { Random } from "../util/random.ts";

export interface ReplaySettings {
  /** c: every position is in the window until this many were produced (KataGo: 250 000). */
  minWindow: number;
  /** α of the power law (KataGo: 0.65). */
  windowExponent: number;
  /** β, the window's growth per position at N = c (KataGo: 0.4). */
  windowSlope: number;
  /** The window never exceeds this many positions (the memory bound). */
  maxWindow: number;
  /** Samples drawn per position produced: each position is trained on about this many times on average. */
  replayRatio: number;
  /** No training before the window holds this many positions. */
  minPositions: number;
  /** The ply feature's scale (training.max_moves_per_game), as self-play encoded it. */
  encodePlies: number;
}

/** One recorded decision: what the observation reads, the legal actions, the targets. */
export interface ReplayPosition {
  board: Int8Array; // [81] piece codes
  hands: Uint8Array; // [14] colour · 7 + hand type
  sideToMove: Color;
  ply: number;
  actions: Uint16Array; // [k] the legal actions
  policy: Float32Array; // [k] the policy target over them (the search's improved policy)
  /** z: the game's result for the side to move, +1 won, −1 lost, 0 drawn. */
  outcome: number;
}

/** W(N): how many of the most recent positions training samples from after N were produced. */
export function windowSize(produced: number, s: ReplaySettings): number {
  const c = s.minWindow;
  const a = s.windowExponent;
  const w = produced <= c ? produced : c + (s.windowSlope * (produced ** a - c ** a)) / (a * c ** (a - 1));
  return Math.floor(Math.min(w, s.maxWindow));
}

/** A minibatch drawn from the replay; the legal actions and targets as CSR rows. */
export interface ReplayBatch {
  readonly n: number;
  readonly obs: Float32Array; // [n, 46·81]
  readonly legalOffsets: Int32Array; // [n + 1]
  readonly legalActions: Int32Array; // [n · MAX_LEGAL_MOVES] (the first legalOffsets[n] used)
  readonly policy: Float32Array; // same positions as legalActions
  readonly outcomes: Float32Array; // [n]
}

export function allocReplayBatch(n: number): ReplayBatch {
  return {
    n,
    obs: new Float32Array(n * OBS_SIZE),
    legalOffsets: new Int32Array(n + 1),
    legalActions: new Int32Array(n * MAX_LEGAL_MOVES),
    policy: new Float32Array(n * MAX_LEGAL_MOVES),
    outcomes: new Float32Array(n),
  };
}

/**
 * The replay as plain data for a checkpoint: the window's positions, oldest first, packed into
 * typed arrays (safetensors-friendly: U8, U32, F32), and the counters. Restoring it resumes the
 * replay exactly (same window, same draws from the same random state).
 */
export interface ReplayState {
  format: 1;
  /** Positions ever added (N). */
  produced: number;
  /** Samples ever drawn. */
  sampled: number;
  /** Positions saved: the window, oldest first. */
  count: number;
  boards: Uint8Array; // [count · 81] piece codes (int8 bits)
  hands: Uint8Array; // [count · 14]
  meta: Uint32Array; // [count · 3] side to move, ply, number of legal actions k
  actions: Uint32Array; // [Σ k]
  policy: Float32Array; // [Σ k]
  outcomes: Float32Array; // [count]
}

export class Replay {
  /** Positions ever added (N). */
  produced = 0;
  /** Samples ever drawn. */
  sampled = 0;
  /**
   * The newest (at most maxWindow) positions: position number p (0-based, in order of arrival) at
   * ring[(p − base) % maxWindow]; base is where a restore started numbering (0 otherwise), so the
   * ring fills from its start without holes.
   */
  private readonly ring: ReplayPosition[] = [];
  private base = 0;
  /** Positions held in the ring (the newest `stored`). */
  private stored = 0;

  constructor(readonly settings: ReplaySettings) {
    if (!(settings.maxWindow >= 1)) throw new Error(`replay: maxWindow must be ≥ 1, got ${settings.maxWindow}`);
    if (!(settings.minWindow >= 1)) throw new Error(`replay: minWindow must be ≥ 1, got ${settings.minWindow}`);
    if (!(settings.replayRatio > 0)) throw new Error(`replay: replayRatio must be > 0, got ${settings.replayRatio}`);
  }

  /** Positions training samples from now: min(W(N), positions kept). */
  get size(): number {
    return Math.min(windowSize(this.produced, this.settings), this.stored);
  }

  add(p: ReplayPosition): void {
    if (p.actions.length !== p.policy.length || p.actions.length === 0)
      throw new Error(`replay: ${p.actions.length} legal actions with ${p.policy.length} policy entries`);
    this.ring[(this.produced - this.base) % this.settings.maxWindow] = p;
    this.produced++;
    this.stored = Math.min(this.stored + 1, this.settings.maxWindow);
  }

  /** The window's k-th position, oldest first (k in [0, size)). */
  at(k: number): ReplayPosition {
    const size = this.size;
    if (!(k >= 0 && k < size)) throw new Error(`replay: position ${k} outside the window of ${size}`);
    return this.ring[(this.produced - size + k - this.base) % this.settings.maxWindow];
  }

  /**
   * Minibatches of `batch` the replay ratio allows now: ⌊(ratio · N − samples drawn) / batch⌋, 0
   * before the window holds minPositions (or a batch).
   */
  minibatchesDue(batch: number): number {
    if (this.size < Math.max(this.settings.minPositions, batch)) return 0;
    return Math.max(0, Math.floor((this.settings.replayRatio * this.produced - this.sampled) / batch));
  }

  /** Fills `out` with out.n positions drawn uniformly (with replacement) from the window, re-encoded. */
  sample(out: ReplayBatch, rng: Random): void {
    const size = this.size;
    if (size === 0) throw new Error("replay: nothing to sample");
    out.legalOffsets[0] = 0;
    for (let r = 0; r < out.n; r++) {
      const p = this.at(rng.int(size));
      encodeCore46(p, this.settings.encodePlies, out.obs, r * OBS_SIZE);
      const first = out.legalOffsets[r];
      for (let k = 0; k < p.actions.length; k++) {
        out.legalActions[first + k] = p.actions[k];
        out.policy[first + k] = p.policy[k];
      }
      out.legalOffsets[r + 1] = first + p.actions.length;
      out.outcomes[r] = p.outcome;
    }
    this.sampled += out.n;
  }

  state(): ReplayState {
    const count = this.size;
    let total = 0;
    for (let k = 0; k < count; k++) total += this.at(k).actions.length;
    const st: ReplayState = {
      format: 1,
      produced: this.produced,
      sampled: this.sampled,
      count,
      boards: new Uint8Array(count * 81),
      hands: new Uint8Array(count * 14),
      meta: new Uint32Array(count * 3),
      actions: new Uint32Array(total),
      policy: new Float32Array(total),
      outcomes: new Float32Array(count),
    };
    let at = 0;
    for (let k = 0; k < count; k++) {
      const p = this.at(k);
      st.boards.set(new Uint8Array(p.board.buffer, p.board.byteOffset, 81), k * 81);
      st.hands.set(p.hands, k * 14);
      st.meta.set([p.sideToMove, p.ply, p.actions.length], k * 3);
      st.actions.set(p.actions, at);
      st.policy.set(p.policy, at);
      st.outcomes[k] = p.outcome;
      at += p.actions.length;
    }
    return st;
  }

  /** Replaces the contents with a saved state (checked for consistency first). */
  restore(st: ReplayState): void {
    const fail = (why: string) => {
      throw new Error(`replay state: ${why}`);
    };
    if (st.format !== 1) fail(`format ${st.format}, this keisei reads 1`);
    const { count } = st;
    if (!Number.isInteger(count) || count < 0) fail(`count ${count}`);
    if (st.boards.length !== count * 81 || st.hands.length !== count * 14 || st.meta.length !== count * 3)
      fail(
        `boards / hands / meta hold ${st.boards.length} / ${st.hands.length} / ${st.meta.length} for ${count} positions`,
      );
    if (st.outcomes.length !== count) fail(`${st.outcomes.length} outcomes for ${count} positions`);
    if (!(st.produced >= count) || !(st.sampled >= 0)) fail(`produced ${st.produced}, sampled ${st.sampled}`);
    const window = windowSize(st.produced, this.settings);
    if (count !== Math.min(window, st.produced))
      fail(`${count} positions, but the window after ${st.produced} holds ${window} (replay settings changed?)`);
    let total = 0;
    for (let k = 0; k < count; k++) total += st.meta[k * 3 + 2];
    if (st.actions.length !== total || st.policy.length !== total)
      fail(`${st.actions.length} actions / ${st.policy.length} policy entries, the positions list ${total}`);
    this.ring.length = 0;
    this.stored = 0;
    this.produced = st.produced - count;
    this.base = this.produced;
    let at = 0;
    for (let k = 0; k < count; k++) {
      const n = st.meta[k * 3 + 2];
      this.add({
        board: new Int8Array(st.boards.slice(k * 81, (k + 1) * 81).buffer),
        hands: st.hands.slice(k * 14, (k + 1) * 14),
        sideToMove: st.meta[k * 3] as Color,
        ply: st.meta[k * 3 + 1],
        actions: Uint16Array.from(st.actions.subarray(at, at + n)),
        policy: st.policy.slice(at, at + n),
        outcome: st.outcomes[k],
      });
      at += n;
    }
    this.sampled = st.sampled;
  }
}
