// Shared helpers for the compute tests: a seeded RNG, allclose with a max-difference message,
// the shared WebGPU backend, the shared reference backend, and checkParity (one kernel, WGSL vs
// its CPU twin on the reference backend).

import { expect } from "bun:test";
import { appendFileSync } from "node:fs";
import type { AnyTypedArray, Backend, Buf, KernelSpec, Uniforms } from "../../src/compute/backend.ts";
import { FAMILIES, reductionVariant } from "../../src/compute/kernels/index.ts";
import { ReferenceBackend } from "../../src/compute/reference/backend.ts";
import { openDevice } from "../../src/compute/webgpu/adapter.ts";
import { WebGpuBackend } from "../../src/compute/webgpu/backend.ts";
import { hasWebGpu } from "../helpers/webgpu.ts";

export { hasWebGpu };

/** mulberry32: small, fast, seeded; good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values uniform in [lo, hi). */
export function uniform(r: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/** n standard normal values (Box-Muller). */
export function normal(r: () => number, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return out;
}

/** Largest |a − b| and where, and whether every element is within atol + rtol·|b| (b = reference). */
export function compare(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number) {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let maxDiff = 0;
  let at = -1;
  let bad = 0;
  let firstBad = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    const ok = d <= atol + rtol * Math.abs(b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i])) || a[i] === b[i];
    if (!ok) {
      bad++;
      if (firstBad < 0) firstBad = i;
    }
    if (!(d <= maxDiff)) {
      maxDiff = d;
      at = i;
    }
  }
  return { maxDiff, at, bad, firstBad };
}

/** Asserts a ≈ b (b is the reference); the failure message gives the max difference and first offenders. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number, label = "") {
  const c = compare(a, b, atol, rtol);
  if (c.bad > 0) {
    const show: string[] = [];
    for (let i = c.firstBad, k = 0; i < a.length && k < 5; i++) {
      if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) {
        show.push(`[${i}] got ${a[i]} want ${b[i]}`);
        k++;
      }
    }
    throw new Error(
      `${label}: ${c.bad}/${a.length} elements differ beyond atol ${atol} + rtol ${rtol}·|ref|; max |diff| ${c.maxDiff} at [${c.at}] (got ${a[c.at]}, want ${b[c.at]}); first: ${show.join(", ")}`,
    );
  }
  expect(c.bad).toBe(0);
  return c.maxDiff;
}

let gpu: Promise<WebGpuBackend> | null = null;

/**
 * The WebGPU backend shared by every compute test in this process. KEISEI_TEST_REDUCE=subgroups
 * makes it run every kernel with workgroup reductions as its subgroup twin (test/compute/
 * subgroups.test.ts reruns the kernel tests so); KEISEI_TEST_KERNEL_LOG=FILE writes the names of the
 * kernels it ran to FILE.
 */
export function gpuBackend(): Promise<WebGpuBackend> {
  gpu ??= openDevice().then((o) => {
    if (o instanceof Error) throw o;
    const be = new WebGpuBackend(o);
    if (process.env.KEISEI_TEST_REDUCE === "subgroups") {
      if (!o.device.features.has("subgroups"))
        throw new Error("KEISEI_TEST_REDUCE=subgroups: this adapter has no subgroups");
      be.useVariants({ reduce: FAMILIES.reduce[1] }, "reductions on subgroups (test)");
    }
    const log = process.env.KEISEI_TEST_KERNEL_LOG;
    if (log) {
      const ran = new Set<string>();
      const run = be.run.bind(be);
      // Appended as each kernel is first run: bun test's runner does not fire process "exit" handlers.
      be.run = (k, b, u) => {
        if (!ran.has(k.name)) appendFileSync(log, `${k.name}\n`);
        ran.add(k.name);
        run(k, b, u);
      };
    }
    return be;
  });
  return gpu;
}

// The readable twins are the reference every other backend (webgpu's WGSL, cpu's wasm) is held to.
export const referenceBackend = new ReferenceBackend();

/** Allocates one buffer per binding, filled from `data` (zeros where absent), on `backend`. */
export function upload(
  backend: Backend,
  kernel: KernelSpec,
  data: Record<string, AnyTypedArray | number>,
): Record<string, Buf> {
  const bufs: Record<string, Buf> = {};
  for (const b of kernel.bindings) {
    const d = data[b.name];
    if (d === undefined) throw new Error(`checkParity ${kernel.name}: no data or length for "${b.name}"`);
    const len = typeof d === "number" ? d : d.length;
    bufs[b.name] = backend.alloc(`${kernel.name}.${b.name}`, len, b.type ?? "f32");
    if (typeof d !== "number") backend.write(bufs[b.name], d);
  }
  return bufs;
}

/**
 * Runs `kernel` on the reference backend (twin) and the GPU (WGSL) with the same inputs and compares every
 * read_write buffer. `data` gives each binding's initial contents (or just its length: zeros).
 * Returns the reference results, by binding name.
 */
export async function checkParity(
  kernel: KernelSpec,
  data: Record<string, AnyTypedArray | number>,
  uniforms: Uniforms,
  tol: { atol: number; rtol: number } = { atol: 1e-5, rtol: 1e-4 },
): Promise<Record<string, AnyTypedArray>> {
  const g = await gpuBackend();
  const results: Record<string, AnyTypedArray> = {};
  const cb = upload(referenceBackend, kernel, data);
  const gb = upload(g, kernel, data);
  referenceBackend.run(kernel, cb, uniforms);
  g.run(reductionVariant(g, kernel), gb, uniforms);
  for (const b of kernel.bindings) {
    if (b.access !== "read_write") continue;
    const want = await referenceBackend.read(cb[b.name]);
    const got = await g.read(gb[b.name]);
    expectClose(got, want, tol.atol, tol.rtol, `${kernel.name} ${b.name}`);
    results[b.name] = want;
  }
  for (const b of kernel.bindings) {
    referenceBackend.free(cb[b.name]);
    g.free(gb[b.name]);
  }
  return results;
}

/** Initial contents of a buffer: data, a length (f32 zeros), or a u32 zero buffer. */
export type Init = AnyTypedArray | number | { u32: number };

function allocInit(be: Backend, name: string, init: Init): Buf {
  if (typeof init === "number") return be.alloc(name, init);
  if ("u32" in init && !ArrayBuffer.isView(init)) return be.alloc(name, init.u32, "u32");
  const data = init as AnyTypedArray;
  const buf = be.alloc(
    name,
    data.length,
    data instanceof Float32Array ? "f32" : data instanceof Uint32Array ? "u32" : "i32",
  );
  be.write(buf, data);
  return buf;
}

/**
 * Runs the same launcher sequence on the reference and the WebGPU backend, from the same initial
 * buffers, and compares the named outputs (GPU vs reference). Returns the reference's outputs.
 */
export async function parity(
  init: Record<string, Init>,
  body: (be: Backend, b: Record<string, Buf>) => void,
  outputs: string[],
  tol: { atol: number; rtol: number } = { atol: 1e-5, rtol: 1e-4 },
): Promise<Record<string, AnyTypedArray>> {
  const g = await gpuBackend();
  const result: Record<string, AnyTypedArray> = {};
  const sides = [referenceBackend, g].map((be) => {
    const bufs: Record<string, Buf> = {};
    for (const [k, v] of Object.entries(init)) bufs[k] = allocInit(be, k, v);
    body(be, bufs);
    return { be, bufs };
  });
  try {
    for (const name of outputs) {
      const want = await sides[0].be.read(sides[0].bufs[name]);
      const got = await sides[1].be.read(sides[1].bufs[name]);
      expectClose(got, want, tol.atol, tol.rtol, name);
      result[name] = want;
    }
  } finally {
    for (const { be, bufs } of sides) for (const b of Object.values(bufs)) be.free(b);
  }
  return result;
}
