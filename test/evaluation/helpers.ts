// Test helpers: one-position batches, a policy that records its batch sizes, a scratch directory.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ActBatch, type ActingPolicy, allocActBatch } from "../../src/rl/acting.ts";
import { moveToAction } from "../../src/shogi/actions.ts";
import { encodeCore46, OBS_SIZE } from "../../src/shogi/features.ts";
import { MAX_LEGAL_MOVES } from "../../src/shogi/movegen.ts";
import { Position } from "../../src/shogi/position.ts";

/** A batch of the given positions, as the match runner builds it. */
export function batchOf(sfens: string[]): ActBatch {
  const b = allocActBatch(sfens.length);
  const moves = new Uint32Array(MAX_LEGAL_MOVES);
  b.legalOffsets[0] = 0;
  sfens.forEach((sfen, i) => {
    const pos = Position.fromSfen(sfen);
    encodeCore46(pos, 500, b.obs, i * OBS_SIZE);
    const n = pos.generateLegal(moves);
    for (let k = 0; k < n; k++) b.legalActions[b.legalOffsets[i] + k] = moveToAction(moves[k]);
    b.legalOffsets[i + 1] = b.legalOffsets[i] + n;
  });
  return b;
}

/** Wraps a policy and records the size of every batch it is asked about. */
export class CountingPolicy implements ActingPolicy {
  readonly sizes: number[] = [];
  constructor(private readonly inner: ActingPolicy) {}
  act(b: ActBatch): Promise<void> | void {
    this.sizes.push(b.n);
    if (b.obs.length !== b.n * OBS_SIZE || b.actions.length !== b.n || b.legalOffsets.length !== b.n + 1)
      throw new Error("batch arrays do not match n");
    return this.inner.act(b);
  }
}

export const scratchDir = (tag: string): string => mkdtempSync(join(tmpdir(), `keisei-eval-${tag}-`));
