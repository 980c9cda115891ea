// Adam / AdamW and global-norm gradient clipping (shaders/optimizer.wgsl) and their CPU twins.

import body from "../../../shaders/optimizer.wgsl" with { type: "text" };
import reductions from "../../../shaders/workgroup-reduce.wgsl" with { type: "text" };
import { grid1d, type KernelSpec, type UniformSpec } from "../backend.ts";

/** WGSL has no includes: the shared workgroup reductions are joined in front. */
const source = `${reductions}\n${body}`;

const uniforms: UniformSpec[] = [
  { name: "n", type: "u32" },
  { name: "lr", type: "f32" },
  { name: "beta1", type: "f32" },
  { name: "beta2", type: "f32" },
  { name: "eps", type: "f32" },
  { name: "weightDecay", type: "f32" },
  { name: "decoupled", type: "u32" },
  { name: "useClip", type: "u32" },
  { name: "bc1", type: "f32" },
  { name: "bc2", type: "f32" },
  { name: "partials", type: "u32" },
  { name: "maxNorm", type: "f32" },
];

export const adam: KernelSpec = {
  name: "optimizer.adam",
  source,
  entryPoint: "adam",
  bindings: [
    { name: "param", access: "read_write" },
    { name: "grad", access: "read" },
    { name: "m", access: "read_write" },
    { name: "v", access: "read_write" },
    { name: "clip", access: "read" },
  ],
  uniforms,
  workgroups: (u) => grid1d(u.n, 64),
  cpu({ param, grad, m, v, clip }, u) {
    const { n, lr, beta1, beta2, eps, weightDecay, decoupled, useClip, bc1, bc2 } = u;
    const scale = useClip ? clip[1] : 1;
    const stepSize = lr / bc1;
    const sqrtBc2 = Math.sqrt(bc2);
    for (let i = 0; i < n; i++) {
      let g = grad[i] * scale;
      let w = param[i];
      if (decoupled) w *= 1 - lr * weightDecay;
      else g += weightDecay * w;
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      param[i] = w - (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtBc2 + eps);
    }
  },
};

export const sumsqPartial: KernelSpec = {
  name: "optimizer.sumsq_partial",
  source,
  entryPoint: "sumsq_partial",
  bindings: [
    { name: "grad", access: "read" },
    { name: "partials", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => [u.partials],
  cpu({ grad, partials }, { n, partials: P }) {
    // Same partition as the WGSL: workgroup w owns elements w·64 + l + k·P·64.
    partials.fill(0, 0, P);
    for (let i = 0; i < n; i++) partials[Math.floor(i / 64) % P] += grad[i] * grad[i];
  },
};

export const clipFactor: KernelSpec = {
  name: "optimizer.clip_factor",
  source,
  entryPoint: "clip_factor",
  bindings: [
    { name: "partials", access: "read" },
    { name: "clip", access: "read_write" },
  ],
  uniforms,
  workgroups: () => [1],
  cpu({ partials, clip }, { partials: P, maxNorm }) {
    let s = 0;
    for (let i = 0; i < P; i++) s += partials[i];
    const norm = Math.sqrt(s);
    clip[0] = norm;
    clip[1] = maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
  },
};

export const scaleBy: KernelSpec = {
  name: "optimizer.scale_by",
  source,
  entryPoint: "scale_by",
  bindings: [
    { name: "grad", access: "read_write" },
    { name: "clip", access: "read" },
  ],
  uniforms,
  workgroups: (u) => grid1d(u.n, 64),
  cpu({ grad, clip }, { n }) {
    for (let i = 0; i < n; i++) grad[i] *= clip[1];
  },
};
