// Loads Dawn's Node bindings (the `webgpu` npm package) and hands out one GPU object for the
// whole process.
//
// Two facts shape this file (both measured, see shared/reference/webgpu-anchors.md §5.1):
// - `bun build --compile` embeds a native addon only when it is required by a *static* path, so
//   each platform's dawn.node is named literally below (the package's index.js builds the path at
//   run time, which the compiled binary cannot follow). A build keeps only its target's require
//   (KEISEI_TARGET, below); at run time the binary writes the addon to $TMPDIR and dlopens it.
// - When the object returned by `create()` is garbage-collected while a device made from it is in
//   use, Dawn crashes Bun. `gpuInstance` keeps it referenced until the process exits.

import { tmpdir } from "node:os";

export interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let gpuInstance: GPU | null = null;
let loadError: Error | null = null;

/**
 * Set at build time by `bun build --define KEISEI_TARGET='"linux-x64"'` (scripts/build.ts), in
 * Node's `${process.platform}-${process.arch}` spelling; absent when run from source.
 */
declare const KEISEI_TARGET: string | undefined;

function requireDawn(): DawnModule {
  // Two copies of the same table, on purpose. In a build, `typeof KEISEI_TARGET === "string"` is the
  // literal `true` and each `KEISEI_TARGET === "…"` a literal comparison, so the bundler drops the
  // `else` branch and every comparison that is false: the binary embeds only its own platform's
  // dawn.node (21 MB each), not all five. From source, only the `else` branch runs.
  if (typeof KEISEI_TARGET === "string") {
    if (KEISEI_TARGET === "linux-x64") return require("../../../node_modules/webgpu/dist/linux-x64/dawn.node");
    if (KEISEI_TARGET === "linux-arm64") return require("../../../node_modules/webgpu/dist/linux-arm64/dawn.node");
    if (KEISEI_TARGET === "darwin-arm64" || KEISEI_TARGET === "darwin-x64")
      return require("../../../node_modules/webgpu/dist/darwin-universal/dawn.node");
    if (KEISEI_TARGET === "win32-x64") return require("../../../node_modules/webgpu/dist/win32-x64/dawn.node");
    if (KEISEI_TARGET === "win32-arm64") return require("../../../node_modules/webgpu/dist/win32-arm64/dawn.node");
    throw new Error(`this keisei binary was built for ${KEISEI_TARGET}, for which WebGPU (Dawn) has no build`);
  } else {
    const key = `${process.platform}-${process.arch}`;
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
    const message = (e as Error).message;
    // The standalone binary writes its embedded dawn.node to $TMPDIR and dlopens it from there: an
    // unwritable TMPDIR shows up as "/$bunfs/root/dawn-….node: cannot open shared object file", a
    // noexec one as "$TMPDIR/.bun-….node: failed to map segment".
    const extracted = typeof KEISEI_TARGET === "string" && (message.includes("/$bunfs/") || message.includes(tmpdir()));
    const hint = extracted
      ? ` (keisei extracts dawn.node into TMPDIR=${tmpdir()} to load it: TMPDIR must be writable and not mounted noexec)`
      : "";
    loadError = new Error(`could not load Dawn (webgpu/dawn.node): ${message}${hint}`);
    return loadError;
  }
}
