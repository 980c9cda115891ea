// Self-play speed with a real network: steps (plies) per second of vectorised self-play — legal
// moves, observations, one batched forward pass per step, masked sampling, moves, game ends —
// with the 32 × 2 and the 256 × 9 tower (SE 0.25; the reference's dense policy head and the conv
// one) on each backend, and how a whole iteration's time splits between inference, the engine and
// the PPO update.
//
//   bun bench/selfplay.ts                 both sizes, both heads, on webgpu and cpu
//   bun bench/selfplay.ts --sizes small --heads conv --backends webgpu
//
// Anchor: the Python reference collected about 18 plies/s on this machine class with no network
// at all (keisei-python.md §13.1, not re-run here); the target for 32 × 2 is > 300 steps/s.

import { parseArgs } from "node:util";
import type { Backend } from "../src/compute/backend.ts";
import type { PolicyHead } from "../src/models/params.ts";
import { createBackend } from "../src/compute/device.ts";
import { Random } from "../src/util/random.ts";
import { RolloutBuffer } from "../src/rl/buffer.ts";
import { computeGae } from "../src/rl/gae.ts";
import { NetworkPolicy } from "../src/rl/network-policy.ts";
import { PpoLearner } from "../src/rl/ppo.ts";
import type { ActBatch } from "../src/rl/acting.ts";
import { SelfPlay } from "../src/rl/selfplay.ts";
import { UniformPolicy } from "../src/rl/uniform-policy.ts";
import { OBS_SIZE } from "../src/shogi/features.ts";
import { modelFactory } from "../src/models/factory.ts";
import { Adam } from "../src/models/optimizer.ts";

interface Size {
  name: string;
  depth: number;
  width: number;
  games: number;
  seconds: number;
}

/** Plies collected at most per measurement: 64 minibatches of 256 in the update. */
const MAX_PLIES = 16384;

async function measure(be: Backend, size: Size, policyHead: PolicyHead) {
  const net = modelFactory(
    be,
    "resnet",
    { depth: size.depth, width: size.width, seRatio: 0.25, policyHead },
    { seed: 1 },
  );
  await net.prepare();
  const rng = new Random(1);
  const policy = new NetworkPolicy(net, size.games, rng.fork());
  let inference = 0;
  const timed = {
    async act(b: ActBatch) {
      const t0 = performance.now();
      await policy.act(b);
      inference += performance.now() - t0;
    },
  };
  const sp = new SelfPlay(size.games, { maxMovesPerGame: 500, impasse: "csa27" });
  await sp.step(timed, null); // warm-up (pipeline compilation)
  inference = 0;
  const capacity = size.games * 4096;
  const buffer = new RolloutBuffer(capacity, OBS_SIZE, size.games);
  const t0 = performance.now();
  let steps = 0;
  // Time-bound on a CPU; a GPU reaches MAX_PLIES first (its PPO epoch over them then takes seconds, not minutes).
  while ((performance.now() - t0 < size.seconds * 1000 || steps < 2) && steps * size.games < MAX_PLIES) {
    await sp.step(timed, buffer);
    steps++;
  }
  await sp.bootstrap(timed, buffer);
  buffer.addShapingRewards(0.99);
  computeGae(buffer, buffer.size, 0.99, 0.95, buffer.advantages, buffer.returns);
  const collect = performance.now() - t0;
  const minibatch = Math.min(256, buffer.size);
  const adam = new Adam(net, { lr: 3e-4, maxGradNorm: 0.5 });
  const learner = new PpoLearner(
    net,
    adam,
    {
      epochs: 1,
      minibatchSize: minibatch,
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
  const u0 = performance.now();
  await learner.update(buffer);
  const update = performance.now() - u0;
  learner.destroy();
  adam.destroy();
  policy.destroy();
  net.destroy();
  const plies = steps * size.games;
  return {
    plies,
    stepsPerSecond: plies / (collect / 1000),
    inference,
    engine: collect - inference,
    update,
    transitions: buffer.size,
    minibatch,
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "small,ref" },
      heads: { type: "string", default: "dense,conv" },
      backends: { type: "string", default: "webgpu,cpu" },
    },
  });
  const heads = values.heads!.split(",") as PolicyHead[];
  for (const h of heads)
    if (h !== "dense" && h !== "conv") throw new Error(`--heads: "${h}" is not a policy head (dense | conv)`);
  const sizes: Size[] = [];
  if (values.sizes!.includes("small")) sizes.push({ name: "32×2", depth: 2, width: 32, games: 64, seconds: 8 });
  if (values.sizes!.includes("ref")) sizes.push({ name: "256×9", depth: 9, width: 256, games: 32, seconds: 30 });

  // The engine alone, for scale: the same lock-step games with a uniform random policy.
  const sp = new SelfPlay(64, { maxMovesPerGame: 500, impasse: "csa27" });
  const uniform = new UniformPolicy(1);
  let n = 0;
  const e0 = performance.now();
  while (performance.now() - e0 < 2000) {
    await sp.step(uniform, null);
    n += 64;
  }
  console.log(
    `engine only (uniform random policy, 64 games): ${Math.round(n / ((performance.now() - e0) / 1000)).toLocaleString("en-US")} steps/s`,
  );

  const backends = values.backends!.split(",");
  for (const b of backends)
    if (b !== "webgpu" && b !== "cpu") throw new Error(`--backends: "${b}" is not a backend (webgpu | cpu)`);
  for (const kind of backends as ("webgpu" | "cpu")[]) {
    let be: Backend;
    try {
      be = await createBackend(kind);
    } catch (e) {
      console.log(`${kind}: unavailable (${(e as Error).message})`);
      continue;
    }
    console.log(`\n${kind}: ${be.info.description}`);
    for (const size of sizes) {
      for (const head of heads) {
        const r = await measure(be, size, head);
        const total = r.inference + r.engine + r.update;
        const pct = (x: number) => `${((100 * x) / total).toFixed(0)}%`;
        console.log(
          `  ${size.name} ${head} head × ${size.games} games: ${r.stepsPerSecond.toFixed(1)} steps/s collected (${r.plies} plies);` +
            ` iteration split: inference ${pct(r.inference)}, engine ${pct(r.engine)}, update ${pct(r.update)}` +
            ` (one PPO epoch over ${r.transitions} transitions, minibatch ${r.minibatch}: ${(r.update / 1000).toFixed(1)} s)`,
        );
      }
    }
    be.destroy();
  }
  console.log(
    "\nanchor: the Python reference collected ~18 plies/s with no network (keisei-python.md §13.1); target for 32×2: > 300 steps/s",
  );
  process.exit(0);
}

if (import.meta.main) await main();
