// The backend contract itself: buffers round-trip, dispatches are ordered with writes and reads,
// many dispatches share one command buffer, errors are thrown with their message.

import { describe, expect, test } from "bun:test";

import { autoChoice, createBackend } from "../../src/compute/device.ts";
import * as ew from "../../src/compute/kernels/elementwise.ts";
import type { KernelSpec } from "../../src/compute/backend.ts";
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import { gpuBackend, hasWebGpu, referenceBackend } from "./helpers.ts";

let wasmCpu: CpuBackend | null = null;

describe.each([["reference"], ["cpu"], ["webgpu"]] as const)("%s backend", (kind) => {
  const skip = kind === "webgpu" && !hasWebGpu;
  const backend = () => {
    if (kind === "reference") return Promise.resolve(referenceBackend);
    if (kind !== "cpu") return gpuBackend();
    wasmCpu ??= new CpuBackend();
    return Promise.resolve(wasmCpu);
  };

  test.skipIf(skip)("write/read round-trips f32, u32 and i32, including sub-ranges", async () => {
    const b = await backend();
    const f = b.alloc("f", 7);
    b.write(f, Float32Array.of(1.5, -2, 3, 4, 5, 6, 7));
    b.write(f, Float32Array.of(9, 10), 5);
    expect([...(await b.read(f))]).toEqual([1.5, -2, 3, 4, 5, 9, 10]);
    expect([...(await b.read(f, 2, 3))]).toEqual([3, 4, 5]);
    const u = b.alloc("u", 3, "u32");
    b.write(u, Uint32Array.of(0xffffffff, 1, 2));
    const ur = await b.read(u);
    expect(ur).toBeInstanceOf(Uint32Array);
    expect([...ur]).toEqual([0xffffffff, 1, 2]);
    const i = b.alloc("i", 2, "i32");
    b.write(i, Int32Array.of(-5, 7));
    expect([...(await b.read(i))]).toEqual([-5, 7]);
    expect([...(await b.read(b.alloc("zeros", 5)))]).toEqual([0, 0, 0, 0, 0]);
    expect(() => b.write(f, new Float32Array(8))).toThrow(/overflow/);
    b.free(f);
    b.free(u);
    b.free(i);
  });

  test.skipIf(skip)("dispatches, writes and reads happen in program order", async () => {
    const b = await backend();
    const x = b.alloc("x", 100);
    const y = b.alloc("y", 100);
    b.run(ew.fill, { out: x }, { n: 100, alpha: 2 });
    b.run(ew.axpy, { x, y }, { n: 100, alpha: 3 }); // y = 6
    b.write(x, new Float32Array(100).fill(-1)); // must land after the axpy above read x
    b.run(ew.axpy, { x, y }, { n: 50, alpha: 1 }); // y[:50] = 5
    const out = await b.read(y);
    expect(out[0]).toBe(5);
    expect(out[49]).toBe(5);
    expect(out[50]).toBe(6);
    // 300 dispatches with different uniforms, one read at the end
    for (let k = 0; k < 300; k++) b.run(ew.fill, { out: x }, { n: 100, alpha: k });
    expect((await b.read(x, 99, 1))[0]).toBe(299);
    b.free(x);
    b.free(y);
  });

  test.skipIf(skip)("views bind a sub-range of one allocation (VIEW_ALIGN-aligned)", async () => {
    const b = await backend();
    const root = b.alloc("params", 200);
    const v = b.view(root, 64, 10, "p.weight");
    const w = b.view(root, 128, 72);
    b.run(ew.fill, { out: v }, { n: v.length, alpha: 3 });
    b.run(ew.fill, { out: w }, { n: w.length, alpha: -1 });
    b.write(v, Float32Array.of(7), 9);
    const all = await b.read(root);
    expect(all[63]).toBe(0);
    expect([...all.slice(64, 74)]).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 3, 7]);
    expect(all[74]).toBe(0);
    expect(all[128]).toBe(-1);
    expect(all[199]).toBe(-1);
    expect([...(await b.read(w, 70, 2))]).toEqual([-1, -1]);
    expect(() => b.view(root, 10, 4)).toThrow(/multiple of 64/);
    expect(() => b.view(root, 192, 9)).toThrow(/outside/);
    // read-only and written views of one allocation cannot meet in one dispatch (WebGPU rule)
    expect(() => b.run(ew.axpy, { x: v, y: w }, { n: 10, alpha: 1 })).toThrow(/share an allocation/);
    b.free(root);
  });

  test.skipIf(skip)("a dispatch with a missing binding or uniform throws, naming it", async () => {
    const b = await backend();
    const x = b.alloc("x", 4);
    expect(() => b.run(ew.axpy, { x }, { n: 4, alpha: 1 })).toThrow(/binding "y"/);
    const y = b.alloc("y", 4);
    expect(() => b.run(ew.axpy, { x, y }, { n: 4 })).toThrow(/uniform "alpha"/);
    expect(() => b.run(ew.axpy, { x, y: x }, { n: 4, alpha: 1 })).toThrow(/share an allocation/);
    const u = b.alloc("u", 4, "u32");
    expect(() => b.run(ew.fill, { out: u }, { n: 4, alpha: 1 })).toThrow(/wants f32/);
    b.free(x);
  });
});

test.skipIf(!hasWebGpu)("webgpu: many dispatches go out in one command buffer", async () => {
  const b = await gpuBackend();
  const x = b.alloc("x", 1000);
  const y = b.alloc("y", 1000);
  await b.submit();
  const before = { ...b.counters };
  for (let k = 0; k < 200; k++) b.run(ew.axpy, { x, y }, { n: 1000, alpha: 0 });
  await b.submit();
  expect(b.counters.dispatches - before.dispatches).toBe(200);
  expect(b.counters.submits - before.submits).toBe(1);
  b.free(x);
});

test.skipIf(!hasWebGpu)("webgpu: WGSL that does not compile is reported with its message", async () => {
  const b = await gpuBackend();
  const broken: KernelSpec = {
    ...ew.fill,
    name: "broken",
    source: ew.fill.source.replace("p.alpha;", "p.alpha + undefined_thing;"),
  };
  expect(b.prepare([broken])).rejects.toThrow(/undefined_thing/);
});

test.skipIf(!hasWebGpu)("webgpu: a validation error at dispatch surfaces at the next submit", async () => {
  const b = await gpuBackend();
  // Declares a read-only binding the WGSL writes to: the pipeline layout mismatches the shader.
  const wrong: KernelSpec = { ...ew.fill, name: "wrong-access", bindings: [{ name: "out", access: "read" }] };
  const x = b.alloc("x", 4);
  b.run(wrong, { out: x }, { n: 4, alpha: 1 });
  expect(b.submit()).rejects.toThrow(/WebGPU error/);
  await b.submit().catch(() => {});
  b.free(x);
});

test("createBackend('cpu') and 'auto' say what they picked", async () => {
  const c = await createBackend("cpu");
  expect(c.info.kind).toBe("cpu");
  expect(c.info.description).toMatch(
    /^cpu \((native AVX2\/FMA convolutions on \d+ threads?, wasm SIMD on [12]|wasm SIMD, [12] threads?; .+)\)$/,
  );
  c.destroy();
  if (hasWebGpu) {
    const w = await createBackend("webgpu");
    expect(w.info.kind).toBe("webgpu");
    expect(w.info.adapter?.vendor.length).toBeGreaterThan(0);
    const software = /llvmpipe|lavapipe|swiftshader/i.test(w.info.description);
    // lavapipe is a CPU adapter: the register-blocked kernels are chosen
    if (software && !process.env.KEISEI_KERNELS) expect(w.info.style).toBe("register");
    w.destroy();
    // auto takes a GPU; on a CPU adapter it takes the (faster) cpu backend and says why
    const a = await createBackend("auto");
    expect(a.info.kind).toBe(software ? "cpu" : "webgpu");
    if (software)
      expect(a.info.description).toMatch(
        /the only WebGPU adapter, .*llvmpipe.*, runs on the CPU.*env\.device=webgpu forces it/,
      );
    a.destroy();
  }
});

test("auto: a GPU adapter takes webgpu; a software one takes cpu", () => {
  const gpu = {
    vendor: "nvidia",
    architecture: "hopper",
    device: "",
    description: "NVIDIA H100",
    isFallbackAdapter: false,
  };
  const lavapipe = {
    vendor: "mesa",
    architecture: "llvm",
    device: "",
    description: "llvmpipe (LLVM 19.1.7, 256 bits)",
    isFallbackAdapter: false,
  };
  const swiftshader = { ...gpu, vendor: "google", description: "SwiftShader", isFallbackAdapter: true };
  expect(autoChoice(gpu).kind).toBe("webgpu");
  expect(autoChoice(lavapipe).kind).toBe("cpu");
  expect(autoChoice(swiftshader).kind).toBe("cpu");
});
