// Reductions and broadcasts (shaders/reduce.wgsl; channel_sum_long: shaders/channel-sum.wgsl, on
// the shared workgroup reductions) and their CPU twins.

import channelSumBody from "../../../shaders/channel-sum.wgsl" with { type: "text" };
import source from "../../../shaders/reduce.wgsl" with { type: "text" };
import reductions from "../../../shaders/workgroup-reduce.wgsl" with { type: "text" };
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

/** channel_sum with a workgroup per channel: for long sums (ops.channelSum picks it from LONG_SUM terms). */
export const channelSumLong: KernelSpec = {
  ...channelSum,
  name: "reduce.channel_sum_long",
  source: `${reductions}\n${channelSumBody}`, // WGSL has no includes
  entryPoint: "channel_sum_long",
  workgroups: (u) => grid1d(u.channels, 1),
};

/**
 * From this many terms per channel (outer · inner) channel_sum_long runs: a conv layer's bias
 * gradient (batch × 81 terms, a few hundred channels). With one invocation per channel such a sum
 * took 3.3 ms per 256-channel layer at batch 256 on an H200, a third of a training step; a
 * Linear's (batch terms, up to 13 527 channels) keeps an invocation per channel, which a CPU adapter
 * runs far faster than 13 527 workgroups.
 */
export const LONG_SUM = 4096;

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
