// Elementwise kernels (shaders/elementwise.wgsl) and their CPU twins.

import source from "../../../shaders/elementwise.wgsl" with { type: "text" };
import { grid1d, type KernelSpec, type UniformSpec } from "../backend.ts";

const uniforms: UniformSpec[] = [
  { name: "n", type: "u32" },
  { name: "alpha", type: "f32" },
];
const grid = (u: Record<string, number>) => grid1d(u.n, 64);

export const fill: KernelSpec = {
  name: "elementwise.fill",
  source,
  entryPoint: "fill",
  bindings: [{ name: "out", access: "read_write" }],
  uniforms,
  workgroups: grid,
  cpu({ out }, { n, alpha }) {
    out.fill(alpha, 0, n);
  },
};

export const reluForward: KernelSpec = {
  name: "elementwise.relu_forward",
  source,
  entryPoint: "relu_forward",
  bindings: [
    { name: "x", access: "read" },
    { name: "y", access: "read_write" },
  ],
  uniforms,
  workgroups: grid,
  cpu({ x, y }, { n }) {
    // biome-ignore lint/complexity/useMathMinMax: relu maps NaN to 0 (as the wasm fast kernels do); Math.max(v, 0) would propagate NaN
    for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
  },
};

export const reluBackward: KernelSpec = {
  name: "elementwise.relu_backward",
  source,
  entryPoint: "relu_backward",
  bindings: [
    { name: "dy", access: "read" },
    { name: "y", access: "read" },
    { name: "dx", access: "read_write" },
  ],
  uniforms,
  workgroups: grid,
  cpu({ dy, y, dx }, { n }) {
    for (let i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
  },
};

export const addRelu: KernelSpec = {
  name: "elementwise.add_relu",
  source,
  entryPoint: "add_relu",
  bindings: [
    { name: "a", access: "read" },
    { name: "b", access: "read" },
    { name: "y", access: "read_write" },
  ],
  uniforms,
  workgroups: grid,
  cpu({ a, b, y }, { n }) {
    for (let i = 0; i < n; i++) {
      const s = Math.fround(a[i] + b[i]);
      // biome-ignore lint/complexity/useMathMinMax: relu maps NaN to 0 (as the wasm fast kernels do); Math.max(v, 0) would propagate NaN
      y[i] = s > 0 ? s : 0;
    }
  },
};

export const axpy: KernelSpec = {
  name: "elementwise.axpy",
  source,
  entryPoint: "axpy",
  bindings: [
    { name: "x", access: "read" },
    { name: "y", access: "read_write" },
  ],
  uniforms,
  workgroups: grid,
  cpu({ x, y }, { n, alpha }) {
    for (let i = 0; i < n; i++) y[i] += alpha * x[i];
  },
};

export const copy: KernelSpec = {
  name: "elementwise.copy",
  source,
  entryPoint: "copy",
  bindings: [
    { name: "x", access: "read" },
    { name: "y", access: "read_write" },
  ],
  uniforms,
  workgroups: grid,
  cpu({ x, y }, { n }) {
    y.set(x.subarray(0, n));
  },
};
