// Adapter selection: find a WebGPU adapter, open a device with the limits our kernels need, and
// when there is none, say what is missing (Vulkan loader, driver) instead of a bare null.

import { existsSync, readdirSync } from "node:fs";
import type { KernelStyle } from "../backend.ts";
import { getGpu } from "./dawn.ts";

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

/** Why no adapter answered, as far as we can tell from the file system (Linux) and Dawn. */
export function diagnoseNoAdapter(): string {
  if (process.platform !== "linux")
    return "no WebGPU adapter: the system's GPU driver (Metal / D3D12 / Vulkan) did not answer";
  const libDirs = [
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib64",
    "/usr/lib",
    "/usr/local/lib",
  ];
  const loader = libDirs.some((d) => existsSync(`${d}/libvulkan.so.1`));
  if (!loader)
    return "no WebGPU adapter: no Vulkan loader (libvulkan.so.1) found; install it (Debian/Ubuntu: apt-get install libvulkan1 mesa-vulkan-drivers)";
  const icdDirs = ["/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d", "/usr/local/share/vulkan/icd.d"];
  const icd = icdDirs.some((d) => {
    try {
      return existsSync(d) && readdirSync(d).some((f) => f.endsWith(".json"));
    } catch {
      return false;
    }
  });
  if (!icd)
    return "no WebGPU adapter: the Vulkan loader is installed but no Vulkan driver (ICD) is; install a GPU driver or Mesa's software one (apt-get install mesa-vulkan-drivers, Mesa >= 24)";
  return "no WebGPU adapter: Vulkan drivers are installed but none offered a device Dawn accepts (Dawn needs Mesa >= 24 for lavapipe; on Debian bookworm take mesa-vulkan-drivers from bookworm-backports)";
}

/** The best adapter, or an Error saying why there is none. */
export async function requestAdapter(): Promise<GPUAdapter | Error> {
  const gpu = getGpu();
  if (gpu instanceof Error) return gpu;
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (e) {
    return new Error(`requestAdapter failed: ${(e as Error).message}`);
  }
  return adapter ?? new Error(diagnoseNoAdapter());
}

/** Opens a device on `adapter` (default: the best one), or returns an Error saying why there is none. */
export async function openDevice(found?: GPUAdapter): Promise<OpenedDevice | Error> {
  const adapter = found ?? (await requestAdapter());
  if (adapter instanceof Error) return adapter;
  const l = adapter.limits;
  // Ask for what the adapter has where our kernels may need more than WebGPU's defaults.
  const device = await adapter.requestDevice({
    label: "keisei",
    requiredLimits: {
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  });
  const details = adapterDetails(adapter);
  return { adapter, device, details, style: kernelStyleFor(details) };
}
