// The mate-in-one task the learning tests share (ppo-learning.test.ts, gumbel-learning.test.ts):
// the positions, a batch of B rows holding copies of them, the network, the probability it gives
// the mating moves, and PPO's iteration on the task (one-ply episodes: mate +1, anything else 0).
import { moveToAction } from "../../src/shogi/actions.ts";
import { encodeCore46, OBS_SIZE } from "../../src/shogi/features.ts";
import { Position } from "../../src/shogi/position.ts";
import { gameStatus } from "../../src/shogi/rules.ts";
import type { Backend } from "../../src/compute/backend.ts";
import { modelFactory } from "../../src/models/factory.ts";
import { type Network, packLegalActions } from "../../src/models/network.ts";
import { Adam } from "../../src/models/optimizer.ts";
import { allocActBatch } from "../../src/rl/acting.ts";
import { RolloutBuffer } from "../../src/rl/buffer.ts";
import { NetworkPolicy } from "../../src/rl/network-policy.ts";
import { type PpoMetrics, PpoLearner } from "../../src/rl/ppo.ts";
import type { Random } from "../../src/util/random.ts";
import { finishRollout } from "./helpers.ts";

export const MATE_IN_ONE = [
  "3lkl3/9/4G4/9/9/9/9/9/4K4 b G 1", // G*5b
  "4k4/9/4P4/9/9/9/9/9/4K4 b G 1", // G*5b, protected by the pawn
  "k8/9/1P7/9/9/9/9/9/8K b G 1", // G*8b
  "4k4/9/4K4/9/9/9/9/9/9 b R 1", // a rook drop on rank a
  "4k4/9/9/9/9/9/4p4/9/4K4 w g 1", // White: G*5h
];
// The same mates elsewhere on the board, never trained on: a head whose weights are shared across
// squares (policy_head conv) carries what it learnt there; the dense head, one weight row per
// action, does not.
export const HELD_OUT = [
  "6lkl/9/7G1/9/9/9/9/9/4K4 b G 1", // G*2b
  "1k7/9/1P7/9/9/9/9/9/4K4 b G 1", // G*8b, protected by the pawn
  "k8/9/K8/9/9/9/9/9/9 b R 1", // a rook drop on rank a
  "4k4/9/9/9/9/9/7p1/9/7K1 w g 1", // White: G*2h
];
export const B = 60; // 12 copies of each position

export interface Spot {
  pos: Position;
  legal: Int32Array;
  moves: Uint32Array;
  mating: Set<number>;
}

export function spots(sfens = MATE_IN_ONE): Spot[] {
  return sfens.map((sfen) => {
    const pos = Position.fromSfen(sfen);
    const moves = new Uint32Array(600);
    const n = pos.generateLegal(moves);
    const mating = new Set<number>();
    for (let k = 0; k < n; k++) {
      pos.makeMove(moves[k]);
      if (gameStatus(pos).reason === "checkmate") mating.add(moveToAction(moves[k]));
      pos.unmakeMove();
    }
    return { pos, legal: Int32Array.from(moves.subarray(0, n), moveToAction), moves: moves.slice(0, n), mating };
  });
}

/** B rows, row i a copy of spot i mod spots. */
export function fillBatch(s: Spot[]) {
  const batch = allocActBatch(B);
  const rowSpot = new Int32Array(B);
  const anyLegal = new Uint32Array(B);
  batch.legalOffsets[0] = 0;
  for (let i = 0; i < B; i++) {
    const p = i % s.length;
    rowSpot[i] = p;
    encodeCore46(s[p].pos, 500, batch.obs, i * OBS_SIZE);
    batch.legalActions.set(s[p].legal, batch.legalOffsets[i]);
    batch.legalOffsets[i + 1] = batch.legalOffsets[i] + s[p].legal.length;
    anyLegal[i] = s[p].legal[0];
  }
  return { batch, rowSpot, anyLegal };
}

/** Mean over the positions of π(mating moves), from the network's own logits (infer mode). */
export async function mateProbability(net: Network, s: Spot[], rows: ReturnType<typeof fillBatch>): Promise<number> {
  // Probability of the mating set, estimated exactly from log π of each mating action.
  const plan = net.plan(B, { training: true });
  let total = 0;
  for (let p = 0; p < s.length; p++) {
    const mates = [...s[p].mating];
    const actions = new Uint32Array(B);
    for (let i = 0; i < B; i++) actions[i] = rows.rowSpot[i] === p ? mates[i % mates.length] : rows.anyLegal[i];
    const mask = packLegalActions(rows.batch.legalOffsets, rows.batch.legalActions, B, net.numActions);
    const r = await net.evaluateActions(plan, rows.batch.obs, actions, mask);
    const seen = new Set<number>();
    let prob = 0;
    for (let i = 0; i < B; i++) {
      if (rows.rowSpot[i] !== p || seen.has(actions[i])) continue;
      seen.add(actions[i]);
      prob += Math.exp(r.logProbs[i]);
    }
    total += prob;
  }
  net.freePlan(plan);
  return total / s.length;
}

/** The task's network: a 1-block × 16-channel ResNet, seed 3. */
export async function mateNet(backend: Backend, policyHead: "dense" | "conv" = "dense"): Promise<Network> {
  const net = modelFactory(backend, "resnet", { depth: 1, width: 16, seRatio: 0.25, policyHead }, { seed: 3 });
  await net.prepare();
  return net;
}

/** PPO on the task: each iteration one rollout of the B rows (one ply each) and one update of 4 epochs × 2 minibatches. */
export class PpoMates {
  readonly policy: NetworkPolicy;
  readonly adam: Adam;
  readonly learner: PpoLearner;

  constructor(
    readonly net: Network,
    rng: Random,
  ) {
    this.policy = new NetworkPolicy(net, B, rng.fork());
    this.adam = new Adam(net, { lr: 2e-3, maxGradNorm: 0.5 });
    this.learner = new PpoLearner(
      net,
      this.adam,
      {
        epochs: 4,
        minibatchSize: 30,
        clipEpsilon: 0.2,
        valueLossCoeff: 0.5,
        entropyCoef: 0,
        normalizeAdvantages: true,
        enableValueClipping: false,
        targetKl: null,
        schedule: { type: null, kwargs: null, stepOn: "epoch" },
        scheduleTotalSteps: 1,
      },
      rng.fork(),
    );
  }

  async iteration(s: Spot[], rows: ReturnType<typeof fillBatch>): Promise<PpoMetrics> {
    const buf = new RolloutBuffer(B, OBS_SIZE, B);
    await this.policy.act(rows.batch);
    for (let i = 0; i < B; i++) {
      const spot = s[rows.rowSpot[i]];
      const a = rows.batch.actions[i];
      buf.add(
        i,
        spot.pos.sideToMove,
        rows.batch.obs,
        i * OBS_SIZE,
        a,
        rows.batch.logProbs[i],
        rows.batch.values[i],
        rows.batch.legalActions,
        rows.batch.legalOffsets[i],
        spot.legal.length,
      );
      buf.endGame(i, spot.mating.has(a) ? spot.pos.sideToMove : null); // one-ply episodes: mate +1, else 0
    }
    finishRollout(buf, () => 0, 0.99, 0.95);
    return this.learner.update(buf);
  }

  destroy(): void {
    this.learner.destroy();
    this.policy.destroy();
    this.adam.destroy();
  }
}
