// Batched PUCT Monte-Carlo tree search, as dlshogi plays (reference/usi-and-search.md §3).
//
// Selection at a node whose side to move is s, over its legal moves i:
//   c(N)  = ln((N + C_base + 1) / C_base) + C_init
//   score = Q_i + c(N) · P_i · √N / (1 + N_i)          (√N taken as 1 while N = 0)
//   Q_i   = W_i / N_i, the mean win rate for s after move i; an unvisited move takes the first-play
//           urgency max(0, Q_parent − FPU_reduction · √(Σ P of the visited moves)).
// Values are win rates in [0, 1] for the side to move (the value head's v ∈ [−1, 1] maps to (v+1)/2).
//
// Batching: one round descends up to BatchSize times from the root. Each descent adds a virtual
// loss (a visit that won nothing) along its path, so the next descent spreads to other leaves; the
// leaves of a round are evaluated in ONE batched forward pass, then every path is backed up (the
// visit stays, the win is added). A descent that reaches a leaf already waiting in this round is a
// collision: its virtual loss is taken back.
//
// Results the rules decide (mate, repetition, perpetual check, the declaration, the move limit:
// shogi/rules.ts) are exact leaves; an optional N-ply mate search at new leaves proves wins the
// network would have to guess. Proofs propagate: a move into a position lost for the opponent wins
// the node; a node whose every move leads to a position won for the opponent is lost.

import { moveToAction } from "../shogi/actions.ts";
import { encodeCore46, OBS_SIZE } from "../shogi/features.ts";
import { MAX_LEGAL_MOVES } from "../shogi/movegen.ts";
import type { Position } from "../shogi/position.ts";
import { gameStatus, type RulesOptions } from "../shogi/rules.ts";
import { moveToUsi } from "../shogi/sfen.ts";
import { mateMove } from "./mate.ts";

/** Batched position evaluation: priors over each row's legal actions and the side to move's win rate. */
export interface Evaluator {
  /** The most rows one evaluate() takes. */
  readonly batchSize: number;
  /**
   * Rows 0..n−1: `obs` [n, 46·81] (core46), legal actions as CSR (`legalOffsets` [n + 1],
   * `legalActions`). Fills `priors` (at the same CSR positions: a distribution over each row's legal
   * actions) and `values` [n] (win rate in [0, 1] for the side to move).
   */
  evaluate(
    n: number,
    obs: Float32Array,
    legalOffsets: Int32Array,
    legalActions: Int32Array,
    priors: Float32Array,
    values: Float32Array,
  ): Promise<void>;
}

export interface SearchSettings {
  cInit: number; // 1.44
  cBase: number; // 28288
  fpuReduction: number; // 0.27
  /** Win rate of a drawn result for the side to move. */
  drawValue: number; // 0.5
  /** Mate search depth (plies, odd) at each new leaf; 0: none. */
  leafMatePly: number;
  /** Rules that end games inside the tree (repetition, declaration, move limit). */
  rules: RulesOptions;
  /** The move count the observation's ply feature is scaled by (the training config's max_moves_per_game). */
  encodePlies: number;
}

export const DEFAULT_SEARCH: SearchSettings = {
  cInit: 1.44,
  cBase: 28288,
  fpuReduction: 0.27,
  drawValue: 0.5,
  leafMatePly: 3,
  rules: { maxMovesPerGame: 0, impasse: "csa27" },
  encodePlies: 500,
};

/** A proof: the side to move at the node wins (WIN) or loses (LOSS) with best play; NONE: unknown. */
export const NONE = 0;
export const WIN = 1;
export const LOSS = -1;
type Proof = typeof NONE | typeof WIN | typeof LOSS;

/** A position in the tree: its legal moves (edges) with their statistics, from its side to move's view. */
export class Node {
  readonly moves: Uint32Array;
  /** Network prior of each move (after evaluation). */
  readonly priors: Float32Array;
  /** Visits through each move, virtual losses in flight included. */
  readonly visits: Int32Array;
  /** Sum of the side to move's win rates backed up through each move. */
  readonly wins: Float32Array;
  readonly children: (Node | null)[];
  /** Σ visits (this node's N). */
  n = 0;
  /** The network's (or the rules') win rate for the side to move. */
  value = 0.5;
  proof: Proof = NONE;
  /** Exact result by the rules (no moves are searched below it). */
  terminal = false;
  /** The first move of the mate the leaf mate search found here (0: none). */
  mateMove = 0;
  /** Waiting for the network in the current round. */
  pending = false;
  evaluated = false;

  constructor(moves: Uint32Array) {
    this.moves = moves;
    this.priors = new Float32Array(moves.length);
    this.visits = new Int32Array(moves.length);
    this.wins = new Float32Array(moves.length);
    this.children = new Array(moves.length).fill(null);
  }

  /** The mean win rate of move i for this node's side to move (NaN when unvisited). */
  q(i: number): number {
    return this.wins[i] / this.visits[i];
  }
}

/** One edge taken by a descent: the node and the index of its move. */
interface Step {
  node: Node;
  i: number;
}

const scratchMoves = new Uint32Array(MAX_LEGAL_MOVES);

/** A new node for `pos`: its legal moves, and its exact result when the rules (or a short mate search) decide it. */
function makeNode(pos: Position, s: SearchSettings): Node {
  const count = pos.generateLegal(scratchMoves, 0);
  const node = new Node(scratchMoves.slice(0, count));
  const status = gameStatus(pos, s.rules, count);
  if (status.over) {
    node.terminal = true;
    node.evaluated = true;
    if (status.winner === null) node.value = s.drawValue;
    else if (status.winner === pos.sideToMove) {
      node.value = 1;
      node.proof = WIN;
    } else {
      node.value = 0;
      node.proof = LOSS;
    }
  } else if (s.leafMatePly > 0) {
    node.mateMove = mateMove(pos, s.leafMatePly);
    if (node.mateMove !== 0) {
      node.value = 1;
      node.proof = WIN;
      node.evaluated = true;
    }
  }
  return node;
}

export interface SearchStats {
  /** Playouts backed up (network evaluations, exact leaves and proofs). */
  playouts: number;
  /** Positions the network evaluated. */
  evaluations: number;
  /** Longest descent this search (plies). */
  selDepth: number;
  collisions: number;
}

/**
 * A search tree over one game: `root` is the position the tree stands on. `setRoot` moves it along
 * moves already in the tree (tree reuse) or starts afresh.
 */
export class Search {
  root: Node | null = null;
  /** The root's position as USI gives it (start and moves), for reuse on the next `position`. */
  private rootPath: { start: string; moves: string[] } = { start: "", moves: [] };
  readonly stats: SearchStats = { playouts: 0, evaluations: 0, selDepth: 0, collisions: 0 };
  private readonly obs: Float32Array;
  private readonly legalOffsets: Int32Array;
  private readonly legalActions: Int32Array;
  private readonly priors: Float32Array;
  private readonly values: Float32Array;

  constructor(
    readonly evaluator: Evaluator,
    readonly settings: SearchSettings = DEFAULT_SEARCH,
  ) {
    const B = evaluator.batchSize;
    this.obs = new Float32Array(B * OBS_SIZE);
    this.legalOffsets = new Int32Array(B + 1);
    this.legalActions = new Int32Array(B * MAX_LEGAL_MOVES);
    this.priors = new Float32Array(B * MAX_LEGAL_MOVES);
    this.values = new Float32Array(B);
  }

  /**
   * Stands the tree on the position `start` + `moves` (USI text of both: its key). When the current
   * root is that position's ancestor along moves searched already, the subtree is kept (tree reuse);
   * otherwise the tree is dropped. Returns whether a subtree was reused.
   */
  setRoot(start: string, moves: readonly string[], reuse = true): boolean {
    const previous = this.rootPath;
    this.rootPath = { start, moves: [...moves] };
    this.resetStats();
    const extends_ =
      previous.start === start &&
      previous.moves.length <= moves.length &&
      previous.moves.every((m, k) => moves[k] === m);
    let node: Node | null = reuse && extends_ ? this.root : null;
    for (const usi of moves.slice(previous.moves.length)) {
      if (!node) break;
      const i = indexOfUsi(node, usi);
      node = i < 0 ? null : node.children[i];
    }
    this.root = node?.evaluated && !node.pending ? node : null;
    return this.root !== null;
  }

  private resetStats(): void {
    Object.assign(this.stats, { playouts: 0, evaluations: 0, selDepth: 0, collisions: 0 });
  }

  /** Makes sure the root exists and is evaluated (the position `pos` must be the root's). */
  async prepareRoot(pos: Position): Promise<Node> {
    if (!this.root) this.root = makeNode(pos, this.settings);
    const root = this.root;
    if (!root.evaluated) {
      root.pending = true;
      this.encode(pos, root, 0);
      this.legalOffsets[0] = 0;
      this.legalOffsets[1] = root.moves.length;
      await this.evaluator.evaluate(1, this.obs, this.legalOffsets, this.legalActions, this.priors, this.values);
      this.stats.evaluations++;
      this.expand(root, 0, this.values[0]);
    }
    return root;
  }

  /**
   * One round: up to batchSize descents from the root (virtual loss spreading them), one batched
   * evaluation of the new leaves, every path backed up. `pos` is the root position (restored on return).
   * Returns the number of playouts backed up.
   */
  async round(pos: Position, maxDescents = this.evaluator.batchSize): Promise<number> {
    const root = await this.prepareRoot(pos);
    if (root.terminal || root.moves.length === 0) return 0;
    const paths: Step[][] = [];
    const leaves: Node[] = [];
    const exact: { path: Step[]; value: number }[] = [];
    let collisions = 0;
    const limit = Math.min(maxDescents, this.evaluator.batchSize);
    while (leaves.length < limit && collisions < 4 && root.proof === NONE) {
      const path: Step[] = [];
      let node = root;
      let made = 0;
      // Descend, adding a virtual loss on every edge taken.
      for (;;) {
        const i = this.select(node);
        node.visits[i]++;
        node.n++;
        path.push({ node, i });
        pos.makeMove(node.moves[i]);
        made++;
        let child = node.children[i];
        if (!child) {
          child = makeNode(pos, this.settings);
          node.children[i] = child;
        }
        if (child.proof !== NONE || child.terminal) {
          exact.push({ path, value: child.proof === WIN ? 1 : child.proof === LOSS ? 0 : child.value });
          break;
        }
        if (child.pending) {
          // Another descent of this round waits on this leaf: take the virtual loss back.
          for (const st of path) {
            st.node.visits[st.i]--;
            st.node.n--;
          }
          collisions++;
          this.stats.collisions++;
          break;
        }
        if (!child.evaluated) {
          child.pending = true;
          this.encode(pos, child, leaves.length);
          leaves.push(child);
          paths.push(path);
          break;
        }
        node = child;
      }
      if (made > this.stats.selDepth) this.stats.selDepth = made;
      for (let k = 0; k < made; k++) pos.unmakeMove();
      // Exact results back up at once, so the next descent already sees them.
      while (exact.length > 0) {
        const e = exact.pop() as { path: Step[]; value: number };
        this.backup(e.path, e.value);
      }
    }
    if (leaves.length > 0) {
      const n = leaves.length;
      await this.evaluator.evaluate(n, this.obs, this.legalOffsets, this.legalActions, this.priors, this.values);
      this.stats.evaluations += n;
      for (let r = 0; r < n; r++) {
        this.expand(leaves[r], r, this.values[r]);
        this.backup(paths[r], this.values[r]);
      }
    }
    return this.stats.playouts;
  }

  /** Writes `node`'s position as evaluation row `row` (observation and legal actions). */
  private encode(pos: Position, node: Node, row: number): void {
    encodeCore46(pos, this.settings.encodePlies, this.obs, row * OBS_SIZE);
    if (row === 0) this.legalOffsets[0] = 0;
    const first = this.legalOffsets[row];
    for (let k = 0; k < node.moves.length; k++) this.legalActions[first + k] = moveToAction(node.moves[k]);
    this.legalOffsets[row + 1] = first + node.moves.length;
  }

  /** Takes row `row`'s evaluation into `node`. */
  private expand(node: Node, row: number, value: number): void {
    const first = this.legalOffsets[row];
    node.priors.set(this.priors.subarray(first, first + node.moves.length));
    node.value = value;
    node.evaluated = true;
    node.pending = false;
  }

  /** The move PUCT picks at `node` (a proven win at once). */
  select(node: Node): number {
    const s = this.settings;
    const N = node.n;
    const c = Math.log((N + s.cBase + 1) / s.cBase) + s.cInit;
    const sqrtN = N === 0 ? 1 : Math.sqrt(N);
    // First-play urgency: the node's mean so far (its own value before any visit), reduced by how
    // much prior mass has been tried.
    let visitedPrior = 0;
    let wins = 0;
    for (let i = 0; i < node.moves.length; i++) {
      if (node.visits[i] > 0) {
        visitedPrior += node.priors[i];
        wins += node.wins[i];
      }
      const child = node.children[i];
      if (child && child.proof === LOSS) return i; // the opponent is lost after this move
    }
    const parentQ = N > 0 ? wins / N : node.value;
    const fpu = Math.max(0, parentQ - s.fpuReduction * Math.sqrt(visitedPrior));
    let best = 0;
    let bestScore = -Infinity;
    for (let i = 0; i < node.moves.length; i++) {
      const child = node.children[i];
      // A move into a position won for the opponent is searched only when nothing else remains.
      const q = child && child.proof === WIN ? -1 : node.visits[i] > 0 ? node.wins[i] / node.visits[i] : fpu;
      const score = q + (c * node.priors[i] * sqrtN) / (1 + node.visits[i]);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }

  /** Adds the leaf's win rate (for its side to move) along `path`, alternating sides; settles proofs upward. */
  private backup(path: Step[], leafValue: number): void {
    let v = leafValue;
    for (let k = path.length - 1; k >= 0; k--) {
      const { node, i } = path[k];
      v = 1 - v; // the mover at `node` wins what the side to move after its move loses
      node.wins[i] += v; // the visit was added on the way down (the virtual loss)
      if (node.proof === NONE) node.proof = proofOf(node);
    }
    this.stats.playouts++;
  }

  /** The most visited root move (a proven win first), or -1 when there is none. */
  bestIndex(node: Node | null = this.root): number {
    if (!node || node.moves.length === 0) return -1;
    if (node.mateMove !== 0) return node.moves.indexOf(node.mateMove);
    let best = -1;
    for (let i = 0; i < node.moves.length; i++) {
      const child = node.children[i];
      if (child && child.proof === LOSS) return i;
      if (best < 0 || better(node, i, best)) best = i;
    }
    return best;
  }

  /** The principal variation: most-visited moves down the tree. */
  pv(maxLength = 64): number[] {
    const moves: number[] = [];
    let node = this.root;
    while (node && moves.length < maxLength) {
      const i = this.bestIndex(node);
      if (i < 0 || (node.visits[i] === 0 && !(node.children[i]?.proof === LOSS))) break;
      moves.push(node.moves[i]);
      node = node.children[i];
    }
    return moves;
  }
}

/** The visited moves of `node`, most preferred first (the order bestIndex picks from). */
export function rankedMoves(node: Node): number[] {
  const order: number[] = [];
  for (let i = 0; i < node.moves.length; i++) if (node.visits[i] > 0 || node.children[i]?.proof === LOSS) order.push(i);
  return order.sort((a, b) => (better(node, a, b) ? -1 : better(node, b, a) ? 1 : 0));
}

/** Whether move i of `node` is preferred to move j: more visits, then the higher mean. */
function better(node: Node, i: number, j: number): boolean {
  const ci = node.children[i];
  const cj = node.children[j];
  const winI = ci?.proof === LOSS; // the opponent is lost after i
  const winJ = cj?.proof === LOSS;
  if (winI !== winJ) return winI;
  const lostI = ci?.proof === WIN; // the opponent wins after i
  const lostJ = cj?.proof === WIN;
  if (lostI !== lostJ) return lostJ;
  if (node.visits[i] !== node.visits[j]) return node.visits[i] > node.visits[j];
  const qi = node.visits[i] > 0 ? node.q(i) : node.priors[i];
  const qj = node.visits[j] > 0 ? node.q(j) : node.priors[j];
  return qi > qj;
}

/** A node's proof from its children: WIN when a move leaves the opponent lost, LOSS when every move leaves them won. */
function proofOf(node: Node): Proof {
  let allWon = node.moves.length > 0;
  for (let i = 0; i < node.moves.length; i++) {
    const child = node.children[i];
    if (child?.proof === LOSS) return WIN;
    if (child?.proof !== WIN) allWon = false;
  }
  return allWon ? LOSS : NONE;
}

function indexOfUsi(node: Node, usi: string): number {
  for (let i = 0; i < node.moves.length; i++) if (moveToUsi(node.moves[i]) === usi) return i;
  return -1;
}

/** Win rate → centipawns as ShogiHome's default sigmoid reads them: 600 · ln(wp / (1 − wp)), clamped. */
export function winRateToCp(wp: number): number {
  const p = Math.min(Math.max(wp, 1e-6), 1 - 1e-6);
  return Math.round(600 * Math.log(p / (1 - p)));
}
