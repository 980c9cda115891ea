// Gumbel AlphaZero with 8 simulations learns the mate-in-one task of ppo-learning.test.ts (same
// positions, same network, same optimiser, cpu backend) in fewer update steps than PPO: both are
// run here, and the update steps each takes until the mean P(mating move) first passes PPO's
// threshold in ppo-learning.test.ts (0.3), and a higher bar (0.8), are compared. Both see the same
// data per iteration (the 60 rows, one decision each: the replay window is the last iteration's
// positions, as PPO's rollout) and take the same number of minibatch updates of 30 per iteration
// (8: PPO's 4 epochs × 2, AlphaZero's replay ratio 4).
//
// Measured (seed 11): PPO passes 0.3 after 56 steps and 0.8 after 240; Gumbel AlphaZero after 40
// and 64 (its improved-policy target puts most of its mass on the mate as soon as the 8 sampled
// root actions include it: ~20 % of the target's mass at the start, all of it by iteration 8).
import { describe, expect, test } from "bun:test";
import { createBackend } from "../../src/compute/device.ts";
import type { Network } from "../../src/models/network.ts";
import { Adam } from "../../src/models/optimizer.ts";
import { AzLearner } from "../../src/rl/az-learner.ts";
import { DEFAULT_GUMBEL, GumbelSearch } from "../../src/rl/gumbel.ts";
import { outcomeFor } from "../../src/rl/gumbel-selfplay.ts";
import { Replay } from "../../src/rl/replay.ts";
import { NetworkEvaluator } from "../../src/search/network-evaluator.ts";
import { moveToAction } from "../../src/shogi/actions.ts";
import { Random } from "../../src/util/random.ts";
import { B, fillBatch, mateNet, mateProbability, PpoMates, type Spot, spots } from "./mate-in-one.ts";

/** ppo-learning.test.ts's bar: P(mating move) above it counts as learnt; and a higher one. */
const THRESHOLD = 0.3;
const HIGH = 0.8;
const MAX_ITERATIONS = 40;
const UPDATES_PER_ITERATION = 8;

/** Gumbel AlphaZero on the task: each iteration searches the B rows (8 simulations), adds them to the replay, trains. */
class AzMates {
  readonly evaluator: NetworkEvaluator;
  readonly search: GumbelSearch;
  readonly replay: Replay;
  readonly adam: Adam;
  readonly learner: AzLearner;
  private readonly rng: Random;

  constructor(
    readonly net: Network,
    rng: Random,
  ) {
    this.rng = rng.fork();
    this.evaluator = new NetworkEvaluator(net, B);
    // n = 8 simulations over m = min(n, 16) = 8 Gumbel-sampled root actions (the paper's choice).
    this.search = new GumbelSearch(this.evaluator, { ...DEFAULT_GUMBEL, numSimulations: 8, maxConsideredActions: 8 });
    // The window: the last iteration's positions (as PPO's rollout). Replay ratio 4: 60 positions
    // per iteration × 4 / 30 = 8 minibatches, as PPO's 4 epochs × 2.
    this.replay = new Replay({
      minWindow: B,
      windowExponent: 0.65,
      windowSlope: 0.4,
      maxWindow: B,
      replayRatio: 4,
      minPositions: B,
      encodePlies: 500,
    });
    this.adam = new Adam(net, { lr: 2e-3, maxGradNorm: 0.5 });
    this.learner = new AzLearner(
      net,
      this.adam,
      this.replay,
      {
        minibatchSize: 30,
        valueLossCoeff: 0.5,
        maxUpdatesPerCall: null,
        schedule: { type: null, kwargs: null, stepOn: "epoch" },
        scheduleTotalSteps: 1,
      },
      rng.fork(),
    );
  }

  /** One-ply episodes as PPO's: the move the search plays mates (z = +1 for the mover) or draws (0). */
  async iteration(s: Spot[], rows: ReturnType<typeof fillBatch>) {
    const positions = Array.from({ length: B }, (_, i) => s[rows.rowSpot[i]].pos);
    const decisions = await this.search.search(positions, this.rng);
    for (let i = 0; i < B; i++) {
      const { pos, mating } = s[rows.rowSpot[i]];
      const d = decisions[i];
      const mates = mating.has(moveToAction(d.move));
      this.replay.add({
        board: pos.board.slice(),
        hands: pos.hands.slice(),
        sideToMove: pos.sideToMove,
        ply: pos.ply,
        actions: Uint16Array.from(d.moves, moveToAction),
        policy: d.policy,
        outcome: outcomeFor(pos.sideToMove, mates ? pos.sideToMove : null),
      });
    }
    return this.learner.update(this.search.takeStats());
  }

  destroy(): void {
    this.learner.destroy();
    this.adam.destroy();
    this.evaluator.destroy();
  }
}

/**
 * Runs `step` until P(mating move) passes HIGH (at most MAX_ITERATIONS); the curve, and the first
 * iteration past THRESHOLD and past HIGH (MAX_ITERATIONS + 1 where it never passed).
 */
async function learningCurve(
  net: Network,
  step: () => Promise<unknown>,
  s: Spot[],
  rows: ReturnType<typeof fillBatch>,
) {
  const curve = [await mateProbability(net, s, rows)];
  while (curve.length <= MAX_ITERATIONS && curve[curve.length - 1] <= HIGH) {
    await step();
    curve.push(await mateProbability(net, s, rows));
  }
  const first = (bar: number) => {
    const k = curve.findIndex((p) => p > bar);
    return k < 0 ? MAX_ITERATIONS + 1 : k;
  };
  return { curve, threshold: first(THRESHOLD), high: first(HIGH) };
}

describe("Gumbel AlphaZero learns mate in one", () => {
  test("with 8 simulations, in fewer update steps than PPO (cpu backend)", async () => {
    const s = spots();
    const rows = fillBatch(s);
    const backend = await createBackend("cpu");

    const ppoNet = await mateNet(backend);
    const ppo = new PpoMates(ppoNet, new Random(11));
    const ppoRun = await learningCurve(ppoNet, () => ppo.iteration(s, rows), s, rows);
    ppo.destroy();
    ppoNet.destroy();

    const azNet = await mateNet(backend);
    const az = new AzMates(azNet, new Random(11));
    const metrics: Awaited<ReturnType<AzMates["iteration"]>>[] = [];
    const azRun = await learningCurve(azNet, async () => metrics.push(await az.iteration(s, rows)), s, rows);
    az.destroy();
    azNet.destroy();

    const steps = (k: number) =>
      k > MAX_ITERATIONS ? `> ${MAX_ITERATIONS * UPDATES_PER_ITERATION}` : `${k * UPDATES_PER_ITERATION}`;
    const show = (c: number[]) => c.map((p) => p.toFixed(3)).join(" ");
    console.log(`P(mating move) per iteration, PPO:       ${show(ppoRun.curve)}`);
    console.log(`P(mating move) per iteration, Gumbel AZ: ${show(azRun.curve)}`);
    const last = metrics[metrics.length - 1];
    console.log(
      `update steps to P > ${THRESHOLD}: PPO ${steps(ppoRun.threshold)}, Gumbel AZ (n = 8) ${steps(azRun.threshold)}; to P > ${HIGH}: PPO ${steps(ppoRun.high)}, Gumbel AZ ${steps(azRun.high)}. Last AZ update: policy loss ${last["losses/policy_loss"].toFixed(3)}, KL(target‖π) ${last["losses/kl_target"].toFixed(3)}, value loss ${last["losses/value_loss"].toFixed(3)}, ${last["search/simulations_per_second"].toFixed(0)} simulations/s, root visit entropy ${last["search/root_visit_entropy"].toFixed(3)}`,
    );

    for (const m of metrics) {
      expect(m["losses/minibatch_updates"]).toBe(UPDATES_PER_ITERATION);
      expect(Number.isFinite(m["losses/policy_loss"])).toBe(true);
      expect(m["search/simulations_per_second"]).toBeGreaterThan(0);
      // 8 simulations over 8 root actions, one visit each: the visit distribution is uniform over 8.
      expect(m["search/root_visit_entropy"]).toBeCloseTo(Math.log(8), 6);
    }
    expect(azRun.curve[0]).toBeLessThan(0.15);
    expect(azRun.curve[0]).toBe(ppoRun.curve[0]); // the same network at the start
    expect(azRun.high).toBeLessThanOrEqual(MAX_ITERATIONS);
    expect(azRun.threshold).toBeLessThan(ppoRun.threshold);
    expect(azRun.high).toBeLessThan(ppoRun.high);
  }, 120_000);
});
