// Times the numbered conv3x3 variants in this folder on the WebGPU adapter (lavapipe here), checks
// each against a naive CPU conv on a small odd shape first, then the promoted kernels of both
// styles through their launchers (register-blocked vs workgroup-tiled, side by side), and the
// numbered GEMMs of dev/gemm at 1024³ (spot-checked), all in the same run for comparison.
//
//   XDG_RUNTIME_DIR=/tmp bun dev/conv/bench.ts [batch] [channels] [variant-substring]
//
// Results on the 2-core lavapipe machine (GFLOP/s wall, idle machine; batch 16, 256→256):
//   01 naive 1.9 · 02 row8 15.7 (promoted to shaders/conv3x3.wgsl) · 03 lanes over channels 13.2
//   · 04 row16 4.0 (spills) · 05 row4 7.8 · anchor GEMM re-implemented here 7.8 (the anchors doc
//   reports 14.4 for its own version). Under load compare GFLOP/CPU-s: 02 ≈ 8, naive ≈ 1.
// Register vs tiled (same run, batch 16, 256→256, machine shared with another benchmark, GFLOP/CPU-s):
//   through ops, the promoted shaders/conv3x3.wgsl vs shaders/conv3x3-tiled.wgsl: conv forward
//   4.9 vs 1.0, backward-data 8.1 vs 0.9, weight-grad 7.7 vs 1.5, 1×1 conv 5.5 vs 1.3, linear 162→13527 2.9 vs 0.23 (batch 16 fills a quarter of a 64-row tile),
//   linear 1024³ 2.3 vs 1.1; dev/gemm 01 regblock 4.2 vs 02 tiled 1.1. Tiled loses on lavapipe as
//   expected (anchors §4); no real GPU has measured it yet.

import { readdirSync, readFileSync } from "node:fs";
import { grid1d, type Backend, type KernelSpec, type KernelStyle, type Uniforms } from "../../src/compute/backend.ts";
import { openDevice } from "../../src/compute/webgpu/adapter.ts";
import { WebGpuBackend } from "../../src/compute/webgpu/backend.ts";

const [batch = 32, channels = 256] = process.argv.slice(2, 4).map(Number);
const only = process.argv[4] ?? "";

const convUniforms = ["batch", "cin", "cout", "wStrideOut", "wStrideIn", "flip", "hasBias", "accumulate"].map(
  (name) => ({ name, type: "u32" as const }),
);

/** How many invocations each variant wants (by file-name prefix) and its workgroup size. */
function gridFor(file: string): (u: Uniforms) => [number, number?, number?] {
  const src = readFileSync(`${import.meta.dir}/${file}`, "utf8");
  const cb = Number(/const CB: u32 = (\d+)u;/.exec(src)?.[1] ?? 1);
  const wg = Number(/@workgroup_size\((\d+)\)/.exec(src)?.[1] ?? 64);
  if (file.startsWith("01-")) return (u) => grid1d(u.batch * u.cout * 81, wg);
  const tileM = Number(/const BM: u32 = (\d+)u;/.exec(src)?.[1] ?? 0);
  const tileN = Number(/const BN: u32 = (\d+)u;/.exec(src)?.[1] ?? 0);
  if (tileM) return (u) => grid1d(Math.ceil(u.cout / tileM) * Math.ceil((u.batch * 81) / tileN), 1); // one workgroup per output tile
  const rowsPer = Number(/const ROWS: u32 = (\d+)u;/.exec(src)?.[1] ?? 1);
  return (u) => grid1d(Math.ceil((u.batch * 9) / rowsPer) * Math.ceil(u.cout / cb), wg);
}

function naiveConv(x: Float32Array, w: Float32Array, bias: Float32Array, y: Float32Array, u: Uniforms) {
  for (let n = 0; n < u.batch; n++)
    for (let co = 0; co < u.cout; co++)
      for (let pos = 0; pos < 81; pos++) {
        let acc = u.hasBias ? bias[co] : 0;
        for (let ci = 0; ci < u.cin; ci++)
          for (let k = 0; k < 9; k++) {
            const iy = Math.floor(pos / 9) + Math.floor(k / 3) - 1;
            const ix = (pos % 9) + (k % 3) - 1;
            if (iy < 0 || iy > 8 || ix < 0 || ix > 8) continue;
            const kk = u.flip ? 8 - k : k;
            acc += w[co * u.wStrideOut + ci * u.wStrideIn + kk] * x[(n * u.cin + ci) * 81 + iy * 9 + ix];
          }
        y[(n * u.cout + co) * 81 + pos] = acc + (u.accumulate ? y[(n * u.cout + co) * 81 + pos] : 0);
      }
}

const opened = await openDevice();
if (opened instanceof Error) throw opened;
const g = new WebGpuBackend(opened);
console.log(g.info.description);

function spec(file: string): KernelSpec {
  return {
    name: file,
    source: readFileSync(`${import.meta.dir}/${file}`, "utf8"),
    entryPoint: "conv",
    bindings: [
      { name: "x", access: "read" },
      { name: "w", access: "read" },
      { name: "b", access: "read" },
      { name: "y", access: "read_write" },
    ],
    uniforms: convUniforms,
    workgroups: gridFor(file),
    cpu: () => {},
  };
}

function rand(n: number, seed: number) {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

async function check(k: KernelSpec) {
  for (const [batch, cin, cout, flip] of [
    [2, 5, 11, 0],
    [3, 13, 9, 1],
  ]) {
    // flip = backward-data: w is [cin_fwd = cout, cout_fwd = cin, 3, 3] read transposed
    const u: Uniforms = {
      batch,
      cin,
      cout,
      wStrideOut: flip ? 9 : cin * 9,
      wStrideIn: flip ? cout * 9 : 9,
      flip,
      hasBias: 1 - flip,
      accumulate: flip,
    };
    const x = rand(batch * cin * 81, 1),
      w = rand(cin * cout * 9, 2),
      bias = rand(cout, 3),
      y0 = rand(batch * cout * 81, 4);
    const want = y0.slice();
    naiveConv(x, w, bias, want, u);
    const bx = g.alloc("x", x.length),
      bw = g.alloc("w", w.length),
      bb = g.alloc("b", cout),
      by = g.alloc("y", y0.length);
    g.write(bx, x);
    g.write(bw, w);
    g.write(bb, bias);
    g.write(by, y0);
    g.run(k, { x: bx, w: bw, b: bb, y: by }, u);
    const got = await g.read(by);
    let maxd = 0;
    for (let i = 0; i < got.length; i++) maxd = Math.max(maxd, Math.abs(got[i] - want[i]));
    if (!(maxd < 1e-4)) throw new Error(`${k.name} wrong: max diff ${maxd} (flip ${flip})`);
    for (const b of [bx, bw, bb, by]) g.free(b);
  }
}

async function time(run: () => void, flop: number, minMs = 1500) {
  run();
  await g.submit(); // warm-up (and compile)
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let iters = 0;
  while (performance.now() - t0 < minMs || iters < 2) {
    run();
    await g.submit();
    iters++;
  }
  const ms = (performance.now() - t0) / iters;
  const cpu = process.cpuUsage(c0);
  const cpuS = (cpu.user + cpu.system) / 1e6 / iters;
  return { ms, gflops: flop / ms / 1e6, gflopPerCpuS: flop / cpuS / 1e9 };
}

const files = readdirSync(import.meta.dir)
  .filter((f) => /^\d\d-.*\.wgsl$/.test(f) && f.includes(only))
  .sort();
const u: Uniforms = {
  batch,
  cin: channels,
  cout: channels,
  wStrideOut: channels * 9,
  wStrideIn: 9,
  flip: 0,
  hasBias: 1,
  accumulate: 0,
};
const flop = 2 * batch * 81 * channels * channels * 9;
const x = g.alloc("x", batch * channels * 81),
  w = g.alloc("w", channels * channels * 9),
  b = g.alloc("b", channels),
  y = g.alloc("y", batch * channels * 81);
g.write(x, rand(x.length, 5));
g.write(w, rand(w.length, 6));
console.log(
  `conv3x3 forward, batch ${batch}, ${channels}→${channels} channels: ${(flop / 1e9).toFixed(2)} GFLOP per call`,
);
for (const f of files) {
  const k = spec(f);
  const t0 = performance.now();
  await g.prepare([k]);
  const compileMs = performance.now() - t0;
  await check(k);
  const r = await time(() => g.run(k, { x, w, b, y }, u), flop);
  console.log(
    `${f.padEnd(32)} ${r.ms.toFixed(1).padStart(8)} ms  ${r.gflops.toFixed(2).padStart(6)} GFLOP/s  ${r.gflopPerCpuS.toFixed(2).padStart(6)} GFLOP/CPU-s  (compile ${compileMs.toFixed(0)} ms)`,
  );
}

/** g as seen by the launchers with another kernel style: ops only reads info.style and calls run(). */
function styled(style: KernelStyle): Backend {
  return {
    info: { ...g.info, style },
    run: (k: KernelSpec, b: Parameters<Backend["run"]>[1], u?: Uniforms) => g.run(k, b, u),
  } as unknown as Backend;
}

if (!only) {
  // The promoted kernels of both styles through their launchers (src/compute/ops.ts), same shape.
  const ops = await import("../../src/compute/ops.ts");
  const d = { batch, cin: channels, cout: channels };
  const dw = g.alloc("dw", channels * channels * 9),
    db = g.alloc("db", channels),
    dx = g.alloc("dx", batch * channels * 81);
  const w1 = g.alloc("w1", channels * channels);
  g.write(w1, rand(channels * channels, 10));
  const nA = 13527,
    nK = 162; // the policy head's Linear (162 → 13 527) at this batch
  const px = g.alloc("px", batch * nK),
    pw = g.alloc("pw", nA * nK),
    pb = g.alloc("pb", nA),
    py = g.alloc("py", batch * nA);
  g.write(pw, rand(nA * nK, 9));
  const S = 1024; // a square GEMM through the generic strided kernel (Linear: x·Wᵀ)
  const sx = g.alloc("sx", S * S),
    sw = g.alloc("sw", S * S),
    sb = g.alloc("sb", S),
    sy = g.alloc("sy", S * S);
  g.write(sx, rand(S * S, 11));
  g.write(sw, rand(S * S, 12));
  const cases: [string, (be: Backend) => void, number][] = [
    ["conv3x3 forward", (be) => ops.conv3x3Forward(be, y, x, w, b, d), flop],
    ["conv3x3 backward-data", (be) => ops.conv3x3BackwardData(be, dx, y, w, d), flop],
    ["conv3x3 weight-grad (+bias)", (be) => ops.conv3x3BackwardWeight(be, dw, db, x, y, d), flop],
    ["gemm 1×1 conv forward", (be) => ops.conv1x1Forward(be, y, x, w1, b, d), 2 * batch * 81 * channels * channels],
    [
      "gemm linear 162→13527",
      (be) => ops.linearForward(be, py, px, pw, pb, { batch, in: nK, out: nA }),
      2 * batch * nA * nK,
    ],
    ["gemm linear 1024³", (be) => ops.linearForward(be, sy, sx, sw, sb, { batch: S, in: S, out: S }), 2 * S ** 3],
  ];
  console.log(`\npromoted kernels, register vs tiled on this adapter (GFLOP/s wall; GFLOP/CPU-s)`);
  for (const [name, run, f] of cases) {
    const reg = await time(() => run(styled("register")), f);
    const til = await time(() => run(styled("tiled")), f);
    const fmt = (r: { gflops: number; gflopPerCpuS: number }) =>
      `${r.gflops.toFixed(2).padStart(6)} (${r.gflopPerCpuS.toFixed(2)})`;
    console.log(
      `${name.padEnd(32)} register ${fmt(reg)}   tiled ${fmt(til)}   tiled/register ${(til.gflops / reg.gflops).toFixed(2)}`,
    );
  }

  // The numbered GEMMs of dev/gemm at 1024³ (row-major C = A·B, M, N multiples of 64), same run,
  // each spot-checked against a CPU dot product at 64 random entries.
  const A = g.alloc("A", S * S),
    B = g.alloc("B", S * S),
    C = g.alloc("C", S * S);
  const ha = rand(S * S, 7),
    hb = rand(S * S, 8);
  g.write(A, ha);
  g.write(B, hb);
  console.log(`\ndev/gemm variants, ${S}³`);
  const gemmDir = `${import.meta.dir}/../gemm`;
  for (const file of readdirSync(gemmDir)
    .filter((f) => /^\d\d-.*\.wgsl$/.test(f))
    .sort()) {
    const gemm: KernelSpec = {
      name: `dev-gemm-${file}`,
      source: readFileSync(`${gemmDir}/${file}`, "utf8"),
      entryPoint: "gemm",
      bindings: [
        { name: "a", access: "read" },
        { name: "b", access: "read" },
        { name: "c", access: "read_write" },
      ],
      uniforms: ["m", "n", "k", "pad"].map((name) => ({ name, type: "u32" as const })),
      workgroups: () => [S / 64, S / 64], // both designs: 64×64 of C per workgroup
      cpu: () => {},
    };
    const run = () => g.run(gemm, { a: A, b: B, c: C }, { m: S, n: S, k: S, pad: 0 });
    run();
    const got = await g.read(C);
    for (let t = 0; t < 64; t++) {
      const i = (t * 977) % S,
        j = (t * 613 + 5) % S;
      let want = 0;
      for (let k = 0; k < S; k++) want += ha[i * S + k] * hb[k * S + j];
      if (!(Math.abs(got[i * S + j] - want) < 1e-3))
        throw new Error(`${file} wrong at [${i}, ${j}]: ${got[i * S + j]} vs ${want}`);
    }
    const r = await time(run, 2 * S ** 3);
    console.log(
      `${file.padEnd(32)} ${r.ms.toFixed(1).padStart(8)} ms  ${r.gflops.toFixed(2).padStart(6)} GFLOP/s  ${r.gflopPerCpuS.toFixed(2).padStart(6)} GFLOP/CPU-s`,
    );
  }
}
g.destroy();
process.exit(0);
