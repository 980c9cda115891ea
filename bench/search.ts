// Search speed against its anchor: the PUCT search's positions evaluated per second, and the same
// network's raw batched inference (forward pass + reading logits and values back) in samples per
// second at the same batch size, in one run. Their ratio is the search's overhead: tree descents,
// move generation, observation encoding, the softmax over legal moves, mate checks at new leaves.
//
//   bun bench/search.ts                          tiny tower (1 × 16, conv head), cpu; webgpu too when an adapter exists
//   bun bench/search.ts --model FILE             a trained checkpoint instead of a random tiny tower
//   bun bench/search.ts --batch 64 --playouts 4000 --devices cpu,webgpu --mate-ply 3
//
// The target (issue #16): search NPS ≥ 70 % of raw inference throughput at the same batch size.

import { parseArgs } from "node:util";
import type { Backend } from "../src/compute/backend.ts";
import { CpuBackend } from "../src/compute/cpu/backend.ts";
import { createBackend } from "../src/compute/device.ts";
import { loadCheckpoint, valueShapingOf } from "../src/models/checkpoint.ts";
import { modelFactory } from "../src/models/factory.ts";
import type { Network } from "../src/models/network.ts";
import { NetworkEvaluator } from "../src/search/network-evaluator.ts";
import { DEFAULT_SEARCH, Search } from "../src/search/puct.ts";
import { positionFromCommand } from "../src/shogi/position-command.ts";

const { values: args } = parseArgs({
  options: {
    model: { type: "string" },
    batch: { type: "string", default: "64" },
    playouts: { type: "string", default: "4000" },
    devices: { type: "string", default: "cpu,webgpu" },
    "mate-ply": { type: "string", default: "3" },
  },
});
const B = Number(args.batch);
const PLAYOUTS = Number(args.playouts);

/** A middle-game position (after a common opening) and the start position. */
const POSITIONS = [
  "startpos",
  "startpos moves 7g7f 3c3d 2g2f 4c4d 2f2e 2b3c 3i4h 8b4b 5i6h 5a6b 6h7h 6b7b 5g5f 7b8b 4i5h 7a7b",
];

/** The network, and the material shaping its value head learned under (the search adds it back, as `keisei usi` does). */
let valueShaping = 0;
function networkOn(be: Backend): Network {
  if (!args.model)
    return modelFactory(be, "resnet", { depth: 1, width: 16, seRatio: 0.25, policyHead: "conv" }, { seed: 1 });
  const { net, metadata } = loadCheckpoint(be, args.model);
  valueShaping = valueShapingOf(args.model, metadata);
  return net;
}

/** Raw batched inference: forward passes of `B` fixed observations, outputs read back. */
async function rawSamplesPerSecond(net: Network, seconds = 3): Promise<number> {
  const plan = net.plan(B, { training: false });
  const obs = new Float32Array(B * net.obsSize).map((_, i) => ((i * 2654435761) % 1000) / 1000);
  const once = async () => {
    net.setInputs(plan, obs);
    net.forward(plan, "infer");
    await Promise.all([net.backend.read(plan.logits), net.backend.read(plan.value)]);
  };
  await once();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await once();
    n += B;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** Search from each position for PLAYOUTS playouts: network evaluations per second over all of them. */
async function searchEvalsPerSecond(net: Network): Promise<{ evals: number; playouts: number; seconds: number }> {
  const evaluator = new NetworkEvaluator(net, B, 1, valueShaping);
  let evals = 0;
  let playouts = 0;
  let seconds = 0;
  for (const spec of POSITIONS) {
    const pos = positionFromCommand(spec);
    const search = new Search(evaluator, { ...DEFAULT_SEARCH, leafMatePly: Number(args["mate-ply"]) });
    search.setRoot(spec, [], false);
    await search.prepareRoot(pos); // warm-up, not timed
    const t0 = performance.now();
    const root = search.root;
    while (root && root.n < PLAYOUTS && root.proof === 0) await search.round(pos);
    seconds += (performance.now() - t0) / 1000;
    evals += search.stats.evaluations - 1;
    playouts += root?.n ?? 0;
  }
  evaluator.destroy();
  return { evals, playouts, seconds };
}

console.log(
  `batch ${B}, ${PLAYOUTS} playouts from each of ${POSITIONS.length} positions, leaf mate search ${args["mate-ply"]} plies`,
);
console.log(`network: ${args.model ?? "random 1 × 16 tower, conv head"}`);
for (const device of String(args.devices).split(",")) {
  let be: Backend;
  try {
    be = device === "cpu" ? new CpuBackend() : await createBackend("webgpu");
  } catch (e) {
    console.log(`${device.padEnd(8)} not available: ${(e as Error).message.split("\n")[0]}`);
    continue;
  }
  const net = networkOn(be);
  await net.prepare();
  const raw = await rawSamplesPerSecond(net);
  const s = await searchEvalsPerSecond(net);
  const nps = s.evals / s.seconds;
  console.log(
    `${device.padEnd(8)} ${be.info.description}${valueShaping > 0 ? `; value read as v + ${valueShaping} × material (the checkpoint's material_shaping)` : ""}`,
  );
  console.log(`         raw inference  ${raw.toFixed(0).padStart(8)} samples/s  (forward + read back, batch ${B})`);
  console.log(
    `         search         ${nps.toFixed(0).padStart(8)} evals/s    (${(s.playouts / s.seconds).toFixed(0)} playouts/s)`,
  );
  console.log(`         ratio          ${(nps / raw).toFixed(2)} of raw inference (target ≥ 0.70)`);
  net.destroy();
  be.destroy();
}
process.exit(0);
