// Fast path of gather.rows (the conv policy head's planes ↔ actions map): the twin tests every
// destination's table entry, most of them NONE (8 500 of 13 527 actions are no piece's geometry);
// this zero-fills each row natively and copies only the mapped pairs, compacted once per table
// (cached per backend on the table buffer's identity and version, a few tables at most). Same
// values as the twin: it is a copy.

import { NONE } from "../../kernels/gather.ts";
import type { FastBuf, FastContext } from "./types.ts";

export interface Pairs {
  version: number;
  /** Per mover: destination columns and source columns of the mapped entries. */
  dst: [Int32Array, Int32Array];
  src: [Int32Array, Int32Array];
}

/** Per backend (buffer keys are only unique within one): table key → its compacted pairs. */
const compactedBy = new WeakMap<FastContext, Map<string, Pairs>>();
const CAPACITY = 8; // a network has two tables; a few networks live at once

export function pairsOf(
  ctx: FastContext,
  table: Uint32Array,
  at: number,
  cols: number,
  key: string,
  version: number,
): Pairs {
  let compacted = compactedBy.get(ctx);
  if (!compacted) {
    compacted = new Map();
    compactedBy.set(ctx, compacted);
  }
  const hit = compacted.get(key);
  if (hit && hit.version === version) return hit;
  const lists = [0, 1].map((mover) => {
    const d: number[] = [];
    const s: number[] = [];
    for (let c = 0; c < cols; c++) {
      const t = table[at + mover * cols + c];
      if (t !== NONE) {
        d.push(c);
        s.push(t);
      }
    }
    return [Int32Array.from(d), Int32Array.from(s)] as const;
  });
  const pairs: Pairs = { version, dst: [lists[0][0], lists[1][0]], src: [lists[0][1], lists[1][1]] };
  compacted.delete(key);
  if (compacted.size >= CAPACITY) compacted.delete(compacted.keys().next().value!); // the oldest
  compacted.set(key, pairs);
  return pairs;
}

/** The compacted pairs of a gather.rows call's table. */
export const tablePairs = (ctx: FastContext, b: Record<string, FastBuf>, dstCols: number): Pairs =>
  pairsOf(ctx, ctx.heap.u32(), b.table.ptr >> 2, dstCols, `${b.table.key}:${dstCols}`, b.table.version);

export function gatherRows(ctx: FastContext, b: Record<string, FastBuf>, u: Record<string, number>): boolean {
  const { rows, srcCols, dstCols, obsStride, moverAt } = u;
  const f = ctx.heap.f32();
  const pairs = tablePairs(ctx, b, dstCols);
  const src = b.src.ptr >> 2;
  const dst = b.dst.ptr >> 2;
  const obs = b.obs.ptr >> 2;
  for (let r = 0; r < rows; r++) {
    const mover = f[obs + r * obsStride + moverAt] > 0.5 ? 0 : 1;
    const d0 = dst + r * dstCols;
    const s0 = src + r * srcCols;
    f.fill(0, d0, d0 + dstCols);
    const ds = pairs.dst[mover];
    const ss = pairs.src[mover];
    for (let i = 0; i < ds.length; i++) f[d0 + ds[i]] = f[s0 + ss[i]];
  }
  return true;
}
