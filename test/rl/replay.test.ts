// The replay window (src/rl/replay.ts): KataGo's window size by hand, uniform sampling from the
// window only, the replay ratio's bound on samples, eviction past maxWindow, and an exact resume
// from its saved state.
import { describe, expect, test } from "bun:test";
import { allocReplayBatch, Replay, type ReplayPosition, type ReplaySettings, windowSize } from "../../src/rl/replay.ts";
import { encodeCore46, OBS_SIZE } from "../../src/shogi/features.ts";
import { Position } from "../../src/shogi/position.ts";
import { Random } from "../../src/util/random.ts";

const SETTINGS: ReplaySettings = {
  minWindow: 100,
  windowExponent: 0.65,
  windowSlope: 0.4,
  maxWindow: 1000,
  replayRatio: 2,
  minPositions: 50,
  encodePlies: 500,
};

/** Position number `k`: the start position with ply k + 1, its number in the outcome, two legal actions. */
function numbered(k: number): ReplayPosition {
  const pos = Position.startpos();
  return {
    board: pos.board.slice(),
    hands: pos.hands.slice(),
    sideToMove: 0,
    ply: k + 1,
    actions: Uint16Array.of(k % 13527, (k + 1) % 13527),
    policy: Float32Array.of(0.25, 0.75),
    outcome: k,
  };
}

describe("replay window", () => {
  test("its size: every position up to c, then KataGo's power law, bounded by maxWindow", () => {
    expect(windowSize(0, SETTINGS)).toBe(0);
    expect(windowSize(37, SETTINGS)).toBe(37);
    expect(windowSize(100, SETTINGS)).toBe(100);
    // W(N) = c + β (N^α − c^α) / (α c^(α−1)), c = 100, α = 0.65, β = 0.4
    const w = (n: number) => 100 + (0.4 * (n ** 0.65 - 100 ** 0.65)) / (0.65 * 100 ** -0.35);
    // N = 200: 200^0.65 = 31.31, 100^0.65 = 19.95, α c^(α−1) = 0.65 · 0.1995 = 0.1297:
    // 100 + 0.4 · 11.36 / 0.1297 = 135.0
    expect(windowSize(200, SETTINGS)).toBe(Math.floor(w(200)));
    expect(windowSize(200, SETTINGS)).toBe(135);
    expect(windowSize(3000, SETTINGS)).toBe(Math.floor(w(3000)));
    expect(windowSize(10_000, SETTINGS)).toBe(1000); // w(10 000) = 1266 > maxWindow
    expect(windowSize(1e7, SETTINGS)).toBe(1000); // maxWindow
    // Growth per position is β at N = c and less after: the window never outruns the positions.
    for (let n = 100; n < 5000; n += 97)
      expect(windowSize(n + 1, SETTINGS) - windowSize(n, SETTINGS)).toBeLessThanOrEqual(1);
  });

  test("holds the newest positions; samples them uniformly and nothing older", () => {
    const replay = new Replay(SETTINGS);
    for (let k = 0; k < 2000; k++) replay.add(numbered(k));
    const size = windowSize(2000, SETTINGS);
    expect(replay.size).toBe(size);
    expect(replay.at(0).outcome).toBe(2000 - size);
    expect(replay.at(size - 1).outcome).toBe(1999);
    const counts = new Map<number, number>();
    const batch = allocReplayBatch(100);
    const rng = new Random(3);
    const draws = 400;
    for (let d = 0; d < draws; d++) {
      replay.sample(batch, rng);
      for (let r = 0; r < batch.n; r++) counts.set(batch.outcomes[r], (counts.get(batch.outcomes[r]) ?? 0) + 1);
    }
    expect(replay.sampled).toBe(draws * 100);
    for (const k of counts.keys()) expect(k).toBeGreaterThanOrEqual(2000 - size);
    // Uniform: each of the `size` positions expects 40 000 / size draws; none far from it.
    const expected = (draws * 100) / size;
    expect(counts.size).toBe(size);
    for (const c of counts.values()) expect(Math.abs(c - expected)).toBeLessThan(6 * Math.sqrt(expected));
  });

  test("a sampled row is the position re-encoded, with its legal actions, targets and outcome", () => {
    const replay = new Replay({ ...SETTINGS, minWindow: 1 });
    replay.add(numbered(41));
    const batch = allocReplayBatch(3);
    replay.sample(batch, new Random(1));
    const want = new Float32Array(OBS_SIZE);
    encodeCore46({ ...numbered(41) }, 500, want);
    for (let r = 0; r < 3; r++) {
      expect(batch.obs.subarray(r * OBS_SIZE, (r + 1) * OBS_SIZE)).toEqual(want);
      expect(batch.legalOffsets[r + 1] - batch.legalOffsets[r]).toBe(2);
      expect(Array.from(batch.legalActions.subarray(2 * r, 2 * r + 2))).toEqual([41, 42]);
      expect(Array.from(batch.policy.subarray(2 * r, 2 * r + 2))).toEqual([0.25, 0.75]);
      expect(batch.outcomes[r]).toBe(41);
    }
  });

  test("the replay ratio bounds the samples: about `ratio` per position, none before minPositions", () => {
    const replay = new Replay(SETTINGS); // ratio 2, minPositions 50
    const batch = allocReplayBatch(16);
    const rng = new Random(2);
    let trained = 0;
    for (let k = 0; k < 3000; k++) {
      replay.add(numbered(k));
      const due = replay.minibatchesDue(16);
      if (replay.produced < 50) expect(due).toBe(0);
      for (let b = 0; b < due; b++) replay.sample(batch, rng);
      trained += due;
      expect(replay.sampled).toBeLessThanOrEqual(2 * replay.produced);
    }
    // Every minibatch the ratio allowed was drawn: samples = ratio · N, short of less than a minibatch.
    expect(replay.sampled).toBe(trained * 16);
    expect(2 * 3000 - replay.sampled).toBeLessThan(16);
  });

  test("evicts positions past maxWindow", () => {
    const small = { ...SETTINGS, minWindow: 10, maxWindow: 10 };
    const replay = new Replay(small);
    for (let k = 0; k < 25; k++) replay.add(numbered(k));
    expect(replay.size).toBe(10);
    expect(Array.from({ length: 10 }, (_, k) => replay.at(k).outcome)).toEqual([
      15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
    ]);
  });

  test("its saved state resumes it exactly", () => {
    const a = new Replay(SETTINGS);
    for (let k = 0; k < 700; k++) a.add(numbered(k));
    const rngA = new Random(8);
    const batch = allocReplayBatch(20);
    for (let d = 0; d < 5; d++) a.sample(batch, rngA);
    const saved = a.state();
    expect(saved.count).toBe(a.size);
    const b = new Replay(SETTINGS);
    b.restore(structuredClone(saved));
    const rngB = new Random(0);
    rngB.state = rngA.state;
    expect([b.produced, b.sampled, b.size]).toEqual([a.produced, a.sampled, a.size]);
    // The same draws and the same contents, also after more positions arrive.
    for (let k = 700; k < 1500; k++) {
      a.add(numbered(k));
      b.add(numbered(k));
      if (k % 100 === 0) {
        const ba = allocReplayBatch(20);
        const bb = allocReplayBatch(20);
        a.sample(ba, rngA);
        b.sample(bb, rngB);
        expect(bb.outcomes).toEqual(ba.outcomes);
        expect(bb.obs).toEqual(ba.obs);
        expect(bb.legalActions).toEqual(ba.legalActions);
      }
    }
    expect(b.minibatchesDue(20)).toBe(a.minibatchesDue(20));
    expect(b.at(0)).toEqual(a.at(0));
    // A state that does not fit these settings is refused.
    expect(() => new Replay({ ...SETTINGS, maxWindow: 50 }).restore(saved)).toThrow(/window/);
  });
});
