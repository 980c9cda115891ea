// The sweeps view reads the study database the agents write — SQLite beside the runs, or
// PostgreSQL given with --storage — through the same storage layer: trials with their state,
// parameters, value, worker and reported values, the best one, and each trial's run. Without a
// database the view is empty, and the dashboard never creates one.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSweepSpec, specFingerprint } from "../../src/sweep/spec.ts";
import { StudyStorage } from "../../src/sweep/storage.ts";
import { SweepReader } from "../../src/web/sweeps.ts";
import { testPostgres } from "../sweep/helpers/postgres.ts";

const pg = testPostgres();
const tmp = mkdtempSync(join(tmpdir(), "keisei-web-sweeps-"));
afterAll(() => {
  pg?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const SPEC = [
  "name: lr",
  "method: grid",
  "metric: {name: losses/value_loss, goal: minimize}",
  "parameters:",
  "  training.learning_rate: {values: [0.0001, 0.001, 0.01]}",
  "  training.entropy_coef: {value: 0.01}",
].join("\n");

/** A study of three trials in `url`: two complete (values 0.5 and 0.25), one pruned; trial runs under `logdir`. */
async function fill(url: string, logdir: string): Promise<void> {
  const storage = await StudyStorage.open(url);
  try {
    const spec = parseSweepSpec(SPEC);
    const { study } = await storage.createStudy({
      name: "lr",
      spec,
      fingerprint: specFingerprint(spec),
      base: { config: {}, args: [], modelDir: logdir },
      seed: 1,
      enqueue: [0.0001, 0.001, 0.01].map((lr) => ({ params: { "training.learning_rate": lr }, internal: {} })),
      now: 1000,
    });
    const outcomes: ["complete" | "pruned", number | null][] = [
      ["complete", 0.5],
      ["complete", 0.25],
      ["pruned", null],
    ];
    for (const [i, [state, value]] of outcomes.entries()) {
      const t = (await storage.claimWaiting(study.id, `host:${100 + i}`, 2000 + i))!;
      await storage.setRunDir(t.id, join(logdir, `lr-trial-${t.number}`));
      for (let step = 1; step <= 3; step++) await storage.report(t.id, step * 128, 1 - step * 0.1 - i * 0.01);
      await storage.finish(
        t.id,
        `host:${100 + i}`,
        state,
        value,
        state === "pruned" ? "pruned at step 384" : null,
        5000 + i,
      );
    }
  } finally {
    await storage.close();
  }
}

async function expectStudy(reader: SweepReader): Promise<void> {
  const [summary] = await reader.list();
  expect(summary).toMatchObject({
    name: "lr",
    method: "grid",
    metric: { name: "losses/value_loss", goal: "minimize" },
    trials: 3,
    states: { complete: 2, pruned: 1 },
    best: { number: 1, value: 0.25, params: { "training.learning_rate": 0.001 } },
  });
  const view = (await reader.study("lr"))!;
  expect(view.parameters).toEqual([
    { name: "training.learning_rate", distribution: "categorical", log: false, values: [0.0001, 0.001, 0.01] },
  ]);
  expect(view.trialsList.map((t) => [t.number, t.state, t.value, t.worker, t.run, t.values.length])).toEqual([
    [0, "complete", 0.5, "host:100", "lr-trial-0", 3],
    [1, "complete", 0.25, "host:101", "lr-trial-1", 3],
    [2, "pruned", null, "host:102", "lr-trial-2", 3],
  ]);
  expect(view.trialsList[2].message).toBe("pruned at step 384");
  expect(view.trialsList[1].values).toEqual([
    [128, 0.89],
    [256, 0.79],
    [384, 0.69],
  ]);
  expect(await reader.study("nope")).toBeNull();
}

describe("SweepReader", () => {
  test("no database beside the runs: no studies, and none is created", async () => {
    const logdir = join(tmp, "empty");
    mkdirSync(logdir);
    const reader = new SweepReader(logdir, null);
    expect(await reader.list()).toEqual([]);
    expect(reader.label).toBeNull();
    expect(existsSync(join(logdir, "sweeps.sqlite"))).toBe(false);
  });

  test("SQLite beside the runs (<logdir>/sweeps.sqlite)", async () => {
    const logdir = join(tmp, "sqlite");
    mkdirSync(logdir);
    await fill(join(logdir, "sweeps.sqlite"), logdir);
    const reader = new SweepReader(logdir, null);
    try {
      await expectStudy(reader);
      expect(reader.label).toBe(join(logdir, "sweeps.sqlite"));
    } finally {
      await reader.close();
    }
  });

  test.skipIf(!pg)(
    "PostgreSQL given as --storage",
    async () => {
      const url = await pg!.createDatabase("websweeps");
      const logdir = join(tmp, "pg");
      mkdirSync(logdir);
      await fill(url, logdir);
      const reader = new SweepReader(logdir, url);
      try {
        await expectStudy(reader);
      } finally {
        await reader.close();
      }
    },
    30_000,
  );
});
