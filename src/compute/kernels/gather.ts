// The per-mover row gather (shaders/gather.wgsl) and its CPU twin: the conv policy head's map
// between logit planes and actions, forward and backward.

import source from "../../../shaders/gather.wgsl" with { type: "text" };
import { grid1d, type KernelSpec, type UniformSpec } from "../backend.ts";

/** The table entry of a destination with no source (0 is written there); policy-planes.ts's NO_CELL. */
export const NONE = 0xffffffff;

const uniforms: UniformSpec[] = ["rows", "srcCols", "dstCols", "obsStride", "moverAt"].map((name) => ({
  name,
  type: "u32",
}));

export const gatherRows: KernelSpec = {
  name: "gather.rows",
  source,
  entryPoint: "gather_rows",
  bindings: [
    { name: "src", access: "read" },
    { name: "table", access: "read", type: "u32" },
    { name: "obs", access: "read" },
    { name: "dst", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => grid1d(u.rows * u.dstCols, 64),
  cpu({ src, table, obs, dst }, { rows, srcCols, dstCols, obsStride, moverAt }) {
    for (let r = 0; r < rows; r++) {
      const t0 = obs[r * obsStride + moverAt] > 0.5 ? 0 : dstCols;
      const s0 = r * srcCols;
      const d0 = r * dstCols;
      for (let c = 0; c < dstCols; c++) {
        const t = table[t0 + c];
        dst[d0 + c] = t === NONE ? 0 : src[s0 + t];
      }
    }
  },
};
