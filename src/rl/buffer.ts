// The rollout: transitions of many self-play games in time order, with per-colour credit.
//
// Each game is two trajectories, one per colour (DESIGN.md "Credit assignment"): a transition
// links to the same colour's next transition in that game. When a game ends, the winner's last
// transition gets +1 and the loser's −1 (0 for both in a draw), and both are terminal. At the end
// of a rollout a trajectory still in progress is cut with a bootstrap value: the value of the
// current position from that colour's side (negated when the opponent is to move: zero-sum).
//
// Optional potential-based shaping (Ng, Harada & Russell 1999): each transition may carry a
// potential Φ(s_t) from its colour's view (self-play passes weight × material balance). In
// `addShapingRewards`, transition t's reward gains F = γ·Φ(s_next) − Φ(s_t), where s_next is the colour's
// next decision state, the position the rollout was cut at, or a finished game (Φ = 0). The sum
// over a game telescopes, so the best policy is unchanged while captures pay off at once.
//
// Legal moves are stored as lists of action indices (CSR: offsets + indices), not 13 527-wide
// masks: a rollout of 2 048 steps needs ~0.8 MB instead of 27.7 MB.

import { MAX_LEGAL_MOVES } from "../shogi/movegen.ts";

export interface Minibatch {
  size: number;
  obs: Float32Array; // [size, obsSize]
  actions: Int32Array; // [size]
  oldLogProbs: Float32Array; // [size]
  oldValues: Float32Array; // [size]
  advantages: Float32Array; // [size]
  returns: Float32Array; // [size]
  legalOffsets: Int32Array; // [size + 1] CSR row starts into legalActions
  legalActions: Int32Array; // [legalOffsets[size]] action indices
}

export class RolloutBuffer {
  readonly obs: Float32Array;
  readonly actions: Int32Array;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  readonly rewards: Float32Array;
  readonly dones: Uint8Array;
  readonly next: Int32Array;
  readonly bootstrap: Float32Array;
  readonly potentials: Float32Array;
  readonly bootstrapPotentials: Float32Array;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
  readonly legalOffsets: Int32Array;
  legalActions: Int32Array;
  /** Index of the newest transition of (game, colour), or −1: slot 2·game + colour. */
  private readonly last: Int32Array;
  size = 0;
  /** Whether cut() ran since the last add: only then are bootstrap values, hence advantages, defined. */
  private cutDone = false;

  constructor(
    readonly capacity: number,
    readonly obsSize: number,
    readonly numGames: number,
  ) {
    this.obs = new Float32Array(capacity * obsSize);
    this.actions = new Int32Array(capacity);
    this.logProbs = new Float32Array(capacity);
    this.values = new Float32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.dones = new Uint8Array(capacity);
    this.next = new Int32Array(capacity);
    this.bootstrap = new Float32Array(capacity);
    this.potentials = new Float32Array(capacity);
    this.bootstrapPotentials = new Float32Array(capacity);
    this.advantages = new Float32Array(capacity);
    this.returns = new Float32Array(capacity);
    this.legalOffsets = new Int32Array(capacity + 1);
    this.legalActions = new Int32Array(capacity * 128);
    this.last = new Int32Array(numGames * 2).fill(-1);
  }

  get full(): boolean {
    return this.size >= this.capacity;
  }

  /**
   * Records a decision of `colour` in game `game`. `obs` is read at `obsOffset`, the legal action
   * indices from `legal[legalStart .. legalStart + legalCount)`; `potential` is the shaping
   * potential Φ of the decision's position from `colour`'s view (0 without shaping). Returns the
   * transition's index.
   */
  add(
    game: number,
    colour: number,
    obs: Float32Array,
    obsOffset: number,
    action: number,
    logProb: number,
    value: number,
    legal: Int32Array,
    legalStart: number,
    legalCount: number,
    potential = 0,
  ): number {
    if (this.full) throw new Error(`rollout buffer full (${this.capacity} transitions)`);
    if (legalCount <= 0 || legalCount > MAX_LEGAL_MOVES) throw new Error(`transition with ${legalCount} legal moves`);
    const t = this.size++;
    this.obs.set(obs.subarray(obsOffset, obsOffset + this.obsSize), t * this.obsSize);
    this.actions[t] = action;
    this.logProbs[t] = logProb;
    this.values[t] = value;
    this.rewards[t] = 0;
    this.dones[t] = 0;
    this.next[t] = -1;
    this.bootstrap[t] = 0;
    this.potentials[t] = potential;
    this.bootstrapPotentials[t] = 0;
    const start = this.legalOffsets[t];
    if (start + legalCount > this.legalActions.length) {
      const grown = new Int32Array(Math.max(this.legalActions.length * 2, start + legalCount));
      grown.set(this.legalActions.subarray(0, start));
      this.legalActions = grown;
    }
    this.legalActions.set(legal.subarray(legalStart, legalStart + legalCount), start);
    this.legalOffsets[t + 1] = start + legalCount;
    const slot = 2 * game + colour;
    if (this.last[slot] >= 0) this.next[this.last[slot]] = t;
    this.last[slot] = t;
    this.cutDone = false;
    return t;
  }

  /** Game `game` ended: +1 to the winner's last transition, −1 to the loser's, 0 in a draw; both terminal. */
  endGame(game: number, winner: number | null): void {
    for (let colour = 0; colour < 2; colour++) {
      const t = this.last[2 * game + colour];
      if (t < 0) continue; // that colour made no move in this rollout's part of the game
      this.rewards[t] = winner === null ? 0 : winner === colour ? 1 : -1;
      this.dones[t] = 1;
      this.last[2 * game + colour] = -1;
    }
  }

  /**
   * Ends the rollout: cuts every trajectory still in progress with a bootstrap value.
   * `valueAt(game, colour)` gives the value of the game's current position from `colour`'s side,
   * `potentialOf(game, colour)` its shaping potential (omit it without shaping).
   */
  cut(valueAt: (game: number, colour: number) => number, potentialOf?: (game: number, colour: number) => number): void {
    for (let slot = 0; slot < this.last.length; slot++) {
      const t = this.last[slot];
      if (t < 0) continue;
      this.bootstrap[t] = valueAt(slot >> 1, slot & 1);
      this.bootstrapPotentials[t] = potentialOf?.(slot >> 1, slot & 1) ?? 0;
      this.last[slot] = -1;
    }
    this.cutDone = true;
  }

  /** Adds the shaping reward F = γ·Φ(s_next) − Φ(s_t) to every transition (after cut; a no-op without shaping). */
  addShapingRewards(gamma: number): void {
    if (!this.cutDone) throw new Error("rollout: shaping rewards need the rollout cut first (cut)");
    for (let t = 0; t < this.size; t++) {
      const reached = this.dones[t]
        ? 0
        : this.next[t] >= 0
          ? this.potentials[this.next[t]]
          : this.bootstrapPotentials[t];
      this.rewards[t] += gamma * reached - this.potentials[t];
    }
  }

  /** Normalises advantages over the rollout in place: (A − mean) / std (unbiased std), when std > 1e-8. */
  normaliseAdvantages(): void {
    const n = this.size;
    if (n < 2) return;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += this.advantages[i];
    mean /= n;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (this.advantages[i] - mean) ** 2;
    const std = Math.sqrt(sq / (n - 1));
    if (std <= 1e-8) return;
    for (let i = 0; i < n; i++) this.advantages[i] = (this.advantages[i] - mean) / std;
  }

  /** Fills `mb` with the transitions `indices[from .. from + mb.size)`. */
  gather(indices: Int32Array, from: number, mb: Minibatch): void {
    if (!this.cutDone) throw new Error("rollout: not cut yet (cut, then GAE, before gathering minibatches)");
    let legalAt = 0;
    mb.legalOffsets[0] = 0;
    for (let i = 0; i < mb.size; i++) {
      const t = indices[from + i];
      mb.obs.set(this.obs.subarray(t * this.obsSize, (t + 1) * this.obsSize), i * this.obsSize);
      mb.actions[i] = this.actions[t];
      mb.oldLogProbs[i] = this.logProbs[t];
      mb.oldValues[i] = this.values[t];
      mb.advantages[i] = this.advantages[t];
      mb.returns[i] = this.returns[t];
      const a = this.legalOffsets[t];
      const b = this.legalOffsets[t + 1];
      mb.legalActions.set(this.legalActions.subarray(a, b), legalAt);
      legalAt += b - a;
      mb.legalOffsets[i + 1] = legalAt;
    }
  }

  /** Empties the buffer for the next rollout; games in progress keep going (their links were cut by cut()). */
  clear(): void {
    for (let slot = 0; slot < this.last.length; slot++)
      if (this.last[slot] >= 0) throw new Error("rollout: clear() before cut() would leave trajectories dangling");
    this.size = 0;
    this.cutDone = false;
  }
}

/** A minibatch holder sized for `size` transitions. */
export function allocMinibatch(size: number, obsSize: number): Minibatch {
  return {
    size,
    obs: new Float32Array(size * obsSize),
    actions: new Int32Array(size),
    oldLogProbs: new Float32Array(size),
    oldValues: new Float32Array(size),
    advantages: new Float32Array(size),
    returns: new Float32Array(size),
    legalOffsets: new Int32Array(size + 1),
    legalActions: new Int32Array(size * MAX_LEGAL_MOVES),
  };
}
