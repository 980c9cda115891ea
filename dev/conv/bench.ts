// Times the numbered conv3x3 variants in this folder on the WebGPU adapter (lavapipe here), checks
// each against a naive CPU conv on a small odd shape first, and times the anchor GEMM
// (dev/gemm/01-regblock8x8.wgsl, 1024³) in the same run for comparison.
//
//   XDG_RUNTIME_DIR=/tmp bun dev/conv/bench.ts [batch] [channels] [variant-substring]
//
// Results on the 2-core lavapipe machine (GFLOP/s wall, idle machine; batch 16, 256→256):
//   01 naive 1.9 · 02 row8 15.7 (promoted to shaders/conv3x3.wgsl) · 03 lanes over channels 13.2
//   · 04 row16 4.0 (spills) · 05 row4 7.8 · anchor GEMM re-implemented here 7.8 (the anchors doc
//   reports 14.4 for its own version). Under load compare GFLOP/CPU-s: 02 ≈ 8, naive ≈ 1.

import { readdirSync, readFileSync } from "node:fs";
import { grid1d, type KernelSpec, type Uniforms } from "../../src/compute/backend.ts";
import { openDevice } from "../../src/compute/webgpu/adapter.ts";
import { WebGpuBackend } from "../../src/compute/webgpu/backend.ts";

const [batch = 32, channels = 256] = process.argv.slice(2, 4).map(Number);
const only = process.argv[4] ?? "";

const convUniforms = ["batch", "cin", "cout", "wStrideOut", "wStrideIn", "flip", "hasBias", "accumulate"].map((name) => ({ name, type: "u32" as const }));

/** How many invocations each variant wants (by file-name prefix) and its workgroup size. */
function gridFor(file: string): (u: Uniforms) => [number, number?, number?] {
  const src = readFileSync(`${import.meta.dir}/${file}`, "utf8");
  const cb = Number(/const CB: u32 = (\d+)u;/.exec(src)?.[1] ?? 1);
  const wg = Number(/@workgroup_size\((\d+)\)/.exec(src)?.[1] ?? 64);
  if (file.startsWith("01-")) return (u) => grid1d(u.batch * u.cout * 81, wg);
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
    bindings: [{ name: "x", access: "read" }, { name: "w", access: "read" }, { name: "b", access: "read" }, { name: "y", access: "read_write" }],
    uniforms: convUniforms,
    workgroups: gridFor(file),
    cpu: () => {},
  };
}

function rand(n: number, seed: number) {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
}

async function check(k: KernelSpec) {
  for (const [batch, cin, cout, flip] of [[2, 5, 11, 0], [3, 13, 9, 1]]) {
    // flip = backward-data: w is [cin_fwd = cout, cout_fwd = cin, 3, 3] read transposed
    const u: Uniforms = { batch, cin, cout, wStrideOut: flip ? 9 : cin * 9, wStrideIn: flip ? cout * 9 : 9, flip, hasBias: 1 - flip, accumulate: flip };
    const x = rand(batch * cin * 81, 1), w = rand(cin * cout * 9, 2), bias = rand(cout, 3), y0 = rand(batch * cout * 81, 4);
    const want = y0.slice();
    naiveConv(x, w, bias, want, u);
    const bx = g.alloc("x", x.length), bw = g.alloc("w", w.length), bb = g.alloc("b", cout), by = g.alloc("y", y0.length);
    g.write(bx, x); g.write(bw, w); g.write(bb, bias); g.write(by, y0);
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

const files = readdirSync(import.meta.dir).filter((f) => /^\d\d-.*\.wgsl$/.test(f) && f.includes(only)).sort();
const u: Uniforms = { batch, cin: channels, cout: channels, wStrideOut: channels * 9, wStrideIn: 9, flip: 0, hasBias: 1, accumulate: 0 };
const flop = 2 * batch * 81 * channels * channels * 9;
const x = g.alloc("x", batch * channels * 81), w = g.alloc("w", channels * channels * 9), b = g.alloc("b", channels), y = g.alloc("y", batch * channels * 81);
g.write(x, rand(x.length, 5));
g.write(w, rand(w.length, 6));
console.log(`conv3x3 forward, batch ${batch}, ${channels}→${channels} channels: ${(flop / 1e9).toFixed(2)} GFLOP per call`);
for (const f of files) {
  const k = spec(f);
  const t0 = performance.now();
  await g.prepare([k]);
  const compileMs = performance.now() - t0;
  await check(k);
  const r = await time(() => g.run(k, { x, w, b, y }, u), flop);
  console.log(`${f.padEnd(32)} ${r.ms.toFixed(1).padStart(8)} ms  ${r.gflops.toFixed(2).padStart(6)} GFLOP/s  ${r.gflopPerCpuS.toFixed(2).padStart(6)} GFLOP/CPU-s  (compile ${compileMs.toFixed(0)} ms)`);
}

if (!only) {
  // The promoted kernels through their launchers (src/compute/ops.ts), same shape.
  const ops = await import("../../src/compute/ops.ts");
  const d = { batch, cin: channels, cout: channels };
  const dw = g.alloc("dw", channels * channels * 9), db = g.alloc("db", channels), dx = g.alloc("dx", batch * channels * 81);
  for (const [name, run] of [
    ["shaders/conv3x3 forward", () => ops.conv3x3Forward(g, y, x, w, b, d)],
    ["shaders/conv3x3 backward-data", () => ops.conv3x3BackwardData(g, dx, y, w, d)],
    ["shaders/conv3x3 weight-grad (+bias)", () => ops.conv3x3BackwardWeight(g, dw, db, x, y, d)],
  ] as const) {
    const r = await time(run, flop);
    console.log(`${name.padEnd(32)} ${r.ms.toFixed(1).padStart(8)} ms  ${r.gflops.toFixed(2).padStart(6)} GFLOP/s  ${r.gflopPerCpuS.toFixed(2).padStart(6)} GFLOP/CPU-s`);
  }
  // The policy head's Linear (162 → 13 527) at this batch, forward.
  const nA = 13527, nK = 162;
  const px = g.alloc("px", batch * nK), pw = g.alloc("pw", nA * nK), pb = g.alloc("pb", nA), py = g.alloc("py", batch * nA);
  g.write(pw, rand(nA * nK, 9));
  const rl = await time(() => ops.linearForward(g, py, px, pw, pb, { batch, in: nK, out: nA }), 2 * batch * nA * nK);
  console.log(`${"shaders/gemm linear 162→13527".padEnd(32)} ${rl.ms.toFixed(1).padStart(8)} ms  ${rl.gflops.toFixed(2).padStart(6)} GFLOP/s  ${rl.gflopPerCpuS.toFixed(2).padStart(6)} GFLOP/CPU-s`);

  // The anchor GEMM, same run.
  const S = 1024;
  const gemm: KernelSpec = {
    name: "anchor-gemm",
    source: readFileSync(`${import.meta.dir}/../gemm/01-regblock8x8.wgsl`, "utf8"),
    entryPoint: "gemm",
    bindings: [{ name: "a", access: "read" }, { name: "b", access: "read" }, { name: "c", access: "read_write" }],
    uniforms: ["m", "n", "k", "pad"].map((name) => ({ name, type: "u32" as const })),
    workgroups: () => [S / 64, S / 64],
    cpu: () => {},
  };
  const A = g.alloc("A", S * S), B = g.alloc("B", S * S), C = g.alloc("C", S * S);
  g.write(A, rand(S * S, 7));
  g.write(B, rand(S * S, 8));
  const r = await time(() => g.run(gemm, { a: A, b: B, c: C }, { m: S, n: S, k: S, pad: 0 }), 2 * S ** 3);
  console.log(`${"anchor GEMM 8x8 regblock 1024³".padEnd(32)} ${r.ms.toFixed(1).padStart(8)} ms  ${r.gflops.toFixed(2).padStart(6)} GFLOP/s  ${r.gflopPerCpuS.toFixed(2).padStart(6)} GFLOP/CPU-s`);
}
g.destroy();
process.exit(0);
