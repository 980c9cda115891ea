// Kernel launchers: the layer-level API a model is written in.
//
// Conventions (llm.c's): outputs first, then inputs, then weights, then dimensions. Every tensor
// is a Buf (often a view into one flat parameter / gradient allocation), layout NCHW on 9×9
// boards, f32 — or f16 storage for activations and weights (training.mixed_precision), which any
// launcher takes: it runs the kernel's f16 variant, arithmetic in f32. Parameter gradients
// ACCUMULATE (+=): zero the gradient buffer once per step (`zero`). Activation gradients are
// overwritten unless `accumulate` is passed (a tensor read by two layers, e.g. a residual block's
// input, takes the second gradient with accumulate = true).
// Shapes in the comments: N = batch, C = channels, A = actions (13 527).
//
// The GEMM-shaped kernels (3×3 conv, its weight gradient, the generic GEMM) come in variants:
// register-blocked (CPU adapters such as lavapipe, and the cpu backend) and workgroup-tiled with
// 32- or 64-wide tiles (real GPUs). The backend's autotuned choice picks (Backend.variants), else
// its info.style; all share one CPU twin, so results agree within rounding.

import type { Backend, Buf, KernelSpec, Uniforms } from "./backend.ts";
import * as az from "./kernels/az.ts";
import * as bn from "./kernels/batchnorm.ts";
import * as ew from "./kernels/elementwise.ts";
import { storageVariant } from "./kernels/f16.ts";
import { gatherRows } from "./kernels/gather.ts";
import { ACT, BIAS } from "./kernels/gemm.ts";
import { reductionVariant, variantFor } from "./kernels/index.ts";
import * as opt from "./kernels/optimizer.ts";
import * as ppo from "./kernels/ppo.ts";
import * as red from "./kernels/reduce.ts";
import * as se from "./kernels/se.ts";
import * as sm from "./kernels/softmax.ts";

const b01 = (v: boolean | undefined) => (v ? 1 : 0);

/** The variant of a GEMM-shaped kernel this backend runs (its autotuned choice, else its style's). */
const pick = variantFor;

/**
 * One dispatch; a kernel with workgroup reductions runs as its subgroup twin where the backend
 * chose subgroups, and as its f16 storage variant where f16 buffers are given (kernels/f16.ts).
 */
function launch(be: Backend, kernel: KernelSpec, buffers: Record<string, Buf>, uniforms?: Uniforms): void {
  be.run(storageVariant(reductionVariant(be, kernel), buffers), buffers, uniforms);
}

// ---------------------------------------------------------------- elementwise

/** buf[:] = value */
export function fill(be: Backend, buf: Buf, value: number): void {
  launch(be, ew.fill, { out: buf }, { n: buf.length, alpha: value });
}

/** buf[:] = 0 (gradient buffers, once per step) */
export function zero(be: Backend, buf: Buf): void {
  fill(be, buf, 0);
}

/** y = max(x, 0); x, y: [n] */
export function reluForward(be: Backend, y: Buf, x: Buf): void {
  launch(be, ew.reluForward, { x, y }, { n: x.length, alpha: 0 });
}

/** dx = dy · (y > 0); y is the ReLU's output */
export function reluBackward(be: Backend, dx: Buf, dy: Buf, y: Buf): void {
  launch(be, ew.reluBackward, { dy, y, dx }, { n: dy.length, alpha: 0 });
}

/** y = max(a + b, 0) (residual join without SE); its backward is reluBackward, shared by both branches */
export function addRelu(be: Backend, y: Buf, a: Buf, b: Buf): void {
  launch(be, ew.addRelu, { a, b, y }, { n: y.length, alpha: 0 });
}

/** y = x (into an f16 y: x rounded to f16) */
export function copy(be: Backend, y: Buf, x: Buf): void {
  if (x.length !== y.length) throw new Error(`copy ${x.label} → ${y.label}: lengths ${x.length} and ${y.length}`);
  launch(be, ew.copy, { x, y }, { n: y.length, alpha: 0 });
}

/** y += alpha · x */
export function axpy(be: Backend, y: Buf, x: Buf, alpha = 1): void {
  launch(be, ew.axpy, { x, y }, { n: y.length, alpha });
}

// ---------------------------------------------------------------- 3×3 convolution (padding 1, with bias)

export interface ConvDims {
  batch: number; // N
  cin: number; // input channels
  cout: number; // output channels
}

/** y = conv3x3(x, w) + b.  y: [N, cout, 9, 9], x: [N, cin, 9, 9], w: [cout, cin, 3, 3], b: [cout] */
export function conv3x3Forward(be: Backend, y: Buf, x: Buf, w: Buf, b: Buf, d: ConvDims): void {
  launch(
    be,
    pick(be, "conv"),
    { x, w, bias: b, y },
    {
      batch: d.batch,
      cin: d.cin,
      cout: d.cout,
      wStrideOut: d.cin * 9,
      wStrideIn: 9,
      flip: 0,
      hasBias: 1,
      accumulate: 0,
    },
  );
}

/** dx (+)= conv3x3ᵀ(dy, w).  dx: [N, cin, 9, 9], dy: [N, cout, 9, 9], w: [cout, cin, 3, 3] */
export function conv3x3BackwardData(be: Backend, dx: Buf, dy: Buf, w: Buf, d: ConvDims, accumulate = false): void {
  // The transposed convolution is a convolution of dy with w transposed over channels and flipped.
  launch(
    be,
    pick(be, "conv"),
    { x: dy, w, bias: w, y: dx },
    {
      batch: d.batch,
      cin: d.cout,
      cout: d.cin,
      wStrideOut: 9,
      wStrideIn: d.cin * 9,
      flip: 1,
      hasBias: 0,
      accumulate: b01(accumulate),
    },
  );
}

/** db += Σ over batch and inner of dy: [batch, channels, inner]; a workgroup per channel for long sums. */
function biasGradient(be: Backend, db: Buf, dy: Buf, batch: number, channels: number, inner: number): void {
  const k = batch * inner >= red.LONG_SUM ? red.channelSumLong : red.channelSum;
  launch(be, k, { x: dy, out: db }, { outer: batch, channels, inner, scale: 1, accumulate: 1 });
}

/** dw += ∂/∂w, db += Σ dy.  dw: [cout, cin, 3, 3], db: [cout], x: [N, cin, 9, 9], dy: [N, cout, 9, 9] */
export function conv3x3BackwardWeight(be: Backend, dw: Buf, db: Buf, x: Buf, dy: Buf, d: ConvDims): void {
  launch(
    be,
    pick(be, "weightGrad"),
    { x, dy, dw },
    { batch: d.batch, cin: d.cin, cout: d.cout, wStrideOut: 0, wStrideIn: 0, flip: 0, hasBias: 0, accumulate: 1 },
  );
  biasGradient(be, db, dy, d.batch, d.cout, 81);
}

// ---------------------------------------------------------------- GEMM-based layers

export type Activation = keyof typeof ACT;

interface GemmArgs {
  m: number;
  n: number;
  k: number;
  batch?: number;
  sAb?: number;
  sAm: number;
  sAk: number;
  sBb?: number;
  sBk: number;
  sBn: number;
  sCb?: number;
  sCm: number;
  sCn: number;
  biasMode?: number;
  act?: number;
  accumulate?: boolean;
  sumBatch?: boolean;
}

function runGemm(be: Backend, c: Buf, a: Buf, b: Buf, bias: Buf | null, g: GemmArgs): void {
  launch(
    be,
    pick(be, "gemm"),
    { a, b, bias: bias ?? a, c },
    {
      m: g.m,
      n: g.n,
      k: g.k,
      batch: g.batch ?? 1,
      sAb: g.sAb ?? 0,
      sAm: g.sAm,
      sAk: g.sAk,
      sBb: g.sBb ?? 0,
      sBk: g.sBk,
      sBn: g.sBn,
      sCb: g.sCb ?? 0,
      sCm: g.sCm,
      sCn: g.sCn,
      biasMode: g.biasMode ?? BIAS.none,
      act: g.act ?? ACT.none,
      accumulate: b01(g.accumulate),
      sumBatch: b01(g.sumBatch),
    },
  );
}

export interface LinearDims {
  batch: number; // N
  in: number;
  out: number;
}

/** y = act(x·wᵀ + b).  y: [N, out], x: [N, in], w: [out, in] (PyTorch layout), b: [out] */
export function linearForward(
  be: Backend,
  y: Buf,
  x: Buf,
  w: Buf,
  b: Buf,
  d: LinearDims,
  act: Activation = "none",
): void {
  runGemm(be, y, x, w, b, {
    m: d.batch,
    n: d.out,
    k: d.in,
    sAm: d.in,
    sAk: 1,
    sBk: 1,
    sBn: d.in,
    sCm: d.out,
    sCn: 1,
    biasMode: BIAS.perColumn,
    act: ACT[act],
  });
}

/** dx (+)= dy·w.  dx: [N, in], dy: [N, out], w: [out, in] */
export function linearBackwardData(be: Backend, dx: Buf, dy: Buf, w: Buf, d: LinearDims, accumulate = false): void {
  runGemm(be, dx, dy, w, null, {
    m: d.batch,
    n: d.in,
    k: d.out,
    sAm: d.out,
    sAk: 1,
    sBk: d.in,
    sBn: 1,
    sCm: d.in,
    sCn: 1,
    accumulate,
  });
}

/** dw += dyᵀ·x, db += Σ_N dy.  dw: [out, in], db: [out], x: [N, in], dy: [N, out] */
export function linearBackwardWeight(be: Backend, dw: Buf, db: Buf, x: Buf, dy: Buf, d: LinearDims): void {
  runGemm(be, dw, dy, x, null, {
    m: d.out,
    n: d.in,
    k: d.batch,
    sAm: 1,
    sAk: d.out,
    sBk: d.in,
    sBn: 1,
    sCm: d.in,
    sCn: 1,
    accumulate: true,
  });
  biasGradient(be, db, dy, d.batch, d.out, 1);
}

/** y = w·x[n] + b per sample.  y: [N, cout, 9, 9], x: [N, cin, 9, 9], w: [cout, cin, 1, 1], b: [cout] */
export function conv1x1Forward(be: Backend, y: Buf, x: Buf, w: Buf, b: Buf, d: ConvDims): void {
  runGemm(be, y, w, x, b, {
    m: d.cout,
    n: 81,
    k: d.cin,
    batch: d.batch,
    sAm: d.cin,
    sAk: 1,
    sBb: d.cin * 81,
    sBk: 81,
    sBn: 1,
    sCb: d.cout * 81,
    sCm: 81,
    sCn: 1,
    biasMode: BIAS.perRow,
  });
}

/** dx (+)= wᵀ·dy[n].  dx: [N, cin, 9, 9], dy: [N, cout, 9, 9], w: [cout, cin, 1, 1] */
export function conv1x1BackwardData(be: Backend, dx: Buf, dy: Buf, w: Buf, d: ConvDims, accumulate = false): void {
  runGemm(be, dx, w, dy, null, {
    m: d.cin,
    n: 81,
    k: d.cout,
    batch: d.batch,
    sAm: 1,
    sAk: d.cin,
    sBb: d.cout * 81,
    sBk: 81,
    sBn: 1,
    sCb: d.cin * 81,
    sCm: 81,
    sCn: 1,
    accumulate,
  });
}

/** dw += Σ_n dy[n]·x[n]ᵀ, db += Σ dy.  dw: [cout, cin, 1, 1], db: [cout] */
export function conv1x1BackwardWeight(be: Backend, dw: Buf, db: Buf, x: Buf, dy: Buf, d: ConvDims): void {
  runGemm(be, dw, dy, x, null, {
    m: d.cout,
    n: d.cin,
    k: 81,
    batch: d.batch,
    sAb: d.cout * 81,
    sAm: 81,
    sAk: 1,
    sBb: d.cin * 81,
    sBk: 1,
    sBn: 81,
    sCm: d.cin,
    sCn: 1,
    accumulate: true,
    sumBatch: true,
  });
  biasGradient(be, db, dy, d.batch, d.cout, 81);
}

// ---------------------------------------------------------------- per-mover gather (conv policy head)

export interface GatherDims {
  rows: number; // N
  srcCols: number;
  dstCols: number;
  obsStride: number; // floats per observation row
  moverAt: number; // a cell of the side-to-move plane (1: Black to move) in an observation row
}

/**
 * dst[n, i] = src[n, table[mover(n), i]] (0 where the entry is NONE); mover(n) is 0 when
 * obs[n, moverAt] > 0.5, else 1.  src: [N, srcCols], table: [2, dstCols] u32, obs: [N, obsStride],
 * dst: [N, dstCols]
 */
export function gatherByMover(be: Backend, dst: Buf, src: Buf, table: Buf, obs: Buf, d: GatherDims): void {
  const need: [Buf, number, string][] = [
    [dst, d.rows * d.dstCols, "dst"],
    [src, d.rows * d.srcCols, "src"],
    [table, 2 * d.dstCols, "table"],
    [obs, d.rows * d.obsStride, "obs"],
  ];
  for (const [buf, n, name] of need)
    if (buf.length < n)
      throw new Error(`gatherByMover: ${name} "${buf.label}" holds ${buf.length} elements, needs ${n}`);
  if (d.moverAt >= d.obsStride)
    throw new Error(`gatherByMover: moverAt ${d.moverAt} is outside an observation row of ${d.obsStride}`);
  launch(
    be,
    gatherRows,
    { src, table, obs, dst },
    { rows: d.rows, srcCols: d.srcCols, dstCols: d.dstCols, obsStride: d.obsStride, moverAt: d.moverAt },
  );
}

// ---------------------------------------------------------------- batch norm (+ fused ReLU)

export interface BnDims {
  batch: number;
  channels: number;
}
export interface BnOptions {
  relu?: boolean; // ReLU fused after the normalisation
  momentum?: number; // 0.1
  eps?: number; // 1e-5
}

/**
 * Training mode: batch statistics over N·81, running stats updated (momentum, unbiased variance).
 * y: [N, C, 9, 9], saved: [2, C] (mean, 1/std; keep for backward), x: [N, C, 9, 9],
 * gamma, beta, runMean, runVar: [C]
 */
export function batchNormForwardTrain(
  be: Backend,
  y: Buf,
  saved: Buf,
  x: Buf,
  gamma: Buf,
  beta: Buf,
  runMean: Buf,
  runVar: Buf,
  d: BnDims,
  o: BnOptions = {},
): void {
  launch(
    be,
    bn.forwardTrain,
    { x, gamma, beta, runMean, runVar, saved, y },
    {
      batch: d.batch,
      channels: d.channels,
      eps: o.eps ?? 1e-5,
      momentum: o.momentum ?? 0.1,
      relu: b01(o.relu),
      accumulate: 0,
    },
  );
}

/** Inference mode: running statistics. Shapes as batchNormForwardTrain. */
export function batchNormForwardInfer(
  be: Backend,
  y: Buf,
  x: Buf,
  gamma: Buf,
  beta: Buf,
  runMean: Buf,
  runVar: Buf,
  d: BnDims,
  o: BnOptions = {},
): void {
  launch(
    be,
    bn.forwardInfer,
    { x, gamma, beta, runMean, runVar, y },
    { batch: d.batch, channels: d.channels, eps: o.eps ?? 1e-5, momentum: 0, relu: b01(o.relu), accumulate: 0 },
  );
}

/** dx (+)= ∂/∂x, dgamma += Σ g·xhat, dbeta += Σ g (g = dy masked by y > 0 when relu). x, y: the forward's input and output. */
export function batchNormBackward(
  be: Backend,
  dx: Buf,
  dgamma: Buf,
  dbeta: Buf,
  dy: Buf,
  x: Buf,
  y: Buf,
  gamma: Buf,
  saved: Buf,
  d: BnDims,
  o: { relu?: boolean; accumulate?: boolean } = {},
): void {
  launch(
    be,
    bn.backward,
    { x, y, dy, gamma, saved, dx, dgamma, dbeta },
    { batch: d.batch, channels: d.channels, eps: 0, momentum: 0, relu: b01(o.relu), accumulate: b01(o.accumulate) },
  );
}

/**
 * Frozen mode: the inference function (running statistics; y equals batchNormForwardInfer's) kept
 * trainable: saved ← [runMean, 1/√(runVar + eps)] for batchNormBackwardFrozen. The running
 * statistics are not updated. Shapes as batchNormForwardTrain.
 */
export function batchNormForwardFrozen(
  be: Backend,
  y: Buf,
  saved: Buf,
  x: Buf,
  gamma: Buf,
  beta: Buf,
  runMean: Buf,
  runVar: Buf,
  d: BnDims,
  o: BnOptions = {},
): void {
  launch(
    be,
    bn.forwardFrozen,
    { x, gamma, beta, runMean, runVar, saved, y },
    { batch: d.batch, channels: d.channels, eps: o.eps ?? 1e-5, momentum: 0, relu: b01(o.relu), accumulate: 0 },
  );
}

/**
 * Backward of batchNormForwardFrozen (statistics constant): dx (+)= gamma·invStd·g,
 * dgamma += Σ g·xhat, dbeta += Σ g (g = dy masked by y > 0 when relu). Arguments as batchNormBackward.
 */
export function batchNormBackwardFrozen(
  be: Backend,
  dx: Buf,
  dgamma: Buf,
  dbeta: Buf,
  dy: Buf,
  x: Buf,
  y: Buf,
  gamma: Buf,
  saved: Buf,
  d: BnDims,
  o: { relu?: boolean; accumulate?: boolean } = {},
): void {
  launch(
    be,
    bn.backwardFrozen,
    { x, y, dy, gamma, saved, dx, dgamma, dbeta },
    { batch: d.batch, channels: d.channels, eps: 0, momentum: 0, relu: b01(o.relu), accumulate: b01(o.accumulate) },
  );
}

// ---------------------------------------------------------------- squeeze-excitation + residual join

export interface SeDims {
  batch: number; // N
  channels: number; // C
  hidden: number; // h = max(1, floor(C·se_ratio))
}

/** Saved activations of one SE block (forward writes them, backward reads them). */
export interface SeActivations {
  pooled: Buf; // [N, C]  global average of x
  hidden: Buf; // [N, h]  ReLU(fc1(pooled))
  gate: Buf; // [N, C]  sigmoid(fc2(hidden))
}

/** Scratch for seBackward (contents irrelevant between calls). */
export interface SeScratch {
  dz: Buf; // [N, C]
  dhPre: Buf; // [N, h]
  dh: Buf; // [N, h]
  dpooled: Buf; // [N, C]
}

/**
 * out = ReLU(x · gate + skip): SE on x (the block's second BN output), residual add, ReLU.
 * out, x, skip: [N, C, 9, 9]; w1: [h, C, 1, 1], b1: [h], w2: [C, h, 1, 1], b2: [C] (fc1, fc2)
 */
export function seResidualForward(
  be: Backend,
  out: Buf,
  act: SeActivations,
  x: Buf,
  skip: Buf,
  w1: Buf,
  b1: Buf,
  w2: Buf,
  b2: Buf,
  d: SeDims,
): void {
  launch(
    be,
    red.rowMean,
    { x, out: act.pooled },
    { outer: d.batch, channels: d.channels, inner: 81, scale: 1 / 81, accumulate: 0 },
  );
  linearForward(be, act.hidden, act.pooled, w1, b1, { batch: d.batch, in: d.channels, out: d.hidden }, "relu");
  linearForward(be, act.gate, act.hidden, w2, b2, { batch: d.batch, in: d.hidden, out: d.channels }, "sigmoid");
  launch(be, se.scaleAddRelu, { x, g: act.gate, skip, out }, { batch: d.batch, channels: d.channels });
}

/**
 * Backward of seResidualForward. dx: [N, C, 9, 9] (gradient of x, overwritten), dskip: gradient
 * of the residual input (overwritten; the block's conv1 backward-data then accumulates into it),
 * dw1, db1, dw2, db2: accumulated. dout, out: the block output's gradient and value.
 */
export function seResidualBackward(
  be: Backend,
  dx: Buf,
  dskip: Buf,
  dw1: Buf,
  db1: Buf,
  dw2: Buf,
  db2: Buf,
  s: SeScratch,
  dout: Buf,
  out: Buf,
  x: Buf,
  act: SeActivations,
  w1: Buf,
  w2: Buf,
  d: SeDims,
): void {
  const fc1 = { batch: d.batch, in: d.channels, out: d.hidden };
  const fc2 = { batch: d.batch, in: d.hidden, out: d.channels };
  launch(
    be,
    se.scaleBackward,
    { dout, out, x, g: act.gate, dskip, dx, dz: s.dz },
    { batch: d.batch, channels: d.channels },
  );
  linearBackwardWeight(be, dw2, db2, act.hidden, s.dz, fc2);
  linearBackwardData(be, s.dhPre, s.dz, w2, fc2);
  reluBackward(be, s.dh, s.dhPre, act.hidden);
  linearBackwardWeight(be, dw1, db1, act.pooled, s.dh, fc1);
  linearBackwardData(be, s.dpooled, s.dh, w1, fc1);
  launch(
    be,
    red.broadcastAdd,
    { v: s.dpooled, y: dx },
    { outer: d.batch, channels: d.channels, inner: 81, scale: 1 / 81, accumulate: 0 },
  );
}

// ---------------------------------------------------------------- policy: masked softmax, sampling

export interface PolicyDims {
  rows: number; // N
  actions: number; // A
}

/** Packs a dense 0/1 legal mask [rows, A] into bits: [rows, ceil(A / 32)] u32 words. */
export function packMask(dense: Uint8Array, rows: number, actions: number, out?: Uint32Array): Uint32Array {
  const words = maskWords(actions);
  const bits = out ?? new Uint32Array(rows * words);
  bits.fill(0, 0, rows * words);
  for (let r = 0; r < rows; r++)
    for (let a = 0; a < actions; a++) if (dense[r * actions + a]) bits[r * words + (a >>> 5)] |= 1 << (a & 31);
  return bits;
}

export const maskWords = (actions: number) => Math.ceil(actions / 32);

/** logp = log-softmax over legal actions, −inf elsewhere.  logp, logits: [N, A], mask: [N, words] u32 */
export function maskedLogSoftmax(be: Backend, logp: Buf, logits: Buf, mask: Buf, d: PolicyDims): void {
  launch(
    be,
    sm.logSoftmax,
    { logits, mask, logp },
    { rows: d.rows, actions: d.actions, words: maskWords(d.actions), greedy: 0 },
  );
}

/**
 * action[n] ~ softmax over legal actions by inverse CDF at u[n] (or the argmax when greedy), and
 * its log-probability.  action: [N] u32, actionLogp: [N], logits: [N, A], mask: [N, words] u32, u: [N] in [0, 1)
 */
export function sampleActions(
  be: Backend,
  action: Buf,
  actionLogp: Buf,
  logits: Buf,
  mask: Buf,
  u: Buf,
  d: PolicyDims,
  greedy = false,
): void {
  launch(
    be,
    sm.sample,
    { logits, mask, u, action, actionLogp },
    { rows: d.rows, actions: d.actions, words: maskWords(d.actions), greedy: b01(greedy) },
  );
}

// ---------------------------------------------------------------- PPO loss

export interface PpoOptions {
  clipEps: number; // ε for the ratio (and the value clip)
  valueCoef: number;
  entropyCoef: number;
  valueClip: boolean;
  /** Divisor of the per-sample sums (the minibatch size; defaults to rows). */
  batchSize?: number;
}

/** Outputs of ppoLoss. */
export interface PpoOutputs {
  dlogits: Buf; // [N, A]
  dvalues: Buf; // [N]
  stats: Buf; // [N, 6]  per-sample terms (PPO_STATS)
  /** [7] batch means (PPO_MEANS): policy, value, entropy, approxKl, clipFraction, logp, loss; only when asked for (the learner sums `stats` on the host). */
  means?: Buf;
}

/** Inputs of ppoLoss. */
export interface PpoInputs {
  logits: Buf; // [N, A]
  mask: Buf; // [N, words] u32
  actions: Buf; // [N] u32
  samples: Buf; // [N, 4] = oldLogp, advantage, return, oldValue
  values: Buf; // [N]  the value head's output
}

export function ppoLoss(be: Backend, o: PpoOutputs, i: PpoInputs, d: PolicyDims, opt: PpoOptions): void {
  const u = {
    rows: d.rows,
    actions: d.actions,
    words: maskWords(d.actions),
    valueClip: b01(opt.valueClip),
    clipEps: opt.clipEps,
    valueCoef: opt.valueCoef,
    entropyCoef: opt.entropyCoef,
    invBatch: 1 / (opt.batchSize ?? d.rows),
  };
  launch(be, ppo.loss, { ...i, dlogits: o.dlogits, dvalues: o.dvalues, stats: o.stats }, u);
  if (o.means) launch(be, ppo.statsMean, { stats: o.stats, means: o.means }, u);
}

// ---------------------------------------------------------------- AlphaZero loss

/** Outputs of azLoss. */
export interface AzOutputs {
  dlogits: Buf; // [N, A]
  dvalues: Buf; // [N]
  stats: Buf; // [N, 4]  per-sample terms (AZ_STATS): policy cross-entropy, value loss, entropy, KL(target ‖ π)
  /** [5] batch means (AZ_MEANS), the total loss last; only when asked for (the learner sums `stats` on the host). */
  means?: Buf;
}

/** Inputs of azLoss. */
export interface AzInputs {
  logits: Buf; // [N, A]
  mask: Buf; // [N, words] u32
  targets: Buf; // [N, A]  the policy target over the legal actions (0 elsewhere)
  outcomes: Buf; // [N]  the game's result for the side to move, in [−1, 1]
  values: Buf; // [N]  the value head's output
}

/**
 * Soft-target cross-entropy over the legal actions + valueCoef · (V − Z)², forward and backward
 * (shaders/az.wgsl states the math); gradients are divided by `batchSize` (default: rows).
 */
export function azLoss(
  be: Backend,
  o: AzOutputs,
  i: AzInputs,
  d: PolicyDims,
  opt: { valueCoef: number; batchSize?: number },
): void {
  const u = {
    rows: d.rows,
    actions: d.actions,
    words: maskWords(d.actions),
    valueCoef: opt.valueCoef,
    invBatch: 1 / (opt.batchSize ?? d.rows),
  };
  launch(be, az.loss, { ...i, dlogits: o.dlogits, dvalues: o.dvalues, stats: o.stats }, u);
  if (o.means) launch(be, az.statsMean, { stats: o.stats, means: o.means }, u);
}

// ---------------------------------------------------------------- optimizer

/** Number of partial sums gradNorm uses (the length of its `partials` scratch). */
export const NORM_PARTIALS = 256;

const optUniforms = {
  n: 0,
  lr: 0,
  beta1: 0,
  beta2: 0,
  eps: 0,
  weightDecay: 0,
  decoupled: 0,
  useClip: 0,
  bc1: 1,
  bc2: 1,
  partials: NORM_PARTIALS,
  maxNorm: 0,
};

/**
 * clip = [‖grads‖₂, min(1, maxNorm / (‖grads‖₂ + 1e-6))] computed on the device (maxNorm ≤ 0:
 * factor 1). grads: [n], partials: [NORM_PARTIALS] scratch, clip: [2]. Nothing is read back;
 * adamStep applies the factor.
 */
export function gradNorm(be: Backend, clip: Buf, partials: Buf, grads: Buf, maxNorm: number): void {
  const u = { ...optUniforms, n: grads.length, maxNorm };
  launch(be, opt.sumsqPartial, { grad: grads, partials }, u);
  launch(be, opt.clipFactor, { partials, clip }, u);
}

/** grads *= clip[1] in place (when clipped gradients themselves are wanted). */
export function scaleGrads(be: Backend, grads: Buf, clip: Buf): void {
  launch(be, opt.scaleBy, { grad: grads, clip }, { ...optUniforms, n: grads.length });
}

export interface AdamOptions {
  lr: number;
  beta1?: number; // 0.9
  beta2?: number; // 0.999
  eps?: number; // 1e-8
  weightDecay?: number; // 0
  /** true: AdamW (decoupled decay); false: Adam (weight decay added to the gradient, PyTorch Adam) */
  decoupled?: boolean;
  /** 1-based step count, for the bias corrections */
  step: number;
}

/**
 * One Adam(W) step over flat buffers: params, grads, m, v: [n]. When `clip` (from gradNorm) is
 * given, the gradient is scaled by clip[1] first.
 */
export function adamStep(be: Backend, params: Buf, grads: Buf, m: Buf, v: Buf, clip: Buf | null, o: AdamOptions): void {
  const beta1 = o.beta1 ?? 0.9;
  const beta2 = o.beta2 ?? 0.999;
  launch(
    be,
    opt.adam,
    { param: params, grad: grads, m, v, clip: clip ?? grads },
    {
      ...optUniforms,
      n: params.length,
      lr: o.lr,
      beta1,
      beta2,
      eps: o.eps ?? 1e-8,
      weightDecay: o.weightDecay ?? 0,
      decoupled: b01(o.decoupled),
      useClip: b01(clip !== null),
      bc1: 1 - beta1 ** o.step,
      bc2: 1 - beta2 ** o.step,
    },
  );
}
