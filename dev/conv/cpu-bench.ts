// CPU (TypeScript) 3×3 convolution variants: naive vs blocked forms. The winner (02: im2col +
// register-blocked 4×4 A·Bᵀ, src/compute/kernels/gemm-blocked.ts) is the CPU twin of conv3x3.conv.
// A first twin that accumulated one 81-value output plane per (n, o) in a Float32Array ran at
// 0.56 GFLOP/s, slower than naive (0.76): the accumulator array round-trips memory per tap.
//
//   bun dev/conv/cpu-bench.ts [batch] [channels]

import { conv } from "../../src/compute/kernels/conv3x3.ts";

const [batch = 4, C = 256] = process.argv.slice(2).map(Number);

type U = { batch: number; cin: number; cout: number };

/** 01: one output at a time, bounds checks per tap. */
function naive(x: Float32Array, w: Float32Array, b: Float32Array, y: Float32Array, u: U) {
  for (let n = 0; n < u.batch; n++)
    for (let o = 0; o < u.cout; o++)
      for (let pos = 0; pos < 81; pos++) {
        const r = (pos / 9) | 0;
        const c = pos % 9;
        let acc = b[o];
        for (let i = 0; i < u.cin; i++)
          for (let t = 0; t < 9; t++) {
            const ir = r + ((t / 3) | 0) - 1;
            const ic = c + (t % 3) - 1;
            if (ir >= 0 && ir < 9 && ic >= 0 && ic < 9)
              acc += w[(o * u.cin + i) * 9 + t] * x[(n * u.cin + i) * 81 + ir * 9 + ic];
          }
        y[(n * u.cout + o) * 81 + pos] = acc;
      }
}

/** 03: four output planes at once: each input row is loaded once for 4 channels × 3 taps. */
function plane4(x: Float32Array, w: Float32Array, b: Float32Array, y: Float32Array, u: U) {
  const { batch, cin, cout } = u;
  const acc = new Float32Array(4 * 81);
  for (let n = 0; n < batch; n++) {
    for (let o0 = 0; o0 < cout; o0 += 4) {
      const nb = Math.min(4, cout - o0);
      for (let j = 0; j < 4; j++) acc.fill(j < nb ? b[o0 + j] : 0, j * 81, j * 81 + 81);
      for (let i = 0; i < cin; i++) {
        const xb = (n * cin + i) * 81;
        for (let t = 0; t < 9; t++) {
          const dr = ((t / 3) | 0) - 1;
          const dc = (t % 3) - 1;
          const w0 = w[(o0 * cin + i) * 9 + t];
          const w1 = nb > 1 ? w[((o0 + 1) * cin + i) * 9 + t] : 0;
          const w2 = nb > 2 ? w[((o0 + 2) * cin + i) * 9 + t] : 0;
          const w3 = nb > 3 ? w[((o0 + 3) * cin + i) * 9 + t] : 0;
          const c0 = Math.max(0, -dc);
          const c1 = Math.min(9, 9 - dc);
          for (let r = Math.max(0, -dr); r < Math.min(9, 9 - dr); r++) {
            const s = xb + (r + dr) * 9 + dc;
            const a = r * 9;
            for (let c = c0; c < c1; c++) {
              const xv = x[s + c];
              acc[a + c] += w0 * xv;
              acc[81 + a + c] += w1 * xv;
              acc[162 + a + c] += w2 * xv;
              acc[243 + a + c] += w3 * xv;
            }
          }
        }
      }
      for (let j = 0; j < nb; j++) y.set(acc.subarray(j * 81, j * 81 + 81), (n * cout + o0 + j) * 81);
    }
  }
}

const twin = (x: Float32Array, w: Float32Array, b: Float32Array, y: Float32Array, u: U) =>
  conv.cpu({ x, w, bias: b, y }, { ...u, wStrideOut: u.cin * 9, wStrideIn: 9, flip: 0, hasBias: 1, accumulate: 0 });

function rand(n: number, seed: number) {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

const u = { batch, cin: C, cout: C };
const x = rand(batch * C * 81, 1),
  w = rand(C * C * 9, 2),
  b = rand(C, 3);
const flop = 2 * batch * 81 * C * C * 9;
const ref = new Float32Array(batch * C * 81);
naive(x, w, b, ref, u);
console.log(`CPU conv3x3 forward, batch ${batch}, ${C}→${C}: ${(flop / 1e6).toFixed(0)} MFLOP per call (one thread)`);
for (const [name, f] of [
  ["01 naive", naive],
  ["02 im2col + 4×4 A·Bᵀ (twin)", twin],
  ["03 direct, 4 planes", plane4],
] as const) {
  const y = new Float32Array(batch * C * 81);
  f(x, w, b, y, u);
  let maxd = 0;
  for (let i = 0; i < y.length; i++) maxd = Math.max(maxd, Math.abs(y[i] - ref[i]));
  const t0 = performance.now();
  let it = 0;
  while (performance.now() - t0 < 2000 || it < 2) {
    f(x, w, b, y, u);
    it++;
  }
  const ms = (performance.now() - t0) / it;
  console.log(
    `${name.padEnd(26)} ${ms.toFixed(1).padStart(8)} ms  ${(flop / ms / 1e6).toFixed(2).padStart(6)} GFLOP/s  (max |diff| vs naive ${maxd.toExponential(1)})`,
  );
}
