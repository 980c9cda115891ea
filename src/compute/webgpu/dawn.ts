// Loads Dawn's Node bindings (the `webgpu` npm package) and hands out one GPU object for the
// whole process.
//
// Two facts shape this file (both measured, see shared/reference/webgpu-anchors.md §5.1):
// - `bun build --compile` embeds a native addon only when it is required by a *static* path, so
//   each platform's dawn.node is named literally below (the package's index.js builds the path at
//   run time, which the compiled binary cannot follow).
// - When the object returned by `create()` is garbage-collected while a device made from it is in
//   use, Dawn crashes Bun. `gpuInstance` keeps it referenced until the process exits.

export interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let gpuInstance: GPU | null = null;
let loadError: Error | null = null;

function requireDawn(): DawnModule {
  const key = `${process.platform}-${process.arch}`;
  // One literal require per platform: the bundler sees each path and embeds the addon.
  switch (key) {
    case "linux-x64":
      return require("../../../node_modules/webgpu/dist/linux-x64/dawn.node");
    case "linux-arm64":
      return require("../../../node_modules/webgpu/dist/linux-arm64/dawn.node");
    case "darwin-arm64":
    case "darwin-x64":
      return require("../../../node_modules/webgpu/dist/darwin-universal/dawn.node");
    case "win32-x64":
      return require("../../../node_modules/webgpu/dist/win32-x64/dawn.node");
    case "win32-arm64":
      return require("../../../node_modules/webgpu/dist/win32-arm64/dawn.node");
    default:
      throw new Error(`WebGPU (Dawn) has no build for platform ${key}`);
  }
}

/** The process-wide GPU entry point, or an Error that says why Dawn could not be loaded. */
export function getGpu(): GPU | Error {
  if (gpuInstance) return gpuInstance;
  if (loadError) return loadError;
  try {
    const dawn = requireDawn();
    // WebGPU's classes (GPUBufferUsage, GPUShaderStage, …) are globals in a browser; Dawn ships them here.
    Object.assign(globalThis, dawn.globals);
    gpuInstance = dawn.create([]);
    return gpuInstance;
  } catch (e) {
    loadError = new Error(`could not load Dawn (webgpu/dawn.node): ${(e as Error).message}`);
    return loadError;
  }
}
