// `keisei doctor`: what this machine offers keisei — runtime, Dawn, the WebGPU adapter (vendor,
// architecture, driver), its features and limits, the Vulkan loader and drivers on Linux — and
// which backend `env.device: auto` will use; when the GPU path is missing, what to install.

import { loadNative } from "./cpu/native/index.ts";
import { autoChoice } from "./device.ts";
import { FAMILIES, FAMILY_NAMES, type KernelFamily } from "./kernels/index.ts";
import {
  type AdapterDetails,
  adapterDetails,
  icdManifests,
  isCpuAdapter,
  kernelStyleFor,
  openDevice,
  requestAdapter,
  vulkanEnvironment,
  vulkanLoaderPath,
} from "./webgpu/adapter.ts";
import { autotune, autotuneCacheFile, cachedEntry, familiesFor, variantLabel } from "./webgpu/autotune.ts";
import { WebGpuBackend } from "./webgpu/backend.ts";
import { nativeMessages } from "./webgpu/native-stderr.ts";
import { getGpu } from "./webgpu/dawn.ts";

const LIMITS = [
  "maxBufferSize",
  "maxStorageBufferBindingSize",
  "maxStorageBuffersPerShaderStage",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupsPerDimension",
] as const;

/** Autotune's choice for this adapter as report lines (measuring it now when `measure`). */
async function autotuneLines(adapter: GPUAdapter, d: AdapterDetails, cpuAdapter: boolean, measure: boolean) {
  const file = autotuneCacheFile();
  if (measure) {
    const opened = await openDevice(adapter);
    if (opened instanceof Error) return [`autotune     could not open the device: ${opened.message}`];
    const be = new WebGpuBackend(opened);
    try {
      // A software adapter would run the full shapes' slow variants for minutes: small shapes there,
      // not cached (small shapes choose differently; that adapter runs the register-blocked kernels).
      const subgroups = opened.device.features.has("subgroups");
      const t = await autotune(
        be,
        d,
        cpuAdapter ? { force: true, scale: "small", file: null, subgroups } : { force: true, subgroups },
      );
      const where = cpuAdapter
        ? "on small shapes, not cached (a CPU adapter runs the register-blocked kernels)"
        : t.notCached
          ? `not cached: ${t.notCached}`
          : `cached in ${t.file}`;
      const lines = [`autotune     measured now, ${where}:`];
      for (const f of FAMILY_NAMES)
        for (const [name, v] of Object.entries(t.entry.timings[f]))
          lines.push(
            `             ${f.padEnd(10)} ${name.padEnd(30)} ${typeof v === "number" ? `${v.toFixed(3)} ms` : v}${t.entry.choices[f] === name ? "  ← chosen" : ""}`,
          );
      return lines;
    } finally {
      be.destroy();
    }
  }
  const entry = cachedEntry(d, file, familiesFor(adapter.features.has("subgroups")));
  if (entry) {
    const label = (f: KernelFamily) => {
      const k = FAMILIES[f].find((v) => v.name === entry.choices[f]);
      return k ? variantLabel(k) : (entry.choices[f] ?? "?");
    };
    return [
      `autotune     ${FAMILY_NAMES.map((f) => `${f} ${label(f)}`).join(", ")} (measured ${entry.measured.slice(0, 10)}; ${file})`,
    ];
  }
  return [
    cpuAdapter
      ? "autotune     not used on a CPU adapter: it runs the register-blocked kernels (keisei doctor --autotune measures anyway)"
      : `autotune     not measured yet for this adapter and driver: the first training on it measures it (seconds) and caches it in ${file}; keisei doctor --autotune does it now`,
  ];
}

/** The doctor's report as lines; `ok` says whether the GPU path works. */
export async function doctorReport(
  version: string,
  o: { autotune?: boolean } = {},
): Promise<{ lines: string[]; ok: boolean }> {
  const lines: string[] = [];
  const compiled = import.meta.path.startsWith("/$bunfs/") || import.meta.path.startsWith("B:/~BUN/");
  lines.push(`keisei ${version}`);
  lines.push(
    `runtime      Bun ${Bun.version} on ${process.platform}-${process.arch}${compiled ? " (standalone binary)" : " (from source)"}`,
  );
  if (process.platform === "linux") {
    lines.push(`vulkan       loader ${vulkanLoaderPath() ?? "MISSING (libvulkan.so.1)"}`);
    // Manifests on disk are candidates, not drivers in use: the adapter line below says which one answered.
    const env = vulkanEnvironment();
    const onDisk = icdManifests().map((p) => p.split("/").pop());
    lines.push(`manifests    on disk: ${onDisk.length ? onDisk.join(", ") : "none"}`);
    if (env)
      lines.push(
        `             ${env.variable}=${process.env[env.variable]}: the loader reads only these${env.missing.length ? ` (missing: ${env.missing.join(", ")})` : ""}`,
      );
  }
  const native = loadNative();
  const cpuKernels = "lib" in native ? "native AVX2/FMA convolutions + wasm SIMD kernels" : "wasm SIMD kernels";
  lines.push(
    "lib" in native
      ? `cpu          native AVX2/FMA convolutions on ${native.threads} thread${native.threads > 1 ? "s" : ""}`
      : `cpu          wasm SIMD kernels only: ${native.error}`,
  );
  const gpu = getGpu();
  if (gpu instanceof Error) {
    lines.push(`dawn         NOT LOADED: ${gpu.message}`);
    lines.push(`backend      cpu (${cpuKernels}): training works on the CPU backend`);
    return { lines, ok: false };
  }
  lines.push("dawn         loaded (webgpu/dawn.node)");
  const adapter = await requestAdapter();
  for (const m of nativeMessages) lines.push(`native       ${m.trim()}`);
  if (adapter instanceof Error) {
    lines.push(`adapter      NONE: ${adapter.message}`);
    lines.push(`backend      cpu (${cpuKernels}): training still works on the CPU backend`);
    return { lines, ok: false };
  }
  const d = adapterDetails(adapter);
  lines.push(
    `adapter      ${d.vendor || "?"} / ${d.architecture || "?"}${d.isFallbackAdapter ? " (fallback adapter: a CPU implementation)" : ""}`,
  );
  lines.push(`driver       ${d.description || d.device || "?"} (the one in use)`);
  lines.push(`features     ${[...adapter.features].sort().join(", ")}`);
  for (const k of LIMITS) lines.push(`limit        ${k} = ${adapter.limits[k].toLocaleString("en-US")}`);
  lines.push(
    `kernels      ${kernelStyleFor(d) === "register" ? "register-blocked (CPU-like adapter)" : "workgroup-tiled (GPU)"}`,
  );
  lines.push(
    `f16 storage  ${adapter.features.has("shader-f16") ? "available (shader-f16): training.mixed_precision stores activations and layer weights as f16" : "not offered (no shader-f16): training.mixed_precision is refused on this adapter"}`,
  );
  lines.push(...(await autotuneLines(adapter, d, isCpuAdapter(d), o.autotune === true)));
  const choice = autoChoice(d);
  lines.push(`backend      ${choice.kind} (env.device auto: ${choice.why})`);
  if (choice.kind === "cpu") lines.push("note         a real GPU driver would be much faster than either");
  return { lines, ok: true };
}
