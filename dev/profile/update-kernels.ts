// Where a PPO update's time goes on the cpu backend, kernel by kernel: the tiny config's shapes
// (1×16 tower, conv policy head, minibatch 256), a few minibatch updates timed per kernel name.
//   bun dev/profile/update-kernels.ts [--head conv|dense] [--width 16] [--depth 1]
import { parseArgs } from "node:util";
import { createBackend } from "../../src/compute/device.ts";
import { buildConfig } from "../../src/config/load.ts";
import { Adam } from "../../src/models/optimizer.ts";
import { RolloutBuffer } from "../../src/rl/buffer.ts";
import { computeGae } from "../../src/rl/gae.ts";
import { NetworkPolicy } from "../../src/rl/network-policy.ts";
import { PpoLearner } from "../../src/rl/ppo.ts";
import { SelfPlay } from "../../src/rl/selfplay.ts";
import { OBS_SIZE } from "../../src/shogi/features.ts";
import { networkOf } from "../../src/training/run.ts";
import { Random } from "../../src/util/random.ts";

const { values } = parseArgs({
  options: {
    head: { type: "string", default: "conv" },
    width: { type: "string", default: "16" },
    depth: { type: "string", default: "1" },
  },
});
const c = buildConfig([
  {
    name: "tiny",
    values: {
      training: { tower_depth: Number(values.depth), tower_width: Number(values.width), policy_head: values.head },
    },
  },
]);
const t = c.training;
const be = await createBackend("cpu");
const times = new Map<string, number>();
const run = be.run.bind(be);
(be as unknown as { run: typeof be.run }).run = ((...args: Parameters<typeof be.run>) => {
  const t0 = performance.now();
  const r = run(...args);
  let name = typeof args[0] === "string" ? args[0] : (args[0] as { name: string }).name;
  if (name.startsWith("gemm") || name.startsWith("gather")) name += ` ${JSON.stringify(args[args.length - 1])}`;
  times.set(name, (times.get(name) ?? 0) + performance.now() - t0);
  return r;
}) as typeof be.run;
const net = networkOf(be, t, 1);
await net.prepare();
const adam = new Adam(net, { lr: 1e-3, maxGradNorm: 0.5 });
const rng = new Random(1);
const policy = new NetworkPolicy(net, 32, rng.fork());
const sp = new SelfPlay(32, { maxMovesPerGame: 500, impasse: "csa27" });
const buf = new RolloutBuffer(1024, OBS_SIZE, 32);
for (let k = 0; k < 32; k++) await sp.step(policy, buf);
await sp.bootstrap(policy, buf);
computeGae(buf, buf.size, 0.99, 0.95, buf.advantages, buf.returns);
const learner = new PpoLearner(
  net,
  adam,
  {
    epochs: 2,
    minibatchSize: 256,
    clipEpsilon: 0.2,
    valueLossCoeff: 0.5,
    entropyCoef: 0.01,
    normalizeAdvantages: true,
    enableValueClipping: false,
    targetKl: null,
    schedule: { type: null, kwargs: null, stepOn: "epoch" },
    scheduleTotalSteps: 1,
  },
  rng.fork(),
);
await learner.update(buf); // warm
times.clear();
const t0 = performance.now();
const N = 3;
for (let i = 0; i < N; i++) await learner.update(buf);
const total = performance.now() - t0;
const kernels = [...times].sort((a, b) => b[1] - a[1]);
const inKernels = kernels.reduce((s, [, v]) => s + v, 0);
console.log(`update: ${(total / N).toFixed(1)} ms (8 minibatches of 256); in kernels ${(inKernels / N).toFixed(1)} ms`);
for (const [k, v] of kernels.slice(0, 18)) console.log(`${k.padEnd(32)} ${(v / N).toFixed(2)} ms`);
