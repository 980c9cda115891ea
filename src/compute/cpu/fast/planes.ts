// Fast paths for the memory-bound kernels (batch norm, squeeze-excitation, reductions,
// elementwise maps, Adam, the gradient norm) on the wasm plane kernels of planes-gen.ts. Per-channel
// statistics: f32 sums per 81-square plane in wasm, added over the batch here in f64 (the twins
// accumulate in f64). Same bindings and uniforms as the twins; false hands a case back to them.

import type { FastBuf, FastContext } from "./types.ts";

type B = Record<string, FastBuf>;
type U = Record<string, number>;

/** Per-channel f64 sums of per-plane values v[n·C + c]. */
function channelSums(v: Float32Array, at: number, batch: number, C: number): Float64Array {
  const s = new Float64Array(C);
  for (let n = 0; n < batch; n++) {
    const row = at + n * C;
    for (let c = 0; c < C; c++) s[c] += v[row + c];
  }
  return s;
}

/** Scratch for `count` per-channel (or per-plane) f32 vectors of length n, as byte addresses. */
function scratchVectors(ctx: FastContext, name: string, count: number, n: number): number[] {
  const stride = Math.ceil((n + 4) / 64) * 64 * 4;
  const at = ctx.heap.scratch(name, count * stride);
  return Array.from({ length: count }, (_, i) => at + i * stride);
}

function bnInferLike(ctx: FastContext, b: B, u: U, saved: FastBuf | null): boolean {
  const { batch, channels: C, eps, relu } = u;
  const [mean, scale] = scratchVectors(ctx, "bn.params", 2, C);
  const f = ctx.heap.f32();
  const rm = b.runMean.ptr >> 2;
  const rv = b.runVar.ptr >> 2;
  const g = b.gamma.ptr >> 2;
  for (let c = 0; c < C; c++) {
    f[(mean >> 2) + c] = f[rm + c];
    f[(scale >> 2) + c] = f[g + c] / Math.sqrt(f[rv + c] + eps);
    if (saved) {
      f[(saved.ptr >> 2) + c] = f[rm + c];
      f[(saved.ptr >> 2) + C + c] = 1 / Math.sqrt(f[rv + c] + eps);
    }
  }
  ctx.heap.k.plane_affine(b.x.ptr, b.y.ptr, batch * C, C, mean, scale, b.beta.ptr, relu ? 1 : 0);
  return true;
}

/** batchnorm.forward_infer */
export const bnForwardInfer = (ctx: FastContext, b: B, u: U) => bnInferLike(ctx, b, u, null);
/** batchnorm.forward_frozen */
export const bnForwardFrozen = (ctx: FastContext, b: B, u: U) => bnInferLike(ctx, b, u, b.saved);

/** batchnorm.forward_train */
export function bnForwardTrain(ctx: FastContext, b: B, u: U): boolean {
  const { batch, channels: C, eps, momentum, relu } = u;
  if (batch === 0) return false;
  const cnt = batch * 81;
  const h = ctx.heap;
  const [mean, scale] = scratchVectors(ctx, "bn.params", 2, C);
  const [sums] = scratchVectors(ctx, "bn.planes", 1, batch * C);
  h.k.plane_sum(b.x.ptr, batch * C, C, 0, 0, sums);
  let f = h.f32();
  const s = channelSums(f, sums >> 2, batch, C);
  for (let c = 0; c < C; c++) f[(mean >> 2) + c] = s[c] / cnt;
  h.k.plane_sum(b.x.ptr, batch * C, C, mean, 1, sums);
  f = h.f32();
  const s2 = channelSums(f, sums >> 2, batch, C);
  const saved = b.saved.ptr >> 2;
  const g = b.gamma.ptr >> 2;
  const rm = b.runMean.ptr >> 2;
  const rv = b.runVar.ptr >> 2;
  for (let c = 0; c < C; c++) {
    const m = s[c] / cnt;
    const variance = s2[c] / cnt;
    const invStd = 1 / Math.sqrt(variance + eps);
    f[(scale >> 2) + c] = invStd * f[g + c];
    f[saved + c] = m;
    f[saved + C + c] = invStd;
    f[rm + c] = (1 - momentum) * f[rm + c] + momentum * m;
    f[rv + c] = (1 - momentum) * f[rv + c] + momentum * ((variance * cnt) / Math.max(cnt - 1, 1));
  }
  h.k.plane_affine(b.x.ptr, b.y.ptr, batch * C, C, mean, scale, b.beta.ptr, relu ? 1 : 0);
  return true;
}

function bnBackwardLike(ctx: FastContext, b: B, u: U, frozen: boolean): boolean {
  const { batch, channels: C, relu, accumulate } = u;
  if (batch === 0) return false;
  const cnt = batch * 81;
  const h = ctx.heap;
  const [k, a, bb] = scratchVectors(ctx, "bn.bwd", 3, C);
  const [sg, sgx] = scratchVectors(ctx, "bn.planes", 2, batch * C);
  const mean = b.saved.ptr;
  const invStd = b.saved.ptr + C * 4;
  h.k.bn_bwd_sums(b.x.ptr, b.y.ptr, b.dy.ptr, batch * C, C, mean, invStd, relu ? 1 : 0, sg, sgx);
  const f = h.f32();
  const sumG = channelSums(f, sg >> 2, batch, C);
  const sumGX = channelSums(f, sgx >> 2, batch, C);
  const g = b.gamma.ptr >> 2;
  const dg = b.dgamma.ptr >> 2;
  const db = b.dbeta.ptr >> 2;
  for (let c = 0; c < C; c++) {
    f[(k >> 2) + c] = f[g + c] * f[(invStd >> 2) + c];
    f[(a >> 2) + c] = frozen ? 0 : sumG[c] / cnt;
    f[(bb >> 2) + c] = frozen ? 0 : sumGX[c] / cnt;
    f[dg + c] += sumGX[c];
    f[db + c] += sumG[c];
  }
  h.k.bn_bwd_dx(
    b.x.ptr,
    b.y.ptr,
    b.dy.ptr,
    b.dx.ptr,
    batch * C,
    C,
    mean,
    invStd,
    k,
    a,
    bb,
    relu ? 1 : 0,
    accumulate ? 1 : 0,
  );
  return true;
}

/** batchnorm.backward */
export const bnBackward = (ctx: FastContext, b: B, u: U) => bnBackwardLike(ctx, b, u, false);
/** batchnorm.backward_frozen */
export const bnBackwardFrozen = (ctx: FastContext, b: B, u: U) => bnBackwardLike(ctx, b, u, true);

/** se.scale_add_relu */
export function seScaleAddRelu(ctx: FastContext, b: B, u: U): boolean {
  ctx.heap.k.se_scale_add_relu(b.x.ptr, b.g.ptr, b.skip.ptr, b.out.ptr, u.batch * u.channels);
  return true;
}

/** se.scale_backward */
export function seScaleBackward(ctx: FastContext, b: B, u: U): boolean {
  ctx.heap.k.se_scale_bwd(
    b.dout.ptr,
    b.out.ptr,
    b.x.ptr,
    b.g.ptr,
    b.dskip.ptr,
    b.dx.ptr,
    b.dz.ptr,
    u.batch * u.channels,
  );
  return true;
}

/** reduce.channel_sum (inner 81: per-square planes; inner 1: columns of a [outer, channels] matrix). */
export function channelSum(ctx: FastContext, b: B, u: U): boolean {
  const { outer, channels: C, inner, scale, accumulate } = u;
  if ((inner !== 81 && inner !== 1) || outer === 0) return false;
  const h = ctx.heap;
  const [tmp] = scratchVectors(ctx, "reduce.tmp", 1, inner === 81 ? outer * C : C);
  let s: ArrayLike<number>;
  if (inner === 81) {
    h.k.plane_sum(b.x.ptr, outer * C, C, 0, 0, tmp);
    s = channelSums(h.f32(), tmp >> 2, outer, C);
  } else {
    h.k.col_sum(b.x.ptr, outer, C, tmp);
    s = h.f32().subarray(tmp >> 2, (tmp >> 2) + C);
  }
  const f = h.f32();
  const out = b.out.ptr >> 2;
  for (let c = 0; c < C; c++) f[out + c] = accumulate ? f[out + c] + scale * s[c] : scale * s[c];
  return true;
}

/** reduce.row_mean (inner 81) */
export function rowMean(ctx: FastContext, b: B, u: U): boolean {
  const { outer, channels, inner, scale } = u;
  if (inner !== 81) return false;
  const n = outer * channels;
  ctx.heap.k.plane_sum(b.x.ptr, n, n, 0, 0, b.out.ptr);
  const f = ctx.heap.f32();
  const out = b.out.ptr >> 2;
  for (let r = 0; r < n; r++) f[out + r] *= scale;
  return true;
}

/** reduce.broadcast_add (inner 81) */
export function broadcastAdd(ctx: FastContext, b: B, u: U): boolean {
  if (u.inner !== 81) return false;
  ctx.heap.k.broadcast_add(b.v.ptr, b.y.ptr, u.outer * u.channels, u.scale);
  return true;
}

/** elementwise.relu_forward / relu_backward / add_relu (bit-identical to the twins). */
export const reluForward = (ctx: FastContext, b: B, u: U) => {
  ctx.heap.k.ew(0, u.n, b.x.ptr, b.x.ptr, b.y.ptr, 0);
  return true;
};
export const reluBackward = (ctx: FastContext, b: B, u: U) => {
  ctx.heap.k.ew(1, u.n, b.dy.ptr, b.y.ptr, b.dx.ptr, 0);
  return true;
};
export const addRelu = (ctx: FastContext, b: B, u: U) => {
  ctx.heap.k.ew(2, u.n, b.a.ptr, b.b.ptr, b.y.ptr, 0);
  return true;
};

/** optimizer.adam (f32 arithmetic; the twin's is f64 rounded to f32 per stored value). */
export function adam(ctx: FastContext, b: B, u: U): boolean {
  const { n, lr, beta1, beta2, eps, weightDecay, decoupled, useClip, bc1, bc2 } = u;
  const scale = useClip ? ctx.heap.f32()[(b.clip.ptr >> 2) + 1] : 1;
  ctx.heap.k.adam(
    b.param.ptr,
    b.grad.ptr,
    b.m.ptr,
    b.v.ptr,
    n,
    scale,
    beta1,
    1 - beta1,
    beta2,
    1 - beta2,
    eps,
    weightDecay,
    1 - lr * weightDecay,
    decoupled ? 1 : 0,
    lr / bc1,
    Math.sqrt(bc2),
  );
  return true;
}

/** optimizer.sumsq_partial: sums of squares per 64-element chunk in wasm; chunk j goes to partial j mod P, as in the twin. */
export function sumsqPartial(ctx: FastContext, b: B, u: U): boolean {
  const { n, partials: P } = u;
  const chunks = Math.ceil(n / 64);
  const [tmp] = scratchVectors(ctx, "sumsq.chunks", 1, chunks);
  ctx.heap.k.sumsq_chunks(b.grad.ptr, n, tmp);
  const f = ctx.heap.f32();
  const out = b.partials.ptr >> 2;
  f.fill(0, out, out + P);
  for (let j = 0; j < chunks; j++) f[out + (j % P)] += f[(tmp >> 2) + j];
  return true;
}
