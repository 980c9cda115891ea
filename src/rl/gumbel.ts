// Gumbel AlphaZero's search (Danihelka, Guez, Schrittwieser & Silver, "Policy improvement by
// planning with Gumbel", ICLR 2022), batched over many games in lock-step.
//
// At the root of each game (paper §3–4, Algorithm 2):
//   1. Gumbel-top-k: draw g(a) ~ Gumbel(0, 1) for every legal action and keep the m actions with
//      the largest g(a) + logits(a) (m = min(maxConsideredActions, legal moves)): sampling m
//      actions without replacement from π = softmax(logits).
//   2. Sequential halving over the n simulations: ⌈log2 m⌉ phases; in each phase every remaining
//      action is visited max(1, ⌊n / (⌈log2 m⌉ · |remaining|)⌋) times, then the half (never fewer
//      than 2) with the largest g + logits + σ(q̂) is kept; phases repeat with 2 actions until the
//      budget is spent (`sequentialHalving` gives the schedule; it is mctx's).
//   3. The action played: argmax of g(a) + logits(a) + σ(q̂(a)) over the remaining candidates (of
//      those, the ones with the most visits: when the budget ends inside a phase the comparison is
//      between equally searched actions, as mctx does).
//   4. The policy target: π' = softmax(logits + σ(completedQ)), over every legal action.
//
// Below the root a simulation descends by the paper's deterministic non-root selection (§5,
// Eq. 14): argmax_a π'(a) − N(a) / (1 + Σ_b N(b)), with π' the same improved policy of that node,
// until it reaches a position the network has not evaluated (the leaf: evaluated, not descended)
// or one the rules end (its exact value is backed up). So each simulation adds at most one node.
//
// The transformation of Q (mctx's qtransform_completed_by_mix_value, the paper's Appendix D):
//   completedQ(a) = q(a) for visited actions, v_mix for unvisited ones, where
//   v_mix = (v̂ + Σ_b N(b) · Σ_{b: N(b) > 0} π(b) q(b) / Σ_{b: N(b) > 0} π(b)) / (1 + Σ_b N(b)),
//   q̂ = completedQ rescaled to [0, 1] by its min and max over the node's legal actions, and
//   σ(q̂) = (c_visit + max_b N(b)) · c_scale · q̂   (c_visit = 50, c_scale = 1).
//
// Values are from the side to move's point of view in [−1, 1]: the network's v̂, and exact values
// where keisei's rules end the game (shogi/rules.ts gameStatus: mate, repetition, perpetual check,
// the impasse declaration, the move limit): +1 won, −1 lost, 0 drawn for the side to move there.
// q(a) at a node is the mean of the values backed up through a, negated once per ply on the way
// up (the turn changes with every move; no discount).
//
// Batching: all games search at once. One evaluation of every root, then one round per simulation:
// each game runs one simulation (its next root action from the halving schedule, then the
// descent), the leaves of all games are evaluated in ONE batched forward pass, and every path is
// backed up before the next round, so the halving always sees the results of its phase.

import { moveToAction } from "../shogi/actions.ts";
import { encodeCore46, OBS_SIZE } from "../shogi/features.ts";
import { MAX_LEGAL_MOVES } from "../shogi/movegen.ts";
import type { Position } from "../shogi/position.ts";
import { gameStatus, type RulesOptions } from "../shogi/rules.ts";
import type { Evaluator } from "../search/puct.ts";
import type { Random } from "../util/random.ts";

export interface GumbelSettings {
  /** n: simulations per move (the paper trains with 2–200; 8–64 here). */
  numSimulations: number;
  /** m: root actions sampled by Gumbel-top-k (the paper: min(n, 16)). */
  maxConsideredActions: number;
  /** c_visit of σ (50). */
  cVisit: number;
  /** c_scale of σ (1). */
  cScale: number;
  /** Rules that end games inside the tree (repetition, declaration, move limit). */
  rules: RulesOptions;
  /** The move count the observation's ply feature is scaled by (training.max_moves_per_game). */
  encodePlies: number;
}

export const DEFAULT_GUMBEL: GumbelSettings = {
  numSimulations: 16,
  maxConsideredActions: 16,
  cVisit: 50,
  cScale: 1,
  rules: { maxMovesPerGame: 500, impasse: "csa27" },
  encodePlies: 500,
};

// ---------------------------------------------------------------- the paper's formulas

/** softmax(logits) in f64. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/**
 * v_mix (paper Appendix D, Eq. 33): the node's value estimate mixing the network's v̂ with the
 * prior-weighted mean q of the visited actions. `prior` = softmax(logits).
 */
export function mixedValue(
  rawValue: number,
  prior: ArrayLike<number>,
  visits: ArrayLike<number>,
  q: ArrayLike<number>,
): number {
  let sumN = 0;
  let sumP = 0;
  let sumPQ = 0;
  for (let i = 0; i < visits.length; i++) {
    if (visits[i] === 0) continue;
    // A visited action with a prior that rounded to 0 still counts (mctx clamps to the tiniest float).
    const p = Math.max(prior[i], Number.MIN_VALUE);
    sumN += visits[i];
    sumP += p;
    sumPQ += p * q[i];
  }
  if (sumN === 0) return rawValue;
  return (rawValue + (sumN * sumPQ) / sumP) / (1 + sumN);
}

/** completedQ: q(a) where visited, v_mix elsewhere. */
export function completedQ(
  logits: ArrayLike<number>,
  visits: ArrayLike<number>,
  q: ArrayLike<number>,
  rawValue: number,
): Float64Array {
  const vMix = mixedValue(rawValue, softmax(logits), visits, q);
  return Float64Array.from({ length: visits.length }, (_, i) => (visits[i] > 0 ? q[i] : vMix));
}

/** σ(q̂) for every action: q̂ = completedQ min-max rescaled to [0, 1], times (c_visit + max N) · c_scale. */
export function sigmaOfCompletedQ(
  logits: ArrayLike<number>,
  visits: ArrayLike<number>,
  q: ArrayLike<number>,
  rawValue: number,
  c: Pick<GumbelSettings, "cVisit" | "cScale">,
): Float64Array {
  const completed = completedQ(logits, visits, q, rawValue);
  let min = Infinity;
  let max = -Infinity;
  let maxN = 0;
  for (let i = 0; i < completed.length; i++) {
    min = Math.min(min, completed[i]);
    max = Math.max(max, completed[i]);
    maxN = Math.max(maxN, visits[i]);
  }
  // mctx's _rescale_qvalues: (q − min) / max(max − min, ε); all equal → all 0.
  const range = Math.max(max - min, 1e-8);
  const scale = (c.cVisit + maxN) * c.cScale;
  return completed.map((x) => scale * ((x - min) / range));
}

/** The improved policy π' = softmax(logits + σ(completedQ)) (paper Eq. 11), over the node's legal actions. */
export function improvedPolicy(
  logits: ArrayLike<number>,
  visits: ArrayLike<number>,
  q: ArrayLike<number>,
  rawValue: number,
  c: Pick<GumbelSettings, "cVisit" | "cScale">,
): Float64Array {
  const sigma = sigmaOfCompletedQ(logits, visits, q, rawValue, c);
  return softmax(sigma.map((s, i) => logits[i] + s));
}

/** One phase of sequential halving: how many actions it visits, and how often each. */
export interface HalvingPhase {
  actions: number;
  visitsEach: number;
  /** Simulations the phase runs: actions × visitsEach, less where the budget ends inside it. */
  simulations: number;
}

/**
 * The sequential-halving schedule of n simulations over m sampled actions (paper §4; mctx's
 * get_sequence_of_considered_visits): phase k visits each of its actions
 * max(1, ⌊n / (⌈log2 m⌉ · actions)⌋) times; the next phase keeps max(2, ⌊actions / 2⌋) of them.
 */
export function sequentialHalving(m: number, n: number): HalvingPhase[] {
  const phases: HalvingPhase[] = [];
  if (m < 1 || n < 1) return phases;
  const log2m = Math.max(1, Math.ceil(Math.log2(m)));
  let actions = m;
  let used = 0;
  while (used < n) {
    const visitsEach = Math.max(1, Math.floor(n / (log2m * actions)));
    const simulations = Math.min(actions * visitsEach, n - used);
    phases.push({ actions, visitsEach, simulations });
    used += simulations;
    actions = Math.min(actions, Math.max(2, Math.floor(actions / 2)));
  }
  return phases;
}

/** A standard Gumbel draw: −log(−log u), u uniform in (0, 1). */
export function gumbel(rng: Random): number {
  let u = rng.next();
  while (u === 0) u = rng.next();
  return -Math.log(-Math.log(u));
}

// ---------------------------------------------------------------- the tree

/** A position in a game's search tree: its legal moves with their statistics, from its side to move's view. */
export class GumbelNode {
  readonly moves: Uint32Array;
  /** log π(a) of the network (a softmax's logits up to a constant, which nothing here depends on). */
  readonly logits: Float64Array;
  readonly visits: Int32Array;
  /** Σ of the values (for this node's side to move) backed up through each move. */
  readonly valueSum: Float64Array;
  readonly children: (GumbelNode | null)[];
  /** v̂: the network's value, or the rules' exact value, for the side to move. */
  value = 0;
  /** The rules ended the game here: `value` is exact and nothing is searched below. */
  terminal = false;
  evaluated = false;

  constructor(moves: Uint32Array) {
    this.moves = moves;
    this.logits = new Float64Array(moves.length);
    this.visits = new Int32Array(moves.length);
    this.valueSum = new Float64Array(moves.length);
    this.children = new Array(moves.length).fill(null);
  }

  /** q(a) of every move (0 where unvisited: completedQ replaces those). */
  q(): Float64Array {
    return Float64Array.from(this.valueSum, (s, i) => (this.visits[i] > 0 ? s / this.visits[i] : 0));
  }

  /** Σ_b N(b). */
  get totalVisits(): number {
    let n = 0;
    for (let i = 0; i < this.visits.length; i++) n += this.visits[i];
    return n;
  }

  /** π' at this node. */
  improvedPolicy(c: Pick<GumbelSettings, "cVisit" | "cScale">): Float64Array {
    return improvedPolicy(this.logits, this.visits, this.q(), this.value, c);
  }

  /** σ(completedQ) at this node. */
  sigma(c: Pick<GumbelSettings, "cVisit" | "cScale">): Float64Array {
    return sigmaOfCompletedQ(this.logits, this.visits, this.q(), this.value, c);
  }
}

/** The paper's non-root selection (Eq. 14): argmax_a π'(a) − N(a) / (1 + Σ_b N(b)); the first on ties. */
export function selectNonRoot(node: GumbelNode, c: Pick<GumbelSettings, "cVisit" | "cScale">): number {
  const pi = node.improvedPolicy(c);
  const denominator = 1 + node.totalVisits;
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < node.moves.length; i++) {
    const score = pi[i] - node.visits[i] / denominator;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

const scratchMoves = new Uint32Array(MAX_LEGAL_MOVES);

/** A new node for `pos`: its legal moves, and its exact value when the rules end the game there. */
function makeNode(pos: Position, rules: RulesOptions): GumbelNode {
  const count = pos.generateLegal(scratchMoves, 0);
  const node = new GumbelNode(scratchMoves.slice(0, count));
  const status = gameStatus(pos, rules, count);
  if (status.over) {
    node.terminal = true;
    node.evaluated = true;
    node.value = status.winner === null ? 0 : status.winner === pos.sideToMove ? 1 : -1;
  }
  return node;
}

/** The root of one game's search: its Gumbel draws and where it stands in the halving schedule. */
class RootSearch {
  /** g(a) for every root move. */
  readonly g: Float64Array;
  /** The actions (root move indices) still in the running: the current phase's. */
  candidates: number[];
  private readonly phases: HalvingPhase[];
  private phase = -1;
  /** The current phase's simulations still to run, as root move indices, in order. */
  private queue: number[] = [];
  simulations = 0;

  constructor(
    readonly root: GumbelNode,
    readonly settings: GumbelSettings,
    rng: Random,
  ) {
    const k = root.moves.length;
    this.g = Float64Array.from({ length: k }, () => gumbel(rng));
    const m = Math.min(settings.maxConsideredActions, k);
    // Gumbel-top-k: the m largest g + logits (ties: the lower index).
    this.candidates = Array.from({ length: k }, (_, i) => i)
      .sort((a, b) => this.g[b] + root.logits[b] - (this.g[a] + root.logits[a]) || a - b)
      .slice(0, m);
    // A forced move needs no search: its target is 1 whatever the simulations say.
    this.phases = k > 1 ? sequentialHalving(m, settings.numSimulations) : [];
  }

  /** g(a) + logits(a) + σ(q̂(a)) for every root move. */
  scores(): Float64Array {
    const sigma = this.root.sigma(this.settings);
    return Float64Array.from(sigma, (s, i) => this.g[i] + this.root.logits[i] + s);
  }

  /** The root action the next simulation starts with, or −1 when the budget is spent. */
  nextAction(): number {
    if (this.queue.length === 0) {
      if (this.phase + 1 >= this.phases.length) return -1;
      this.phase++;
      const p = this.phases[this.phase];
      if (this.phase > 0) {
        // Keep the best p.actions of the previous phase's candidates.
        const s = this.scores();
        this.candidates = [...this.candidates].sort((a, b) => s[b] - s[a] || a - b).slice(0, p.actions);
      }
      for (let v = 0; v < p.visitsEach; v++) this.queue.push(...this.candidates);
      this.queue.length = p.simulations;
    }
    this.simulations++;
    return this.queue.shift() as number;
  }

  /** The action to play: the best g + logits + σ(q̂) among the most-visited remaining candidates. */
  choice(): number {
    const s = this.scores();
    let most = 0;
    for (const a of this.candidates) most = Math.max(most, this.root.visits[a]);
    let best = -1;
    for (const a of this.candidates)
      if (this.root.visits[a] === most && (best < 0 || s[a] > s[best] || (s[a] === s[best] && a < best))) best = a;
    return best;
  }
}

/** What the search decided in one game. */
export interface GumbelDecision {
  /** Index of the chosen move in the root's legal moves (Position.generateLegal order). */
  index: number;
  /** The chosen engine move. */
  move: number;
  /** The root's legal moves, generateLegal order. */
  moves: Uint32Array;
  /** The policy target π' over `moves` (sums to 1). */
  policy: Float32Array;
  /** The root's visit counts N(a) over `moves`. */
  visits: Int32Array;
  /** v̂ at the root, for the side to move. */
  rootValue: number;
  /** Entropy of the root's visit distribution N(a) / Σ N (0 for an unsearched forced move). */
  visitEntropy: number;
  simulations: number;
}

/** Running totals of the search's work (reset by whoever reports them). */
export interface GumbelSearchStats {
  simulations: number;
  /** Positions the network evaluated (roots included). */
  evaluations: number;
  /** Wall-clock seconds spent in search(). */
  seconds: number;
  /** Decisions made, and the sum of their root visit entropies. */
  decisions: number;
  visitEntropySum: number;
}

export function emptySearchStats(): GumbelSearchStats {
  return { simulations: 0, evaluations: 0, seconds: 0, decisions: 0, visitEntropySum: 0 };
}

/** A leaf waiting for the network in the current round. */
interface PendingLeaf {
  node: GumbelNode;
  path: { node: GumbelNode; i: number }[];
}

export class GumbelSearch {
  /** The work done since the last takeStats(). */
  stats: GumbelSearchStats = emptySearchStats();
  private readonly obs: Float32Array;
  private readonly legalOffsets: Int32Array;
  private readonly legalActions: Int32Array;
  private readonly priors: Float32Array;
  private readonly values: Float32Array;

  /** `evaluator.batchSize` bounds the games one search() takes (one leaf per game per round). */
  constructor(
    readonly evaluator: Evaluator,
    readonly settings: GumbelSettings,
  ) {
    if (!(settings.numSimulations >= 1)) throw new Error(`Gumbel search: numSimulations must be ≥ 1`);
    if (!(settings.maxConsideredActions >= 1)) throw new Error(`Gumbel search: maxConsideredActions must be ≥ 1`);
    const B = evaluator.batchSize;
    this.obs = new Float32Array(B * OBS_SIZE);
    this.legalOffsets = new Int32Array(B + 1);
    this.legalActions = new Int32Array(B * MAX_LEGAL_MOVES);
    this.priors = new Float32Array(B * MAX_LEGAL_MOVES);
    this.values = new Float32Array(B);
  }

  /** The work done since the last call, and a fresh count. */
  takeStats(): GumbelSearchStats {
    const s = this.stats;
    this.stats = emptySearchStats();
    return s;
  }

  /**
   * Searches every position (games still in progress; each is left as it was) and returns a
   * decision per position, in order. `rng` draws the Gumbel noise.
   */
  async search(positions: readonly Position[], rng: Random): Promise<GumbelDecision[]> {
    const started = performance.now();
    const s = this.settings;
    if (positions.length === 0) return [];
    if (positions.length > this.evaluator.batchSize)
      throw new Error(`Gumbel search: ${positions.length} games, the evaluator takes ${this.evaluator.batchSize}`);

    // The roots: one batched evaluation.
    const roots = positions.map((pos, k) => {
      const root = makeNode(pos, s.rules);
      if (root.terminal) throw new Error(`Gumbel search: game ${k} is already over (${pos.toSfen()})`);
      return root;
    });
    for (const [k, root] of roots.entries()) this.encode(positions[k], root, k);
    await this.evaluate(roots);
    const games = roots.map((root) => new RootSearch(root, s, rng));

    // One simulation per game per round; the round's leaves in one batched evaluation.
    for (;;) {
      const leaves: PendingLeaf[] = [];
      let active = 0;
      for (let k = 0; k < games.length; k++) {
        const a = games[k].nextAction();
        if (a < 0) continue;
        active++;
        this.stats.simulations++;
        const leaf = this.simulate(positions[k], games[k].root, a, leaves.length);
        if (leaf) leaves.push(leaf);
      }
      if (active === 0) break;
      if (leaves.length === 0) continue;
      await this.evaluate(leaves.map((l) => l.node));
      for (const l of leaves) backup(l.path, l.node.value);
    }

    const decisions = games.map((game) => {
      const root = game.root;
      const index = game.choice();
      const policy = Float32Array.from(root.improvedPolicy(s));
      const visitEntropy = entropyOf(root.visits);
      this.stats.decisions++;
      this.stats.visitEntropySum += visitEntropy;
      return {
        index,
        move: root.moves[index],
        moves: root.moves,
        policy,
        visits: root.visits,
        rootValue: root.value,
        visitEntropy,
        simulations: game.simulations,
      };
    });
    this.stats.seconds += (performance.now() - started) / 1000;
    return decisions;
  }

  /**
   * One simulation from root action `a`: descends by the non-root selection to the first position
   * not yet evaluated (returned, encoded as evaluation row `row`, to be backed up after the
   * round's evaluation) or one the rules end (backed up at once; null). `pos` is restored.
   */
  private simulate(pos: Position, root: GumbelNode, a: number, row: number): PendingLeaf | null {
    const path = [{ node: root, i: a }];
    let node = root;
    let i = a;
    let leaf: PendingLeaf | null = null;
    for (;;) {
      pos.makeMove(node.moves[i]);
      let child = node.children[i];
      if (!child) {
        child = makeNode(pos, this.settings.rules);
        node.children[i] = child;
      }
      if (child.terminal) {
        backup(path, child.value);
        break;
      }
      if (!child.evaluated) {
        this.encode(pos, child, row);
        leaf = { node: child, path };
        break;
      }
      node = child;
      i = selectNonRoot(node, this.settings);
      path.push({ node, i });
    }
    for (let k = 0; k < path.length; k++) pos.unmakeMove();
    return leaf;
  }

  /** Writes `node`'s position as evaluation row `row` (observation and legal actions). */
  private encode(pos: Position, node: GumbelNode, row: number): void {
    encodeCore46(pos, this.settings.encodePlies, this.obs, row * OBS_SIZE);
    if (row === 0) this.legalOffsets[0] = 0;
    const first = this.legalOffsets[row];
    for (let k = 0; k < node.moves.length; k++) this.legalActions[first + k] = moveToAction(node.moves[k]);
    this.legalOffsets[row + 1] = first + node.moves.length;
  }

  /** Evaluates rows 0..nodes.length−1 (encoded already) and takes the results into the nodes. */
  private async evaluate(nodes: GumbelNode[]): Promise<void> {
    const n = nodes.length;
    await this.evaluator.evaluate(n, this.obs, this.legalOffsets, this.legalActions, this.priors, this.values);
    this.stats.evaluations += n;
    for (let r = 0; r < n; r++) {
      const node = nodes[r];
      const first = this.legalOffsets[r];
      // The evaluator hands priors; their logs are the logits up to a constant (a prior that
      // rounded to 0 in f32 gets the tiniest f32 instead of −∞).
      for (let k = 0; k < node.moves.length; k++) node.logits[k] = Math.log(Math.max(this.priors[first + k], 1e-45));
      // The evaluator's win rate in [0, 1] back to the value head's [−1, 1].
      node.value = 2 * this.values[r] - 1;
      node.evaluated = true;
    }
  }
}

/** Backs a leaf's value (for the leaf's side to move) up `path`, negated at every ply. */
function backup(path: { node: GumbelNode; i: number }[], leafValue: number): void {
  let v = leafValue;
  for (let k = path.length - 1; k >= 0; k--) {
    v = -v; // the mover at path[k].node gains what the side to move after its move loses
    const { node, i } = path[k];
    node.visits[i]++;
    node.valueSum[i] += v;
  }
}

/** Entropy (nats) of the distribution N / Σ N; 0 when nothing was visited. */
export function entropyOf(visits: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < visits.length; i++) total += visits[i];
  if (total === 0) return 0;
  let h = 0;
  for (let i = 0; i < visits.length; i++) {
    if (visits[i] === 0) continue;
    const p = visits[i] / total;
    h -= p * Math.log(p);
  }
  return h;
}
