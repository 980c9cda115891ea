// Decoupled PPO (rl/ppo.ts), the update for rollouts played by older weights: a rollout acted by
// one network, trained by a network that has moved on. Before its first step every ratio is
// π/π_prox = 1 (the clip starts around the current policy, not the stale one), and each advantage
// is the plain update's advantage times min(1, π_prox/μ), checked against log-probabilities the
// network computes itself (evaluateActions); with no lag it is the plain update.
import { describe, expect, test } from "bun:test";
import { createBackend } from "../../src/compute/device.ts";
import { modelFactory } from "../../src/models/factory.ts";
import { packLegalActions } from "../../src/models/network.ts";
import { Adam } from "../../src/models/optimizer.ts";
import { RolloutBuffer } from "../../src/rl/buffer.ts";
import { NetworkPolicy } from "../../src/rl/network-policy.ts";
import { PpoLearner, type PpoSettings } from "../../src/rl/ppo.ts";
import { SelfPlay } from "../../src/rl/selfplay.ts";
import { OBS_SIZE } from "../../src/shogi/features.ts";
import { Random } from "../../src/util/random.ts";
import { finishRollout } from "./helpers.ts";

const GAMES = 12;
const N = GAMES * 5;

const settings = (decoupled: boolean): PpoSettings => ({
  epochs: 1,
  minibatchSize: N,
  clipEpsilon: 0.2,
  valueLossCoeff: 0.5,
  entropyCoef: 0.01,
  normalizeAdvantages: true,
  enableValueClipping: false,
  targetKl: null,
  schedule: { type: null, kwargs: null, stepOn: "epoch" },
  scheduleTotalSteps: 1,
  decoupled,
});

describe("decoupled PPO", () => {
  test("clips around the policy at the update's start and weights advantages by min(1, π_prox/μ)", async () => {
    const be = await createBackend("cpu");
    const actor = modelFactory(be, "resnet", { depth: 1, width: 16, seRatio: 0.25 }, { seed: 3 });
    const learner = modelFactory(be, "resnet", { depth: 1, width: 16, seRatio: 0.25 }, { seed: 4 }); // "moved on"
    await actor.prepare();
    await learner.prepare();
    const selfplay = new SelfPlay(GAMES, { maxMovesPerGame: 200, impasse: "csa27" });
    const buf = new RolloutBuffer(N, OBS_SIZE, GAMES);
    const policy = new NetworkPolicy(actor, GAMES, new Random(1));
    for (let k = 0; k < 5; k++) await selfplay.step(policy, buf);
    finishRollout(buf, () => 0, 0.99, 0.95);
    const mu = buf.logProbs.slice();
    // The learner's own log π_prox of each transition, and the advantages the plain update would use.
    const plan = learner.plan(N, { training: true });
    const mask = packLegalActions(buf.legalOffsets, buf.legalActions, N, learner.numActions);
    const prox = (
      await learner.evaluateActions(plan, buf.obs.subarray(0, N * OBS_SIZE), Uint32Array.from(buf.actions), mask)
    ).logProbs.slice();
    learner.freePlan(plan);
    buf.normaliseAdvantages();
    const normalised = buf.advantages.slice();
    buf.normaliseAdvantages(); // idempotent: update() normalises again

    const ppo = new PpoLearner(
      learner,
      new Adam(learner, { lr: 1e-3, maxGradNorm: 0.5 }),
      settings(true),
      new Random(2),
    );
    const m = await ppo.update(buf);
    expect(m["losses/clipfrac"]).toBe(0); // one minibatch, one epoch: its metrics are before the step
    for (const v of ppo.firstLogRatio) expect(Math.abs(v)).toBeLessThan(1e-4);
    let kl = 0,
      w = 0;
    for (let t = 0; t < N; t++) {
      const x = Math.exp(prox[t] - mu[t]);
      expect(buf.logProbs[t]).toBeCloseTo(prox[t], 4);
      expect(buf.advantages[t]).toBeCloseTo(normalised[t] * Math.min(1, x), 4);
      kl += x - 1 - Math.log(x);
      w += Math.min(1, x);
    }
    const gap = ppo.behaviourGap!;
    expect(gap.kl).toBeCloseTo(kl / N, 3);
    expect(gap.weightMean).toBeCloseTo(w / N, 4);
    expect(gap.kl).toBeGreaterThan(0.002); // the two networks do differ (fresh ones: near-uniform policies)
    console.log(
      `behaviour gap: KL ${gap.kl.toFixed(4)}, mean weight ${gap.weightMean.toFixed(4)}, truncated ${gap.truncated.toFixed(2)}`,
    );
    expect(gap.weightMean).toBeLessThan(0.98);
    expect(gap.truncated).toBeGreaterThan(0.1);
    ppo.destroy();
    policy.destroy();
    actor.destroy();
    learner.destroy();
    be.destroy();
  });

  test("with no lag (the rollout played by the learner itself) it is the plain update", async () => {
    const be = await createBackend("cpu");
    const arch = { depth: 1, width: 16, seRatio: 0.25 };
    const nets = [modelFactory(be, "resnet", arch, { seed: 3 }), modelFactory(be, "resnet", arch, { seed: 3 })];
    const after: Float32Array[] = [];
    for (const [i, net] of nets.entries()) {
      await net.prepare();
      const selfplay = new SelfPlay(GAMES, { maxMovesPerGame: 200, impasse: "csa27" });
      const buf = new RolloutBuffer(N, OBS_SIZE, GAMES);
      const policy = new NetworkPolicy(net, GAMES, new Random(1));
      for (let k = 0; k < 5; k++) await selfplay.step(policy, buf);
      finishRollout(buf, () => 0, 0.99, 0.95);
      const ppo = new PpoLearner(
        net,
        new Adam(net, { lr: 1e-3, maxGradNorm: 0.5 }),
        { ...settings(i === 1), epochs: 2, minibatchSize: 20 },
        new Random(2),
      );
      await ppo.update(buf);
      if (i === 1) expect(ppo.behaviourGap!.weightMean).toBeGreaterThan(0.9999);
      after.push(await net.readParameters());
      ppo.destroy();
      policy.destroy();
    }
    let diff = 0;
    for (let j = 0; j < after[0].length; j++) diff = Math.max(diff, Math.abs(after[0][j] - after[1][j]));
    expect(diff).toBeLessThan(1e-5);
    for (const n of nets) n.destroy();
    be.destroy();
  });
});
