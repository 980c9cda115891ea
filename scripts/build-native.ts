// Builds keisei's native cpu kernels (src/compute/cpu/native/*.c) into
// build/native/libkeisei-cpu-<platform>-<arch>.so with the system C compiler. Run by `npm ci`
// (postinstall) and by scripts/build.ts, which embeds the library in the binary.
//
//   bun scripts/build-native.ts            build for this machine (x86-64 Linux: AVX2 + FMA code)
//   bun scripts/build-native.ts --check    exit 1 unless it is built and current
//   bun scripts/build-native.ts --postinstall   (npm ci) a failed build is a warning, not a failed install
//
// Where there is no kernel source for this machine (arm64, macOS, Windows) it says so and exits 0:
// the cpu backend then runs its wasm SIMD kernels, and says that it does.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
const SRC = join(ROOT, "src/compute/cpu/native");
const OUT_DIR = join(ROOT, "build/native");

/** The library's file name for a Node platform-arch key. */
export const nativeLibraryName = (key = `${process.platform}-${process.arch}`): string => `libkeisei-cpu-${key}.so`;
export const nativeLibraryPath = (key?: string): string => join(OUT_DIR, nativeLibraryName(key));

/** Platforms the C kernels are written for (AVX2/FMA intrinsics, pthreads). */
export const NATIVE_TARGETS = ["linux-x64"] as const;

const SOURCES = ["kernels.c", "features.c"];

function upToDate(out: string): boolean {
  if (!existsSync(out)) return false;
  const built = statSync(out).mtimeMs;
  return SOURCES.every((f) => statSync(join(SRC, f)).mtimeMs <= built);
}

function run(cmd: string[]): void {
  const r = Bun.spawnSync(cmd, { stdout: "inherit", stderr: "inherit" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} exited ${r.exitCode}`);
}

/** Builds the library for this machine when it is missing or older than its sources; returns its path, or null where there is none for this platform. */
export function buildNative(): string | null {
  const key = `${process.platform}-${process.arch}`;
  if (!(NATIVE_TARGETS as readonly string[]).includes(key)) return null;
  const out = nativeLibraryPath(key);
  if (upToDate(out)) return out;
  const cc = process.env.CC ?? "cc";
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const objects = [join(OUT_DIR, `kernels-${process.pid}.o`), join(OUT_DIR, `features-${process.pid}.o`)];
  try {
    // kernels.c: AVX2 + FMA; features.c (the CPU check) without, so it runs on any x86-64
    run([cc, "-O3", "-mavx2", "-mfma", "-fPIC", "-Wall", "-c", join(SRC, "kernels.c"), "-o", objects[0]]);
    run([cc, "-O2", "-fPIC", "-Wall", "-c", join(SRC, "features.c"), "-o", objects[1]]);
    run([cc, "-shared", "-pthread", "-o", tmp, ...objects]);
    renameSync(tmp, out);
  } finally {
    for (const f of [...objects, tmp]) rmSync(f, { force: true });
  }
  return out;
}

if (import.meta.main) {
  const key = `${process.platform}-${process.arch}`;
  if (process.argv.includes("--check")) {
    const ok = !(NATIVE_TARGETS as readonly string[]).includes(key) || upToDate(nativeLibraryPath(key));
    console.log(ok ? "native cpu kernels: current" : `native cpu kernels: ${nativeLibraryPath(key)} missing or stale`);
    process.exit(ok ? 0 : 1);
  }
  try {
    const out = buildNative();
    if (out) console.log(`native cpu kernels: ${out} (${(readFileSync(out).length / 1024).toFixed(0)} KiB)`);
    else console.log(`native cpu kernels: none for ${key}; the cpu backend runs its wasm SIMD kernels here`);
  } catch (e) {
    console.error(
      `native cpu kernels: build failed (${(e as Error).message}); install a C compiler (apt-get install gcc) and run \`bun scripts/build-native.ts\`; until then the cpu backend runs its wasm kernels`,
    );
    process.exit(process.argv.includes("--postinstall") ? 0 : 1);
  }
}
