// The CPU backward pass of whole networks against central finite differences of their forward
// pass, for a sample of elements of EVERY parameter tensor: training mode (batch statistics), and
// frozen mode (the backward after forward(plan, "frozen") against differences of the INFERENCE
// forward, with running statistics set away from 0 / 1).
// Loss L = Σ r·logits + Σ s·value with fixed normal r, s (so ∂L/∂logits = r, ∂L/∂value = s);
// r is nonzero at 64 random actions per row, which keeps f32 rounding noise in L small.
// Tolerance per element: |fd − backward| ≤ atol + rtol·|backward|, atol scaled to the tensor's
// largest gradient. Steps h = 1e-3, then 1e-4, then 1e-5: when a ReLU kink lies within θ ± h (a
// pre-activation within h·sensitivity of 0; the heads' 162 ReLUs make them dense) the estimate is
// off and a smaller step is tried, at the price of more f32 rounding noise (noise in L / 2h).
// An element passes when one step agrees.

import { describe, expect, test } from "bun:test";
import { Random } from "../../src/util/random.ts";
import { architectureOf, createNetwork, type ModelOptions } from "../../src/models/factory.ts";
import type { ModelType } from "../../src/models/params.ts";
import { LinearLoss, referenceBackend, forwardBackward, normals, randomObs, tensorOf } from "./helpers.ts";

const be = referenceBackend;
const STEPS = [1e-3, 1e-4, 1e-5];

async function gradCheck(type: ModelType, o: ModelOptions, samples: number, mode: "train" | "frozen" = "train") {
  const net = createNetwork(be, architectureOf(type, o), { seed: 7 });
  const rng = new Random(11);
  const plan = net.plan(2, { training: true });
  if (mode === "frozen") {
    // running means ~ N(0, 0.5²), variances in [0.3, 1.3): the statistics matter to the function
    const stats = new Float32Array(net.statsTable.length);
    for (const t of net.statsTable.tensors) {
      const v = tensorOf(net.statsTable, stats, t.name);
      if (t.name.endsWith("running_mean")) v.set(normals(rng, t.size, 0.5));
      else for (let i = 0; i < t.size; i++) v[i] = 0.3 + rng.next();
    }
    net.writeStats(stats);
  }
  const obs = randomObs(rng, 2);
  if (o.policyHead === "conv") {
    // row 0 Black to move, row 1 White: the head reads each row's mover, both tables are checked
    obs.fill(1, 42 * 81, 43 * 81);
    obs.fill(0, (46 + 42) * 81, (46 + 43) * 81);
  }
  net.setInputs(plan, obs);
  const loss = LinearLoss.random(rng, plan, net.numActions, 64);
  await forwardBackward(net, plan, loss, mode);
  const fdMode = mode === "frozen" ? "infer" : "train"; // the function the frozen pass trains
  const statsBefore = await net.readStats();
  const grads = await net.readGradients();
  const params = await net.readParameters();
  const centralDifference = async (at: number, orig: number, h: number) => {
    const [up, down] = [Math.fround(orig + h), Math.fround(orig - h)]; // the steps f32 can take
    be.write(net.params, Float32Array.of(up), at);
    net.forward(plan, fdMode);
    const lp = await loss.value(be, plan);
    be.write(net.params, Float32Array.of(down), at);
    net.forward(plan, fdMode);
    const lm = await loss.value(be, plan);
    be.write(net.params, Float32Array.of(orig), at);
    return (lp - lm) / (up - down);
  };
  const rows: string[] = [];
  let worst = 0;
  for (const t of net.table.tensors) {
    const g = tensorOf(net.table, grads, t.name);
    let gMax = 0;
    for (const v of g) gMax = Math.max(gMax, Math.abs(v));
    const atol = 2e-3 + 5e-3 * gMax;
    const rtol = 2e-2;
    let tensorWorst = 0;
    for (let k = 0; k < Math.min(samples, t.size); k++) {
      // the largest-gradient element first, then random ones
      const j = k === 0 ? g.indexOf(g.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0)) : rng.int(t.size);
      const at = t.offset + j;
      const tol = atol + rtol * Math.abs(g[j]);
      const fds: number[] = [];
      for (const h of STEPS) {
        fds.push(await centralDifference(at, params[at], h));
        if (Math.abs(fds[fds.length - 1] - g[j]) <= tol) break;
      }
      const err = Math.abs(fds[fds.length - 1] - g[j]);
      if (!(err <= tol))
        throw new Error(
          `∂L/∂${t.name}[${j}]: finite differences ${fds.join(", ")} (h = ${STEPS.join(", ")}), backward ${g[j]} (|diff| ${err.toExponential(2)} > ${atol.toExponential(2)} + ${rtol}·|backward|)`,
        );
      tensorWorst = Math.max(tensorWorst, err / tol);
    }
    worst = Math.max(worst, tensorWorst);
    rows.push(`${t.name} ${tensorWorst.toFixed(2)}`);
  }
  if (mode === "frozen") expect(await net.readStats()).toEqual(statsBefore); // nothing updated them
  console.log(
    `${type} ${JSON.stringify(o)} ${mode}: worst error / tolerance ${worst.toFixed(3)} over ${net.table.tensors.length} tensors\n  ${rows.join(", ")}`,
  );
  expect(worst).toBeLessThanOrEqual(1);
  net.destroy();
}

describe("backward vs finite differences (cpu)", () => {
  test(
    "ResNet tower, 1 block × 4 channels, SE (h = 1), batch 2",
    () => gradCheck("resnet", { depth: 1, width: 4, seRatio: 0.25 }, 4),
    60_000,
  );
  test(
    "ResNet tower, 2 blocks × 4 channels, no SE, batch 2",
    () => gradCheck("resnet", { depth: 2, width: 4, seRatio: 0 }, 3),
    60_000,
  );
  test("simple CNN, batch 2", () => gradCheck("cnn", {}, 3), 60_000);
  test(
    "ResNet tower with the conv policy head, 1 block × 4 channels, SE (h = 1), batch 2",
    () => gradCheck("resnet", { depth: 1, width: 4, seRatio: 0.25, policyHead: "conv" }, 4),
    60_000,
  );
  test(
    "frozen BN: the conv policy head, 1 block × 4 channels, batch 2",
    () => gradCheck("resnet", { depth: 1, width: 4, seRatio: 0, policyHead: "conv" }, 3, "frozen"),
    60_000,
  );
  test(
    "frozen BN: ResNet tower, 1 block × 4 channels, SE (h = 1), batch 2, against the inference forward",
    () => gradCheck("resnet", { depth: 1, width: 4, seRatio: 0.25 }, 4, "frozen"),
    60_000,
  );
  test("frozen mode: simple CNN (no BN: the training pass), batch 2", () => gradCheck("cnn", {}, 2, "frozen"), 60_000);
});
