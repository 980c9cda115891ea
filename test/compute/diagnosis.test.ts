// Honest diagnosis and a quiet start: a missing adapter is blamed on what the Vulkan loader is told
// and reports (not on Mesa's version when Mesa is new enough); Dawn's and the loader's native
// warnings stay out of the terminal unless --verbose, and doctor shows them as what they are.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasWebGpu } from "../helpers/webgpu.ts";

function keisei(args: string[], env: Record<string, string> = {}) {
  const r = Bun.spawnSync([process.execPath, "src/cli.ts", ...args], {
    env: { ...process.env, XDG_RUNTIME_DIR: "/tmp", ...env },
  });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

describe("no adapter", () => {
  test("VK_ICD_FILENAMES naming a missing file is what is blamed, in one line", () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-diag-"));
    const r = keisei(["train", "--config", "tiny", "--device", "webgpu", "--savedir", dir], {
      VK_ICD_FILENAMES: "/nonexistent/icd.json",
    });
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^keisei: env\.device is "webgpu" but no WebGPU adapter: VK_ICD_FILENAMES=\/nonexistent\/icd\.json names no existing file, and the Vulkan loader then looks nowhere else; unset it/,
      ),
    ]);
    expect(r.err).not.toContain("Mesa");
    expect(r.err).not.toContain("CheckVkSuccessImpl"); // the loader's own lines stay out
    rmSync(dir, { recursive: true, force: true });
  });

  test("doctor: manifests on disk are not called drivers in use; the variable and the loader's words are shown", () => {
    const r = keisei(["doctor"], { VK_ICD_FILENAMES: "/nonexistent/icd.json" });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^manifests {4}on disk: /m);
    expect(r.out).toContain(
      "VK_ICD_FILENAMES=/nonexistent/icd.json: the loader reads only these (missing: /nonexistent/icd.json)",
    );
    expect(r.out).toMatch(/^native {7}.*\/nonexistent\/icd\.json/m);
    expect(r.out).toMatch(/^adapter {6}NONE: no WebGPU adapter: VK_ICD_FILENAMES=/m);
    expect(r.err).toBe("");
  });
});

describe.skipIf(!hasWebGpu)("with an adapter", () => {
  test("Dawn's start-up warnings reach the terminal only with --verbose; the choice is one line", () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-verbose-"));
    const train = keisei(["train", "--config", "tiny", "--total-timesteps", "1", "--savedir", dir, "--run-name", "q"]);
    expect(train.code).toBe(0);
    expect(train.err).not.toContain("artificially reduced");
    expect(train.out.match(/^compute backend: .*$/gm)).toHaveLength(1);
    const args = ["doctor"];
    const verbose = keisei([...args, "--verbose"]);
    expect(verbose.code).toBe(0);
    expect(verbose.err).toContain("artificially reduced");
    const plain = keisei(args);
    expect(plain.err).toBe("");
    expect(plain.out).toMatch(/^native {7}Warning: .*artificially reduced/m);
    expect(plain.out.match(/^backend {6}\S+/gm)).toHaveLength(1);
    rmSync(dir, { recursive: true, force: true });
  });
});
