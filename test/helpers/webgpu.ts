// How tests reach the GPU path. With KEISEI_REQUIRE_WEBGPU=1 (set by .ci/run) a missing adapter is
// a failure; elsewhere GPU tests are skipped with the reason printed once.
import { getGpu } from "../../src/compute/webgpu/dawn.ts";

export const requireWebGpu = process.env.KEISEI_REQUIRE_WEBGPU === "1";

let cached: Promise<{ adapter: GPUAdapter; device: GPUDevice } | string> | null = null;

async function open(): Promise<{ adapter: GPUAdapter; device: GPUDevice } | string> {
  const gpu = getGpu();
  if (gpu instanceof Error) return gpu.message;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return "no WebGPU adapter (install a Vulkan driver, e.g. Mesa lavapipe: mesa-vulkan-drivers)";
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage },
  });
  return { adapter, device };
}

/** The shared test device, or null (test skipped) when there is none and CI did not demand one. */
export async function testDevice(): Promise<{ adapter: GPUAdapter; device: GPUDevice } | null> {
  cached ??= open();
  const r = await cached;
  if (typeof r !== "string") return r;
  if (requireWebGpu) throw new Error(`KEISEI_REQUIRE_WEBGPU=1 but ${r}`);
  if (!warned) console.warn(`[webgpu tests skipped] ${r}`);
  warned = true;
  return null;
}
let warned = false;

/** Whether a WebGPU adapter exists here; decided once, before tests are declared (for test.skipIf). */
export const hasWebGpu: boolean = await (async () => {
  cached ??= open();
  const r = await cached;
  if (typeof r === "string" && requireWebGpu) throw new Error(`KEISEI_REQUIRE_WEBGPU=1 but ${r}`);
  return typeof r !== "string";
})();

/**
 * Whether the WebGPU adapter here offers shader-f16 (f16 storage, training.mixed_precision).
 * Where WebGPU is required (CI, on lavapipe, which offers it) a missing shader-f16 is a failure;
 * elsewhere the f16 tests are skipped with the reason printed once.
 */
export const hasShaderF16: boolean = await (async () => {
  if (!hasWebGpu) return false;
  const r = await cached!;
  const has = typeof r !== "string" && r.adapter.features.has("shader-f16");
  if (!has && requireWebGpu) throw new Error("KEISEI_REQUIRE_WEBGPU=1 but the WebGPU adapter offers no shader-f16");
  if (!has) console.warn("[f16 storage tests skipped] the WebGPU adapter offers no shader-f16");
  return has;
})();
