// An actor's segment, sent and rebuilt by the learner, must give the rollout the single process
// would have built from the same play: the same observations, legal moves, actions, behaviour
// log-probabilities and values, rewards (shaping included), ends, bootstraps, hence advantages.
import { describe, expect, test } from "bun:test";
import type { ActBatch } from "../../../src/rl/acting.ts";
import { RolloutBuffer } from "../../../src/rl/buffer.ts";
import { computeGae } from "../../../src/rl/gae.ts";
import { SelfPlay, type TransitionSink } from "../../../src/rl/selfplay.ts";
import { UniformPolicy } from "../../../src/rl/uniform-policy.ts";
import { OBS_SIZE } from "../../../src/shogi/features.ts";
import {
  CUT,
  decodeSegment,
  encodeSegment,
  fillRollout,
  SegmentError,
  SegmentRecorder,
  segmentSteps,
} from "../../../src/training/actors/segment.ts";
import { Random } from "../../../src/util/random.ts";

/** Uniform moves with made-up values (so bootstraps and GAE are not all zero). */
class Noisy extends UniformPolicy {
  private readonly r = new Random(5);
  override act(b: ActBatch): void {
    super.act(b);
    for (let i = 0; i < b.n; i++) b.values[i] = this.r.next() * 2 - 1;
  }
}

const tee = (a: TransitionSink, b: TransitionSink): TransitionSink => ({
  add(...args: Parameters<TransitionSink["add"]>) {
    a.add(...args);
    return b.add(...args);
  },
  endGame(g, w) {
    a.endGame(g, w);
    b.endGame(g, w);
  },
  cut(v, p) {
    a.cut(v, p);
    b.cut(v, p);
  },
});

const START = ["lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1", "3lkl3/9/4G4/9/9/9/9/9/4K4 b G 1"];

describe("segments", () => {
  test("a rebuilt rollout equals the one self-play recorded, transition for transition", async () => {
    const games = 6;
    const rules = { maxMovesPerGame: 30, impasse: "csa27" as const };
    const selfplay = new SelfPlay(games, rules, {
      startSfens: START,
      materialShaping: 0.01,
      startRandomPlies: 3,
      random: new Random(9),
      mateSearchPly: 1,
    });
    const policy = new Noisy(3);
    let ended = 0;
    for (let segmentNo = 0; segmentNo < 3; segmentNo++) {
      const plies = 17;
      const direct = new RolloutBuffer(games * plies, OBS_SIZE, games);
      const recorder = new SegmentRecorder(selfplay);
      const sink = tee(direct, recorder);
      const finished = [];
      for (let k = 0; k < plies; k++) finished.push(...(await selfplay.step(policy, sink)));
      await selfplay.bootstrap(policy, sink);
      ended += finished.length;
      const segment = decodeSegment(encodeSegment(recorder.take(segmentNo + 7, finished)));
      expect(segment.version).toBe(segmentNo + 7);
      expect(segment.games.length).toBe(finished.length);
      expect(segmentSteps(segment)).toBe(games * plies);
      expect(segment.pieces.filter((p) => p.end === CUT).length).toBe(games);
      const { buffer } = fillRollout([segment], { maxMovesPerGame: 30, materialShaping: 0.01 });
      for (const b of [direct, buffer]) {
        b.addShapingRewards(0.99);
        computeGae(b, b.size, 0.99, 0.95, b.advantages, b.returns);
      }
      // Same transitions in another order (piece by piece): matched by (action, log π, value).
      const key = (b: RolloutBuffer, t: number) => `${b.actions[t]} ${b.logProbs[t]} ${b.values[t]}`;
      const at = new Map<string, number>();
      for (let t = 0; t < direct.size; t++) at.set(key(direct, t), t);
      expect(buffer.size).toBe(direct.size);
      for (let t = 0; t < buffer.size; t++) {
        const d = at.get(key(buffer, t));
        expect(d).toBeDefined();
        const u = d as number;
        expect(buffer.obs.subarray(t * OBS_SIZE, (t + 1) * OBS_SIZE)).toEqual(
          direct.obs.subarray(u * OBS_SIZE, (u + 1) * OBS_SIZE),
        );
        expect(buffer.legalActions.subarray(buffer.legalOffsets[t], buffer.legalOffsets[t + 1])).toEqual(
          direct.legalActions.subarray(direct.legalOffsets[u], direct.legalOffsets[u + 1]),
        );
        expect([buffer.rewards[t], buffer.dones[t], buffer.advantages[t], buffer.returns[t]]).toEqual([
          direct.rewards[u],
          direct.dones[u],
          direct.advantages[u],
          direct.returns[u],
        ]);
      }
    }
    expect(ended).toBeGreaterThan(3); // games ended inside segments (30-ply limit, mates)
  });

  test("about 10 bytes a decision, and a damaged segment is refused, not half read", async () => {
    const selfplay = new SelfPlay(4, { maxMovesPerGame: 200, impasse: "csa27" });
    const recorder = new SegmentRecorder(selfplay);
    const policy = new Noisy(4);
    for (let k = 0; k < 25; k++) await selfplay.step(policy, recorder);
    await selfplay.bootstrap(policy, recorder);
    const bytes = encodeSegment(recorder.take(1, []));
    expect(bytes.length / 100).toBeLessThan(10 + (4 * 80) / 100);
    expect(() => decodeSegment(bytes.subarray(0, bytes.length - 3))).toThrow(SegmentError);
    const bad = bytes.slice();
    bad[0] ^= 1;
    expect(() => decodeSegment(bad)).toThrow(/bad magic/);
    // An action that is not legal where it was played (a corrupt or foreign upload).
    const s = decodeSegment(bytes);
    s.pieces[0].actions[3] = 1;
    expect(() => fillRollout([s], { maxMovesPerGame: 200, materialShaping: 0 })).toThrow(/is not legal/);
  });
});
