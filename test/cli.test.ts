// The `keisei` command as a user runs it: real subprocesses, real output, real exit codes.
import { describe, expect, test } from "bun:test";
import { hasWebGpu } from "./helpers/webgpu.ts";

function keisei(...args: string[]) {
  const r = Bun.spawnSync([process.execPath, "src/cli.ts", ...args], {
    env: { ...process.env, XDG_RUNTIME_DIR: "/tmp" },
  });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

describe("keisei perft", () => {
  test("start position depth 3", () => {
    const r = keisei("perft", "--depth", "3");
    expect(r.code).toBe(0);
    expect(r.out).toBe("nodes 25470\n");
  });
  test("--divide --json", () => {
    const r = keisei("perft", "--depth", "2", "--divide", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { nodes: number; divide: Record<string, number> };
    expect(j.nodes).toBe(900);
    expect(Object.keys(j.divide).length).toBe(30);
    expect(j.divide["7g7f"]).toBe(30);
  });
  test("from a USI position", () => {
    // Legal counts along 7g7f 3c3d 8h2b+: 30, 30, 39, 33 (keisei-python.md §12.2).
    expect(keisei("perft", "--position", "startpos moves 7g7f 3c3d", "--depth", "1").out).toBe("nodes 39\n");
    expect(keisei("perft", "--position", "startpos moves 7g7f 3c3d 8h2b+", "--depth", "1").out).toBe("nodes 33\n");
  });
  test("matsuri depth 2 from --sfen", () => {
    const r = keisei(
      "perft",
      "--sfen",
      "l6nl/5+P1gk/2np1S3/p1p4Pp/3P2Sp1/1PPb2P1P/P5GS1/R8/LN4bKL w RGgsn5p 1",
      "--depth",
      "2",
      "--json",
    );
    expect(JSON.parse(r.out)).toEqual({ nodes: 28684 });
  });
  test.each([
    [["perft", "--sfen", "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1 b - 1"], /rank/i],
    [["perft", "--position", "startpos moves 7g7e"], /7g7e/],
    [["perft", "--depth=-1"], /--depth must be a whole number/],
    [["perft", "--depth", "two"], /--depth must be a whole number/],
    [["perft", "--depht", "2"], /depht/],
    [["frobnicate"], /unknown command/],
  ])("bad input %p is one line on stderr and exit 2", (args, pattern) => {
    const r = keisei(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern as RegExp);
    expect(r.err.trim().split("\n").length).toBe(1);
    expect(r.out).toBe("");
  });
});

describe("keisei doctor", () => {
  test.skipIf(!hasWebGpu)("names the adapter and the backend it will use", () => {
    const r = keisei("doctor");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^adapter\s+\S/m);
    expect(r.out).toMatch(/^limit\s+maxStorageBufferBindingSize = [\d,]+$/m);
    // a GPU takes webgpu; lavapipe (a CPU adapter) loses to keisei's own cpu backend
    if (/^driver\s+.*llvmpipe/m.test(r.out))
      expect(r.out).toMatch(/^backend\s+cpu \(env\.device auto: the only WebGPU adapter, .*llvmpipe.*runs on the CPU/m);
    else expect(r.out).toMatch(/^backend\s+webgpu \(env\.device auto: GPU adapter/m);
  });
  test("without a Vulkan driver it says so, and that training still works on the CPU", () => {
    const none = Bun.spawnSync([process.execPath, "src/cli.ts", "doctor"], {
      env: { ...process.env, VK_ICD_FILENAMES: "/nonexistent/icd.json", XDG_RUNTIME_DIR: "/tmp" },
    });
    const out = none.stdout.toString();
    expect(none.exitCode).toBe(0);
    expect(out).toMatch(/^adapter\s+NONE: no WebGPU adapter/m);
    expect(out).toMatch(/^backend\s+cpu .*training still works on the CPU backend/m);
  });
  test("train --device webgpu without an adapter fails with the reason and leaves no run folder", () => {
    const dir = `/tmp/keisei-cli-nogpu-${process.pid}`;
    const r = Bun.spawnSync(
      [
        process.execPath,
        "src/cli.ts",
        "train",
        "--config",
        "configs/tiny.yaml",
        "--device",
        "webgpu",
        "--savedir",
        dir,
      ],
      { env: { ...process.env, VK_ICD_FILENAMES: "/nonexistent/icd.json", XDG_RUNTIME_DIR: "/tmp" } },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr.toString()).toContain('env.device is "webgpu" but no WebGPU adapter');
    expect(require("node:fs").existsSync(dir)).toBe(false);
  });
});

describe("keisei --version / --help / config", () => {
  test("--version", () => {
    const r = keisei("--version");
    expect(r.code).toBe(0);
    // Bun's own version (not process.version, the Node.js version it mimics) and the checkout's commit
    expect(r.out.trim()).toBe(
      `keisei/0.1.0 (source ${Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"]).stdout.toString().trim()}${r.out.includes("-dirty") ? "-dirty" : ""}) ${process.platform}-${process.arch} bun-${Bun.version}`,
    );
  });
  test("--help lists the commands", () => {
    const r = keisei("--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("perft");
    expect(r.out).toContain("config");
  });
  test("config lists fields with their doc lines and applies overrides", () => {
    const r = keisei("config", "--override", "training.learning_rate=0.001");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/training\.learning_rate\s+0\.001\s+Adam learning rate/);
    const bad = keisei("config", "--override", "training.learning_rat=1");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("did you mean training.learning_rate?");
  });
});
