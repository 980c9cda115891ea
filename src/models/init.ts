// Initial values: PyTorch's defaults, drawn from keisei's seeded Random.
//
// Conv2d / Linear: kaiming_uniform_(a = √5) gives weights U(±1/√fan_in); biases U(±1/√fan_in).
// BatchNorm: weight 1, bias 0, running mean 0, running var 1. Tensors are drawn in table order
// (state-dict order), weights before biases, so one seed gives one network.
//
// Defines: initTable.

import { Random } from "../util/random.ts";
import type { SizeTable } from "./params.ts";

/** A flat buffer laid out as `table`, every tensor at its initial value (padding 0). */
export function initTable(table: SizeTable, seed: number): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(table.length);
  for (const t of table.tensors) {
    const dst = out.subarray(t.offset, t.offset + t.size);
    if (t.init.kind === "const") {
      dst.fill(t.init.value);
      continue;
    }
    const bound = 1 / Math.sqrt(t.init.fanIn);
    for (let i = 0; i < t.size; i++) dst[i] = (2 * rng.next() - 1) * bound;
  }
  return out;
}
