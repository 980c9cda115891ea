// WebGPU (WGSL on the adapter, lavapipe in CI) against the CPU reference, whole networks: the same
// seed, inputs and loss on both backends; the training forward (outputs, running statistics), the
// backward (every gradient tensor), the inference forward and acting must agree within
// atol + rtol·|ref|, atol scaled to each tensor's largest value. Max differences are printed.

import { describe, expect, test } from "bun:test";
import type { Backend } from "../../src/compute/backend.ts";
import { Random } from "../../src/util/random.ts";
import { architectureOf, createNetwork } from "../../src/models/factory.ts";
import type { ModelOptions } from "../../src/models/factory.ts";
import type { ModelType } from "../../src/models/params.ts";
import {
  LinearLoss,
  referenceBackend,
  expectClose,
  forwardBackward,
  gpuBackend,
  hasWebGpu,
  randomMask,
  randomObs,
  tensorOf,
} from "./helpers.ts";

const B = 4;
const BIAS_BEFORE_BN = /^(stem|res_blocks\.\d+\.conv[12]|policy_head\.0|value_head\.0)\.bias$/;

/** Everything one backend computes for the comparison. */
async function run(be: Backend, type: ModelType, o: ModelOptions) {
  const net = createNetwork(be, architectureOf(type, o), { seed: 3 });
  await net.prepare();
  const rng = new Random(5);
  const obs = randomObs(rng, B);
  const { mask } = randomMask(rng, B, net.numActions, 60);
  const uniforms = Float32Array.from({ length: B }, () => rng.next());
  const plan = net.plan(B, { training: true });
  net.setInputs(plan, obs);
  const loss = await forwardBackward(net, plan, LinearLoss.random(rng, plan, net.numActions));
  const out = {
    loss,
    logits: (await be.read(plan.logits)) as Float32Array,
    value: (await be.read(plan.value)) as Float32Array,
    grads: await net.readGradients(),
    stats: await net.readStats(),
    infer: null as null | { logits: Float32Array; value: Float32Array },
    act: await net.getActionAndValue(net.plan(B, { training: false }), obs, mask, { uniforms }),
    greedy: await net.getActionAndValue(net.plan(B, { training: false }), obs, mask, { deterministic: true }),
    table: net.table,
    statsTable: net.statsTable,
  };
  const inferPlan = net.plan(B, { training: false });
  out.infer = {
    logits: (await be.read(inferPlan.logits)) as Float32Array,
    value: (await be.read(inferPlan.value)) as Float32Array,
  };
  net.destroy();
  return out;
}

function close(got: Float32Array, want: Float32Array, label: string, rtol = 2e-3, atolScale = 2e-4): number {
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  return expectClose(got, want, atolScale * scale + 1e-6, rtol, label);
}

const cases: [string, ModelType, ModelOptions][] = [
  ["ResNet 2 blocks × 16, SE 0.25", "resnet", { depth: 2, width: 16, seRatio: 0.25 }],
  ["ResNet 1 block × 8, no SE", "resnet", { depth: 1, width: 8, seRatio: 0 }],
  ["ResNet 1 block × 8, SE, conv policy head", "resnet", { depth: 1, width: 8, seRatio: 0.25, policyHead: "conv" }],
  ["simple CNN", "cnn", {}],
];

describe("webgpu vs cpu, whole network", () => {
  for (const [title, type, o] of cases) {
    test.skipIf(!hasWebGpu)(
      title,
      async () => {
        const want = await run(referenceBackend, type, o);
        const got = await run(await gpuBackend(), type, o);
        const diffs: string[] = [];
        const note = (label: string, d: number) => diffs.push(`${label} ${d.toExponential(1)}`);
        expect(Math.abs(got.loss - want.loss)).toBeLessThanOrEqual(1e-3 * Math.abs(want.loss) + 1e-3);
        note("logits", close(got.logits, want.logits, "logits"));
        note("value", close(got.value, want.value, "value"));
        note("stats", close(got.stats, want.stats, "running stats"));
        note("infer logits", close(got.infer!.logits, want.infer!.logits, "inference logits"));
        note("infer value", close(got.infer!.value, want.infer!.value, "inference value"));
        let worstGrad = 0;
        for (const t of want.table.tensors) {
          const g = tensorOf(got.table, got.grads, t.name);
          const w = tensorOf(want.table, want.grads, t.name);
          // A conv bias feeding a BatchNorm has a true gradient of 0 (what both compute is rounding
          // noise): held to an absolute bound scaled by its layer's weight gradient.
          if (BIAS_BEFORE_BN.test(t.name)) {
            const wg = tensorOf(want.table, want.grads, t.name.replace(/bias$/, "weight"));
            expectClose(g, w, 1e-4 * Math.max(...wg.map(Math.abs)), 0, `grad ${t.name}`);
            continue;
          }
          worstGrad = Math.max(worstGrad, close(g, w, `grad ${t.name}`, 5e-3, 1e-3));
        }
        note("grads (worst tensor)", worstGrad);
        expect([...got.act.actions]).toEqual([...want.act.actions]);
        expect([...got.greedy.actions]).toEqual([...want.greedy.actions]);
        note("acting logp", close(got.act.logProbs, want.act.logProbs, "acting logp"));
        console.log(`${title}: max |webgpu − cpu|: ${diffs.join(", ")}`);
      },
      120_000,
    );
  }
});
