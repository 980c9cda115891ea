// Sweeps as a careless user drives them: a metric keisei never writes (refused at `sweep create`,
// not after every trial ran in full), a database URL keisei does not speak (never a folder named
// `mysql:`), commands on a study database that does not exist (never an empty one made), and an
// agent killed with -9, whose trial must die with it rather than train on for nobody.

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSweepSpec, SweepSpecError } from "../../src/sweep/spec.ts";
import { describeStorage } from "../../src/sweep/storage.ts";
import { METRIC_NAMES } from "../../src/training/metrics.ts";
import { CLI, expectRefusal, hashTree, inPairs, keisei } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "keisei-hard-sweep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sweep = (name: string, metric: string) => {
  writeFileSync(
    join(dir, name),
    `method: random\nmetric: {name: ${metric}, goal: maximize}\nparameters:\n  training.learning_rate: {values: [0.001]}\n`,
  );
  return name;
};
sweep("typo.yaml", "eval/winrate");
sweep("good.yaml", "eval/win_rate");

const CASES: [string[], RegExp[]][] = [
  [
    ["sweep", "create", "typo.yaml", "--savedir", "models"],
    [
      /typo\.yaml: metric\.name: "eval\/winrate" is not a metric keisei writes to metrics\.jsonl \(did you mean eval\/win_rate\?\)/,
    ],
  ],
  [["train", "--sweep", "typo.yaml", "--savedir", "models"], [/typo\.yaml: metric\.name: "eval\/winrate"/]],
  [
    ["sweep", "create", "good.yaml", "--storage", "mysql://x"],
    [/--storage "mysql:\/\/x": mysql:\/\/ is not a study database keisei opens/],
  ],
  [["sweep", "create", "good.yaml", "--storage", "mysql://user:secret@host/db"], [/"mysql:\/\/user:\*\*\*@host\/db"/]],
  [["train", "--sweep", "good.yaml", "--storage", "http://x/y"], [/http:\/\/ is not a study database/]],
  [["sweep", "status", "--storage", "studies.sqlite"], [/studies\.sqlite: no such study database/]],
  [
    ["sweep", "status", "--storage", "sqlite://nested/dir/studies.sqlite"],
    [/nested\/dir\/studies\.sqlite: no such study database/],
  ],
  [["sweep", "best", "--savedir", "models"], [/models\/sweeps\.sqlite: no such study database/]],
  [["sweep", "export", "--savedir", "models", "--out", "exported"], [/no such study database/]],
  [["sweep", "agent", "--savedir", "models"], [/no such study database/]],
];

describe("bad sweep input: exit 2, one line, nothing created", () => {
  test(`${CASES.length} cases`, async () => {
    const before = hashTree(dir);
    await inPairs(CASES, async ([args, patterns]) => {
      const r = await keisei(args, { cwd: dir });
      expectRefusal(r, patterns, `keisei ${args.join(" ")}`);
      expect(hashTree(dir), `keisei ${args.join(" ")} changed ${dir}`).toBe(before);
    });
    expect(existsSync(join(dir, "mysql:"))).toBe(false);
  }, 60_000);

  test("every metric a run writes is accepted; the list is the metrics module's", () => {
    for (const name of [
      "eval/win_rate",
      "eval/elo",
      "losses/policy_loss",
      "charts/SPS",
      "game/ends_checkmate",
      "time/wall_s",
    ]) {
      expect(METRIC_NAMES).toContain(name);
      expect(
        parseSweepSpec(`method: random\nmetric: {name: ${name}}\nparameters: {training.gamma: {values: [0.9]}}\n`)
          .metric?.name,
      ).toBe(name);
    }
    // a W&B file for another program is read without keisei's checks
    expect(
      parseSweepSpec("method: random\nmetric: {name: val_acc}\nparameters: {lr: {values: [1]}}\n", "w.yaml", {
        checkFields: false,
      }).metric?.name,
    ).toBe("val_acc");
    expect(() =>
      parseSweepSpec("method: random\nmetric: {name: val_acc}\nparameters: {training.gamma: {values: [0.9]}}\n"),
    ).toThrow(SweepSpecError);
    expect(describeStorage("sqlite://a.db").adapter).toBe("sqlite");
    expect(describeStorage("postgresql://u@h/d").adapter).toBe("postgres");
    expect(() => describeStorage("sqlite://")).toThrow(/empty/);
  });
});

/** The pids of `pid`'s children (Linux /proc). */
function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
/** A process's argv (empty once it is gone): the agent's only child with a `train` argument is its trial. */
function argv(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z");
  } catch {
    return false;
  }
};

describe("an agent killed with -9", () => {
  test.skipIf(process.platform !== "linux")(
    "takes its trial process (a real keisei train) with it",
    async () => {
      const savedir = join(dir, "kill");
      const created = await keisei(
        [
          "sweep",
          "create",
          "good.yaml",
          "--savedir",
          savedir,
          "--config",
          "tiny",
          "--override",
          "training.total_timesteps=100000000",
          "--override",
          "evaluation.enable_periodic_evaluation=false",
          "--override",
          "training.tower_width=8",
        ],
        { cwd: dir },
      );
      expect(created.code, created.err).toBe(0);
      const agent = Bun.spawn([process.execPath, CLI, "sweep", "agent", "--savedir", savedir, "--count", "1"], {
        cwd: dir,
        env: { ...process.env, XDG_RUNTIME_DIR: "/tmp" },
        stdout: "ignore",
        stderr: "ignore",
      });
      let trial = 0;
      for (const deadline = Date.now() + 20_000; trial === 0 && Date.now() < deadline; await Bun.sleep(100))
        trial = children(agent.pid).find((pid) => argv(pid).includes("train")) ?? 0;
      expect(trial).toBeGreaterThan(0);
      agent.kill("SIGKILL");
      await agent.exited;
      const killedAt = Date.now();
      while (alive(trial) && Date.now() - killedAt < 30_000) await Bun.sleep(100);
      const log = readFileSync(join(savedir, "sweep-good", "trial-0.log"), "utf8");
      expect(alive(trial), `trial ${trial} outlived its agent:\n${log}`).toBe(false);
      expect(log).toMatch(/the sweep agent is gone/);
    },
    60_000,
  );
});
