// The network as the search's Evaluator: one batched inference-mode forward pass per round, the
// policy softmax (with a temperature) over each row's legal actions, the value as a win rate.
//
// A network trained with material shaping (training.material_shaping = w) did not learn the game's
// value V: potential-based shaping with Φ = w · material balance (and Φ = 0 at the end) makes the
// return from s equal to V(s) − Φ(s), and that is what its value head regresses — more material,
// lower value. The search wants V, so the evaluator adds Φ back (`valueShaping` = w).

import type { Network, Plan } from "../models/network.ts";
import { core46Material } from "../shogi/features.ts";
import type { Evaluator } from "./puct.ts";

export class NetworkEvaluator implements Evaluator {
  /** Plans of batch 1, 2, 4, … up to batchSize: a round of n leaves runs the smallest that holds it. */
  private readonly plans = new Map<number, Plan>();

  /**
   * `temperature` divides the logits before the softmax (dlshogi's Softmax_Temperature: > 1
   * flattens the priors, widening the search).
   */
  constructor(
    readonly net: Network,
    readonly batchSize: number,
    public temperature = 1,
    /** The material_shaping weight the network was trained with (its checkpoint says: valueShapingOf). */
    readonly valueShaping = 0,
  ) {
    for (let b = 1; ; b *= 2) {
      const size = Math.min(b, batchSize);
      this.plans.set(size, net.plan(size, { training: false }));
      if (size === batchSize) break;
    }
  }

  private planFor(n: number): Plan {
    let b = 1;
    while (b < n) b *= 2;
    return this.plans.get(Math.min(b, this.batchSize)) as Plan;
  }

  async evaluate(
    n: number,
    obs: Float32Array,
    legalOffsets: Int32Array,
    legalActions: Int32Array,
    priors: Float32Array,
    values: Float32Array,
  ): Promise<void> {
    const { net } = this;
    if (n > this.batchSize) throw new Error(`evaluator planned for ${this.batchSize} positions, asked for ${n}`);
    // A plan has a fixed batch: rows past n repeat row 0 (their outputs are ignored).
    const plan = this.planFor(n);
    const B = plan.batch;
    const size = net.obsSize;
    const input = n === B ? obs.subarray(0, B * size) : padRows(obs, n, B, size);
    net.setInputs(plan, input);
    net.forward(plan, "infer");
    const [logits, value] = await Promise.all([
      net.backend.read(plan.logits, 0, n * net.numActions),
      net.backend.read(plan.value, 0, n),
    ]);
    const A = net.numActions;
    const t = this.temperature > 0 ? this.temperature : 1;
    for (let r = 0; r < n; r++) {
      const first = legalOffsets[r];
      const last = legalOffsets[r + 1];
      let max = -Infinity;
      for (let k = first; k < last; k++) max = Math.max(max, logits[r * A + legalActions[k]] / t);
      let sum = 0;
      for (let k = first; k < last; k++) {
        const e = Math.exp(logits[r * A + legalActions[k]] / t - max);
        priors[k] = e;
        sum += e;
      }
      for (let k = first; k < last; k++) priors[k] /= sum;
      // The value head regresses the game result in [−1, 1] for the side to move (less Φ: above).
      const v = value[r] + (this.valueShaping === 0 ? 0 : this.valueShaping * core46Material(obs, r * size));
      values[r] = Math.min(1, Math.max(0, (v + 1) / 2));
    }
  }

  destroy(): void {
    for (const plan of this.plans.values()) this.net.freePlan(plan);
  }
}

let padded = new Float32Array(0);

/** `obs`'s first n rows, then row 0 again up to B rows. */
function padRows(obs: Float32Array, n: number, B: number, size: number): Float32Array {
  if (padded.length !== B * size) padded = new Float32Array(B * size);
  padded.set(obs.subarray(0, n * size));
  for (let r = n; r < B; r++) padded.copyWithin(r * size, 0, size);
  return padded;
}
