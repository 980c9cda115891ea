// Autotune (src/compute/webgpu/autotune.ts) on the adapter at hand (lavapipe in CI), with small
// timing shapes and a cache file in a temporary folder: it measures every variant of every family
// and keeps the fastest, caches the choice per adapter and kernel source, reads it back without
// timing (checking it against the twin again), and never runs a variant that disagrees with its
// twin — whether it is offered for timing or named by an edited cache — or fails on the device; a
// cache it cannot write is reported, not fatal; the reductions every kernel of a "reduce" choice
// shares are checked by a probe that catches a broken one. Then a network built on a backend using
// the chosen variants computes what the register kernels compute.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KernelSpec } from "../../src/compute/backend.ts";
import { FAMILIES, FAMILY_NAMES, kernelsFor } from "../../src/compute/kernels/index.ts";
import * as ops from "../../src/compute/ops.ts";
import { openDevice } from "../../src/compute/webgpu/adapter.ts";
import { reductionProbe, withSubgroups } from "../../src/compute/kernels/subgroups.ts";
import { adapterKey, autotune, parityError, readTuneCache, variantLabel } from "../../src/compute/webgpu/autotune.ts";
import { WebGpuBackend } from "../../src/compute/webgpu/backend.ts";
import { expectClose, hasWebGpu, normal, rng } from "./helpers.ts";

const gpuTest = (name: string, fn: () => Promise<void>, timeout = 120_000) =>
  test.skipIf(!hasWebGpu)(name, fn, timeout);

const dir = mkdtempSync(join(tmpdir(), "keisei-autotune-"));
const file = join(dir, "autotune.json");
const backends: WebGpuBackend[] = [];
let subgroups = false; // whether the device offers subgroups (set by backend())
async function backend(): Promise<WebGpuBackend> {
  const opened = await openDevice();
  if (opened instanceof Error) throw opened;
  subgroups = opened.device.features.has("subgroups");
  const be = new WebGpuBackend(opened, { style: "tiled" });
  backends.push(be);
  return be;
}
afterAll(() => {
  for (const be of backends) be.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** A gemm that ignores its inputs and writes zeros: the wrong kernel autotune must never pick. */
const brokenGemm: KernelSpec = {
  ...FAMILIES.gemm[1],
  name: "gemm.gemm_tiled_broken",
  source: FAMILIES.gemm[1].source.replace("c[ci] = v;", "c[ci] = 0.0;"),
};

/** A gemm whose WGSL does not compile: a variant that fails on the device, not one that is wrong. */
const uncompilableGemm: KernelSpec = {
  ...FAMILIES.gemm[1],
  name: "gemm.gemm_tiled_uncompilable",
  source: FAMILIES.gemm[1].source.replace("c[ci] = v;", "c[ci] = v +;"),
};

describe("autotune", () => {
  test("variant labels", () => {
    expect(FAMILY_NAMES.map((f) => FAMILIES[f].map(variantLabel))).toEqual([
      ["register", "tiled32", "tiled64"],
      ["register", "tiled32", "tiled64"],
      ["register", "tiled32", "tiled64"],
      ["plain", "subgroups"],
    ]);
    expect(brokenGemm.source).not.toBe(FAMILIES.gemm[1].source); // the edit took
  });

  gpuTest("measures every variant, keeps the fastest, caches it; a second run reads the cache", async () => {
    const be = await backend();
    const details = (await openDevice().then((o) => (o instanceof Error ? null : o.details)))!;
    const first = await autotune(be, details, { file, scale: "small", reps: 3, subgroups });
    expect(first.source).toBe("measured");
    for (const f of FAMILY_NAMES) {
      const t = first.entry.timings[f];
      const offered = FAMILIES[f].filter((k) => subgroups || !k.name.endsWith("_subgroups"));
      expect(Object.keys(t).sort()).toEqual(offered.map((k) => k.name).sort());
      if (offered.length === 1) continue;
      const times = Object.values(t).filter((v): v is number => typeof v === "number");
      expect(times.length).toBe(offered.length); // every variant matched its twin and was timed
      expect(t[first.entry.choices[f]]).toBe(Math.min(...times));
      expect(first.variants[f].name).toBe(first.entry.choices[f]);
    }
    console.log(`  ${first.summary}: ${JSON.stringify(first.entry.timings)}`);
    const cache = readTuneCache(file);
    expect(Object.keys(cache.adapters)).toEqual([adapterKey(details)]);
    const again = await autotune(be, details, { file, scale: "small", subgroups });
    expect(again.source).toBe("cache");
    expect(again.entry).toEqual(first.entry);
  });

  gpuTest(
    "a variant that disagrees with its twin is never chosen, and a cache naming it is measured again",
    async () => {
      const be = await backend();
      const details = (await openDevice().then((o) => (o instanceof Error ? null : o.details)))!;
      const families = { ...FAMILIES, gemm: [brokenGemm, ...FAMILIES.gemm] };
      const t = await autotune(be, details, { file, scale: "small", reps: 3, families, force: true, subgroups });
      expect(String(t.entry.timings.gemm[brokenGemm.name])).toMatch(/^left out: does not match its twin/);
      expect(t.variants.gemm.name).not.toBe(brokenGemm.name);
      // An edited cache that names the broken kernel: checked, refused, measured again.
      const cache = JSON.parse(readFileSync(file, "utf8"));
      cache.adapters[adapterKey(details)].choices.gemm = brokenGemm.name;
      writeFileSync(file, JSON.stringify(cache));
      const after = await autotune(be, details, { file, scale: "small", reps: 3, families, subgroups });
      expect(after.source).toBe("measured");
      expect(after.variants.gemm.name).not.toBe(brokenGemm.name);
      // A cache file that is not JSON is measured over, not an error.
      writeFileSync(file, "{not json");
      expect((await autotune(be, details, { file, scale: "small", reps: 1, subgroups })).source).toBe("measured");
    },
  );

  gpuTest("a variant that fails on the device is left out; an unwritable cache is reported, not fatal", async () => {
    const be = await backend();
    const details = (await openDevice().then((o) => (o instanceof Error ? null : o.details)))!;
    const families = { ...FAMILIES, gemm: [uncompilableGemm, ...FAMILIES.gemm] };
    const unwritable = join(dir, "not-a-folder", "autotune.json");
    writeFileSync(join(dir, "not-a-folder"), "a file where the cache folder would go");
    const t = await autotune(be, details, { file: unwritable, scale: "small", reps: 1, families, subgroups });
    expect(String(t.entry.timings.gemm[uncompilableGemm.name])).toMatch(/^left out: fails on this device/);
    expect(t.variants.gemm.name).not.toBe(uncompilableGemm.name);
    expect(t.source).toBe("measured");
    expect(t.file).toBe("");
    expect(t.notCached).toContain(unwritable);
    expect(t.summary).toContain("not cached");
  });

  gpuTest(
    'the shared reductions a "reduce" choice brings: the probe, plain and on subgroups, and a broken one caught',
    async () => {
      const be = await backend();
      const rows = 5;
      const probeCase = { lengths: { x: rows * 64, bits: rows * 64, out: rows * 3 }, uniforms: { rows } };
      expect(await parityError(be, reductionProbe, probeCase)).toBeNull();
      if (subgroups) expect(await parityError(be, withSubgroups(reductionProbe), probeCase)).toBeNull();
      // a sum that drops the last lane: what a miscompiled reduction would look like
      const broken = {
        ...reductionProbe,
        name: "reduce_probe.broken",
        source: reductionProbe.source.replace("sumAll(x[i], lid)", "sumAll(select(x[i], 0.0, lid == 63u), lid)"),
      };
      expect(broken.source).not.toBe(reductionProbe.source);
      expect(await parityError(be, broken, probeCase)).toMatch(/^out\[0\]/);
    },
  );

  gpuTest("a backend running the chosen variants computes what the register kernels compute", async () => {
    const be = await backend();
    const details = (await openDevice().then((o) => (o instanceof Error ? null : o.details)))!;
    const t = await autotune(be, details, { file, scale: "small", reps: 1, subgroups });
    be.useVariants(t.variants, t.summary);
    expect(be.info.description).toContain("autotuned");
    expect(kernelsFor("tiled", be.variants)).toContain(t.variants.conv);
    const reg = await backend();
    const register = {
      gemm: FAMILIES.gemm[0],
      conv: FAMILIES.conv[0],
      weightGrad: FAMILIES.weightGrad[0],
      reduce: FAMILIES.reduce[0],
    };
    reg.useVariants(register, "register");
    const r = rng(5);
    const d = { batch: 3, cin: 20, cout: 36 };
    const x = normal(r, 3 * 20 * 81);
    const w = normal(r, 36 * 20 * 9, 0.2);
    const bias = normal(r, 36);
    const outs: Float32Array[] = [];
    for (const b of [be, reg]) {
      const [xb, wb, bb, yb, dw, db] = [
        b.alloc("x", x.length),
        b.alloc("w", w.length),
        b.alloc("b", 36),
        b.alloc("y", 3 * 36 * 81),
        b.alloc("dw", w.length),
        b.alloc("db", 36),
      ];
      b.write(xb, x);
      b.write(wb, w);
      b.write(bb, bias);
      ops.conv3x3Forward(b, yb, xb, wb, bb, d);
      ops.conv3x3BackwardWeight(b, dw, db, xb, yb, d);
      outs.push((await b.read(yb)) as Float32Array, (await b.read(dw)) as Float32Array);
    }
    expectClose(outs[0], outs[2], 1e-4, 1e-4, "y");
    expectClose(outs[1], outs[3], 1e-3, 1e-4, "dw");
  });
});
