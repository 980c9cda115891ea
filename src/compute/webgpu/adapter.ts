// Adapter selection: find a WebGPU adapter, open a device with the limits our kernels need, and
// when there is none, say what is missing (Vulkan loader, driver) instead of a bare null.

import { existsSync, readdirSync } from "node:fs";
import type { KernelStyle } from "../backend.ts";
import { getGpu } from "./dawn.ts";
import { capturingNativeStderr, nativeMessages } from "./native-stderr.ts";

export interface AdapterDetails {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

export interface OpenedDevice {
  adapter: GPUAdapter;
  device: GPUDevice;
  details: AdapterDetails;
  style: KernelStyle;
}

export function adapterDetails(adapter: GPUAdapter): AdapterDetails {
  const i = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return {
    vendor: i.vendor,
    architecture: i.architecture,
    device: i.device,
    description: i.description,
    isFallbackAdapter: Boolean(i.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter),
  };
}

/**
 * CPU-implemented adapters (Mesa lavapipe/llvmpipe, SwiftShader, WARP) run a workgroup on one CPU
 * thread: register-blocked kernels beat workgroup-memory tiles there (anchors §4).
 */
export function kernelStyleFor(d: AdapterDetails): KernelStyle {
  return isCpuAdapter(d) ? "register" : "tiled";
}

/** Whether the adapter is a CPU implementation of Vulkan/D3D (a software rasterizer), not a GPU. */
export function isCpuAdapter(d: AdapterDetails): boolean {
  const text = `${d.vendor} ${d.architecture} ${d.device} ${d.description}`;
  return d.isFallbackAdapter || /llvmpipe|lavapipe|swiftshader|warp|software/i.test(text);
}

/** The adapter in a few words, for logs: "mesa / llvm (llvmpipe (LLVM 19.1.7, 256 bits))". */
export function adapterName(d: AdapterDetails): string {
  return `${d.vendor || "?"} / ${d.architecture || "?"} (${d.description || d.device || "?"})`;
}

/** The Vulkan loader's driver-list variables: when set, the loader reads only the manifests they name. */
const DRIVER_VARIABLES = ["VK_DRIVER_FILES", "VK_ICD_FILENAMES"] as const;
const ICD_DIRS = ["/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d", "/usr/local/share/vulkan/icd.d"];

/** The driver manifests (ICD JSON files) on disk, whether or not the loader is told to use them. */
export function icdManifests(): string[] {
  const out: string[] = [];
  for (const d of ICD_DIRS) {
    try {
      for (const f of readdirSync(d)) if (f.endsWith(".json")) out.push(`${d}/${f}`);
    } catch {} // directory absent
  }
  return out;
}

/** The Vulkan loader library (libvulkan.so.1) in the usual library folders, or null. */
export function vulkanLoaderPath(): string | null {
  const libDirs = [
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib64",
    "/usr/lib",
    "/usr/local/lib",
  ];
  return libDirs.map((d) => `${d}/libvulkan.so.1`).find((p) => existsSync(p)) ?? null;
}

/** What the environment tells the Vulkan loader: a set driver-list variable and the files it names. */
export function vulkanEnvironment(): { variable: string; files: string[]; missing: string[] } | null {
  for (const variable of DRIVER_VARIABLES) {
    const value = process.env[variable];
    if (!value) continue;
    const files = value.split(":").filter(Boolean);
    return { variable, files, missing: files.filter((f) => !existsSync(f)) };
  }
  return null;
}

/** Mesa's version from the package database (Debian), or null. */
function mesaVersion(): string | null {
  try {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not a template
    const r = Bun.spawnSync(["dpkg-query", "-W", "-f=${Version}", "mesa-vulkan-drivers"], { stderr: "ignore" });
    const v = r.exitCode === 0 ? r.stdout.toString().trim() : "";
    return v || null;
  } catch {
    return null;
  }
}

/** The loader's and Dawn's own words from the last attempt, in one short clause (C++ locations left out). */
function loaderSaid(): string {
  const said = nativeMessages
    .filter((l) => !/^\s+at /.test(l) && !/artificially reduced/.test(l))
    .map((l) => l.replace(/^(Warning|Error|Info): /, ""));
  return said.length ? `; the Vulkan loader said: ${[...new Set(said)].slice(0, 3).join(" / ")}` : "";
}

/**
 * Why no adapter answered, from what the Vulkan loader is told and reports (Linux): no loader, a
 * driver-list variable naming missing files, no driver manifest, or drivers that offered nothing —
 * then Mesa's version decides whether Mesa is to blame.
 */
export function diagnoseNoAdapter(): string {
  if (process.platform !== "linux")
    return "no WebGPU adapter: the system's GPU driver (Metal / D3D12 / Vulkan) did not answer";
  const loader = vulkanLoaderPath() !== null;
  if (!loader)
    return "no WebGPU adapter: no Vulkan loader (libvulkan.so.1) found; install it (Debian/Ubuntu: apt-get install libvulkan1 mesa-vulkan-drivers)";
  const env = vulkanEnvironment();
  const onDisk = icdManifests();
  if (env && env.missing.length === env.files.length)
    return `no WebGPU adapter: ${env.variable}=${process.env[env.variable]} names no existing file, and the Vulkan loader then looks nowhere else; unset it${onDisk.length ? ` or point it at a driver manifest (${onDisk.join(", ")})` : ""}`;
  if (!env && onDisk.length === 0)
    return "no WebGPU adapter: the Vulkan loader is installed but no Vulkan driver (ICD) is; install a GPU driver or Mesa's software one (apt-get install mesa-vulkan-drivers, Mesa >= 24)";
  const mesa = mesaVersion();
  const major = mesa ? Number(/^(?:\d+:)?(\d+)/.exec(mesa)?.[1]) : Number.NaN;
  const used = env ? `the drivers ${env.variable} names (${env.files.join(", ")})` : "the installed Vulkan drivers";
  if (Number.isFinite(major) && major < 24)
    return `no WebGPU adapter: ${used} offered no device Dawn accepts; Mesa ${mesa} is older than 24, which Dawn needs for lavapipe (Debian bookworm: mesa-vulkan-drivers from bookworm-backports)${loaderSaid()}`;
  return `no WebGPU adapter: ${used} offered no device Dawn accepts${mesa ? ` (Mesa ${mesa} is new enough)` : ""}${loaderSaid()}`;
}

/** The best adapter, or an Error saying why there is none. The native messages of the attempt are captured (native-stderr.ts). */
export async function requestAdapter(): Promise<GPUAdapter | Error> {
  return capturingNativeStderr(async () => {
    const gpu = getGpu();
    if (gpu instanceof Error) return gpu;
    let adapter: GPUAdapter | null = null;
    try {
      adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    } catch (e) {
      return new Error(`requestAdapter failed: ${(e as Error).message}`);
    }
    return adapter ?? new Error(diagnoseNoAdapter());
  });
}

/** Opens a device on `adapter` (default: the best one), or returns an Error saying why there is none. */
export async function openDevice(found?: GPUAdapter): Promise<OpenedDevice | Error> {
  const adapter = found ?? (await requestAdapter());
  if (adapter instanceof Error) return adapter;
  const l = adapter.limits;
  // Ask for what the adapter has where our kernels may need more than WebGPU's defaults.
  const device = await capturingNativeStderr(() =>
    adapter.requestDevice({
      label: "keisei",
      // subgroups where offered: the reduction kernels have subgroup twins autotune may choose;
      // shader-f16 where offered: f16 storage for training.mixed_precision (kernels/f16.ts)
      requiredFeatures: (["subgroups", "shader-f16"] as GPUFeatureName[]).filter((f) => adapter.features.has(f)),
      requiredLimits: {
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      },
    }),
  );
  const details = adapterDetails(adapter);
  return { adapter, device, details, style: kernelStyleFor(details) };
}
