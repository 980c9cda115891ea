// `keisei doctor`: what this machine offers keisei — runtime, Dawn, the WebGPU adapter (vendor,
// architecture, driver), its features and limits, the Vulkan loader and drivers on Linux — and
// which backend `env.device: auto` will use; when the GPU path is missing, what to install.

import { loadNative } from "./cpu/native/index.ts";
import { autoChoice } from "./device.ts";
import {
  adapterDetails,
  icdManifests,
  kernelStyleFor,
  requestAdapter,
  vulkanEnvironment,
  vulkanLoaderPath,
} from "./webgpu/adapter.ts";
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

/** The doctor's report as lines; `ok` says whether the GPU path works. */
export async function doctorReport(version: string): Promise<{ lines: string[]; ok: boolean }> {
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
  const choice = autoChoice(d);
  lines.push(`backend      ${choice.kind} (env.device auto: ${choice.why})`);
  if (choice.kind === "cpu") lines.push("note         a real GPU driver would be much faster than either");
  return { lines, ok: true };
}
