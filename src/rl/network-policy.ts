// The network as an ActingPolicy: one batched forward pass (BatchNorm running statistics, never
// batch statistics) for all games, masked sampling from seeded uniforms or the greedy choice.

import type { Random } from "../util/random.ts";
import { type ActResult, type Network, packLegalActions, type Plan } from "../models/network.ts";
import type { ActBatch, ActingPolicy } from "./acting.ts";

export class NetworkPolicy implements ActingPolicy {
  private readonly plan: Plan;
  private readonly mask: Uint32Array;
  private readonly uniforms: Float32Array;

  constructor(
    readonly net: Network,
    readonly batch: number,
    private readonly rng: Random,
    readonly deterministic = false,
  ) {
    this.plan = net.plan(batch, { training: false });
    this.mask = new Uint32Array(batch * net.maskWords);
    this.uniforms = new Float32Array(batch);
  }

  async act(b: ActBatch): Promise<void> {
    if (b.n !== this.batch) throw new Error(`network policy planned for ${this.batch} positions, asked for ${b.n}`);
    packLegalActions(b.legalOffsets, b.legalActions, b.n, this.net.numActions, this.mask);
    const obs = b.obs.subarray(0, b.n * this.net.obsSize);
    let r: ActResult;
    if (this.deterministic) r = await this.net.getActionAndValue(this.plan, obs, this.mask, { deterministic: true });
    else {
      for (let i = 0; i < b.n; i++) this.uniforms[i] = this.rng.next();
      r = await this.net.getActionAndValue(this.plan, obs, this.mask, { uniforms: this.uniforms });
    }
    for (let i = 0; i < b.n; i++) b.actions[i] = r.actions[i];
    b.logProbs.set(r.logProbs.subarray(0, b.n));
    b.values.set(r.values.subarray(0, b.n));
  }

  destroy(): void {
    this.net.freePlan(this.plan);
  }
}
