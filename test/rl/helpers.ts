// Ends a test rollout the way the trainer does: cut with bootstrap values, shaping rewards, GAE.
import type { RolloutBuffer } from "../../src/rl/buffer.ts";
import { computeGae } from "../../src/rl/gae.ts";

export function finishRollout(
  buf: RolloutBuffer,
  valueAt: (game: number, colour: number) => number,
  gamma: number,
  lambda: number,
  potentialOf?: (game: number, colour: number) => number,
): void {
  buf.cut(valueAt, potentialOf);
  buf.addShapingRewards(gamma);
  computeGae(buf, buf.size, gamma, lambda, buf.advantages, buf.returns);
}
