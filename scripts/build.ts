// Builds the standalone `keisei` executable with `bun build --compile`.
//
//   bun scripts/build.ts                        dist/keisei, for this machine
//   bun scripts/build.ts --target linux-arm64   dist/keisei-linux-arm64 (any of TARGETS)
//   bun scripts/build.ts --target all           every target + dist/SHA256SUMS (the release)
//   options: --outdir DIR (default dist), --commit ID (default: git's short hash)
//
// What goes in: the program, bytecode-compiled (it starts ~30% faster; --minify is free), with its
// source map (stack traces name src/… lines); the WGSL shaders and configs/*.yaml (imported as
// text); and the target's own Dawn addon, dawn.node (21 MB), through the one static require that
// KEISEI_TARGET leaves in src/compute/webgpu/dawn.ts. Every artifact is checked to carry its own
// platform's dawn.node byte for byte and no other platform's, and the ones this machine can run are
// run (`--version` must print the commit).
//
// Never `strip` the output: that silently removes the embedded program and leaves plain bun.
// Cross-compiling fetches each target's Bun runtime from the npm registry once (then cached).

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { buildNative, NATIVE_TARGETS, nativeLibraryPath } from "./build-native.ts";

export const ROOT = resolve(import.meta.dir, "..");

export interface Target {
  /** Bun's --target. */
  bun: string;
  /** Node's `${process.platform}-${process.arch}` for this target: the KEISEI_TARGET define. */
  node: string;
  /** The folder of node_modules/webgpu/dist/ whose dawn.node the target embeds. */
  dawn: string;
  /** File name suffix. */
  ext: string;
}

/** Release targets, by the name `--target` takes and the artifact carries (dist/keisei-NAME). */
export const TARGETS: Record<string, Target> = {
  "linux-x64": { bun: "bun-linux-x64", node: "linux-x64", dawn: "linux-x64", ext: "" },
  "linux-arm64": { bun: "bun-linux-arm64", node: "linux-arm64", dawn: "linux-arm64", ext: "" },
  "darwin-arm64": { bun: "bun-darwin-arm64", node: "darwin-arm64", dawn: "darwin-universal", ext: "" },
  "windows-x64": { bun: "bun-windows-x64", node: "win32-x64", dawn: "win32-x64", ext: ".exe" },
};

/** Every dawn.node the `webgpu` package ships, by its dist/ folder. */
export const DAWN_BUILDS = ["linux-x64", "linux-arm64", "darwin-universal", "win32-x64", "win32-arm64"] as const;

export const dawnPath = (dawn: string): string => join(ROOT, "node_modules/webgpu/dist", dawn, "dawn.node");

/** The TARGETS name of this machine, or null when keisei has no release build for it. */
export function hostTarget(): string | null {
  const node = `${process.platform}-${process.arch}`;
  return Object.keys(TARGETS).find((name) => TARGETS[name].node === node) ?? null;
}

/** The build's commit: git's short hash, `-dirty` when the working tree differs from it; "unknown" outside git. */
export function commitId(): string {
  const git = (...args: string[]) => Bun.spawnSync(["git", ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const head = git("rev-parse", "--short", "HEAD");
  if (head.exitCode !== 0) return "unknown";
  const dirty = git("status", "--porcelain").stdout.toString().trim() !== "";
  return head.stdout.toString().trim() + (dirty ? "-dirty" : "");
}

/** Whether this machine can execute a binary of `target` (its own platform only; no emulation). */
export const runsHere = (target: string): boolean => TARGETS[target].node === `${process.platform}-${process.arch}`;

export interface BuildOptions {
  target: string;
  outfile: string;
  commit: string;
}

/**
 * The native cpu kernels library a target embeds (scripts/build-native.ts; built here when missing
 * or stale), or null for a target without one. Only this machine's platform can be built here.
 */
export function nativeLibraryFor(target: string): string | null {
  const node = TARGETS[target].node;
  if (!(NATIVE_TARGETS as readonly string[]).includes(node)) return null;
  if (node !== `${process.platform}-${process.arch}`) {
    if (existsSync(nativeLibraryPath(node))) return nativeLibraryPath(node);
    throw new Error(`the ${target} binary embeds the native cpu kernels, which only a ${node} machine builds`);
  }
  return buildNative();
}

/** `bun build --compile` of src/cli.ts for one target. Throws with the compiler's output on failure. */
export function compile(o: BuildOptions): void {
  const t = TARGETS[o.target];
  if (!t) throw new Error(`unknown target "${o.target}" (targets: ${Object.keys(TARGETS).join(", ")}, all)`);
  mkdirSync(resolve(o.outfile, ".."), { recursive: true });
  const native = nativeLibraryFor(o.target);
  const args = [
    "build",
    "--compile",
    join(ROOT, "src/cli.ts"),
    // embedded as a file: src/compute/cpu/native/index.ts finds it in Bun.embeddedFiles
    ...(native ? [native] : []),
    "--outfile",
    o.outfile,
    `--target=${t.bun}`,
    `--define`,
    `KEISEI_TARGET=${JSON.stringify(t.node)}`,
    `--define`,
    `KEISEI_COMMIT=${JSON.stringify(o.commit)}`,
    // Start-up: bytecode cuts `keisei --help` by ~30% (bench/startup.ts); it needs ESM because
    // cli.ts awaits at top level. Minifying costs nothing at start-up and keeps the bundle small;
    // --keep-names and the embedded source map keep stack traces readable.
    "--bytecode",
    "--format=esm",
    "--minify",
    "--keep-names",
    "--sourcemap=linked",
    // A user's .env or bunfig.toml in the working directory must not change what keisei does.
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
  ];
  const r = Bun.spawnSync([process.execPath, ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  // The source map is embedded; the compiler also leaves a copy beside the binary.
  rmSync(`${o.outfile}.map`, { force: true });
  if (r.exitCode !== 0 || !existsSync(o.outfile)) {
    throw new Error(`bun build --compile --target=${t.bun} failed (exit ${r.exitCode}):\n${r.stdout}${r.stderr}`);
  }
}

/**
 * 64 KiB from the start and from the end of each dawn.node: the start finds where an addon sits in
 * a binary, and both are checked to occur in that addon only, so finding one in an artifact names
 * the platform.
 */
export function dawnProbes(): Map<string, { head: Buffer; tail: Buffer; bytes: Buffer }> {
  const probes = new Map<string, { head: Buffer; tail: Buffer; bytes: Buffer }>();
  for (const d of DAWN_BUILDS) {
    const bytes = readFileSync(dawnPath(d));
    probes.set(d, { head: bytes.subarray(0, 65536), tail: bytes.subarray(bytes.length - 65536), bytes });
  }
  for (const [d, p] of probes)
    for (const [other, q] of probes)
      if (d !== other && (q.bytes.includes(p.head) || q.bytes.includes(p.tail)))
        throw new Error(`dawn.node probes of ${d} also occur in ${other}'s`);
  return probes;
}

export interface AddonCheck {
  /** The dawn builds found in the binary (head or tail probe). */
  found: string[];
  /** Whether the expected dawn.node is there whole, byte for byte. */
  whole: boolean;
}

/** Which dawn.node builds `file` embeds. */
export function embeddedDawn(file: string, probes = dawnProbes(), expected?: string): AddonCheck {
  const bin = readFileSync(file);
  const found = [...probes].filter(([, p]) => bin.includes(p.head) || bin.includes(p.tail)).map(([d]) => d);
  let whole = false;
  if (expected) {
    const p = probes.get(expected)!;
    const at = bin.indexOf(p.head);
    whole = at >= 0 && bin.subarray(at, at + p.bytes.length).equals(p.bytes);
  }
  return { found, whole };
}

/** Throws unless `file` embeds exactly `target`'s dawn.node, whole. */
export function checkAddon(file: string, target: string, probes = dawnProbes()): void {
  const want = TARGETS[target].dawn;
  const { found, whole } = embeddedDawn(file, probes, want);
  if (found.length !== 1 || found[0] !== want || !whole) {
    throw new Error(
      `${file}: expected only ${want}/dawn.node embedded whole; found [${found.join(", ")}]${whole ? "" : ` (${want} not whole)`}`,
    );
  }
}

/** Throws unless `file` embeds the native cpu kernels library its target has, byte for byte. */
export function checkNative(file: string, target: string): void {
  const lib = nativeLibraryFor(target);
  if (lib && !readFileSync(file).includes(readFileSync(lib)))
    throw new Error(`${file}: the native cpu kernels (${basename(lib)}) are not embedded`);
}

/** Runs `file --version`; throws unless it names the commit (a stripped binary prints bun's own). */
export function checkVersion(file: string, commit: string): string {
  const r = Bun.spawnSync([file, "--version"], { stdout: "pipe", stderr: "pipe" });
  const out = r.stdout.toString().trim();
  if (r.exitCode !== 0 || !out.includes(`(${commit})`))
    throw new Error(`${file} --version: exit ${r.exitCode}, printed "${out}" ${r.stderr}`);
  return out;
}

export const sha256 = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");

export interface Artifact {
  target: string;
  file: string;
  bytes: number;
  seconds: number;
  version: string | null;
}

/** Builds and checks one target into `file`. */
export function buildTarget(target: string, file: string, commit: string, probes = dawnProbes()): Artifact {
  const started = performance.now();
  compile({ target, outfile: file, commit });
  const seconds = (performance.now() - started) / 1000;
  checkAddon(file, target, probes);
  checkNative(file, target);
  const version = runsHere(target) ? checkVersion(file, commit) : null;
  return { target, file, bytes: statSync(file).size, seconds, version };
}

/** `--target all`: every release artifact, then SHA256SUMS (sha256sum's format, names relative to outdir). */
export function buildRelease(outdir: string, commit: string): Artifact[] {
  const probes = dawnProbes();
  const artifacts = Object.entries(TARGETS).map(([name, t]) =>
    buildTarget(name, join(outdir, `keisei-${name}${t.ext}`), commit, probes),
  );
  writeFileSync(join(outdir, "SHA256SUMS"), artifacts.map((a) => `${sha256(a.file)}  ${basename(a.file)}\n`).join(""));
  return artifacts;
}

function usage(message: string): never {
  console.error(
    `build: ${message}\nusage: bun scripts/build.ts [--target ${Object.keys(TARGETS).join("|")}|all] [--outdir DIR] [--commit ID]`,
  );
  process.exit(2);
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(target|outdir|commit)(?:=(.*))?$/.exec(argv[i]);
    if (!m) usage(`unknown argument "${argv[i]}"`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) usage(`--${m[1]} needs a value`);
    opts[m[1]] = value;
  }
  const outdir = resolve(opts.outdir ?? join(ROOT, "dist"));
  const commit = opts.commit ?? commitId();
  const say = (a: Artifact) =>
    console.log(
      `${a.file}  ${(a.bytes / 2 ** 20).toFixed(1)} MiB  ${a.seconds.toFixed(1)} s  ${TARGETS[a.target].dawn}/dawn.node${a.version ? `  ${a.version}` : ""}`,
    );
  try {
    if (opts.target === "all") {
      for (const a of buildRelease(outdir, commit)) say(a);
      console.log(join(outdir, "SHA256SUMS"));
    } else if (opts.target !== undefined) {
      if (!TARGETS[opts.target]) usage(`unknown target "${opts.target}"`);
      say(buildTarget(opts.target, join(outdir, `keisei-${opts.target}${TARGETS[opts.target].ext}`), commit));
    } else {
      const host = hostTarget();
      if (!host) usage(`keisei has no build for ${process.platform}-${process.arch}; pass --target`);
      say(buildTarget(host, join(outdir, `keisei${TARGETS[host].ext}`), commit));
    }
  } catch (e) {
    console.error(`build: ${(e as Error).message}`);
    process.exit(1);
  }
}
