// Where a PPO minibatch step's time goes on the cpu backend: wall time per kernel name, for one
// network and minibatch size.   bun dev/prof/update-kernels.ts [depth] [width] [batch] [dense|conv] [steps]
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import * as ops from "../../src/compute/ops.ts";
import { Random } from "../../src/util/random.ts";
import { NUM_ACTIONS } from "../../src/shogi/actions.ts";
import { modelFactory } from "../../src/models/factory.ts";
import { Adam } from "../../src/models/optimizer.ts";
import { randomMask, randomObs } from "../../test/models/helpers.ts";

const [depth, width, B] = [1, 2, 3].map((i, k) => Number(process.argv[1 + i] ?? [1, 16, 256][k]));
const head = (process.argv[5] ?? "conv") as "dense" | "conv";
const be = new CpuBackend();
const net = modelFactory(be, "resnet", { depth, width, seRatio: 0.25, policyHead: head }, { seed: 1 });
const adam = new Adam(net, { lr: 1e-3, maxGradNorm: 0.5 });
const plan = net.plan(B, { training: true });
const ppo = {
  actions: be.alloc("ppo.actions", B, "u32"),
  samples: be.alloc("ppo.samples", B * 4),
  stats: be.alloc("ppo.stats", B * 6),
  means: be.alloc("ppo.means", 7),
};
const rng = new Random(1);
const obs = randomObs(rng, B);
const { mask, actions } = randomMask(rng, B, NUM_ACTIONS, 40);
const samples = new Float32Array(B * 4).map(() => rng.next() - 0.5);
const times = new Map<string, number>();
const run = be.run.bind(be);
be.run = (k, b, u) => {
  const t0 = performance.now();
  run(k, b, u);
  times.set(k.name, (times.get(k.name) ?? 0) + performance.now() - t0);
};
const phases = new Map<string, number>();
const phase = async (name: string, f: () => unknown) => {
  const t0 = performance.now();
  await f();
  phases.set(name, (phases.get(name) ?? 0) + performance.now() - t0);
};
const steps = Number(process.argv[6] ?? 20);
for (let i = 0; i < steps + 2; i++) {
  if (i === 2) {
    times.clear();
    phases.clear();
  }
  await phase("setInputs", () => net.setInputs(plan, obs, mask));
  be.write(ppo.actions, actions);
  be.write(ppo.samples, samples);
  await phase("zeroGrad", () => net.zeroGrad());
  await phase("forward", () => net.forward(plan, "frozen"));
  await phase("ppoLoss", () =>
    ops.ppoLoss(
      be,
      { dlogits: plan.dlogits, dvalues: plan.dvalue, stats: ppo.stats, means: ppo.means },
      { logits: plan.logits, mask: plan.mask, actions: ppo.actions, samples: ppo.samples, values: plan.value },
      { rows: B, actions: NUM_ACTIONS },
      { clipEps: 0.2, valueCoef: 0.5, entropyCoef: 0.01, valueClip: false },
    ),
  );
  await phase("backward", () => net.backward(plan));
  await phase("adam", async () => {
    adam.update(1e-3);
    await adam.gradNorm();
  });
}
const total = [...phases.values()].reduce((a, b) => a + b, 0);
console.log(`resnet ${depth}×${width} ${head} head, batch ${B}: ${(total / steps).toFixed(1)} ms per minibatch step`);
for (const [k, v] of phases) console.log(`  ${k.padEnd(12)} ${(v / steps).toFixed(2)} ms`);
for (const [k, v] of [...times].sort((a, b) => b[1] - a[1]).slice(0, 14))
  console.log(`    ${k.padEnd(32)} ${(v / steps).toFixed(2)} ms`);
be.destroy();
process.exit(0);
