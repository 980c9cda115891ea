// Gumbel AlphaZero self-play (src/rl/gumbel-selfplay.ts) with a hand-made evaluator: every
// finished game replays legally to its result; its recorded decisions reach the replay in order
// with z per colour; random openings and mate-search endings are not recorded; a restored
// snapshot continues exactly as the run it was taken from.
import { describe, expect, test } from "bun:test";
import { DEFAULT_GUMBEL, GumbelSearch } from "../../src/rl/gumbel.ts";
import { GumbelSelfPlay, type GumbelSelfPlayOptions, outcomeFor, searchFigures } from "../../src/rl/gumbel-selfplay.ts";
import { Replay } from "../../src/rl/replay.ts";
import type { FinishedGame } from "../../src/rl/selfplay.ts";
import { mateMove } from "../../src/search/mate.ts";
import type { Evaluator } from "../../src/search/puct.ts";
import { moveToAction } from "../../src/shogi/actions.ts";
import { OBS_SIZE } from "../../src/shogi/features.ts";
import { Position } from "../../src/shogi/position.ts";
import { gameStatus } from "../../src/shogi/rules.ts";
import { Random } from "../../src/util/random.ts";

/** Uniform priors; a value from a hash of the observation (so Q values differ). */
class HashEvaluator implements Evaluator {
  constructor(readonly batchSize: number) {}
  async evaluate(
    n: number,
    obs: Float32Array,
    offsets: Int32Array,
    _actions: Int32Array,
    priors: Float32Array,
    values: Float32Array,
  ) {
    for (let r = 0; r < n; r++) {
      let h = 0;
      for (let j = r * OBS_SIZE; j < (r + 1) * OBS_SIZE; j++) if (obs[j] !== 0) h = (h * 31 + j) % 1000003;
      values[r] = (h % 101) / 100;
      for (let j = offsets[r]; j < offsets[r + 1]; j++) priors[j] = 1 / (offsets[r + 1] - offsets[r]);
    }
  }
}

const RULES = { maxMovesPerGame: 160, impasse: "csa27" as const };
const GAMES = 4;

function setup(seed: number, options: GumbelSelfPlayOptions) {
  const search = new GumbelSearch(new HashEvaluator(GAMES), {
    ...DEFAULT_GUMBEL,
    numSimulations: 4,
    maxConsideredActions: 4,
    rules: RULES,
    encodePlies: RULES.maxMovesPerGame,
  });
  const replay = new Replay({
    minWindow: 100_000,
    windowExponent: 0.65,
    windowSlope: 0.4,
    maxWindow: 100_000,
    replayRatio: 1,
    minPositions: 1,
    encodePlies: RULES.maxMovesPerGame,
  });
  const rng = new Random(seed);
  const sp = new GumbelSelfPlay(GAMES, RULES, rng, options);
  return { search, replay, sp, rng };
}

async function play(steps: number, options: GumbelSelfPlayOptions) {
  const { search, replay, sp } = setup(7, options);
  const finished: FinishedGame[] = [];
  for (let s = 0; s < steps; s++) finished.push(...(await sp.step(search, replay)));
  return { finished, replay, sp };
}

/**
 * Walks the finished games in the order they ended and checks the replay holds, in the same order,
 * each game's decisions after its opening with z for the mover; returns the openings' lengths.
 */
function checkRecords(finished: FinishedGame[], replay: Replay): number[] {
  let k = 0;
  const openings: number[] = [];
  const legal = new Uint32Array(600);
  for (const g of finished) {
    const pos = Position.fromSfen(g.startSfen);
    // A game records at least one decision (the game ends after one): the first is where its opening ended.
    const opening = replay.at(k).ply - pos.ply;
    openings.push(opening);
    g.moves.forEach((m, ply) => {
      expect(pos.isLegal(m)).toBe(true);
      if (ply >= opening) {
        const r = replay.at(k++);
        expect(r.ply).toBe(pos.ply);
        expect(r.board).toEqual(pos.board);
        expect(r.sideToMove).toBe(pos.sideToMove);
        const count = pos.generateLegal(legal);
        expect(Array.from(r.actions)).toEqual(Array.from(legal.subarray(0, count), moveToAction));
        expect(r.policy.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(r.outcome).toBe(outcomeFor(pos.sideToMove, g.winner));
      }
      pos.makeMove(m);
    });
    if (g.reason === "mate_found") {
      expect(gameStatus(pos, RULES).over).toBe(false);
      expect(mateMove(pos, 1)).not.toBe(0);
      expect(g.winner).toBe(pos.sideToMove);
    } else {
      const status = gameStatus(pos, RULES);
      expect(status.over).toBe(true);
      expect(status.winner).toBe(g.winner);
      expect(status.reason).toBe(g.reason);
    }
  }
  expect(k).toBe(replay.produced);
  return openings;
}

describe("Gumbel AlphaZero self-play", () => {
  test("lock-step games replay to their results; their decisions reach the replay with z per colour", async () => {
    const { finished, replay, sp } = await play(400, {});
    expect(finished.length).toBeGreaterThanOrEqual(8);
    expect(finished.some((g) => g.winner !== null)).toBe(true); // some decisive games (z = ±1 both seen)
    const openings = checkRecords(finished, replay);
    expect(openings.every((o) => o === 0)).toBe(true);
    for (const g of finished) expect(g.match.opponent).toBe(-1);
    // 400 moves in each of 4 games were searched, 4 simulations each (forced moves none).
    const stats = sp.takeStats();
    expect(stats.decisions).toBe(400 * GAMES);
    expect(stats.simulations).toBeLessThanOrEqual(400 * GAMES * 4);
    expect(stats.simulations).toBeGreaterThan(400 * GAMES * 3);
    const figures = searchFigures(stats);
    expect(figures["search/simulations_per_second"]).toBeGreaterThan(0);
    expect(figures["search/root_visit_entropy"]).toBeGreaterThan(0);
    expect(figures["search/root_visit_entropy"]).toBeLessThanOrEqual(Math.log(4) + 1e-9);
    expect(sp.takeStats().decisions).toBe(0); // taken
  });

  test("random openings are played but not recorded", async () => {
    const { finished, replay } = await play(400, { startRandomPlies: 6 });
    const openings = checkRecords(finished, replay);
    expect(openings.every((o) => o >= 0 && o <= 6)).toBe(true);
    expect(new Set(openings).size).toBeGreaterThan(1);
  });

  test("a found mate ends the game as a win; the position where it was found is not recorded", async () => {
    const { finished, replay } = await play(400, { mateSearchPly: 1 });
    expect(finished.some((g) => g.reason === "mate_found")).toBe(true);
    checkRecords(finished, replay);
  });

  test("a snapshot restored elsewhere continues exactly (games, recorded decisions, replay)", async () => {
    const options = { startRandomPlies: 3, mateSearchPly: 1 };
    const a = setup(11, options);
    for (let s = 0; s < 50; s++) await a.sp.step(a.search, a.replay);
    const saved = JSON.parse(JSON.stringify(a.sp.snapshot()));
    const savedRng = a.rng.state;
    const producedAtSnapshot = a.replay.produced;

    const b = setup(999, options); // other seed: everything it holds comes from the snapshot
    b.rng.state = savedRng;
    b.sp.restore(saved);
    const fa: FinishedGame[] = [];
    const fb: FinishedGame[] = [];
    for (let s = 0; s < 250; s++) {
      fa.push(...(await a.sp.step(a.search, a.replay)));
      fb.push(...(await b.sp.step(b.search, b.replay)));
    }
    expect(fb.length).toBeGreaterThan(0);
    expect(fb.map((g) => Array.from(g.moves))).toEqual(fa.map((g) => Array.from(g.moves)));
    expect(fb.map((g) => [g.winner, g.reason, g.counters])).toEqual(fa.map((g) => [g.winner, g.reason, g.counters]));
    expect(b.replay.produced).toBe(a.replay.produced - producedAtSnapshot);
    for (let k = 0; k < b.replay.produced; k++) expect(b.replay.at(k)).toEqual(a.replay.at(producedAtSnapshot + k));
  });

  test("a slot not yet begun is saved as such and begins after a restore", async () => {
    const a = setup(5, { startRandomPlies: 4 });
    const saved = a.sp.snapshot();
    expect(saved.every((g) => g.started === false && g.moves.length === 0)).toBe(true);
    const b = setup(5, { startRandomPlies: 4 });
    b.sp.restore(saved);
    await a.sp.step(a.search, a.replay);
    await b.sp.step(b.search, b.replay);
    for (let i = 0; i < GAMES; i++) expect(Array.from(b.sp.movesOf(i))).toEqual(Array.from(a.sp.movesOf(i)));
  });
});
