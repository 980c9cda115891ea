// createBackend: pick the compute device (config `env.device: auto | webgpu | cpu`).

import type { Backend } from "./backend.ts";
import { CpuBackend } from "./cpu/backend.ts";
import { openDevice } from "./webgpu/adapter.ts";
import { WebGpuBackend } from "./webgpu/backend.ts";

export type DevicePreference = "auto" | "webgpu" | "cpu";

/**
 * - "cpu": the TypeScript kernels.
 * - "webgpu": a WebGPU adapter or an Error naming what is missing (Vulkan loader, driver …).
 * - "auto": WebGPU when an adapter answers, else the CPU; `info.description` says which was
 *   taken (adapter vendor, architecture, description, fallback flag) or why the CPU was.
 */
export async function createBackend(pref: DevicePreference = "auto"): Promise<Backend> {
  if (pref === "cpu") return new CpuBackend();
  const opened = await openDevice();
  if (!(opened instanceof Error)) return new WebGpuBackend(opened);
  if (pref === "webgpu") throw new Error(`env.device is "webgpu" but ${opened.message}`);
  return new CpuBackend(opened.message);
}
