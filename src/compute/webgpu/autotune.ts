// Autotune: which variant of each kernel family (kernels/index.ts FAMILIES: for the GEMM-shaped
// kernels the register-blocked one and the workgroup-tiled ones with 32- and 64-wide tiles; for the
// kernels with workgroup reductions, plain or on subgroups where the device has them) runs fastest
// on this adapter. GPUs differ too much for one fixed choice (WGSL GEMMs reach ~10–13 % of peak on
// NVIDIA untuned; tile size, occupancy and shared-memory banking differ per vendor), so each
// variant is timed at first use on shapes like training's and the fastest kept, cached per adapter,
// driver and kernel source under the user's cache directory; `keisei doctor` prints the choice.
//
// A variant is used only after it has matched its CPU twin on awkward shapes on this device, when
// measured and again in every process that reads the cached choice: a wrong kernel (a driver bug,
// a stale or edited cache) can cost time, never give wrong numbers.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../../util/atomic-write.ts";
import { readSmallText } from "../../util/small-file.ts";
import type { Backend, CpuBuffers, KernelSpec, Uniforms } from "../backend.ts";
import { FAMILIES, FAMILY_NAMES, type KernelFamily } from "../kernels/index.ts";
import { reductionProbe, withSubgroups } from "../kernels/subgroups.ts";
import type { AdapterDetails } from "./adapter.ts";

type Families = Readonly<Record<KernelFamily, readonly KernelSpec[]>>;

/** $KEISEI_CACHE_DIR, else $XDG_CACHE_HOME/keisei, else ~/.cache/keisei: autotune.json there. */
export function autotuneCacheFile(): string {
  const dir = process.env.KEISEI_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "keisei");
  return join(dir, "autotune.json");
}

/** The adapter and driver a measurement holds for: vendor, architecture, device, driver description. */
export function adapterKey(d: AdapterDetails): string {
  return [d.vendor, d.architecture, d.device, d.description].map((s) => s || "?").join(" / ");
}

/** A hash of every variant's WGSL: a changed kernel invalidates what was measured with the old one. */
export function variantsHash(families: Families = FAMILIES): string {
  const h = createHash("sha256");
  for (const f of FAMILY_NAMES) for (const k of families[f]) h.update(`${k.name}\n${k.source}\n`);
  return h.digest("hex").slice(0, 16);
}

const entrySchema = z.strictObject({
  kernels: z.string(),
  measured: z.string(),
  choices: z.record(z.string(), z.string()),
  /** Median milliseconds per variant, or why it was left out. */
  timings: z.record(z.string(), z.record(z.string(), z.union([z.number(), z.string()]))),
});
export type TuneEntry = z.infer<typeof entrySchema>;
const cacheSchema = z.strictObject({ version: z.literal(1), adapters: z.record(z.string(), entrySchema) });
type Cache = z.infer<typeof cacheSchema>;

/** The cache file's contents; an absent, unreadable or malformed file reads as empty (it is rewritten). */
export function readTuneCache(file = autotuneCacheFile()): Cache {
  if (!existsSync(file)) return { version: 1, adapters: {} };
  try {
    const refuse = () => new Error("not a small file");
    return cacheSchema.parse(JSON.parse(readSmallText(file, 1 << 20, { notFile: refuse, tooBig: refuse })));
  } catch {
    return { version: 1, adapters: {} };
  }
}

const onSubgroups = (k: KernelSpec) => k.source.startsWith("enable subgroups;");

/** The variants to choose among on a device opened with or without the "subgroups" feature. */
export function familiesFor(subgroups: boolean, all: Families = FAMILIES): Families {
  return subgroups ? all : { ...all, reduce: all.reduce.filter((k) => !onSubgroups(k)) };
}

/** This adapter's cached entry, if it is for the kernels this keisei has (`families`: familiesFor the device). */
export function cachedEntry(d: AdapterDetails, file: string, families: Families) {
  const e = readTuneCache(file).adapters[adapterKey(d)];
  return e && e.kernels === variantsHash(families) ? e : undefined;
}

interface Case {
  /** Buffer lengths by binding name (inputs get seeded values, outputs too: accumulate reads them). */
  lengths: Record<string, number>;
  uniforms: Uniforms;
}

/**
 * Awkward shapes per family for the parity check (tails of every tile size, a partial K-slice), each
 * way the ops call the kernel: the convolution forward and as the input gradient (weights read
 * transposed and flipped); the GEMM plain and summed over a batch (the 1×1 weight gradient).
 */
const PARITY: Record<KernelFamily, Case[]> = {
  gemm: [
    {
      lengths: { a: 2 * 37 * 70, b: 2 * 70 * 45, bias: 45, c: 2 * 37 * 45 },
      uniforms: gemmUniforms(37, 45, 70, 2, 1),
    },
    {
      // dw[o, i] += Σ_n Σ_q dy[n, o, q] · x[n, i, q]: ops.conv1x1BackwardWeight's call
      lengths: { a: 3 * 37 * 81, b: 3 * 11 * 81, bias: 1, c: 37 * 11 },
      uniforms: {
        ...gemmUniforms(37, 11, 81, 3, 1),
        ...{ sAb: 37 * 81, sAm: 81, sAk: 1, sBb: 11 * 81, sBk: 1, sBn: 81, sCb: 0, sCm: 11, sCn: 1, sumBatch: 1 },
      },
    },
  ],
  conv: [
    { lengths: { x: 2 * 5 * 81, w: 37 * 5 * 9, bias: 37, y: 2 * 37 * 81 }, uniforms: convUniforms(2, 5, 37, 1) },
    {
      // the input gradient of a 5 → 37 convolution: 37 → 5 on w read transposed and flipped
      lengths: { x: 2 * 37 * 81, w: 37 * 5 * 9, bias: 5, y: 2 * 5 * 81 },
      uniforms: { ...convUniforms(2, 37, 5, 1), wStrideOut: 9, wStrideIn: 5 * 9, flip: 1, hasBias: 0 },
    },
  ],
  weightGrad: [{ lengths: { x: 3 * 7 * 81, dy: 3 * 37 * 81, dw: 37 * 7 * 9 }, uniforms: convUniforms(3, 7, 37, 1) }],
  reduce: [
    {
      lengths: { logits: 3 * 1000, mask: 3 * 32, logp: 3 * 1000 },
      uniforms: { rows: 3, actions: 1000, words: 32, greedy: 0 },
    },
  ],
};

/** The reductions every kernel of the "reduce" choice shares, on known inputs (kernels/subgroups.ts). */
const PROBE: Case = { lengths: { x: 5 * 64, bits: 5 * 64, out: 5 * 3 }, uniforms: { rows: 5 } };

/**
 * Why `k` may not run on `be` (it differs from its twin, or fails there), or null. A choice for
 * "reduce" applies to every kernel with reductions (kernels/index.ts reductionVariant): its shared
 * reduction functions are checked too, plain or on subgroups as `k` is.
 */
async function unusable(be: Backend, family: KernelFamily, k: KernelSpec): Promise<string | null> {
  try {
    for (const c of PARITY[family]) {
      const wrong = await parityError(be, k, c);
      if (wrong) return `does not match its twin on this device (${wrong})`;
    }
    if (family === "reduce") {
      const probe = onSubgroups(k) ? withSubgroups(reductionProbe) : reductionProbe;
      const wrong = await parityError(be, probe, PROBE);
      if (wrong) return `the shared reductions do not match their twin on this device (${wrong})`;
    }
    return null;
  } catch (e) {
    return `fails on this device (${(e as Error).message.split("\n")[0]})`;
  }
}

/**
 * Timing shapes: the default network's (a 256-channel tower at its minibatch of 64, a 256-row GEMM,
 * the policy's softmax over 256 rows). Smaller ones chose wrongly on an H200: at 128 channels and
 * batch 32 each kernel ran for ~0.3 ms, within the noise of a submit, and the 32-wide conv tiles
 * won by 1 % there while the 64-wide ones are 1.3× faster on the real shape. "small": for tests
 * and software adapters.
 */
function timingCase(family: KernelFamily, scale: "full" | "small"): Case {
  const [n, c, m] = scale === "full" ? [64, 256, 256] : [4, 16, 32];
  if (family === "reduce") {
    const A = 13527;
    const words = Math.ceil(A / 32);
    return {
      lengths: { logits: m * A, mask: m * words, logp: m * A },
      uniforms: { rows: m, actions: A, words, greedy: 0 },
    };
  }
  if (family === "gemm")
    return {
      lengths: { a: m * 2 * c, b: 2 * c * 8 * c, bias: 8 * c, c: m * 8 * c },
      uniforms: gemmUniforms(m, 8 * c, 2 * c, 1, 0),
    };
  if (family === "conv")
    return { lengths: { x: n * c * 81, w: c * c * 9, bias: c, y: n * c * 81 }, uniforms: convUniforms(n, c, c, 0) };
  return { lengths: { x: n * c * 81, dy: n * c * 81, dw: c * c * 9 }, uniforms: convUniforms(n, c, c, 0) };
}

function gemmUniforms(m: number, n: number, k: number, batch: number, accumulate: number): Uniforms {
  return {
    m,
    n,
    k,
    batch,
    sAb: m * k,
    sAm: k,
    sAk: 1,
    sBb: k * n,
    sBk: n,
    sBn: 1,
    sCb: m * n,
    sCm: n,
    sCn: 1,
    biasMode: 0,
    act: 0,
    accumulate,
    sumBatch: 0,
  };
}

function convUniforms(batch: number, cin: number, cout: number, accumulate: number): Uniforms {
  return { batch, cin, cout, wStrideOut: cin * 9, wStrideIn: 9, flip: 0, hasBias: 1, accumulate };
}

/** Seeded values (a small LCG: the check needs no statistics, only the same inputs twice): f32 in [−1, 1), or random u32 bits (legal-move masks). */
function values(n: number, seed: number, type: "f32" | "u32" = "f32"): Float32Array | Uint32Array {
  const out = type === "u32" ? new Uint32Array(n) : new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = type === "u32" ? s : s / 2 ** 31 - 1;
  }
  return out;
}
const typeOf = (b: KernelSpec["bindings"][number]) => (b.type === "u32" ? "u32" : "f32");

/**
 * Runs `kernel` on `be` and its CPU twin on the same inputs; the largest difference beyond
 * tolerance, or null when every output element matches (atol 1e-4·√K-ish, rtol 1e-4).
 */
export async function parityError(be: Backend, kernel: KernelSpec, c: Case): Promise<string | null> {
  const host: CpuBuffers = {};
  const bufs: Record<string, ReturnType<Backend["alloc"]>> = {};
  let seed = 1;
  try {
    for (const b of kernel.bindings) {
      const data = values(c.lengths[b.name], seed++, typeOf(b));
      host[b.name] = data.slice();
      bufs[b.name] = be.alloc(`autotune.${b.name}`, data.length, typeOf(b));
      be.write(bufs[b.name], data);
    }
    be.run(kernel, bufs, c.uniforms);
    kernel.cpu(host, c.uniforms);
    for (const b of kernel.bindings) {
      if (b.access !== "read_write") continue;
      const got = await be.read(bufs[b.name]);
      const want = host[b.name];
      for (let i = 0; i < want.length; i++) {
        if (got[i] === want[i]) continue; // ±Infinity (the log-probability of an illegal move) included
        const d = Math.abs(got[i] - want[i]);
        if (!(d <= 2e-4 + 1e-4 * Math.abs(want[i]))) return `${b.name}[${i}] is ${got[i]}, its twin ${want[i]}`;
      }
    }
    return null;
  } finally {
    for (const b of Object.values(bufs)) be.free(b);
  }
}

/** Dispatches per timed submit: a submit and its wait cost ~0.1 ms, shared among them. */
const PER_SUBMIT = 4;

/** Median milliseconds per dispatch of `kernel` on the timing case (after a warm-up run that compiles its pipeline). */
async function timeKernel(be: Backend, kernel: KernelSpec, c: Case, reps: number): Promise<number> {
  const bufs: Record<string, ReturnType<Backend["alloc"]>> = {};
  let seed = 11;
  try {
    for (const b of kernel.bindings) {
      bufs[b.name] = be.alloc(`autotune.${b.name}`, c.lengths[b.name], typeOf(b));
      be.write(bufs[b.name], values(c.lengths[b.name], seed++, typeOf(b)));
    }
    be.run(kernel, bufs, c.uniforms);
    await be.submit();
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      for (let i = 0; i < PER_SUBMIT; i++) be.run(kernel, bufs, c.uniforms);
      await be.submit();
      times.push((performance.now() - t0) / PER_SUBMIT);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  } finally {
    for (const b of Object.values(bufs)) be.free(b);
  }
}

export interface TuneOutcome {
  /** Family → the chosen variant. */
  variants: Record<KernelFamily, KernelSpec>;
  entry: TuneEntry;
  /** "cache": read and parity-checked; "measured": timed now (and cached, unless notCached). */
  source: "cache" | "measured";
  /** The cache file read or written; "" when none was. */
  file: string;
  /** Why a measurement was not cached (the file could not be written). */
  notCached?: string;
  /** One line for the backend's description: "autotuned: gemm tiled32, conv tiled64, …". */
  summary: string;
}

export interface AutotuneOptions {
  /** The cache file (default autotuneCacheFile()); null: neither read nor written. */
  file?: string | null;
  /** Timing shapes: "full" (default), or "small" (tests on a software adapter). */
  scale?: "full" | "small";
  /** Timed runs per variant (median). Default 5. */
  reps?: number;
  /** Measure even when the cache has an entry. */
  force?: boolean;
  /** The variants to choose among (tests may add a broken one); default FAMILIES, less the subgroup ones without `subgroups`. */
  families?: Families;
  /** Whether the device was opened with the "subgroups" feature; without it the subgroup variants are left out. */
  subgroups?: boolean;
}

/** A variant's short name: "conv3x3.conv_tiled32" → "tiled32", "conv3x3.conv" → "register", "…_subgroups" → "subgroups", "softmax.log_softmax" → "plain". */
export function variantLabel(k: KernelSpec): string {
  if (k.name.endsWith("_subgroups")) return "subgroups";
  if (k.name.startsWith("softmax.")) return "plain";
  const m = /_tiled(\d*)$/.exec(k.name);
  return m ? `tiled${m[1] || "64"}` : "register";
}

/**
 * Chooses a variant per family for the device `be` runs on: the cached choice when there is one for
 * this adapter, driver and kernel source and it still matches its twin here; else each variant is
 * checked against its twin (a mismatch excludes it), timed, and the fastest kept and cached.
 */
export async function autotune(be: Backend, details: AdapterDetails, o: AutotuneOptions = {}): Promise<TuneOutcome> {
  const families = familiesFor(o.subgroups === true, o.families);
  const file = o.file === undefined ? autotuneCacheFile() : o.file;
  const key = adapterKey(details);
  const hash = variantsHash(families);
  const byName = (f: KernelFamily, name: string) => families[f].find((k) => k.name === name);
  const summary = (v: Record<KernelFamily, KernelSpec>, how: string) =>
    `autotuned (${how}): ${FAMILY_NAMES.map((f) => `${f} ${variantLabel(v[f])}`).join(", ")}`;

  const cached = file && !o.force ? cachedEntry(details, file, families) : undefined;
  if (cached) {
    const chosen: Partial<Record<KernelFamily, KernelSpec>> = {};
    for (const f of FAMILY_NAMES) {
      const k = byName(f, cached.choices[f] ?? "");
      if (k && (await unusable(be, f, k)) === null) chosen[f] = k;
    }
    if (FAMILY_NAMES.every((f) => chosen[f])) {
      const variants = chosen as Record<KernelFamily, KernelSpec>;
      return { variants, entry: cached, source: "cache", file: file ?? "", summary: summary(variants, "cached") };
    }
  }

  const choices: Record<string, string> = {};
  const timings: Record<string, Record<string, number | string>> = {};
  const variants: Partial<Record<KernelFamily, KernelSpec>> = {};
  for (const f of FAMILY_NAMES) {
    timings[f] = {};
    let best: { k: KernelSpec; ms: number } | null = null;
    for (const k of families[f]) {
      const why = await unusable(be, f, k);
      if (why) {
        timings[f][k.name] = `left out: ${why}`;
        continue;
      }
      if (families[f].length === 1) {
        timings[f][k.name] = "the only variant here: not timed";
        best = { k, ms: 0 };
        continue;
      }
      let ms: number;
      try {
        ms = await timeKernel(be, k, timingCase(f, o.scale ?? "full"), o.reps ?? 5);
      } catch (e) {
        timings[f][k.name] = `left out: fails on this device (${(e as Error).message.split("\n")[0]})`;
        continue;
      }
      timings[f][k.name] = ms;
      if (!best || ms < best.ms) best = { k, ms };
    }
    if (!best) throw new Error(`autotune: no variant of ${f} matches its CPU twin on ${key}`);
    variants[f] = best.k;
    choices[f] = best.k.name;
  }
  const entry: TuneEntry = { kernels: hash, measured: new Date().toISOString(), choices, timings };
  let notCached: string | undefined;
  if (file) {
    // Read again and merged just before the rename: another process may have cached another adapter.
    try {
      const cache = readTuneCache(file);
      cache.adapters[key] = entry;
      mkdirSync(dirname(file), { recursive: true });
      writeFileAtomic(file, `${JSON.stringify(cache, null, 2)}\n`);
    } catch (e) {
      notCached = `${file}: ${(e as Error).message.split("\n")[0]}`;
    }
  }
  const chosen = variants as Record<KernelFamily, KernelSpec>;
  const how = notCached ? `measured, not cached: ${notCached}` : "measured";
  return {
    variants: chosen,
    entry,
    source: "measured",
    file: file && !notCached ? file : "",
    notCached,
    summary: summary(chosen, how),
  };
}
