// A policy that picks uniformly among the legal moves and values every position at 0: the random
// opponent of evaluation, and the network-free driver of engine benchmarks.

import { Random } from "../util/random.ts";
import type { ActBatch, ActingPolicy } from "./acting.ts";

export class UniformPolicy implements ActingPolicy {
  private readonly rng: Random;
  constructor(seed: number) {
    this.rng = new Random(seed);
  }
  act(b: ActBatch): void {
    for (let i = 0; i < b.n; i++) {
      const start = b.legalOffsets[i];
      const n = b.legalOffsets[i + 1] - start;
      if (n === 0) throw new Error(`uniform policy: row ${i} has no legal action`);
      b.actions[i] = b.legalActions[start + this.rng.int(n)];
      b.logProbs[i] = -Math.log(n);
      b.values[i] = 0;
    }
  }
}
