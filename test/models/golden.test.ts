// The golden fixture (test/fixtures/golden.ts): K real training steps of a 2-block × 16-channel
// tower with SE, computed by PyTorch (test/reference/keisei_torch.py golden) from keisei's initial
// weights, reproduced by every backend: initial parameters (exactly: they pin keisei's
// initialisation), logits, value, PPO loss terms, every gradient, the losses and gradient norms of
// all K steps, the parameters and running statistics after them.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Backend } from "../../src/compute/backend.ts";
import { decodeSafetensors, type SafeTensor } from "../../src/models/safetensors.ts";
import {
  GOLDEN,
  GOLDEN_FILE,
  GOLDEN_VERSION,
  INIT_PEEK,
  REGENERATE,
  runGolden,
  sample,
  sampleIndices,
  type GoldenInputs,
} from "../fixtures/golden.ts";
import { referenceBackend, expectClose, gpuBackend, hasWebGpu } from "./helpers.ts";

const fixture = decodeSafetensors(new Uint8Array(readFileSync(GOLDEN_FILE)), GOLDEN_FILE);
const HINT = `HINT: if the change is intended, regenerate the fixture with \`${REGENERATE}\``;
const BIAS_BEFORE_BN = /^(stem|res_blocks\.\d+\.conv[12]|policy_head\.0|value_head\.0)\.bias$/;

function get(name: string): SafeTensor {
  const t = fixture.tensors.get(name);
  if (!t) throw new Error(`${GOLDEN_FILE}: no tensor ${name}. ${HINT}`);
  return t;
}
const f32 = (name: string) => new Float32Array(get(name).data.buffer);
function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

function inputs(): GoldenInputs {
  return {
    obs: get("in.obs").data,
    mask: new Uint32Array(get("in.mask").data.buffer),
    actions: new Uint32Array(get("in.actions").data.buffer),
    samples: f32("in.samples"),
  };
}

/** got ≈ want within atol + rtol·|want|, atol scaled to want's largest element. */
function close(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  label: string,
  rtol: number,
  atolScale: number,
): number {
  return expectClose(got, want, atolScale * maxAbs(want) + 1e-7, rtol, `${label} (${HINT})`);
}

describe.each([["reference"], ["webgpu"]] as const)("golden fixture on %s", (kind) => {
  test.skipIf(kind === "webgpu" && !hasWebGpu)(
    `reproduces ${GOLDEN.steps} training steps of the 2 × 16 SE tower`,
    async () => {
      expect(fixture.metadata.golden_version).toBe(GOLDEN_VERSION);
      const made = JSON.parse(fixture.metadata.config);
      made.arch.inputFeatures ??= "core46"; // the fixture predates the field; core46 is what its absence means
      expect(made).toEqual(JSON.parse(JSON.stringify(GOLDEN)));
      const be: Backend = kind === "reference" ? referenceBackend : await gpuBackend();
      const { run, table, statsTable } = await runGolden(be, inputs());
      // PyTorch sums in another order than either backend: loose enough for that (and WGSL's),
      // tight enough to catch any real change.
      const [rtol, atol] = kind === "reference" ? [1e-5, 1e-6] : [2e-3, 2e-4];
      const lr = GOLDEN.adam.lr;
      const report: string[] = [];

      for (const t of table.tensors) {
        const init = run.init.subarray(t.offset, t.offset + t.size);
        if (!init.slice(0, INIT_PEEK).every((v, i) => v === f32(`init.${t.name}`)[i]))
          throw new Error(
            `initial ${t.name} differs from the fixture's: the initialisation (init.ts) or the seeded RNG (src/util/random.ts) changed. ${HINT}`,
          );
      }
      report.push(`logits ${close(sample(run.logits), f32("out.logits"), "logits", rtol, atol).toExponential(1)}`);
      report.push(`value ${close(run.value, f32("out.value"), "value", rtol, atol).toExponential(1)}`);
      report.push(`ppo means ${close(run.means, f32("out.means"), "PPO means", rtol, atol).toExponential(1)}`);
      report.push(`losses ${close(run.losses, f32("out.losses"), "losses", 10 * rtol, atol).toExponential(1)}`);
      report.push(
        `grad norms ${close(run.gradNorms, f32("out.grad_norms"), "gradient norms", 10 * rtol, atol).toExponential(1)}`,
      );
      expect(run.numBatchesTracked).toBe(Number(fixture.metadata.num_batches_tracked));

      let worstGrad = 0;
      let worstStep = 0;
      for (const t of table.tensors) {
        const at = (flat: Float32Array) => sample(flat.subarray(t.offset, t.offset + t.size));
        const grad = at(run.grads);
        const wantGrad = f32(`grad.${t.name}`);
        // A conv bias feeding a BatchNorm has a true gradient of 0: what is stored is rounding noise,
        // bounded relative to its layer's weight gradient; Adam turns it into steps of up to ±lr.
        const noise = BIAS_BEFORE_BN.test(t.name);
        if (noise)
          expectClose(
            grad,
            wantGrad,
            1e-4 * maxAbs(f32(`grad.${t.name.replace(/bias$/, "weight")}`)),
            0,
            `grad ${t.name}`,
          );
        else worstGrad = Math.max(worstGrad, close(grad, wantGrad, `grad ${t.name}`, 5 * rtol, 5 * atol));
        // Parameters after K steps, as updates from the (identical) initial values. Elements whose
        // gradient is near 0 may take Adam steps of either sign under another summation order: 1%
        // may differ by up to the Adam bound 2·K·lr.
        const init = at(run.init);
        const step = at(run.after).map((v, i) => v - init[i]);
        const wantStep = f32(`after.${t.name}`).map((v, i) => v - init[i]);
        const tol = 1e-6 + 1e-2 * maxAbs(wantStep);
        let off = 0;
        step.forEach((v, i) => {
          const d = Math.abs(v - wantStep[i]);
          if (d > 2 * GOLDEN.steps * lr)
            throw new Error(
              `after.${t.name}[${sampleIndices(t.size)[i]}]: update ${v} vs ${wantStep[i]}, beyond the Adam bound. ${HINT}`,
            );
          if (d > tol + 1e-2 * Math.abs(wantStep[i])) off++;
          else worstStep = Math.max(worstStep, d);
        });
        const allowed = noise ? step.length : Math.max(1, Math.ceil(0.01 * step.length));
        if (off > allowed)
          throw new Error(
            `after.${t.name}: ${off} of ${step.length} updates differ beyond tolerance (allowed ${allowed}). ${HINT}`,
          );
      }
      report.push(`grads ${worstGrad.toExponential(1)}`, `updates ${worstStep.toExponential(1)}`);
      for (const t of statsTable.tensors) {
        const got = run.afterStats.subarray(t.offset, t.offset + t.size);
        const want = f32(`after_stats.${t.name}`);
        // A running mean follows its conv's bias, which moves by noise-driven Adam steps (above):
        // by at most momentum · Σ_k 2·k·lr over the K steps.
        if (t.name.endsWith("running_mean"))
          expectClose(got, want, 0.1 * GOLDEN.steps * (GOLDEN.steps - 1) * lr, rtol, `running ${t.name}`);
        else close(got, want, `running ${t.name}`, rtol, atol);
      }
      console.log(`golden on ${kind}: max |diff| ${report.join(", ")}`);
    },
    120_000,
  );
});
