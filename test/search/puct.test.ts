// The PUCT search with hand-made evaluators whose right answers are known: a wrong backup sign,
// selection rule, proof propagation or virtual loss fails these.
import { describe, expect, test } from "bun:test";
import { mateMove } from "../../src/search/mate.ts";
import { DEFAULT_SEARCH, type Evaluator, LOSS, Search, type SearchSettings, WIN } from "../../src/search/puct.ts";
import { OBS_SIZE } from "../../src/shogi/features.ts";
import { PIECE_VALUES } from "../../src/shogi/material.ts";
import { Position } from "../../src/shogi/position.ts";
import { gameStatus } from "../../src/shogi/rules.ts";
import { moveToUsi } from "../../src/shogi/sfen.ts";

/**
 * Uniform priors; the value is a logistic of the material balance the observation shows (own
 * pieces on the board and in hand minus the opponent's, in pawns) — a value oracle any shogi
 * player agrees with in the positions below.
 */
class MaterialOracle implements Evaluator {
  calls: number[] = [];
  constructor(
    readonly batchSize: number,
    readonly scale = 2,
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
      let balance = 0;
      for (let t = 0; t < 14; t++)
        for (let sq = 0; sq < 81; sq++) balance += PIECE_VALUES[t] * (o[t * 81 + sq] - o[(14 + t) * 81 + sq]);
      for (let h = 0; h < 7; h++) balance += PIECE_VALUES[h] * 18 * (o[(28 + h) * 81] - o[(35 + h) * 81]);
      values[r] = 1 / (1 + Math.exp(-balance / this.scale));
      const k = offsets[r + 1] - offsets[r];
      for (let j = offsets[r]; j < offsets[r + 1]; j++) priors[j] = 1 / k;
    }
  }
}

async function searchFor(sfen: string, playouts: number, evaluator: Evaluator, settings: Partial<SearchSettings> = {}) {
  const pos = Position.fromSfen(sfen);
  const search = new Search(evaluator, { ...DEFAULT_SEARCH, ...settings });
  search.setRoot(`sfen ${sfen}`, []);
  const root = await search.prepareRoot(pos);
  while (root.n < playouts && root.proof === 0)
    await search.round(pos, Math.min(evaluator.batchSize, playouts - root.n));
  expect(pos.toSfen()).toBe(Position.fromSfen(sfen).toSfen()); // every descent unmade its moves
  return { search, root, best: moveToUsi(root.moves[search.bestIndex()]) };
}

describe("PUCT search", () => {
  test("converges on the move a value oracle prefers: the free rook, not a pawn push", async () => {
    // Black's bishop on 5e can take White's undefended rook on 1a; nothing else wins material.
    const sfen = "8r/4k4/9/9/4B4/9/9/9/4K4 b - 1";
    const { root, best } = await searchFor(sfen, 1500, new MaterialOracle(16), { leafMatePly: 0 });
    expect(best).toBe("5e1a+");
    const i = root.moves.findIndex((m) => moveToUsi(m) === "5e1a+");
    expect(root.visits[i] / root.n).toBeGreaterThan(0.3);
    expect(root.q(i)).toBeGreaterThan(0.9);
  });

  test("the side to move's view alternates: White, to move, also takes the free rook", async () => {
    const sfen = "4k4/9/9/9/4b4/9/9/9/R3K4 w - 1";
    const { best } = await searchFor(sfen, 1500, new MaterialOracle(16), { leafMatePly: 0 });
    expect(best).toBe("5e9i+");
  });

  test("a forced win within 3 plies is proven by the tree alone (no mate search) and its line ends the game", async () => {
    // Black wins at once with 3c3b+ (White's lone king is left without a legal move, which loses in
    // shogi), or mates in 3 with 3c1c+ K2a S*2b.
    const sfen = "8k/6s2/6R2/9/9/9/9/9/K8 b S 1";
    const { root, best, search } = await searchFor(sfen, 6000, new MaterialOracle(32), { leafMatePly: 0 });
    expect(root.proof).toBe(WIN);
    expect(["3c3b+", "3c1c+"]).toContain(best);
    const pos = Position.fromSfen(sfen);
    const pv = search.pv();
    expect(pv.length).toBeLessThanOrEqual(3);
    for (const m of pv) pos.makeMove(m);
    expect(gameStatus(pos)).toMatchObject({ over: true, winner: 0 });
  });

  test("a forced win in 3 plies is proven by the tree's first two plies with a 1-ply leaf mate check, within 3 000 playouts", async () => {
    // Black mates in 3 with checks (R*1c K2b G*1b); the tree may also find a quiet first move after
    // which every White reply allows a mate in 1. Whatever it plays is checked by brute force.
    const sfen = "6lpk/9/5+BL2/9/9/9/9/9/K8 b RG 1";
    const { root, search } = await searchFor(sfen, 3000, new MaterialOracle(32), { leafMatePly: 1 });
    expect(root.proof).toBe(WIN);
    expect(root.n).toBeLessThan(3000);
    const pos = Position.fromSfen(sfen);
    pos.makeMove(root.moves[search.bestIndex()]);
    const replies = new Uint32Array(600);
    const n = pos.generateLegal(replies, 0);
    expect(n).toBeGreaterThan(0);
    for (let k = 0; k < n; k++) {
      pos.makeMove(replies[k]);
      expect(mateMove(pos, 1)).not.toBe(0);
      pos.unmakeMove();
    }
  });

  test("with a 3-ply leaf mate search the same mate is proven at once", async () => {
    const { root, best } = await searchFor("8k/6s2/6R2/9/9/9/9/9/K8 b S 1", 200, new MaterialOracle(32), {
      leafMatePly: 3,
    });
    // The root itself is a leaf the mate search proves, and the search knows the mating move.
    expect(root.proof).toBe(WIN);
    expect(root.n).toBe(0);
    expect(best).toBe("3c1c+");
  });

  test("a lost root: every move allows a mate in 1, the tree proves the loss", async () => {
    const { root } = await searchFor("8k/9/7PP/9/9/9/9/9/K8 w 2R2B4G4S4N4L16P 1", 100, new MaterialOracle(8), {
      leafMatePly: 1,
    });
    expect(root.proof).toBe(LOSS);
  });

  test("virtual loss spreads a round over many leaves: one batched evaluation holds nearly a batch", async () => {
    const oracle = new MaterialOracle(32);
    await searchFor("lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1", 640, oracle, { leafMatePly: 0 });
    const rounds = oracle.calls.slice(1); // the root's own evaluation is a batch of 1
    const mean = rounds.reduce((a, b) => a + b, 0) / rounds.length;
    expect(Math.max(...rounds)).toBeLessThanOrEqual(32);
    expect(mean).toBeGreaterThan(24);
  });

  test("tree reuse: the subtree under the moves played is kept, statistics and all", async () => {
    const oracle = new MaterialOracle(16);
    const start = "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1";
    const { search, root } = await searchFor(start, 800, oracle, { leafMatePly: 0 });
    const b = search.bestIndex();
    const child = root.children[b];
    const reply = child ? search.bestIndex(child) : -1;
    expect(reply).toBeGreaterThanOrEqual(0);
    const grandchild = child?.children[reply] ?? null;
    const line = [moveToUsi(root.moves[b]), moveToUsi(child?.moves[reply] ?? 0)];
    expect(search.setRoot(`sfen ${start}`, line)).toBe(true);
    expect(search.root).toBe(grandchild);
    expect(search.setRoot(`sfen ${start}`, ["7g7f"])).toBe(false); // not along the kept line: a fresh tree
    expect(search.root).toBeNull();
  });
});
