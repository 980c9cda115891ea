// The PPO update trains the function that acted (BatchNorm with running statistics, "frozen"), and
// re-estimates the running statistics over the rollout afterwards — on cpu and on WebGPU:
// (a) before any step of an update, every ratio π/π_old is 1 up to float rounding (a training-mode
//     update, with batch statistics, clipped about half of them: measured);
// (b) after the update, bn_stem's running mean (variance) is the average of the batch means
//     (unbiased variances) of the rollout's full minibatches, in order, under the updated weights;
//     only those forwards count in num_batches_tracked.
import { describe, expect, test } from "bun:test";
import type { Backend } from "../../src/compute/backend.ts";
import { createBackend } from "../../src/compute/device.ts";
import { Random } from "../../src/util/random.ts";
import { RolloutBuffer } from "../../src/rl/buffer.ts";
import { NetworkPolicy } from "../../src/rl/network-policy.ts";
import { PpoLearner, type PpoSettings } from "../../src/rl/ppo.ts";
import { SelfPlay } from "../../src/rl/selfplay.ts";
import { OBS_SIZE } from "../../src/shogi/features.ts";
import { modelFactory } from "../../src/models/factory.ts";
import { Adam } from "../../src/models/optimizer.ts";
import { hasWebGpu } from "../helpers/webgpu.ts";
import { expectClose, stemStatistics, tensorOf } from "../models/helpers.ts";
import { finishRollout } from "./helpers.ts";

const GAMES = 12;
const STEPS = 5; // a rollout of 60 transitions
const N = GAMES * STEPS;

function settings(epochs: number, minibatchSize: number): PpoSettings {
  return {
    epochs,
    minibatchSize,
    clipEpsilon: 0.2,
    valueLossCoeff: 0.5,
    entropyCoef: 0.01,
    normalizeAdvantages: true,
    enableValueClipping: false,
    targetKl: null,
    schedule: { type: null, kwargs: null, stepOn: "epoch" },
    scheduleTotalSteps: 1,
  };
}

/** A self-play rollout of N transitions acted by the network (running statistics), cut with bootstrap 0. */
async function rollout(selfplay: SelfPlay, policy: NetworkPolicy): Promise<RolloutBuffer> {
  const buf = new RolloutBuffer(N, OBS_SIZE, GAMES);
  for (let k = 0; k < STEPS; k++) await selfplay.step(policy, buf);
  finishRollout(buf, () => 0, 0.99, 0.95);
  return buf;
}

async function setup(backend: Backend) {
  const net = modelFactory(backend, "resnet", { depth: 1, width: 16, seRatio: 0.25 }, { seed: 3 });
  await net.prepare();
  const rng = new Random(21);
  const policy = new NetworkPolicy(net, GAMES, rng.fork());
  const selfplay = new SelfPlay(GAMES, { maxMovesPerGame: 200, impasse: "csa27" });
  return { net, rng, policy, selfplay };
}

function maxRatioError(logRatio: Float32Array): number {
  let m = 0;
  for (const v of logRatio) m = Math.max(m, Math.abs(Math.expm1(v)));
  return m;
}

async function firstStepRatios(backend: Backend) {
  const { net, rng, policy, selfplay } = await setup(backend);
  const adam = new Adam(net, { lr: 1e-2, maxGradNorm: 0.5 });
  // One minibatch covering the rollout, one epoch: the metrics are those of the state before the step.
  const whole = new PpoLearner(net, adam, settings(1, N), rng.fork());
  const m = await whole.update(await rollout(selfplay, policy));
  expect(m["losses/minibatch_updates"]).toBe(1);
  expect(m["losses/clipfrac"]).toBe(0);
  expect(m["losses/approx_kl"]).toBeLessThan(1e-6);
  expect(maxRatioError(whole.firstLogRatio)).toBeLessThan(1e-4);
  whole.destroy();
  // Several epochs of small minibatches: each update's first minibatch, also after the statistics
  // were refreshed (the next rollout acts with them).
  const learner = new PpoLearner(net, adam, settings(3, 24), rng.fork());
  const seen: string[] = [];
  for (let iter = 0; iter < 3; iter++) {
    const m = await learner.update(await rollout(selfplay, policy));
    expect(m["losses/minibatch_updates"]).toBe(6);
    const err = maxRatioError(learner.firstLogRatio);
    seen.push(`${err.toExponential(1)} (clipfrac ${m["losses/clipfrac"].toFixed(3)})`);
    expect(err).toBeLessThan(1e-4);
  }
  console.log(`[${backend.info.kind}] first-minibatch max |ratio − 1| per update: ${seen.join(", ")}`);
  learner.destroy();
  policy.destroy();
  adam.destroy();
  net.destroy();
}

async function refreshedStatistics(backend: Backend) {
  const { net, rng, policy, selfplay } = await setup(backend);
  const adam = new Adam(net, { lr: 1e-2, maxGradNorm: 0.5 });
  const B = 24; // N = 60: full minibatches [0, 24), [24, 48); rows 48..59 left out
  const learner = new PpoLearner(net, adam, settings(2, B), rng.fork());
  for (let iter = 0; iter < 2; iter++) {
    const buf = await rollout(selfplay, policy);
    const tracked = net.numBatchesTracked;
    await learner.update(buf);
    expect(net.numBatchesTracked).toBe(tracked + 2); // the refresh's forwards only, none of the update's
    const obs = [0, 1].map((k) => buf.obs.slice(k * B * OBS_SIZE, (k + 1) * B * OBS_SIZE));
    const want = await stemStatistics(net, obs); // under the updated weights
    const stats = await net.readStats();
    expectClose(tensorOf(net.statsTable, stats, "bn_stem.running_mean"), want.mean, 1e-5, 1e-4, "bn_stem.running_mean");
    expectClose(
      tensorOf(net.statsTable, stats, "bn_stem.running_var"),
      want.variance,
      1e-5,
      1e-4,
      "bn_stem.running_var",
    );
  }
  learner.destroy();
  policy.destroy();
  adam.destroy();
  net.destroy();
}

function onBackend(kind: "cpu" | "webgpu", body: (be: Backend) => Promise<void>) {
  return async () => {
    const be = await createBackend(kind);
    try {
      await body(be);
    } finally {
      if (kind === "webgpu") be.destroy();
    }
  };
}

describe("PPO with frozen BatchNorm", () => {
  test("cpu: ratio 1 before the first step of every update", onBackend("cpu", firstStepRatios), 60_000);
  test("cpu: running statistics refreshed over the rollout", onBackend("cpu", refreshedStatistics), 60_000);
  test.skipIf(!hasWebGpu)(
    "webgpu: ratio 1 before the first step of every update",
    onBackend("webgpu", firstStepRatios),
    90_000,
  );
  test.skipIf(!hasWebGpu)(
    "webgpu: running statistics refreshed over the rollout",
    onBackend("webgpu", refreshedStatistics),
    90_000,
  );
});
