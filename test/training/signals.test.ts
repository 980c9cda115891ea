// A run stopped by any signal resumes exactly: the resumed run's losses equal an uninterrupted
// run's, iteration for iteration, whatever stopped it (SIGINT, SIGTERM, SIGHUP: a checkpoint of
// where it stood; kill -9: the last interval checkpoint). Signals exit 128 + their number. A second
// process on the same run is refused by name and leaves the first unharmed.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CONFIG = `
env: { device: cpu, seed: 11, max_moves_per_game: 60 }
training:
  tower_depth: 1
  tower_width: 8
  se_ratio: 0.25
  num_envs: 16
  steps_per_epoch: 256
  minibatch_size: 128
  ppo_epochs: 2
  total_timesteps: 2560
  checkpoint_interval_timesteps: 512
  learning_rate: 0.0003
display: { log_layer_keyword_filters: [] }
`;

function spawnTrain(dir: string, ...args: string[]) {
  return Bun.spawn([process.execPath, "src/cli.ts", "train", "--savedir", dir, ...args], {
    env: { ...process.env, XDG_RUNTIME_DIR: "/tmp" },
    stdout: "pipe",
    stderr: "pipe",
  });
}

async function finish(p: ReturnType<typeof spawnTrain>) {
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { out, err, code };
}

const records = (runDir: string) =>
  readFileSync(join(runDir, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, number>);

const lines = (runDir: string) =>
  existsSync(join(runDir, "metrics.jsonl"))
    ? readFileSync(join(runDir, "metrics.jsonl"), "utf8").split("\n").length - 1
    : 0;

async function untilRecords(runDir: string, n: number) {
  for (let i = 0; i < 1200 && lines(runDir) < n; i++) await Bun.sleep(25);
  expect(lines(runDir)).toBeGreaterThanOrEqual(n);
}

describe("signals", () => {
  const dir = mkdtempSync(join(tmpdir(), "keisei-signals-"));
  const config = join(dir, "small.yaml");
  writeFileSync(config, CONFIG);
  let straight: Record<string, number>[] = [];

  test("the uninterrupted run", async () => {
    const r = await finish(spawnTrain(dir, "--config", config, "--run-name", "straight"));
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    straight = records(join(dir, "straight"));
    expect(straight.map((s) => s.iteration)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }, 60_000);

  for (const [sig, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
    ["SIGKILL", 137],
  ] as const) {
    test(`${sig}: exit ${code}, and the resumed run's losses are the uninterrupted run's`, async () => {
      const name = `stop-${sig}`;
      const runDir = join(dir, name);
      const p = spawnTrain(dir, "--config", config, "--run-name", name);
      // Past the first interval checkpoint, somewhere in a later iteration.
      await untilRecords(runDir, 3);
      p.kill(sig);
      const stopped = await finish(p);
      expect(stopped.code).toBe(code);
      if (sig !== "SIGKILL") {
        expect(stopped.out).toMatch(/stopped at timestep \d+; resume with: keisei train --resume \S+/);
        expect(readdirSync(runDir)).not.toContain(".keisei.lock");
      }
      // The printed command, as is: the run's own config comes from its effective_config.yaml.
      const args =
        sig === "SIGKILL"
          ? ["--resume", "latest", "--run-name", name]
          : ["--resume", stopped.out.match(/--resume (\S+)/)![1]];
      const resumed = await finish(spawnTrain(dir, ...args));
      expect(resumed.code).toBe(0);
      const got = records(runDir);
      // metrics.jsonl holds each iteration once (what the killed run logged past its checkpoint was cut).
      expect(got.map((s) => s.iteration)).toEqual(straight.map((s) => s.iteration));
      for (const key of ["losses/policy_loss", "losses/value_loss", "charts/episodes"])
        expect(got.map((s) => s[key])).toEqual(straight.map((s) => s[key]));
    }, 120_000);
  }

  test("a second process on a running run is refused by name; the first finishes unharmed", async () => {
    const name = "shared";
    const runDir = join(dir, name);
    const first = spawnTrain(dir, "--config", config, "--run-name", name);
    await untilRecords(runDir, 2); // a checkpoint to resume from exists
    const second = await finish(spawnTrain(dir, "--resume", "latest", "--run-name", name));
    expect(second.code).toBe(2);
    expect(second.err.trim().split("\n")).toHaveLength(1);
    expect(second.err).toMatch(new RegExp(`run .*${name} is in use by another keisei \\(pid ${first.pid},`));
    // A new run of that name is refused too, before anything is written.
    const third = await finish(spawnTrain(dir, "--config", config, "--run-name", name));
    expect(third.code).toBe(2);
    expect(third.err).toContain("already exists");
    const r = await finish(first);
    expect(r.code).toBe(0);
    expect(records(runDir).map((s) => s.iteration)).toEqual(straight.map((s) => s.iteration));
    expect(records(runDir).map((s) => s["losses/policy_loss"])).toEqual(straight.map((s) => s["losses/policy_loss"]));
    expect(readFileSync(join(runDir, "training_log.txt"), "utf8")).not.toContain("resumed");
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
