// The Gumbel AlphaZero learner (src/rl/az-learner.ts): it trains only what the replay ratio allows,
// reports its metrics under their names, lowers the loss on what it trains on, and resumes exactly
// from a saved state (network, Adam, scheduler step, replay, random state).
import { describe, expect, test } from "bun:test";
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import { modelFactory } from "../../src/models/factory.ts";
import type { Network } from "../../src/models/network.ts";
import { Adam } from "../../src/models/optimizer.ts";
import { AZ_METRIC_NAMES, AzLearner, type AzSettings } from "../../src/rl/az-learner.ts";
import { emptySearchStats } from "../../src/rl/gumbel.ts";
import { outcomeFor } from "../../src/rl/gumbel-selfplay.ts";
import { Replay, type ReplaySettings } from "../../src/rl/replay.ts";
import { moveToAction } from "../../src/shogi/actions.ts";
import { Position } from "../../src/shogi/position.ts";
import { Random } from "../../src/util/random.ts";

const REPLAY: ReplaySettings = {
  minWindow: 500,
  windowExponent: 0.65,
  windowSlope: 0.4,
  maxWindow: 500,
  replayRatio: 2,
  minPositions: 32,
  encodePlies: 200,
};
const SETTINGS: AzSettings = {
  minibatchSize: 16,
  valueLossCoeff: 1,
  maxUpdatesPerCall: null,
  schedule: { type: "linear", kwargs: null, stepOn: "update" },
  scheduleTotalSteps: 1000,
};

/** Positions of a random game from the start, each with a peaked random target and the game's (random) outcome. */
function feed(replay: Replay, count: number, rng: Random): void {
  const pos = Position.startpos();
  const moves = new Uint32Array(600);
  const winner = rng.int(3);
  for (let k = 0; k < count; k++) {
    const n = pos.generateLegal(moves);
    const policy = new Float32Array(n);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += policy[j] = Math.exp(3 * rng.next());
    for (let j = 0; j < n; j++) policy[j] /= sum;
    replay.add({
      board: pos.board.slice(),
      hands: pos.hands.slice(),
      sideToMove: pos.sideToMove,
      ply: pos.ply,
      actions: Uint16Array.from(moves.subarray(0, n), moveToAction),
      policy,
      outcome: outcomeFor(pos.sideToMove, winner === 2 ? null : (winner as 0 | 1)),
    });
    pos.makeMove(moves[rng.int(n)]);
  }
}

function make(seed: number, replaySettings: Partial<ReplaySettings> = {}, settings: Partial<AzSettings> = {}) {
  const be = new CpuBackend();
  const net: Network = modelFactory(be, "resnet", { depth: 1, width: 16, seRatio: 0.25 }, { seed });
  const adam = new Adam(net, { lr: 1e-3, maxGradNorm: 1 });
  const replay = new Replay({ ...REPLAY, ...replaySettings });
  const rng = new Random(seed);
  const learner = new AzLearner(net, adam, replay, { ...SETTINGS, ...settings }, rng);
  return { be, net, adam, replay, rng, learner };
}

describe("Gumbel AlphaZero learner", () => {
  test("trains what the replay ratio allows, no more; metrics under their names", async () => {
    const { net, replay, learner, rng } = make(1);
    feed(replay, 20, rng);
    const idle = await learner.update(emptySearchStats());
    expect(Object.keys(idle).sort()).toEqual([...AZ_METRIC_NAMES].sort());
    expect(idle["losses/minibatch_updates"]).toBe(0); // 20 < minPositions
    expect(idle["losses/policy_loss"]).toBeNaN();
    feed(replay, 60, rng); // 80 positions · ratio 2 = 160 samples = 10 minibatches of 16
    const m = await learner.update({ simulations: 64, evaluations: 70, seconds: 2, decisions: 8, visitEntropySum: 12 });
    expect(m["losses/minibatch_updates"]).toBe(10);
    expect(learner.schedulerStep).toBe(10);
    expect(m["search/simulations_per_second"]).toBe(32);
    expect(m["search/root_visit_entropy"]).toBe(1.5);
    expect(m["replay/window"]).toBe(80);
    expect(m["replay/positions"]).toBe(80);
    expect(m["replay/samples_per_position"]).toBe(2);
    for (const k of [
      "losses/policy_loss",
      "losses/value_loss",
      "losses/entropy",
      "losses/kl_target",
      "losses/grad_norm",
    ])
      expect(Number.isFinite(m[k as keyof typeof m])).toBe(true);
    // KL(target ‖ π) = H(target, π) − H(target) ≤ the cross-entropy.
    expect(m["losses/kl_target"]).toBeLessThan(m["losses/policy_loss"]);
    expect((await learner.update(emptySearchStats()))["losses/minibatch_updates"]).toBe(0); // nothing new
    learner.destroy();
    net.destroy();
  });

  test("the loss falls on a fixed replay", async () => {
    // A ratio that allows 3 minibatches per update call, on the same 48 positions.
    const { net, replay, learner, rng } = make(2, { replayRatio: 1e6 }, { maxUpdatesPerCall: 3 });
    feed(replay, 48, rng);
    const first = await learner.update(emptySearchStats());
    let last = first;
    for (let k = 0; k < 4; k++) last = await learner.update(emptySearchStats());
    expect(first["losses/minibatch_updates"]).toBe(3);
    expect(last["losses/kl_target"]).toBeLessThan(0.8 * first["losses/kl_target"]);
    expect(last["losses/value_loss"]).toBeLessThan(first["losses/value_loss"]);
    learner.destroy();
    net.destroy();
  });

  test("resumes exactly from its saved state", async () => {
    const a = make(3);
    feed(a.replay, 70, a.rng);
    await a.learner.update(emptySearchStats());
    // The checkpoint: weights and BN statistics, Adam, the learner's state, the random state.
    const saved = {
      params: await a.net.readParameters(),
      stats: await a.net.readStats(),
      adam: await a.adam.readState(),
      learner: structuredClone(a.learner.state()),
      rng: a.rng.state,
    };
    const b = make(4);
    b.net.writeParameters(saved.params);
    b.net.writeStats(saved.stats);
    b.adam.writeState(saved.adam);
    b.learner.restore(saved.learner);
    b.rng.state = saved.rng;
    expect(b.learner.schedulerStep).toBe(a.learner.schedulerStep);
    // The same new positions, then one more update each: the same metrics and weights, bit for bit.
    const feedRng = [new Random(9), new Random(9)];
    feed(a.replay, 40, feedRng[0]);
    feed(b.replay, 40, feedRng[1]);
    const ma = await a.learner.update(emptySearchStats());
    const mb = await b.learner.update(emptySearchStats());
    expect(ma["losses/minibatch_updates"]).toBeGreaterThan(0);
    expect(mb).toEqual(ma);
    expect(await b.net.readParameters()).toEqual(await a.net.readParameters());
    for (const x of [a, b]) {
      x.learner.destroy();
      x.net.destroy();
    }
  });
});
