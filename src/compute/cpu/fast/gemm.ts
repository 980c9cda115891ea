// Fast paths for the GEMM-shaped kernels (gemm.gemm, conv3x3.conv, conv3x3.weight_grad) on the
// wasm SIMD128 tiles of kernels-gen.ts. Each takes the same bindings and uniforms as its CPU twin
// in src/compute/kernels/, reads and writes the heap in place, and returns false to hand a case
// it does not cover back to the twin.
//
// The work is written as a job of independent units (fast/pool.ts): row or column blocks of a
// GEMM, groups of samples of a convolution, blocks of input channels of a weight gradient. With a
// second thread the two claim units as they go; alone, the main thread runs them in order. Every
// output element is computed by one unit in a fixed order, so results do not depend on the
// thread count or on which thread ran what (training runs resume bit for bit). Per-thread
// scratch (im2col columns, padded planes) comes from pool.scratch: an address per thread.

import { ACT, BIAS } from "../../kernels/gemm.ts";
import { COLS_LD, MR, NV } from "./layout.ts";
import type { Job } from "./pool.ts";
import type { FastBuf, FastContext } from "./types.ts";

const NR = 4 * NV;
/** k per wasm call: a B panel of KC × NR floats (12 KiB) stays in L1 across the row blocks. */
const KC = 256;
/** Bytes of A per wasm call (rows × KC, × the batch when summing over it): stays in L2. */
const A_BYTES = 192 << 10;
/** Multiply-adds per unit, about (≈ 0.2 ms): enough to amortise a claim, small enough to balance. */
const UNIT_MACS = 8e6;

/** A GEMM in bytes: the wasm `gemm` arguments (kernels-gen.ts). */
interface GemmCall {
  M: number;
  N: number;
  K: number;
  batch: number;
  a: number;
  sAm: number;
  sAk: number;
  sAb: number;
  b: number;
  ldb: number;
  sBp: number;
  sBb: number;
  c: number;
  ldc: number;
  sCb: number;
  flags: number; // 1 accumulate, 2 sum over the batch
}

/** The wasm gemm as calls of at most KC k-steps and A_BYTES of A (C accumulates across the k cuts), appended to the current unit. */
function blockedGemm(job: Job, g: GemmCall): void {
  const kc = Math.max(1, Math.min(g.K, KC));
  const rowBytes = kc * 4 * (g.flags & 2 ? g.batch : 1);
  const mc = Math.max(MR, Math.floor(A_BYTES / rowBytes / MR) * MR);
  let k0 = 0;
  do {
    const kk = Math.min(kc, g.K - k0);
    const flags = g.flags | (k0 > 0 ? 1 : 0);
    for (let m0 = 0; m0 < g.M; m0 += mc)
      job.call(
        "gemm",
        Math.min(mc, g.M - m0),
        g.N,
        kk,
        g.batch,
        g.a + m0 * g.sAm + k0 * g.sAk,
        g.sAm,
        g.sAk,
        g.sAb,
        g.b + k0 * g.ldb,
        g.ldb,
        g.sBp,
        g.sBb,
        g.c + m0 * g.ldc,
        g.ldc,
        g.sCb,
        flags,
      );
    k0 += kc;
  } while (k0 < g.K);
}

/**
 * The GEMM as units over row blocks (or, for few rows, column blocks) of C; `epilogue(job, m0,
 * rows, n0, cols)` appends what each unit does to its block afterwards.
 */
function gemmUnits(
  job: Job,
  g: GemmCall,
  threads: number,
  epilogue?: (m0: number, rows: number, n0: number, cols: number) => void,
): void {
  const macs = g.M * g.N * Math.max(g.K, 1) * g.batch;
  const want = threads > 1 ? Math.min(2 * threads, Math.ceil(macs / UNIT_MACS)) : 1;
  const rowBlocks = Math.ceil(g.M / MR);
  const colBlocks = Math.ceil(g.N / NR);
  // Row units each read all of B, column units all of A: cut rows when B is the smaller operand.
  const byRows = rowBlocks >= want && (g.K * g.N <= g.M * g.K || colBlocks < want);
  if (want > 1 && byRows) {
    const per = Math.ceil(rowBlocks / want) * MR;
    for (let m0 = 0; m0 < g.M; m0 += per) {
      const rows = Math.min(per, g.M - m0);
      job.unit();
      blockedGemm(job, { ...g, M: rows, a: g.a + m0 * g.sAm, c: g.c + m0 * g.ldc });
      epilogue?.(m0, rows, 0, g.N);
    }
  } else if (want > 1 && colBlocks >= 2) {
    const per = Math.ceil(colBlocks / Math.min(want, colBlocks)) * NR;
    for (let n0 = 0; n0 < g.N; n0 += per) {
      const cols = Math.min(per, g.N - n0);
      job.unit();
      blockedGemm(job, { ...g, N: cols, b: g.b + (n0 / NR) * g.sBp, c: g.c + n0 * 4 });
      epilogue?.(0, g.M, n0, cols);
    }
  } else {
    job.unit();
    blockedGemm(job, g);
    epilogue?.(0, g.M, 0, g.N);
  }
}

/** Packs B[k, n] = src[n·sBn + k] panel-major: dst[p][k][j] = B[k, NR·p + j] (spare columns of the last panel: junk). */
function packPanels(job: Job, N: number, K: number, src: number, sBn: number, dst: number): void {
  for (let n0 = 0, p = 0; n0 < N; n0 += NR, p++)
    job.call("transpose", Math.min(NR, N - n0), K, src + n0 * sBn * 4, sBn * 4, dst + p * K * NR * 4, NR * 4, 0);
}
const panelBytes = (N: number, K: number) => Math.ceil(N / NR) * K * NR * 4;

/** Below this density of non-zeros in A (and from this many elements), gemm.gemm takes the sparse path. */
const SPARSE_DENSITY = 0.05;
const SPARSE_MIN = 1 << 16;
const hasEpilogue = (biasMode: number, act: number) => (biasMode !== BIAS.none || act !== ACT.none ? 1 : 0);

/** gemm.gemm: the strided batched GEMM with bias / activation epilogue. */
export function gemm(ctx: FastContext, b: Record<string, FastBuf>, u: Record<string, number>): boolean {
  const {
    m: M,
    n: N,
    k: K,
    batch,
    sAb,
    sAm,
    sAk,
    sBb,
    sBk,
    sBn,
    sCb,
    sCm,
    sCn,
    biasMode,
    act,
    accumulate,
    sumBatch,
  } = u;
  // The twin applies bias and activation before accumulating; ops.ts never asks for both.
  if (accumulate && (biasMode !== BIAS.none || act !== ACT.none)) return false;
  if (sCn !== 1 || (sumBatch && (biasMode !== BIAS.none || act !== ACT.none))) return false;
  if (M === 0 || N === 0 || batch === 0) return true;
  const pool = ctx.pool;
  // A sparse A (the policy logits' gradient: zero off the legal moves) with B rows along n: the
  // axpy form over A's non-zeros only, as the twin does (it skips zeros too).
  const contiguousA = (sAm === K && sAk === 1) || (sAm === 1 && sAk === M);
  if (
    sBn === 1 &&
    contiguousA &&
    batch === 1 &&
    hasEpilogue(biasMode, act) === 0 &&
    M * K >= SPARSE_MIN &&
    ctx.heap.k.nnz(b.a.ptr, M * K) <= SPARSE_DENSITY * M * K
  ) {
    const job = pool.job();
    const threads = pool.parallel ? pool.threads : 1;
    const per = Math.ceil(M / (2 * threads));
    for (let m0 = 0; m0 < M; m0 += per)
      job
        .unit()
        .call(
          "sparse_gemm",
          Math.min(per, M - m0),
          N,
          K,
          b.a.ptr + m0 * sAm * 4,
          sAm * 4,
          sAk * 4,
          b.b.ptr,
          sBk * 4,
          b.c.ptr + m0 * sCm * 4,
          sCm * 4,
          accumulate ? 1 : 0,
        );
    pool.run(job);
    return true;
  }
  const g: GemmCall = {
    M,
    N,
    K,
    batch,
    a: b.a.ptr,
    sAm: sAm * 4,
    sAk: sAk * 4,
    sAb: sAb * 4,
    b: b.b.ptr,
    ldb: sBk * 4,
    sBp: NR * 4,
    sBb: sBb * 4,
    c: b.c.ptr,
    ldc: sCm * 4,
    sCb: sCb * 4,
    flags: (accumulate ? 1 : 0) | (sumBatch ? 2 : 0),
  };
  if (sBn !== 1) {
    // B runs along k (B[k, n] at n·sBn + k, e.g. a Linear's weight): pack it panel-major, once per
    // version of the weights when there is one B (cached), per call otherwise.
    if (sBk !== 1) return false;
    const items = sBb !== 0 ? batch : 1;
    const per = panelBytes(N, K);
    const hit = items === 1 ? ctx.packCache.get(`${b.b.key}|${K}x${N}|${sBn}`, b.b.version, per) : null;
    const dst = hit ? hit.ptr : ctx.heap.scratch("gemm.packB", items * per);
    if (!hit?.fresh) {
      const pack = pool.job();
      for (let i = 0; i < items; i++) {
        pack.unit();
        packPanels(pack, N, K, b.b.ptr + i * sBb * 4, sBn, dst + i * per);
      }
      pool.run(pack);
    }
    Object.assign(g, { b: dst, ldb: NR * 4, sBp: K * NR * 4, sBb: items === 1 ? 0 : per });
  }
  const mode = biasMode === BIAS.perColumn ? 1 : biasMode === BIAS.perRow ? 2 : 0;
  const relu = act === ACT.relu ? 1 : 0;
  const job = pool.job();
  // (batched products with an epilogue run one item per unit; ops.ts's have no epilogue)
  const items = mode || relu ? batch : 1;
  for (let ob = 0; ob < items; ob++) {
    const gi = items === 1 ? g : { ...g, batch: 1, a: g.a + ob * g.sAb, b: g.b + ob * g.sBb, c: g.c + ob * g.sCb };
    gemmUnits(
      job,
      gi,
      pool.parallel ? pool.threads : 1,
      mode || relu
        ? (m0, rows, n0, cols) =>
            job.call(
              "bias_act",
              rows,
              cols,
              gi.c + m0 * g.ldc + n0 * 4,
              g.ldc,
              b.bias.ptr + (mode === 1 ? n0 * 4 : mode === 2 ? m0 * 4 : 0),
              mode,
              relu,
            )
        : undefined,
    );
  }
  pool.run(job);
  if (act === ACT.sigmoid) {
    const c = ctx.heap.f32();
    for (let ob = 0; ob < batch; ob++)
      for (let m = 0; m < M; m++) {
        const row = (b.c.ptr >> 2) + ob * sCb + m * sCm;
        for (let n = 0; n < N; n++) c[row + n] = 1 / (1 + Math.exp(-c[row + n]));
      }
  }
  return true;
}

/** conv3x3.conv (forward and, with flipped / transposed weight strides, backward-data). */
export function conv(ctx: FastContext, b: Record<string, FastBuf>, u: Record<string, number>): boolean {
  const { batch, cin, cout, wStrideOut, wStrideIn, flip, hasBias, accumulate } = u;
  const K = cin * 9;
  if (batch === 0 || cout === 0) return true;
  if (K === 0) return false;
  const h = ctx.heap;
  const pool = ctx.pool;
  const xpad = pool.scratch("conv.xpad", (cin * 121 + 16) * 4);
  const cols = pool.scratch("conv.cols", (K * COLS_LD + 16) * 4);
  let wPtr = b.w.ptr;
  if (flip || wStrideIn !== 9 || wStrideOut !== K) {
    wPtr = h.scratch("conv.w", cout * K * 4 + 64);
    const f = h.f32();
    const src = b.w.ptr >> 2;
    const dst = wPtr >> 2;
    for (let o = 0; o < cout; o++)
      for (let i = 0; i < cin; i++) {
        const s = src + o * wStrideOut + i * wStrideIn;
        const d = dst + o * K + i * 9;
        for (let t = 0; t < 9; t++) f[d + t] = f[s + (flip ? 8 - t : t)];
      }
  }
  const job = pool.job();
  const perUnit = pool.parallel ? Math.max(1, Math.floor(UNIT_MACS / (cout * K * COLS_LD))) : batch;
  for (let n0 = 0; n0 < batch; n0 += perUnit) {
    job.unit();
    for (let n = n0; n < Math.min(batch, n0 + perUnit); n++) {
      const y = b.y.ptr + n * cout * 81 * 4;
      job.call("pad11", b.x.ptr + n * cin * 81 * 4, cin, xpad);
      job.call("im2col_tap", xpad, cin, cols);
      blockedGemm(job, {
        M: cout,
        N: 81,
        K,
        batch: 1,
        a: wPtr,
        sAm: K * 4,
        sAk: 4,
        sAb: 0,
        b: cols,
        ldb: COLS_LD * 4,
        sBp: NR * 4,
        sBb: 0,
        c: y,
        ldc: 81 * 4,
        sCb: 0,
        flags: accumulate ? 1 : 0,
      });
      if (hasBias) job.call("bias_act", cout, 81, y, 81 * 4, b.bias.ptr, 2, 0);
    }
  }
  pool.run(job);
  return true;
}

/** Samples per weight-gradient GEMM call (their columns sit side by side in scratch). */
const WG_GROUP = 8;

/**
 * conv3x3.weight_grad: dWᵀ[r, o] = Σ_n Σ_q X̂_n[r, q] · dy_n[o, q] (r = 9i + t), then
 * dw (+)= its transpose. dyᵀ of every sample first (one job); then units over blocks of input
 * channels, each computing its rows of dWᵀ over all samples in a fixed order (deterministic,
 * whichever thread runs it): per group of samples, pad + tap-major im2col of its channels (A) and
 * one GEMM summed over the group inside the tiles (B = dyᵀ).
 */
export function weightGrad(ctx: FastContext, b: Record<string, FastBuf>, u: Record<string, number>): boolean {
  const { batch, cin, cout, accumulate } = u;
  const K = cin * 9;
  if (batch === 0 || K === 0 || cout === 0) return false;
  const h = ctx.heap;
  const pool = ctx.pool;
  const threads = pool.parallel ? pool.threads : 1;
  const G = Math.min(WG_GROUP, batch);
  // channel blocks: one when alone, else about 4 per thread (at least 2 channels each)
  const blocks = threads > 1 ? Math.max(1, Math.min(4 * threads, Math.floor(cin / 2))) : 1;
  const cb = Math.ceil(cin / blocks);
  const dyT = h.scratch("wg.dyT", (batch * 81 * cout + 16) * 4);
  const cT = h.scratch("wg.cT", (K * cout + 16) * 4);
  const xpad = pool.scratch("conv.xpad", (cb * 121 + 16) * 4);
  const cols = pool.scratch("wg.cols", (G * cb * 9 * COLS_LD + 16) * 4);
  const tr = pool.job();
  const per = Math.ceil(batch / (2 * threads));
  for (let n0 = 0; n0 < batch; n0 += per) {
    tr.unit();
    for (let n = n0; n < Math.min(batch, n0 + per); n++)
      tr.call("transpose", cout, 81, b.dy.ptr + n * cout * 81 * 4, 81 * 4, dyT + n * 81 * cout * 4, cout * 4, 0);
  }
  pool.run(tr);
  const job = pool.job();
  for (let i0 = 0; i0 < cin; i0 += cb) {
    const ci = Math.min(cb, cin - i0);
    const rows = ci * 9;
    job.unit();
    for (let n0 = 0; n0 < batch; n0 += G) {
      const g = Math.min(G, batch - n0);
      for (let j = 0; j < g; j++) {
        job.call("pad11", b.x.ptr + ((n0 + j) * cin + i0) * 81 * 4, ci, xpad);
        job.call("im2col_tap", xpad, ci, cols + j * rows * COLS_LD * 4);
      }
      blockedGemm(job, {
        M: rows,
        N: cout,
        K: 81,
        batch: g,
        a: cols,
        sAm: COLS_LD * 4,
        sAk: 4,
        sAb: rows * COLS_LD * 4,
        b: dyT + n0 * 81 * cout * 4,
        ldb: cout * 4,
        sBp: NR * 4,
        sBb: 81 * cout * 4,
        c: cT + 9 * i0 * cout * 4,
        ldc: cout * 4,
        sCb: 0,
        flags: 2 | (n0 > 0 ? 1 : 0),
      });
    }
  }
  pool.run(job);
  h.k.transpose(K, cout, cT, cout * 4, b.dw.ptr, K * 4, accumulate ? 1 : 0);
  return true;
}
