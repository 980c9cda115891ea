// The reference twins' matrix kernels (conv3x3 and gemm use them): a register-blocked C = A·Bᵀ (both operands row-major along
// the reduction dimension) and the two im2col layouts that turn a 3×3 convolution on a 9×9
// board into it. 4×4 outputs per block keep 16 accumulators and 8 operands in locals (registers)
// and every load streams along a contiguous row: about 5× a naive convolution loop here
// (dev/conv/cpu-bench.ts).

/**
 * C[m, n] (+)= Σ_k A[m, k] · B[n, k]  for m < M, n < N.
 * A: rows of length ≥ K at stride lda (from aOff); B likewise (ldb, bOff); C at stride ldc (cOff).
 */
export function gemmABt(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  lda: number,
  B: Float32Array,
  bOff: number,
  ldb: number,
  C: Float32Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let m = 0; m < M4; m += 4) {
    const a0 = aOff + m * lda,
      a1 = a0 + lda,
      a2 = a1 + lda,
      a3 = a2 + lda;
    for (let n = 0; n < N4; n += 4) {
      const b0 = bOff + n * ldb,
        b1 = b0 + ldb,
        b2 = b1 + ldb,
        b3 = b2 + ldb;
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k],
          x1 = A[a1 + k],
          x2 = A[a2 + k],
          x3 = A[a3 + k];
        const y0 = B[b0 + k],
          y1 = B[b1 + k],
          y2 = B[b2 + k],
          y3 = B[b3 + k];
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      const c0 = cOff + m * ldc + n,
        c1 = c0 + ldc,
        c2 = c1 + ldc,
        c3 = c2 + ldc;
      if (accumulate) {
        C[c0] += c00;
        C[c0 + 1] += c01;
        C[c0 + 2] += c02;
        C[c0 + 3] += c03;
        C[c1] += c10;
        C[c1 + 1] += c11;
        C[c1 + 2] += c12;
        C[c1 + 3] += c13;
        C[c2] += c20;
        C[c2 + 1] += c21;
        C[c2 + 2] += c22;
        C[c2 + 3] += c23;
        C[c3] += c30;
        C[c3 + 1] += c31;
        C[c3 + 2] += c32;
        C[c3 + 3] += c33;
      } else {
        C[c0] = c00;
        C[c0 + 1] = c01;
        C[c0 + 2] = c02;
        C[c0 + 3] = c03;
        C[c1] = c10;
        C[c1 + 1] = c11;
        C[c1 + 2] = c12;
        C[c1 + 3] = c13;
        C[c2] = c20;
        C[c2 + 1] = c21;
        C[c2 + 2] = c22;
        C[c2 + 3] = c23;
        C[c3] = c30;
        C[c3 + 1] = c31;
        C[c3 + 2] = c32;
        C[c3 + 3] = c33;
      }
    }
  }
  // Edges (M or N not a multiple of 4): plain dot products.
  for (let m = 0; m < M; m++) {
    for (let n = m < M4 ? N4 : 0; n < N; n++) {
      let s = 0;
      const a = aOff + m * lda;
      const b = bOff + n * ldb;
      for (let k = 0; k < K; k++) s += A[a + k] * B[b + k];
      const c = cOff + m * ldc + n;
      C[c] = accumulate ? C[c] + s : s;
    }
  }
}

/**
 * im2col of one sample, position-major: out[q, i·9 + t] = x[i, r + dr, c + dc] (0 off the board),
 * q = 9r + c, t = 3(dr + 1) + (dc + 1). x: [cin, 9, 9] from xOff; out: [81, cin·9].
 */
export function im2colByPosition(x: Float32Array, xOff: number, cin: number, out: Float32Array): void {
  const K = cin * 9;
  for (let q = 0; q < 81; q++) {
    const r = (q / 9) | 0;
    const c = q % 9;
    for (let t = 0; t < 9; t++) {
      const ir = r + ((t / 3) | 0) - 1;
      const ic = c + (t % 3) - 1;
      const inside = ir >= 0 && ir < 9 && ic >= 0 && ic < 9;
      const src = xOff + ir * 9 + ic;
      for (let i = 0; i < cin; i++) out[q * K + i * 9 + t] = inside ? x[src + i * 81] : 0;
    }
  }
}

/** im2col of one sample, tap-major: out[i·9 + t, q] (the transpose of im2colByPosition). out: [cin·9, 81]. */
export function im2colByTap(x: Float32Array, xOff: number, cin: number, out: Float32Array): void {
  for (let i = 0; i < cin; i++) {
    for (let t = 0; t < 9; t++) {
      const dr = ((t / 3) | 0) - 1;
      const dc = (t % 3) - 1;
      const row = (i * 9 + t) * 81;
      for (let q = 0; q < 81; q++) {
        const ir = ((q / 9) | 0) + dr;
        const ic = (q % 9) + dc;
        out[row + q] = ir >= 0 && ir < 9 && ic >= 0 && ic < 9 ? x[xOff + i * 81 + ir * 9 + ic] : 0;
      }
    }
  }
}
