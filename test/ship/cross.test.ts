// The release: `bun scripts/build.ts --target all` cross-compiles every target. Each artifact is
// an executable of its own platform and architecture, carries its own platform's dawn.node whole
// and no other platform's, and SHA256SUMS lists them all. The linux-x64 one runs (here, when this is
// linux-x64; the linux-arm64 one too where qemu-aarch64 and an arm64 libc are installed).
//
// Cross-compiling fetches each target's Bun runtime from the npm registry on first use. Runs in CI
// (CI=true) and locally unless KEISEI_SKIP_CROSS=1.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { DAWN_BUILDS, dawnProbes, embeddedDawn, ROOT, sha256, TARGETS } from "../../scripts/build.ts";
import { bareCopy, runBare } from "./helpers.ts";

const skip = process.env.CI !== "true" && process.env.KEISEI_SKIP_CROSS === "1";
let dir: string;
const COMMIT = "release-test";
const artifact = (name: string) => join(dir, "dist", `keisei-${name}${TARGETS[name].ext}`);

/** What the file's header says it is: format and CPU. */
function executableKind(file: string): string {
  const b = readFileSync(file).subarray(0, 4096);
  if (b.readUInt32BE(0) === 0x7f454c46) {
    const machine = b.readUInt16LE(18);
    return `elf-${machine === 62 ? "x64" : machine === 183 ? "arm64" : machine}`;
  }
  if (b.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = b.readInt32LE(4);
    // LC_CODE_SIGNATURE (0x1d): Apple silicon runs only signed code; bun signs ad hoc.
    let signed = false;
    for (let i = 0, off = 32; i < b.readUInt32LE(16); i++, off += b.readUInt32LE(off + 4))
      if (b.readUInt32LE(off) === 0x1d) signed = true;
    return `macho-${cpu === 0x0100000c ? "arm64" : cpu === 0x01000007 ? "x64" : cpu}${signed ? "-signed" : ""}`;
  }
  if (b.toString("latin1", 0, 2) === "MZ") {
    const pe = b.readUInt32LE(0x3c);
    const machine = b.readUInt16LE(pe + 4);
    return `pe-${machine === 0x8664 ? "x64" : machine === 0xaa64 ? "arm64" : machine}`;
  }
  return "unknown";
}

const EXPECTED_KIND: Record<string, string> = {
  "linux-x64": "elf-x64",
  "linux-arm64": "elf-arm64",
  "darwin-arm64": "macho-arm64-signed",
  "windows-x64": "pe-x64",
};

describe.skipIf(skip)("release build (--target all)", () => {
  let buildLog = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "keisei-release-"));
    const r = Bun.spawnSync(
      [
        process.execPath,
        join(ROOT, "scripts/build.ts"),
        "--target",
        "all",
        "--outdir",
        join(dir, "dist"),
        "--commit",
        COMMIT,
      ],
      {
        cwd: ROOT,
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    buildLog = `${r.stdout}${r.stderr}`;
    if (r.exitCode !== 0) throw new Error(`scripts/build.ts --target all failed:\n${buildLog}`);
  }, 420_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the probes tell the five dawn.node builds apart", () => {
    expect(dawnProbes().size).toBe(DAWN_BUILDS.length);
  });

  test.each(Object.keys(TARGETS))(
    "%s: an executable of its platform with its own dawn.node only, whole",
    (name) => {
      const file = artifact(name);
      expect(existsSync(file)).toBe(true);
      expect(executableKind(file)).toBe(EXPECTED_KIND[name]);
      const dawn = TARGETS[name].dawn;
      const { found, whole } = embeddedDawn(file, dawnProbes(), dawn);
      expect(found).toEqual([dawn]);
      expect(whole).toBe(true);
      // Bun's runtime (~90–115 MB) + one dawn.node (12–22 MB); two addons would be ≥ 20 MB more.
      const size = statSync(file).size;
      const dawnBytes = statSync(join(ROOT, "node_modules/webgpu/dist", dawn, "dawn.node")).size;
      expect(size).toBeGreaterThan(dawnBytes + 60_000_000);
      expect(size).toBeLessThan(dawnBytes + 125_000_000);
    },
    60_000,
  );

  test("SHA256SUMS lists every artifact in sha256sum's format", () => {
    const lines = readFileSync(join(dir, "dist", "SHA256SUMS"), "utf8")
      .trimEnd()
      .split("\n");
    expect(lines.length).toBe(Object.keys(TARGETS).length);
    for (const name of Object.keys(TARGETS)) {
      const file = artifact(name);
      expect(lines).toContain(`${sha256(file)}  ${file.split("/").pop()}`);
    }
  }, 60_000);

  test.skipIf(process.platform !== "linux" || process.arch !== "x64")(
    "the linux-x64 one runs, in a bare environment",
    () => {
      const bare = bareCopy(artifact("linux-x64"), join(dir, "x64"));
      const v = runBare(bare, ["--version"]);
      expect(v.code).toBe(0);
      expect(v.out).toStartWith(`keisei/${pkg.version} (${COMMIT}) linux-x64`);
      expect(runBare(bare, ["perft", "--depth", "3"]).out).toBe("nodes 25470\n");
      const doctor = runBare(bare, ["doctor"]);
      expect(doctor.code).toBe(0);
      expect(doctor.out).toMatch(/^dawn +loaded/m);
    },
    60_000,
  );

  const qemu = Bun.which("qemu-aarch64-static") ?? Bun.which("qemu-aarch64");
  const armLibc = "/usr/aarch64-linux-gnu";
  const canRunArm =
    process.platform === "linux" &&
    (process.arch === "arm64" || (qemu !== null && existsSync(join(armLibc, "lib/ld-linux-aarch64.so.1"))));
  test.skipIf(!canRunArm)(
    "the linux-arm64 one runs (natively, or under qemu-aarch64)",
    () => {
      const file = artifact("linux-arm64");
      const run = (args: string[]) => {
        const argv = process.arch === "arm64" ? [file, ...args] : [qemu!, file, ...args];
        const r = Bun.spawnSync(argv, {
          env: { ...process.env, QEMU_LD_PREFIX: armLibc, TMPDIR: dir },
          stdout: "pipe",
          stderr: "pipe",
        });
        return { code: r.exitCode, out: r.stdout.toString() };
      };
      expect(run(["--version"]).out).toStartWith(`keisei/${pkg.version} (${COMMIT}) linux-arm64`);
      expect(run(["perft", "--depth", "3"]).out).toBe("nodes 25470\n");
      expect(run(["doctor"]).out).toMatch(/^dawn +loaded/m);
    },
    120_000,
  );
});
