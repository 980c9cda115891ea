// Reductions and broadcasts (shaders/reduce.wgsl) and their CPU twins.

import source from "../../../shaders/reduce.wgsl" with { type: "text" };
import { grid1d, type KernelSpec, type UniformSpec } from "../backend.ts";

const uniforms: UniformSpec[] = [
  { name: "outer", type: "u32" },
  { name: "channels", type: "u32" },
  { name: "inner", type: "u32" },
  { name: "scale", type: "f32" },
  { name: "accumulate", type: "u32" },
];

export const channelSum: KernelSpec = {
  name: "reduce.channel_sum",
  source,
  entryPoint: "channel_sum",
  bindings: [
    { name: "x", access: "read" },
    { name: "out", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => [Math.ceil(u.channels / 64)],
  cpu({ x, out }, { outer, channels, inner, scale, accumulate }) {
    for (let c = 0; c < channels; c++) {
      let s = 0;
      for (let o = 0; o < outer; o++) for (let q = 0; q < inner; q++) s += x[(o * channels + c) * inner + q];
      out[c] = accumulate ? out[c] + scale * s : scale * s;
    }
  },
};

export const rowMean: KernelSpec = {
  name: "reduce.row_mean",
  source,
  entryPoint: "row_mean",
  bindings: [
    { name: "x", access: "read" },
    { name: "out", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => grid1d(u.outer * u.channels, 64),
  cpu({ x, out }, { outer, channels, inner, scale }) {
    for (let r = 0; r < outer * channels; r++) {
      let s = 0;
      for (let q = 0; q < inner; q++) s += x[r * inner + q];
      out[r] = scale * s;
    }
  },
};

export const broadcastAdd: KernelSpec = {
  name: "reduce.broadcast_add",
  source,
  entryPoint: "broadcast_add",
  bindings: [
    { name: "v", access: "read" },
    { name: "y", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => grid1d(u.outer * u.channels * u.inner, 64),
  cpu({ v, y }, { outer, channels, inner, scale }) {
    for (let i = 0; i < outer * channels * inner; i++) y[i] += scale * v[Math.floor(i / inner)];
  },
};
