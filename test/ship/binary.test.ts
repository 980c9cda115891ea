// The standalone `keisei` executable, as a user gets it: built for this machine
// (scripts/build.ts), copied alone into an empty folder and run with a bare environment — PATH
// without bun or node, HOME and TMPDIR in a temporary folder — through version, doctor, perft,
// a short training run on the cpu backend (and on webgpu when there is an adapter) and an
// evaluation of the checkpoint it wrote.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import pkg from "../../package.json" with { type: "json" };
import { commitId, hostTarget, ROOT } from "../../scripts/build.ts";
import { type Bare, bareCopy, runBare, systemBare } from "./helpers.ts";
import { positionFromCommand } from "../../src/shogi/position-command.ts";
import { parseUsiMove } from "../../src/shogi/sfen.ts";
import { EngineProcess } from "../usi/helpers.ts";

const host = hostTarget();
const requireWebGpu = process.env.KEISEI_REQUIRE_WEBGPU === "1";
let dir: string;
let bare: Bare;
let commit: string;
let hasAdapter = false;

/** A training run short enough for a test: 512 steps in 2 rollouts of 256, a checkpoint after each. */
const QUICK = [
  "--total-timesteps",
  "512",
  "--override",
  "training.steps_per_epoch=256",
  "--override",
  "training.checkpoint_interval_timesteps=256",
];

/** The safetensors header (JSON after an 8-byte length) of a checkpoint, checked for tensors. */
function safetensorsHeader(file: string): Record<string, unknown> {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString("utf8")) as Record<string, unknown>;
  expect(Object.keys(header).filter((k) => k !== "__metadata__").length).toBeGreaterThan(10);
  return header;
}

function expectRun(runDir: string, checkpoints: number[]): void {
  for (const ts of checkpoints) expect(existsSync(join(runDir, `checkpoint_ts${ts}.safetensors`))).toBe(true);
  for (const f of ["final_model.safetensors", "metrics.jsonl", "effective_config.yaml"])
    expect(existsSync(join(runDir, f))).toBe(true);
  safetensorsHeader(join(runDir, "final_model.safetensors"));
  // The embedded configs/tiny.yaml reached the run: there is no configs/ folder anywhere near it.
  const effective = YAML.parse(readFileSync(join(runDir, "effective_config.yaml"), "utf8"));
  expect(effective.training.tower_width).toBe(16);
  expect(effective.training.tower_depth).toBe(1);
}

describe.skipIf(host === null || process.platform === "win32")(
  "the keisei binary, alone in an empty folder with a bare environment",
  () => {
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "keisei-ship-"));
      commit = commitId();
      const build = Bun.spawnSync([process.execPath, join(ROOT, "scripts/build.ts"), "--outdir", join(dir, "build")], {
        cwd: ROOT,
        stdout: "pipe",
        stderr: "pipe",
      });
      if (build.exitCode !== 0) throw new Error(`scripts/build.ts failed:\n${build.stdout}${build.stderr}`);
      bare = bareCopy(join(dir, "build", "keisei"), dir);
      expect(readdirSync(bare.cwd)).toEqual(["keisei"]);
    }, 120_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test("the environment is bare: no bun, no node", () => {
      // `which NAME`, or POSIX `command -v NAME` where there is no `which`.
      const which = Bun.which("which");
      const lookup = (name: string) =>
        systemBare(bare, which ? [which, name] : ["/bin/sh", "-c", `command -v ${name}`]);
      for (const runtime of ["bun", "node", "npm"]) expect(lookup(runtime).code).not.toBe(0);
      expect(lookup("ls").code).toBe(0);
      const env = systemBare(bare, ["/usr/bin/env"])
        .out.trim()
        .split("\n")
        .map((l) => l.split("=")[0])
        .sort();
      expect(env).toEqual(["HOME", "PATH", "TMPDIR", "XDG_RUNTIME_DIR"]);
    });

    test("--version prints the version and the build's commit", () => {
      expect(commit).toMatch(/^([0-9a-f]{7,}(-dirty)?|unknown)$/);
      const r = runBare(bare, ["--version"]);
      expect(r.code).toBe(0);
      expect(r.out).toStartWith(`keisei/${pkg.version} (${commit}) `);
      expect(runBare(bare, ["--help"]).out).toContain("keisei train");
    });

    test("doctor: the adapter, or what to install and that the cpu backend still trains", () => {
      const r = runBare(bare, ["doctor"]);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`keisei ${pkg.version} (${commit})`);
      expect(r.out).toMatch(/^runtime +Bun .* \(standalone binary\)$/m);
      expect(r.out).toMatch(/^dawn +loaded/m);
      // The x86-64 Linux binary embeds the native AVX2/FMA convolutions and loads them (on a CPU with AVX2).
      if (`${process.platform}-${process.arch}` === "linux-x64" && process.env.KEISEI_REQUIRE_NATIVE === "1")
        expect(r.out).toMatch(/^cpu +native AVX2\/FMA convolutions on \d+ threads?$/m);
      // The binary loads its embedded dawn.node from a copy in TMPDIR.
      const extracted = readdirSync(bare.env.TMPDIR).filter((f) => f.endsWith(".node"));
      expect(extracted.length).toBe(1);
      expect(statSync(join(bare.env.TMPDIR, extracted[0])).size).toBeGreaterThan(10_000_000);
      hasAdapter = /^adapter +(?!NONE)/m.test(r.out);
      if (hasAdapter) {
        expect(r.out).toMatch(
          /llvmpipe/.test(r.out) ? /^backend +cpu \(env\.device auto: the only WebGPU adapter/m : /^backend +webgpu/m,
        );
      } else {
        expect(r.out).toMatch(/^adapter +NONE: no WebGPU adapter: .*(install|driver)/m);
        expect(r.out).toMatch(/^backend +cpu .*training still works on the CPU backend/m);
      }
      if (requireWebGpu) expect(hasAdapter).toBe(true);
    }, 60_000);

    test.skipIf(process.platform !== "linux")(
      "doctor with the loader pointed at a missing driver says so, and the cpu backend",
      () => {
        const r = runBare(bare, ["doctor"], { VK_ICD_FILENAMES: join(dir, "no-such-icd.json") });
        expect(r.code).toBe(0);
        // What the loader was told is what is wrong: the variable names a missing manifest.
        expect(r.out).toMatch(
          /^adapter +NONE: no WebGPU adapter: VK_ICD_FILENAMES=.*no-such-icd\.json names no existing file/m,
        );
        expect(r.out).toMatch(/^backend +cpu \(.*kernels\): training still works on the CPU backend/m);
      },
      60_000,
    );

    test("an unusable TMPDIR: doctor says why Dawn (and the native cpu kernels) did not load; perft still runs", () => {
      const missing = { TMPDIR: join(dir, "no-such-tmp") };
      const r = runBare(bare, ["doctor"], missing);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^dawn +NOT LOADED: .*TMPDIR must be writable/m);
      if (process.env.KEISEI_REQUIRE_NATIVE === "1")
        expect(r.out).toMatch(/^cpu +wasm SIMD kernels only: could not load libkeisei-cpu.*TMPDIR must be writable/m);
      expect(r.out).toMatch(/^backend +cpu/m);
      expect(runBare(bare, ["perft", "--depth", "2"], missing).out).toBe("nodes 900\n");
    }, 60_000);

    test("perft --depth 3 = 25470", () => {
      const r = runBare(bare, ["perft", "--depth", "3"]);
      expect(r.code).toBe(0);
      expect(r.out).toBe("nodes 25470\n");
    });

    test("config --config tiny and --config default come from the binary", () => {
      const tiny = runBare(bare, ["config", "--yaml", "--config", "tiny"]);
      expect(tiny.code).toBe(0);
      expect(YAML.parse(tiny.out).training.tower_width).toBe(16);
      const unknown = runBare(bare, ["config", "--config", "huge"]);
      expect(unknown.code).toBe(2);
      expect(unknown.err).toContain("embedded: default, tiny");
      expect(runBare(bare, ["config", "--config", "default"]).code).toBe(0);
    });

    test("train --config tiny on the cpu backend writes checkpoints; evaluate reads one", () => {
      const models = join(bare.cwd, "models");
      const r = runBare(bare, [
        "train",
        "--config",
        "tiny",
        ...QUICK,
        "--device",
        "cpu",
        "--savedir",
        models,
        "--run-name",
        "cpu",
      ]);
      expect(r.err).not.toContain("error");
      expect(r.code).toBe(0);
      expect(r.out).toContain("compute backend: cpu");
      expectRun(join(models, "cpu"), [256, 512]);

      const ev = runBare(bare, [
        "evaluate",
        "--agent",
        join(models, "cpu", "final_model.safetensors"),
        "--opponent",
        "random",
        "--games",
        "2",
        "--max-moves",
        "40",
        "--device",
        "cpu",
        "--format",
        "json",
      ]);
      expect(ev.code).toBe(0);
      expect(ev.out).toContain("random");
    }, 150_000);

    test("train --actors 1: the binary starts itself as the actor, and the learner trains on its segments", () => {
      const models = join(bare.cwd, "models");
      const r = runBare(bare, [
        "train",
        "--config",
        "tiny",
        ...QUICK,
        "--device",
        "cpu",
        "--savedir",
        models,
        "--run-name",
        "actors",
        "--actors",
        "1",
      ]);
      expect(r.code).toBe(0);
      expect(`${r.out}${r.err}`).toMatch(/actor 0: actor \S+: run actors in .*actors\.sqlite/);
      expectRun(join(models, "actors"), [256, 512]);
      const records = readFileSync(join(models, "actors", "metrics.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(records.map((x) => x["parallel/rollouts"])).toEqual([1, 1]);
    }, 150_000);

    test("usi: usiok within 1 s of a cold start; the checkpoint plays a legal move by search", async () => {
      const model = join(bare.cwd, "models", "cpu", "final_model.safetensors");
      const e = new EngineProcess([bare.binary, "usi", "--model", model], { ...bare.env });
      try {
        e.send("usi");
        const ok = await e.expect(/^usiok$/, 5000);
        expect(ok.at - e.started).toBeLessThan(1000);
        e.send("setoption name Device value cpu");
        e.send("isready");
        await e.expect(/^readyok$/, 30_000);
        e.send("position startpos moves 7g7f");
        e.send("go nodes 64");
        const best = await e.expect(/^bestmove /, 30_000);
        const pos = positionFromCommand("startpos moves 7g7f");
        expect(pos.isLegal(parseUsiMove(pos, best.text.split(" ")[1]))).toBe(true);
        const quit = e.send("quit");
        await e.exitedPromise;
        expect(performance.now() - quit).toBeLessThan(1000);
      } finally {
        e.kill();
      }
    }, 60_000);

    test("train --config tiny on the webgpu backend, when there is an adapter", () => {
      if (!hasAdapter) {
        if (requireWebGpu) throw new Error("KEISEI_REQUIRE_WEBGPU=1 but the binary's doctor found no adapter");
        console.warn("[ship] no WebGPU adapter: the webgpu training run is skipped");
        return;
      }
      // One rollout of 256 steps: on a software adapter most of the time is pipeline creation.
      const models = join(bare.cwd, "models");
      mkdirSync(models, { recursive: true });
      const args = [
        "--total-timesteps",
        "256",
        "--override",
        "training.steps_per_epoch=256",
        "--override",
        "training.checkpoint_interval_timesteps=256",
      ];
      const r = runBare(bare, [
        "train",
        "--config",
        "tiny",
        ...args,
        "--device",
        "webgpu",
        "--savedir",
        models,
        "--run-name",
        "webgpu",
      ]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/compute backend: webgpu/);
      expectRun(join(models, "webgpu"), [256]);
    }, 180_000);
  },
);
