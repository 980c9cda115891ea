// The subgroup twins of the kernels with workgroup reductions (src/compute/kernels/subgroups.ts):
// their sources, then every GPU parity test of those kernels (test/compute/kernels.test.ts:
// batch norm in all its modes, the policy's log-softmax and sampling, the PPO loss, Adam, the
// gradient norm and clipping; test/compute/az-loss.test.ts: the Gumbel AZ loss) rerun in a child
// process whose shared WebGPU backend runs every such kernel as its subgroup twin, on the adapter
// at hand (lavapipe in CI offers subgroups). The child logs the kernels it ran: every twin must be
// among them, so no twin goes untested.

import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SUBGROUP_TWINS } from "../../src/compute/kernels/index.ts";
import { withSubgroups } from "../../src/compute/kernels/subgroups.ts";
import * as ew from "../../src/compute/kernels/elementwise.ts";
import { openDevice } from "../../src/compute/webgpu/adapter.ts";
import { hasWebGpu } from "./helpers.ts";

const ROOT = resolve(import.meta.dir, "../..");
const opened = hasWebGpu ? await openDevice() : null;
const subgroups = opened !== null && !(opened instanceof Error) && opened.device.features.has("subgroups");
if (hasWebGpu && !subgroups) {
  if (process.env.KEISEI_REQUIRE_WEBGPU === "1")
    throw new Error("KEISEI_REQUIRE_WEBGPU=1 but the adapter has no subgroups");
  console.log("  the WebGPU adapter has no subgroups: the subgroup twins are not run");
}
if (opened && !(opened instanceof Error)) opened.device.destroy();

describe("subgroup twins", () => {
  test("one per kernel with workgroup reductions: enable subgroups, every entry point given its lane", () => {
    expect(SUBGROUP_TWINS.size).toBe(16);
    for (const [plain, twin] of SUBGROUP_TWINS) {
      expect(twin.name).toBe(`${plain.name}_subgroups`);
      expect(twin.source.startsWith("enable subgroups;\n")).toBe(true);
      expect(twin.cpu).toBe(plain.cpu);
      expect(twin.bindings).toBe(plain.bindings);
      const entries = twin.source.split("@compute").length - 1;
      expect(twin.source.split("@builtin(subgroup_invocation_id) sgLane_: u32").length - 1).toBe(entries);
      expect(twin.source).not.toContain("redF[lid] += redF[lid + s]"); // the tree reduction is gone
    }
    expect(() => withSubgroups(ew.fill)).toThrow(/no workgroup reductions/);
  });

  test.skipIf(!subgroups)(
    "every GPU parity test of those kernels passes on their subgroup twins",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "keisei-subgroups-"));
      const log = join(dir, "kernels.txt");
      try {
        const r = Bun.spawnSync(
          [process.execPath, "test", "test/compute/kernels.test.ts", "test/compute/az-loss.test.ts"],
          {
            cwd: ROOT,
            env: { ...process.env, KEISEI_TEST_REDUCE: "subgroups", KEISEI_TEST_KERNEL_LOG: log },
            stdout: "pipe",
            stderr: "pipe",
          },
        );
        const out = r.stdout.toString() + r.stderr.toString();
        const summary = out
          .match(/^ *\d+ pass\n *\d+ fail/m)?.[0]
          .replace(/\s+/g, " ")
          .trim();
        console.log(`  kernel tests on subgroup twins: ${summary}`);
        if (r.exitCode !== 0) throw new Error(`the kernel tests failed on the subgroup twins:\n${out.slice(-4000)}`);
        const ran = new Set(readFileSync(log, "utf8").split("\n"));
        const missing = [...SUBGROUP_TWINS.values()].map((k) => k.name).filter((n) => !ran.has(n));
        expect(missing).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    600_000,
  );
});
