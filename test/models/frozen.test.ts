// Frozen BatchNorm mode and the statistics refresh, whole networks, on cpu and webgpu:
// - forward(plan, "frozen") on a training plan computes what forward(inferencePlan, "infer")
//   computes (the function self-play acts with), and leaves the running statistics alone;
// - refreshStatistics(plan, batches) sets every running statistic to the average of the batches'
//   statistics (means; unbiased variances), whatever it was before, and counts the forwards.
// (The frozen backward against finite differences of the inference forward: gradcheck.test.ts.)

import { describe, expect, test } from "bun:test";
import type { Backend } from "../../src/compute/backend.ts";
import { Random } from "../../src/util/random.ts";
import { architectureOf, createNetwork } from "../../src/models/factory.ts";
import type { Network } from "../../src/models/network.ts";
import type { ModelOptions } from "../../src/models/factory.ts";
import type { ModelType } from "../../src/models/params.ts";
import {
  referenceBackend,
  expectClose,
  gpuBackend,
  hasWebGpu,
  normals,
  randomObs,
  stemStatistics,
  tensorOf,
} from "./helpers.ts";

const backends: [string, () => Promise<Backend>, boolean][] = [
  ["reference", async () => referenceBackend, false],
  ["webgpu", gpuBackend, !hasWebGpu],
];

/** Running means ~ N(0, 0.5²), variances in [0.3, 1.3): far from the initial 0 / 1. */
function randomStats(net: Network, rng: Random): Float32Array {
  const stats = new Float32Array(net.statsTable.length);
  for (const t of net.statsTable.tensors) {
    const v = tensorOf(net.statsTable, stats, t.name);
    if (t.name.endsWith("running_mean")) v.set(normals(rng, t.size, 0.5));
    else for (let i = 0; i < t.size; i++) v[i] = 0.3 + rng.next();
  }
  return stats;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

const cases: [string, ModelType, ModelOptions][] = [
  ["ResNet 2 blocks × 8, SE", "resnet", { depth: 2, width: 8, seRatio: 0.25 }],
  ["simple CNN", "cnn", {}],
];

describe('forward(plan, "frozen") is the inference forward', () => {
  for (const [name, getBackend, skip] of backends) {
    for (const [title, type, o] of cases) {
      test.skipIf(skip)(
        `${name}: ${title}`,
        async () => {
          const be = await getBackend();
          const net = createNetwork(be, architectureOf(type, o), { seed: 5 });
          await net.prepare();
          const rng = new Random(8);
          net.writeStats(randomStats(net, rng));
          const B = 3;
          const obs = randomObs(rng, B);
          const infer = net.plan(B, { training: false });
          const train = net.plan(B, { training: true });
          net.setInputs(infer, obs);
          net.forward(infer, "infer");
          const stats = await net.readStats();
          net.setInputs(train, obs);
          net.forward(train, "frozen");
          const [logits, value, li, vi] = await Promise.all([
            be.read(train.logits),
            be.read(train.value),
            be.read(infer.logits),
            be.read(infer.value),
          ]);
          expectClose(logits, li, 1e-6 * maxAbs(li as Float32Array), 1e-6, "frozen vs infer logits");
          expectClose(value, vi, 1e-6 * maxAbs(vi as Float32Array), 1e-6, "frozen vs infer value");
          expect(await net.readStats()).toEqual(stats); // not updated
          expect(net.numBatchesTracked).toBe(0);
          if (type === "resnet") {
            // and a training-mode forward is a different function (else this test would prove nothing)
            net.forward(train, "train");
            const lt = (await be.read(train.logits)) as Float32Array;
            let d = 0;
            for (let i = 0; i < lt.length; i++) d = Math.max(d, Math.abs(lt[i] - li[i]));
            expect(d).toBeGreaterThan(1e-3);
          }
          net.destroy();
        },
        60_000,
      );
    }
  }
});

describe("refreshStatistics: running statistics = the average of the batches' statistics", () => {
  for (const [name, getBackend, skip] of backends) {
    test.skipIf(skip)(
      name,
      async () => {
        const be = await getBackend();
        const net = createNetwork(be, architectureOf("resnet", { depth: 1, width: 8, seRatio: 0.25 }), { seed: 9 });
        await net.prepare();
        const rng = new Random(12);
        const B = 4;
        const batches = [randomObs(rng, B), randomObs(rng, B), randomObs(rng, B)];
        const plan = net.plan(B, { training: true });
        const after: Float32Array[] = [];
        for (let k = 0; k < 2; k++) {
          net.writeStats(randomStats(net, rng)); // different before each refresh
          const tracked = net.numBatchesTracked;
          expect(net.refreshStatistics(plan, batches)).toBe(3);
          expect(net.numBatchesTracked).toBe(tracked + 3);
          after.push(await net.readStats());
        }
        // The result does not depend on the statistics before (each layer of a training forward
        // normalises by its batch's own statistics).
        expectClose(after[1], after[0], 1e-6, 1e-5, "refresh from two different starting statistics");
        const want = await stemStatistics(net, batches);
        expectClose(
          tensorOf(net.statsTable, after[0], "bn_stem.running_mean"),
          want.mean,
          1e-5,
          1e-4,
          "bn_stem.running_mean",
        );
        expectClose(
          tensorOf(net.statsTable, after[0], "bn_stem.running_var"),
          want.variance,
          1e-5,
          1e-4,
          "bn_stem.running_var",
        );
        // the CNN has no BatchNorm: nothing to do
        const cnn = createNetwork(be, architectureOf("cnn", {}), { seed: 1 });
        expect(cnn.refreshStatistics(cnn.plan(B, { training: false }), batches)).toBe(0);
        expect(cnn.numBatchesTracked).toBe(0);
        cnn.destroy();
        net.destroy();
      },
      60_000,
    );
  }
});
