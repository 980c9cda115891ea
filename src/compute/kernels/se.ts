// Squeeze-excitation scale / residual join (shaders/se.wgsl) and their CPU twins.

import source from "../../../shaders/se.wgsl" with { type: "text" };
import { grid1d, type KernelSpec, type UniformSpec } from "../backend.ts";

const uniforms: UniformSpec[] = [
  { name: "batch", type: "u32" },
  { name: "channels", type: "u32" },
];

export const scaleAddRelu: KernelSpec = {
  name: "se.scale_add_relu",
  source,
  entryPoint: "scale_add_relu",
  bindings: [
    { name: "x", access: "read" },
    { name: "g", access: "read" },
    { name: "skip", access: "read" },
    { name: "out", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => grid1d(u.batch * u.channels * 81, 64),
  cpu({ x, g, skip, out }, { batch, channels }) {
    for (let i = 0; i < batch * channels * 81; i++) {
      const v = Math.fround(Math.fround(x[i] * g[Math.floor(i / 81)]) + skip[i]);
      // biome-ignore lint/complexity/useMathMinMax: relu maps NaN to 0 (as the wasm fast kernels do); Math.max(v, 0) would propagate NaN
      out[i] = v > 0 ? v : 0;
    }
  },
};

export const scaleBackward: KernelSpec = {
  name: "se.scale_backward",
  source,
  entryPoint: "scale_backward",
  bindings: [
    { name: "dout", access: "read" },
    { name: "out", access: "read" },
    { name: "x", access: "read" },
    { name: "g", access: "read" },
    { name: "dskip", access: "read_write" },
    { name: "dx", access: "read_write" },
    { name: "dz", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => grid1d(u.batch * u.channels, 64),
  cpu({ dout, out, x, g, dskip, dx, dz }, { batch, channels }) {
    for (let r = 0; r < batch * channels; r++) {
      let s = 0;
      for (let q = 0; q < 81; q++) {
        const i = r * 81 + q;
        const gm = out[i] > 0 ? dout[i] : 0;
        dskip[i] = gm;
        dx[i] = gm * g[r];
        s += gm * x[i];
      }
      dz[r] = s * g[r] * (1 - g[r]);
    }
  },
};
