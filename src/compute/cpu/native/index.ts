// The cpu backend's native kernels (kernels.c: the tower's 3×3 convolutions as AVX2/FMA GEMMs),
// loaded with bun:ffi and run on the wasm heap in place: a heap address plus the memory's base
// address is a native pointer (the base is read at every call: a non-shared memory may move when
// it grows). From source the library is build/native/libkeisei-cpu-<platform>-<arch>.so (built by
// `npm ci` through scripts/build-native.ts); the standalone binary embeds it (scripts/build.ts)
// and loads it from there. Where it is absent or the CPU lacks AVX2/FMA, the backend runs its wasm
// kernels and its description says why (never silently).

import { dlopen, type Pointer, ptr } from "bun:ffi";
import { existsSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { FAMILIES } from "../../kernels/index.ts";
import { tablePairs } from "../fast/gather.ts";
import type { FastBuf, FastContext, FastKernel } from "../fast/types.ts";

const LIBRARY = `libkeisei-cpu-${process.platform}-${process.arch}`;

const SYMBOLS = {
  keisei_native_supported: { args: [], returns: "i32" },
  keisei_native_init: { args: ["i32"], returns: "i32" },
  keisei_conv3x3: {
    args: ["i32", "ptr", "ptr", "ptr", "ptr", "i32", "i32", "i32", "i32", "i32", "i32", "i32"],
    returns: "i32",
  },
  keisei_conv3x3_weight_grad: { args: ["i32", "ptr", "ptr", "ptr", "i32", "i32", "i32", "i32"], returns: "i32" },
  keisei_conv3x3_winograd: {
    args: ["i32", "ptr", "ptr", "ptr", "ptr", "i32", "i32", "i32", "i32", "i32", "i32", "i32"],
    returns: "i32",
  },
  keisei_conv3x3_weight_grad_winograd: {
    args: ["i32", "ptr", "ptr", "ptr", "i32", "i32", "i32", "i32"],
    returns: "i32",
  },
  keisei_gather_rows: {
    args: ["i32", "ptr", "ptr", "ptr", "ptr", "ptr", "i32", "ptr", "ptr", "i32", "i32", "i32", "i32", "i32", "i32"],
    returns: "i32",
  },
} as const;

/**
 * How the native kernels compute a 3×3 convolution: "direct" (im2col GEMM), "winograd"
 * (F(3×3, 3×3): 3.24× less arithmetic, transforms cost memory passes), or "auto": Winograd from
 * WINOGRAD_MIN_CHANNELS input and output channels on (measured: bench/vs-pytorch.ts), direct below.
 */
export type ConvAlgorithm = "auto" | "direct" | "winograd";
export const WINOGRAD_MIN_CHANNELS = 64;

type Library = ReturnType<typeof dlopen<typeof SYMBOLS>>;

/** Where the library is: embedded in the binary, or built beside the sources; null when neither. */
function libraryPath(): string | null {
  const embedded = (Bun.embeddedFiles as (Blob & { name?: string })[]).find((f) => f.name?.startsWith(LIBRARY));
  if (embedded) return `/$bunfs/root/${embedded.name}`;
  const built = join(import.meta.dir, "../../../../build/native", `${LIBRARY}.so`);
  return existsSync(built) ? built : null;
}

/** Whether a library built in a checkout is older than a C source beside this file (edited, not rebuilt). */
function stale(library: string): boolean {
  const built = statSync(library).mtimeMs;
  return ["kernels.c", "features.c"].some((f) => {
    const src = join(import.meta.dir, f);
    return existsSync(src) && statSync(src).mtimeMs > built;
  });
}

let loaded: { lib: Library; threads: number } | { error: string } | null = null;

/** Threads of the native pool: KEISEI_CPU_THREADS, else every core (at most 16). */
function poolThreads(): number {
  const env = Number(process.env.KEISEI_CPU_THREADS);
  return Math.min(16, Number.isInteger(env) && env >= 1 ? env : availableParallelism());
}

/** Opens the library and starts its threads, or says why it cannot. */
function open(): { lib: Library; threads: number } | { error: string } {
  if (process.env.KEISEI_CPU_KERNELS === "wasm") return { error: "KEISEI_CPU_KERNELS=wasm" };
  const path = libraryPath();
  if (!path)
    return {
      error:
        process.platform === "linux" && process.arch === "x64"
          ? "native kernels not built: run `bun scripts/build-native.ts`"
          : `no native kernels for ${process.platform}-${process.arch}`,
    };
  try {
    if (!path.startsWith("/$bunfs/") && stale(path))
      return { error: `${basename(path)} is older than its sources: run \`bun scripts/build-native.ts\`` };
    const lib = dlopen(path, SYMBOLS);
    if (!lib.symbols.keisei_native_supported()) return { error: "this CPU lacks AVX2/FMA" };
    const threads = lib.symbols.keisei_native_init(poolThreads());
    if (threads === 0) return { error: "the native kernels could not allocate their packing buffers" };
    return { lib, threads };
  } catch (e) {
    // The binary's copy is extracted to TMPDIR and loaded from there (as Dawn is).
    const hint = path.startsWith("/$bunfs/")
      ? ` (keisei extracts its native kernels into TMPDIR=${tmpdir()}: TMPDIR must be writable and not mounted noexec)`
      : "";
    return { error: `could not load ${basename(path)}: ${(e as Error).message}${hint}` };
  }
}

/**
 * The native library with its thread pool started (once per process), or why there is none:
 * "not built (…)", "this CPU lacks AVX2/FMA", a dlopen error.
 */
export function loadNative(): { lib: Library; threads: number } | { error: string } {
  loaded ??= open();
  return loaded;
}

/** The native pointer of heap address `at`. */
function pointer(ctx: FastContext, at: number): Pointer {
  return (ptr(ctx.heap.memory.buffer) + at) as Pointer;
}

function failed(what: string): never {
  throw new Error(`native ${what}: could not allocate its scratch memory`);
}

/** The FastKernel overrides the native library provides (same bindings and uniforms as the twins), run on `threads` threads (1, or the pool's). */
export function nativeKernels(
  lib: Library,
  threads: number,
  algorithm: ConvAlgorithm = "auto",
): Record<string, FastKernel> {
  const winograd = (cin: number, cout: number) =>
    algorithm === "winograd" || (algorithm === "auto" && cin >= WINOGRAD_MIN_CHANNELS && cout >= WINOGRAD_MIN_CHANNELS);
  const conv: FastKernel = (ctx, b: Record<string, FastBuf>, u) => {
    const { batch, cin, cout, wStrideOut, wStrideIn, flip, hasBias, accumulate } = u;
    if (batch === 0 || cout === 0) return true;
    if (cin === 0) return false;
    const status = (winograd(cin, cout) ? lib.symbols.keisei_conv3x3_winograd : lib.symbols.keisei_conv3x3)(
      threads,
      pointer(ctx, b.x.ptr),
      pointer(ctx, b.w.ptr),
      hasBias ? pointer(ctx, b.bias.ptr) : null,
      pointer(ctx, b.y.ptr),
      batch,
      cin,
      cout,
      wStrideOut,
      wStrideIn,
      flip,
      accumulate,
    );
    if (status !== 0) failed("conv3x3");
    return true;
  };
  const weightGrad: FastKernel = (ctx, b, u) => {
    const { batch, cin, cout, accumulate } = u;
    if (batch === 0 || cin === 0 || cout === 0) return false;
    const status = (
      winograd(cin, cout) ? lib.symbols.keisei_conv3x3_weight_grad_winograd : lib.symbols.keisei_conv3x3_weight_grad
    )(threads, pointer(ctx, b.x.ptr), pointer(ctx, b.dy.ptr), pointer(ctx, b.dw.ptr), batch, cin, cout, accumulate);
    if (status !== 0) failed("conv3x3 weight gradient");
    return true;
  };
  // The conv policy head's planes ↔ actions map: a zero-fill and a copy of the mapped pairs per row (fast/gather.ts), rows split over the threads.
  const gather: FastKernel = (ctx, b, u) => {
    const { rows, srcCols, dstCols, obsStride, moverAt } = u;
    if (rows === 0) return true;
    const pairs = tablePairs(ctx, b, dstCols);
    if (pairs.dst[0].length === 0 || pairs.dst[1].length === 0) return false; // (no table maps nothing; the wasm path copes)
    lib.symbols.keisei_gather_rows(
      threads,
      pointer(ctx, b.src.ptr),
      pointer(ctx, b.obs.ptr),
      pointer(ctx, b.dst.ptr),
      ptr(pairs.dst[0]),
      ptr(pairs.src[0]),
      pairs.dst[0].length,
      ptr(pairs.dst[1]),
      ptr(pairs.src[1]),
      pairs.dst[1].length,
      rows,
      srcCols,
      dstCols,
      obsStride,
      moverAt,
    );
    return true;
  };
  // every variant of a family computes the same (same uniforms, same twin)
  return Object.fromEntries([
    ["gather.rows", gather],
    ...FAMILIES.conv.map((k) => [k.name, conv]),
    ...FAMILIES.weightGrad.map((k) => [k.name, weightGrad]),
  ]);
}
