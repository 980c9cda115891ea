// createBackend: pick the compute device (config `env.device: auto | webgpu | cpu`).

import { InputError } from "../util/input-error.ts";
import type { Backend } from "./backend.ts";
import { CpuBackend } from "./cpu/backend.ts";
import {
  type AdapterDetails,
  adapterDetails,
  adapterName,
  isCpuAdapter,
  openDevice,
  requestAdapter,
} from "./webgpu/adapter.ts";
import { autotune } from "./webgpu/autotune.ts";
import { WebGpuBackend } from "./webgpu/backend.ts";

export type DevicePreference = "auto" | "webgpu" | "cpu";

/** env.device asks for what this machine does not have: the user's choice to change (exit status 2). */
export class DeviceError extends InputError {
  override name = "DeviceError";
}

/**
 * What `auto` does with an adapter: a GPU takes the webgpu backend; a CPU-implemented adapter
 * (lavapipe, SwiftShader, WARP) takes the cpu backend, whose wasm SIMD kernels measure several
 * times faster than the same CPU behind Vulkan (bench/nn.ts).
 */
export function autoChoice(d: AdapterDetails): { kind: "webgpu" | "cpu"; why: string } {
  if (!isCpuAdapter(d)) return { kind: "webgpu", why: `GPU adapter ${adapterName(d)}` };
  return {
    kind: "cpu",
    why: `the only WebGPU adapter, ${adapterName(d)}, runs on the CPU, where keisei's own cpu backend is faster; env.device=webgpu forces it`,
  };
}

/**
 * - "cpu": the cpu backend (wasm SIMD kernels; cpu/backend.ts). The reference backend
 *   (reference/backend.ts, the TypeScript twins) is for tests and is never chosen here.
 * - "webgpu": a WebGPU adapter (a software one included) or an Error naming what is missing
 *   (Vulkan loader, driver …).
 * - "auto": a GPU adapter when there is one, else the CPU; `info.description` says which was
 *   taken (adapter vendor, architecture, description, fallback flag) or why the CPU was.
 */
export interface CreateBackendOptions {
  /**
   * On a GPU adapter, choose each kernel family's variant by autotune (webgpu/autotune.ts, cached
   * per adapter). Default true; KEISEI_AUTOTUNE=0 turns it off whatever this says. CPU adapters
   * (lavapipe) always run the register-blocked kernels, which are written for them.
   */
  autotune?: boolean;
}

export async function createBackend(pref: DevicePreference = "auto", o: CreateBackendOptions = {}): Promise<Backend> {
  if (pref === "cpu") return new CpuBackend();
  const adapter = await requestAdapter();
  if (adapter instanceof Error) {
    if (pref === "webgpu") throw new DeviceError(`env.device is "webgpu" but ${adapter.message}`);
    return new CpuBackend(`no WebGPU: ${adapter.message}`);
  }
  if (pref === "auto") {
    const choice = autoChoice(adapterDetails(adapter));
    if (choice.kind === "cpu") return new CpuBackend(choice.why);
  }
  const opened = await openDevice(adapter);
  if (opened instanceof Error) {
    if (pref === "webgpu") throw new DeviceError(`env.device is "webgpu" but ${opened.message}`);
    return new CpuBackend(`no WebGPU: ${opened.message}`);
  }
  const be = new WebGpuBackend(opened);
  if (be.info.style === "tiled" && (o.autotune ?? true) && process.env.KEISEI_AUTOTUNE !== "0") {
    try {
      const tuned = await autotune(be, opened.details, { subgroups: opened.device.features.has("subgroups") });
      be.useVariants(tuned.variants, tuned.summary);
    } catch (e) {
      // No variant of a family matched its twin here: the default ones run, and the description says why.
      be.useVariants({}, `not autotuned: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  return be;
}
