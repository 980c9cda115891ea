// Gumbel AlphaZero's search (src/rl/gumbel.ts) against the paper: the improved policy and the
// non-root selection on hand-built nodes (targets worked out here from the paper's formulas),
// sequential halving's budget schedule and the visits the search really makes, the backup's signs
// (it takes a free rook; it finds a mate the rules decide), and the lock-step batching.
import { describe, expect, test } from "bun:test";
import {
  completedQ,
  DEFAULT_GUMBEL,
  GumbelNode,
  GumbelSearch,
  type GumbelSettings,
  mixedValue,
  selectNonRoot,
  sequentialHalving,
} from "../../src/rl/gumbel.ts";
import type { Evaluator } from "../../src/search/puct.ts";
import { moveToUsi } from "../../src/shogi/sfen.ts";
import { OBS_SIZE } from "../../src/shogi/features.ts";
import { PIECE_VALUES } from "../../src/shogi/material.ts";
import { Position } from "../../src/shogi/position.ts";
import { gameStatus } from "../../src/shogi/rules.ts";
import { Random } from "../../src/util/random.ts";

/** Uniform priors; a value that differs from position to position (a hash of the observation), or the material balance's logistic. */
class TestEvaluator implements Evaluator {
  calls: number[] = [];
  constructor(
    readonly batchSize: number,
    readonly kind: "hash" | "material" | "even",
  ) {}
  async evaluate(
    n: number,
    obs: Float32Array,
    offsets: Int32Array,
    _actions: Int32Array,
    priors: Float32Array,
    values: Float32Array,
  ) {
    this.calls.push(n);
    for (let r = 0; r < n; r++) {
      const o = obs.subarray(r * OBS_SIZE, (r + 1) * OBS_SIZE);
      if (this.kind === "hash") {
        let h = 0;
        for (let j = 0; j < 46 * 81; j++) if (o[j] !== 0) h = (h * 31 + j * 7 + Math.round(o[j] * 18)) % 1000003;
        values[r] = 0.1 + 0.8 * ((h % 997) / 996);
      } else if (this.kind === "material") {
        let balance = 0;
        for (let t = 0; t < 14; t++)
          for (let sq = 0; sq < 81; sq++) balance += PIECE_VALUES[t] * (o[t * 81 + sq] - o[(14 + t) * 81 + sq]);
        for (let h = 0; h < 7; h++) balance += PIECE_VALUES[h] * 18 * (o[(28 + h) * 81] - o[(35 + h) * 81]);
        values[r] = 1 / (1 + Math.exp(-balance / 2));
      } else values[r] = 0.5;
      const k = offsets[r + 1] - offsets[r];
      for (let j = offsets[r]; j < offsets[r + 1]; j++) priors[j] = 1 / k;
    }
  }
}

/** A hand-built node: logits, visit counts, Q values (q of unvisited moves unused) and v̂. */
function handNode(logits: number[], visits: number[], q: number[], value: number): GumbelNode {
  const node = new GumbelNode(new Uint32Array(logits.length));
  node.logits.set(logits);
  node.visits.set(visits);
  node.valueSum.set(q.map((x, i) => x * visits[i]));
  node.value = value;
  node.evaluated = true;
  return node;
}

describe("the improved policy, as the paper defines it", () => {
  // Five root actions; a, b, e visited (3, 1, 4 times), c, d not.
  const logits = [1.0, 0.5, -0.5, 0.0, 2.0];
  const visits = [3, 1, 0, 0, 4];
  const q = [0.2, -0.4, 0, 0, 0.6];
  const v = 0.1;

  /** The paper's target, written out: π = softmax(logits); v_mix; completed Q; min-max to [0, 1]; σ; softmax. */
  function byHand(cVisit: number, cScale: number): number[] {
    const e = logits.map(Math.exp);
    const z = e.reduce((a, b) => a + b, 0);
    const p = e.map((x) => x / z);
    // v_mix = (v̂ + ΣN · Σ_visited π q / Σ_visited π) / (1 + ΣN), ΣN = 8
    const weighted = (p[0] * 0.2 + p[1] * -0.4 + p[4] * 0.6) / (p[0] + p[1] + p[4]);
    const vMix = (0.1 + 8 * weighted) / (1 + 8);
    const completed = [0.2, -0.4, vMix, vMix, 0.6];
    // min −0.4 (action b), max 0.6 (action e): q̂ = (completed + 0.4) / 1.0; max N = 4
    const sigma = completed.map((c) => (cVisit + 4) * cScale * ((c + 0.4) / 1.0));
    const s = logits.map((l, i) => Math.exp(l + sigma[i]));
    const total = s.reduce((a, b) => a + b, 0);
    return s.map((x) => x / total);
  }

  test("v_mix and completed Q", () => {
    const e = logits.map(Math.exp);
    const p = e.map((x) => x / e.reduce((a, b) => a + b, 0));
    const vMix = (0.1 + 8 * ((p[0] * 0.2 - p[1] * 0.4 + p[4] * 0.6) / (p[0] + p[1] + p[4]))) / 9;
    expect(mixedValue(v, p, visits, q)).toBeCloseTo(vMix, 12);
    expect(Array.from(completedQ(logits, visits, q, v))).toEqual(
      [0.2, -0.4, vMix, vMix, 0.6].map((x) => expect.closeTo(x, 12)),
    );
    // Nothing visited: v_mix is v̂ itself.
    expect(mixedValue(v, p, [0, 0, 0, 0, 0], q)).toBe(v);
  });

  for (const [cVisit, cScale] of [
    [50, 1], // the paper's constants
    [50, 0.1], // a flatter target, every entry far from 0 and 1
  ]) {
    test(`softmax(logits + σ(completed Q)) on a hand-built root, c_visit ${cVisit}, c_scale ${cScale}`, () => {
      const node = handNode(logits, visits, q, v);
      const got = node.improvedPolicy({ cVisit, cScale });
      const want = byHand(cVisit, cScale);
      for (let i = 0; i < 5; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6);
      expect(got.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    });
  }

  test("no visits: the target is the prior (every completed Q is v̂, σ = 0)", () => {
    const node = handNode(logits, [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], 0.3);
    const e = logits.map(Math.exp);
    const z = e.reduce((a, b) => a + b, 0);
    const got = node.improvedPolicy(DEFAULT_GUMBEL);
    for (let i = 0; i < 5; i++) expect(Math.abs(got[i] - e[i] / z)).toBeLessThan(1e-12);
  });

  test("non-root selection: argmax π'(a) − N(a) / (1 + ΣN)", () => {
    const c = { cVisit: 50, cScale: 0.1 };
    const node = handNode(logits, visits, q, v);
    const pi = byHand(50, 0.1);
    const scores = pi.map((x, i) => x - visits[i] / (1 + 8));
    expect(selectNonRoot(node, c)).toBe(scores.indexOf(Math.max(...scores)));
    // A fresh node goes to the largest prior first.
    expect(selectNonRoot(handNode(logits, [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], 0), c)).toBe(4);
  });
});

describe("sequential halving", () => {
  test("the budget schedule of the paper (mctx's get_sequence_of_considered_visits)", () => {
    const phases = (m: number, n: number) =>
      sequentialHalving(m, n).map((p) => [p.actions, p.visitsEach, p.simulations]);
    // m = 16, n = 32: ⌈log2 16⌉ = 4 phases planned; ⌊32 / (4·16)⌋ = 0 → 1 visit each for the 16,
    // ⌊32 / (4·8)⌋ = 1 for the 8 kept, ⌊32 / (4·4)⌋ = 2 for the 4 kept: 16 + 8 + 8 = 32.
    expect(phases(16, 32)).toEqual([
      [16, 1, 16],
      [8, 1, 8],
      [4, 2, 8],
    ]);
    // m = 4, n = 8: 2 phases; ⌊8 / (2·4)⌋ = 1 each for the 4, ⌊8 / (2·2)⌋ = 2 each for the 2 kept.
    expect(phases(4, 8)).toEqual([
      [4, 1, 4],
      [2, 2, 4],
    ]);
    // m = 16, n = 64: 16·1, 8·2, 4·4, 2·8.
    expect(phases(16, 64)).toEqual([
      [16, 1, 16],
      [8, 2, 16],
      [4, 4, 16],
      [2, 8, 16],
    ]);
    // m = n = 8: one visit each; the budget ends with the first phase.
    expect(phases(8, 8)).toEqual([[8, 1, 8]]);
    // Budget left after the last halving goes on with 2 actions; a phase the budget cuts short.
    expect(phases(2, 5)).toEqual([
      [2, 2, 4],
      [2, 2, 1],
    ]);
    expect(phases(3, 8)).toEqual([
      [3, 1, 3],
      [2, 2, 4],
      [2, 2, 1],
    ]);
    // One action takes every simulation.
    expect(phases(1, 4)).toEqual([[1, 4, 4]]);
    for (const [m, n] of [
      [16, 32],
      [4, 8],
      [16, 8],
      [5, 13],
      [16, 200],
    ])
      expect(sequentialHalving(m, n).reduce((s, p) => s + p.simulations, 0)).toBe(n);
  });

  for (const [m, n, want] of [
    [16, 32, [4, 4, 4, 4, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1]],
    [4, 8, [3, 3, 1, 1]],
    [16, 8, [1, 1, 1, 1, 1, 1, 1, 1]],
  ] as const) {
    test(`the search's root visits follow it: m = ${m}, n = ${n}`, async () => {
      const games = 3;
      const evaluator = new TestEvaluator(games, "hash");
      const settings: GumbelSettings = { ...DEFAULT_GUMBEL, numSimulations: n, maxConsideredActions: m };
      const search = new GumbelSearch(evaluator, settings);
      const positions = Array.from({ length: games }, () => Position.startpos());
      const before = positions[0].toSfen();
      const decisions = await search.search(positions, new Random(5));
      for (const [k, d] of decisions.entries()) {
        expect(positions[k].toSfen()).toBe(before); // every descent unmade its moves
        expect(d.simulations).toBe(n);
        expect(d.moves.length).toBe(30);
        expect(d.policy.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        // m actions sampled; the halving's visits per action; the move played one of the most visited.
        const visited = Array.from(d.visits).filter((x) => x > 0);
        expect(visited.sort((a, b) => b - a)).toEqual([...want]);
        expect(d.visits[d.index]).toBe(Math.max(...d.visits));
      }
      // Lock-step: the roots in one batch, then one batch of every game's leaf per simulation round.
      expect(evaluator.calls).toEqual(new Array(n + 1).fill(games));
      expect(search.stats.simulations).toBe(games * n);
      expect(search.stats.decisions).toBe(games);
    });
  }
});

describe("values and their signs", () => {
  test("takes the free rook (the backup negates at every ply)", async () => {
    // Black's bishop on 5e can take White's undefended rook on 1a; nothing else wins material.
    const sfen = "8r/4k4/9/9/4B4/9/9/9/4K4 b - 1";
    const search = new GumbelSearch(new TestEvaluator(1, "material"), {
      ...DEFAULT_GUMBEL,
      numSimulations: 64,
      maxConsideredActions: 32,
    });
    const [d] = await search.search([Position.fromSfen(sfen)], new Random(3));
    expect(moveToUsi(d.move)).toStartWith("5e1a");
    // The target's mass is on the two captures (promoting or not), which win the same material.
    let captures = 0;
    d.moves.forEach((m, k) => {
      if (moveToUsi(m).startsWith("5e1a")) captures += d.policy[k];
    });
    expect(captures).toBeGreaterThan(0.99);
    // v̂ at the root: Black's bishop against White's rook, the logistic of the balance, in [−1, 1].
    const balance = PIECE_VALUES[5] - PIECE_VALUES[6];
    expect(d.rootValue).toBeCloseTo(2 / (1 + Math.exp(-balance / 2)) - 1, 6);
  });

  test("a mate the rules decide: played, and the target's mass on it", async () => {
    const sfen = "4k4/9/4P4/9/9/9/9/9/4K4 b G 1"; // G*5b mates
    const pos = Position.fromSfen(sfen);
    const search = new GumbelSearch(new TestEvaluator(1, "even"), {
      ...DEFAULT_GUMBEL,
      // Every legal move sampled (the mate among them) and visited in the first phase.
      numSimulations: 128,
      maxConsideredActions: 128,
    });
    const [d] = await search.search([pos], new Random(4));
    pos.makeMove(d.move);
    expect(gameStatus(pos).reason).toBe("checkmate");
    expect(d.policy[d.index]).toBeGreaterThan(0.99);
  });

  test("one legal move: played without a simulation", async () => {
    // White's king on 1a: the gold on 2c and the pawn on 1c cover 1b and 2b, so 1a2a is its only move.
    const pos = Position.fromSfen("8k/9/7GP/9/9/9/9/9/K8 w - 1");
    const evaluator = new TestEvaluator(1, "even");
    const search = new GumbelSearch(evaluator, DEFAULT_GUMBEL);
    const [d] = await search.search([pos], new Random(1));
    expect(d.moves.length).toBe(1);
    expect(moveToUsi(d.move)).toBe("1a2a");
    expect(d.simulations).toBe(0);
    expect(Array.from(d.policy)).toEqual([1]);
    expect(evaluator.calls).toEqual([1]); // the root only
  });
});
