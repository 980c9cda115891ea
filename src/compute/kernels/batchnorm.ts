// Batch normalisation kernels (shaders/batchnorm.wgsl) and their CPU twins.

import body from "../../../shaders/batchnorm.wgsl" with { type: "text" };
import reductions from "../../../shaders/workgroup-reduce.wgsl" with { type: "text" };
import { grid1d, type KernelSpec, type UniformSpec } from "../backend.ts";

/** WGSL has no includes: the shared workgroup reductions are joined in front. */
const source = `${reductions}\n${body}`;

const uniforms: UniformSpec[] = [
  { name: "batch", type: "u32" },
  { name: "channels", type: "u32" },
  { name: "eps", type: "f32" },
  { name: "momentum", type: "f32" },
  { name: "relu", type: "u32" },
  { name: "accumulate", type: "u32" },
];

/** backward and backwardFrozen read and write the same tensors (the WGSL shares their bindings too). */
const backwardBindings: KernelSpec["bindings"] = [
  { name: "x", access: "read" },
  { name: "y", access: "read" },
  { name: "dy", access: "read" },
  { name: "gamma", access: "read" },
  { name: "saved", access: "read" },
  { name: "dx", access: "read_write" },
  { name: "dgamma", access: "read_write" },
  { name: "dbeta", access: "read_write" },
];

export const forwardTrain: KernelSpec = {
  name: "batchnorm.forward_train",
  source,
  entryPoint: "forward_train",
  bindings: [
    { name: "x", access: "read" },
    { name: "gamma", access: "read" },
    { name: "beta", access: "read" },
    { name: "runMean", access: "read_write" },
    { name: "runVar", access: "read_write" },
    { name: "saved", access: "read_write" },
    { name: "y", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => [u.channels],
  cpu({ x, gamma, beta, runMean, runVar, saved, y }, { batch, channels: C, eps, momentum, relu }) {
    const cnt = batch * 81;
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let n = 0; n < batch; n++) for (let q = 0; q < 81; q++) s += x[(n * C + c) * 81 + q];
      const mean = s / cnt;
      let s2 = 0;
      for (let n = 0; n < batch; n++)
        for (let q = 0; q < 81; q++) {
          const d = x[(n * C + c) * 81 + q] - mean;
          s2 += d * d;
        }
      const variance = s2 / cnt;
      const invStd = 1 / Math.sqrt(variance + eps);
      for (let n = 0; n < batch; n++)
        for (let q = 0; q < 81; q++) {
          const i = (n * C + c) * 81 + q;
          const v = (x[i] - mean) * invStd * gamma[c] + beta[c];
          y[i] = relu && v < 0 ? 0 : v;
        }
      saved[c] = mean;
      saved[C + c] = invStd;
      runMean[c] = (1 - momentum) * runMean[c] + momentum * mean;
      runVar[c] = (1 - momentum) * runVar[c] + momentum * ((variance * cnt) / Math.max(cnt - 1, 1));
    }
  },
};

export const forwardInfer: KernelSpec = {
  name: "batchnorm.forward_infer",
  source,
  entryPoint: "forward_infer",
  bindings: [
    { name: "x", access: "read" },
    { name: "gamma", access: "read" },
    { name: "beta", access: "read" },
    { name: "runMean", access: "read" },
    { name: "runVar", access: "read" },
    { name: "y", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => grid1d(u.batch * u.channels * 81, 64),
  cpu({ x, gamma, beta, runMean, runVar, y }, { batch, channels: C, eps, relu }) {
    for (let i = 0; i < batch * C * 81; i++) {
      const c = Math.floor(i / 81) % C;
      const v = (x[i] - runMean[c]) * (gamma[c] / Math.sqrt(runVar[c] + eps)) + beta[c];
      y[i] = relu && v < 0 ? 0 : v;
    }
  },
};

export const backward: KernelSpec = {
  name: "batchnorm.backward",
  source,
  entryPoint: "backward",
  bindings: backwardBindings,
  uniforms,
  workgroups: (u) => [u.channels],
  cpu({ x, y, dy, gamma, saved, dx, dgamma, dbeta }, { batch, channels: C, relu, accumulate }) {
    const cnt = batch * 81;
    const g = (i: number) => (relu && !(y[i] > 0) ? 0 : dy[i]);
    for (let c = 0; c < C; c++) {
      const mean = saved[c];
      const invStd = saved[C + c];
      let sumG = 0;
      let sumGX = 0;
      for (let n = 0; n < batch; n++)
        for (let q = 0; q < 81; q++) {
          const i = (n * C + c) * 81 + q;
          sumG += g(i);
          sumGX += g(i) * (x[i] - mean) * invStd;
        }
      const k = gamma[c] * invStd;
      for (let n = 0; n < batch; n++)
        for (let q = 0; q < 81; q++) {
          const i = (n * C + c) * 81 + q;
          const xhat = (x[i] - mean) * invStd;
          const v = k * (g(i) - sumG / cnt - (xhat * sumGX) / cnt);
          dx[i] = accumulate ? dx[i] + v : v;
        }
      dgamma[c] += sumGX;
      dbeta[c] += sumG;
    }
  },
};

/**
 * Frozen mode (training through the inference function): y exactly as forwardInfer, and
 * saved = [runMean | 1/√(runVar + eps)] for backwardFrozen. The running statistics are only read.
 */
export const forwardFrozen: KernelSpec = {
  name: "batchnorm.forward_frozen",
  source,
  entryPoint: "forward_frozen",
  bindings: [
    { name: "x", access: "read" },
    { name: "gamma", access: "read" },
    { name: "beta", access: "read" },
    { name: "runMean", access: "read" },
    { name: "runVar", access: "read" },
    { name: "saved", access: "read_write" },
    { name: "y", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => grid1d(Math.max(u.batch * u.channels * 81, u.channels), 64),
  cpu(b, u) {
    const { runMean, runVar, saved } = b;
    for (let c = 0; c < u.channels; c++) {
      saved[c] = runMean[c];
      saved[u.channels + c] = 1 / Math.sqrt(runVar[c] + u.eps);
    }
    forwardInfer.cpu(b, u);
  },
};

/**
 * Backward of forwardFrozen: the statistics are constants. g = dy (masked by y > 0 when relu),
 * xhat = (x − mean)·invStd from saved: dbeta += Σ g, dgamma += Σ g·xhat, dx (+)= gamma·invStd·g.
 */
export const backwardFrozen: KernelSpec = {
  name: "batchnorm.backward_frozen",
  source,
  entryPoint: "backward_frozen",
  bindings: backwardBindings,
  uniforms,
  workgroups: (u) => [u.channels],
  cpu({ x, y, dy, gamma, saved, dx, dgamma, dbeta }, { batch, channels: C, relu, accumulate }) {
    for (let c = 0; c < C; c++) {
      const mean = saved[c];
      const invStd = saved[C + c];
      const k = gamma[c] * invStd;
      let sumG = 0;
      let sumGX = 0;
      for (let n = 0; n < batch; n++)
        for (let q = 0; q < 81; q++) {
          const i = (n * C + c) * 81 + q;
          const g = relu && !(y[i] > 0) ? 0 : dy[i];
          sumG += g;
          sumGX += g * (x[i] - mean) * invStd;
          dx[i] = accumulate ? dx[i] + k * g : k * g;
        }
      dgamma[c] += sumGX;
      dbeta[c] += sumG;
    }
  },
};
