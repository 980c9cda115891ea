// The study database on SQLite and on a real PostgreSQL server: atomic claims, trial numbering,
// heartbeats and retries, then several agent *processes* at once (no trial run twice, none lost)
// and an agent SIGKILLed mid-trial (its trial failed after the grace period, retried and finished
// by another agent).
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gridProposals, type Proposal } from "../../src/sweep/samplers.ts";
import { parseSweepSpec, specFingerprint } from "../../src/sweep/spec.ts";
import { type StudyRecord, StudyStorage } from "../../src/sweep/storage.ts";
import { testPostgres } from "./helpers/postgres.ts";

const pg = testPostgres();
afterAll(() => pg?.stop());
const tmp = mkdtempSync(join(tmpdir(), "keisei-sweep-storage-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const agentScript = join(import.meta.dir, "fixtures", "agent.ts");

// One database per backend; every test makes studies of its own names in it.
type Kind = "sqlite" | "postgres";
const urls = new Map<Kind, Promise<string>>();
function dbUrl(kind: Kind): Promise<string> {
  let url = urls.get(kind);
  if (!url) {
    url =
      kind === "sqlite"
        ? Promise.resolve(join(tmp, "studies.sqlite"))
        : (pg as NonNullable<typeof pg>).createDatabase("sweeps");
    urls.set(kind, url);
  }
  return url;
}
let studyCount = 0;
/** A study name not used before in this file. */
const fresh = (prefix: string) => `${prefix}${++studyCount}`;

const proposals = (n: number): Proposal[] =>
  Array.from({ length: n }, (_, i) => ({
    params: { "training.gamma": 0.9 + i / 1000 },
    internal: { "training.gamma": i / n },
  }));

async function newStudy(
  storage: StudyStorage,
  yaml: string,
  enqueue: Proposal[] = [],
  modelDir = join(tmp, "models"),
): Promise<StudyRecord> {
  const spec = parseSweepSpec(yaml);
  const { study, created } = await storage.createStudy({
    name: spec.name ?? "s",
    spec,
    fingerprint: specFingerprint(spec),
    base: { config: { training: { total_timesteps: 1000 } }, args: [], modelDir },
    seed: 1,
    enqueue,
    now: Date.now(),
  });
  expect(created).toBe(true);
  return study;
}

const RANDOM = (name: string) =>
  `name: ${name}\nmethod: random\nmetric: {name: eval/win_rate, goal: maximize}\nparameters: {training.gamma: {min: 0.9, max: 0.999}}\n`;

describe.each(["sqlite", "postgres"] as Kind[])("%s study database", (kind) => {
  const skip = kind === "postgres" && !pg;

  test.skipIf(skip)("creates a study once; joins it with the same search; refuses a different one", async () => {
    const storage = await StudyStorage.open(await dbUrl(kind));
    try {
      expect(storage.adapter).toBe(kind);
      const name = fresh("join");
      const a = await newStudy(storage, RANDOM(name));
      const again = await storage.createStudy({
        name,
        spec: a.spec,
        fingerprint: a.fingerprint,
        base: a.base,
        seed: 9,
        enqueue: [],
        now: Date.now(),
      });
      expect(again.created).toBe(false);
      expect(again.study.id).toBe(a.id);
      expect(again.study.spec).toEqual(a.spec);
      expect(typeof again.study.createdAt).toBe("number");
      const other = parseSweepSpec(RANDOM(name).replace("0.999", "0.99"));
      await expect(
        storage.createStudy({
          name,
          spec: other,
          fingerprint: specFingerprint(other),
          base: a.base,
          seed: 1,
          enqueue: [],
          now: 0,
        }),
      ).rejects.toThrow(/already exists with a different search/);
    } finally {
      await storage.close();
    }
  });

  test.skipIf(skip)("concurrent claims from six connections take every waiting trial exactly once", async () => {
    const url = await dbUrl(kind);
    const first = await StudyStorage.open(url);
    const study = await newStudy(first, RANDOM(fresh("claims")), proposals(60));
    const conns = [first, ...(await Promise.all(Array.from({ length: 5 }, () => StudyStorage.open(url))))];
    try {
      const claimed = await Promise.all(
        conns.map(async (c, w) => {
          const ids: number[] = [];
          for (;;) {
            const t = await c.claimWaiting(study.id, `w${w}`, Date.now());
            if (!t) return ids;
            expect(t.state).toBe("running");
            expect(t.worker).toBe(`w${w}`);
            ids.push(t.id);
          }
        }),
      );
      const all = claimed.flat();
      expect(all.length).toBe(60);
      expect(new Set(all).size).toBe(60);
      const trials = await first.trials(study.id);
      expect(trials.every((t) => t.state === "running")).toBe(true);
      expect(trials.map((t) => t.number)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    } finally {
      for (const c of conns) await c.close();
    }
  });

  test.skipIf(skip)(
    "trials created at once from five connections get distinct numbers and see each other",
    async () => {
      const url = await dbUrl(kind);
      const first = await StudyStorage.open(url);
      const study = await newStudy(first, RANDOM(fresh("numbers")));
      const conns = [first, ...(await Promise.all(Array.from({ length: 4 }, () => StudyStorage.open(url))))];
      try {
        const seenBefore: number[] = [];
        await Promise.all(
          conns.map(async (c, w) => {
            for (let i = 0; i < 8; i++)
              await c.createTrial(study.id, `w${w}`, Date.now(), (trials) => {
                seenBefore.push(trials.length);
                return { params: { "training.gamma": 0.95 }, internal: { "training.gamma": 0.5 } };
              });
          }),
        );
        const trials = await first.trials(study.id);
        expect(trials.map((t) => t.number)).toEqual(Array.from({ length: 40 }, (_, i) => i));
        // Under the study lock each proposal saw every trial created before it.
        expect(seenBefore.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      } finally {
        for (const c of conns) await c.close();
      }
    },
  );

  test.skipIf(skip)("a trial whose heartbeat stops is failed after the grace period and retried once", async () => {
    const storage = await StudyStorage.open(await dbUrl(kind));
    try {
      const study = await newStudy(storage, RANDOM(fresh("reap")), proposals(1));
      const t0 = 1_000_000;
      const a = await storage.claimWaiting(study.id, "A", t0);
      expect(a?.attempts).toBe(1);
      expect(await storage.heartbeat(a!.id, "A", t0 + 500)).toBe(true);
      expect(await storage.heartbeat(a!.id, "B", t0 + 500)).toBe(false); // not B's
      expect((await storage.reapStale(study.id, 1000, 2, t0 + 1400)).failed.length).toBe(0); // within grace
      const r = await storage.reapStale(study.id, 1000, 2, t0 + 1600);
      expect(r.failed.map((t) => t.id)).toEqual([a!.id]);
      expect(r.failed[0].message).toMatch(/no heartbeat from A for 1\.1 s/);
      expect(r.retried.length).toBe(1);
      expect(r.retried[0]).toMatchObject({
        state: "waiting",
        attempts: 2,
        retryOf: a!.id,
        number: 1,
        params: a!.params,
        internal: a!.internal,
      });
      // The dead agent's late writes are refused.
      expect(await storage.heartbeat(a!.id, "A", t0 + 1700)).toBe(false);
      expect(await storage.finish(a!.id, "A", "complete", 1, null, t0 + 1700)).toBe(false);
      expect((await storage.trial(a!.id))?.message).toMatch(/retried as trial 1/);
      // The retry dies too: failed, and not retried again.
      const b = await storage.claimWaiting(study.id, "B", t0 + 2000);
      expect(b?.id).toBe(r.retried[0].id);
      const r2 = await storage.reapStale(study.id, 1000, 2, t0 + 5000);
      expect(r2.failed.map((t) => t.id)).toEqual([b!.id]);
      expect(r2.retried.length).toBe(0);
      expect((await storage.trials(study.id)).map((t) => t.state)).toEqual(["failed", "failed"]);
    } finally {
      await storage.close();
    }
  });

  test.skipIf(skip)("intermediate values: upserted per step, numbers on both databases", async () => {
    const storage = await StudyStorage.open(await dbUrl(kind));
    try {
      const study = await newStudy(storage, RANDOM(fresh("values")), proposals(2));
      const t = await storage.claimWaiting(study.id, "A", Date.now());
      await storage.report(t!.id, 2048, 0.25);
      await storage.report(t!.id, 3_000_000_000, 0.5); // past 2^31
      await storage.report(t!.id, 2048, 0.3);
      expect(await storage.values(study.id)).toEqual(
        new Map([
          [
            t!.id,
            [
              { step: 2048, value: 0.3 },
              { step: 3_000_000_000, value: 0.5 },
            ],
          ],
        ]),
      );
      expect(await storage.finish(t!.id, "A", "complete", 0.5, null, Date.now())).toBe(true);
      const done = await storage.trial(t!.id);
      expect(done).toMatchObject({ state: "complete", value: 0.5, attempts: 1, retryOf: null });
      expect(typeof done?.finishedAt).toBe("number");
    } finally {
      await storage.close();
    }
  });

  /** Runs agent processes on a study and waits for them. */
  async function agents(url: string, study: string, workers: string[], env: Record<string, string>) {
    const procs = workers.map((w) =>
      Bun.spawn([process.execPath, agentScript, url, study, w], {
        env: { ...process.env, ...env },
        stdout: "pipe",
        stderr: "pipe",
      }),
    );
    const codes = await Promise.all(procs.map((p) => p.exited));
    const logs = await Promise.all(procs.map((p) => new Response(p.stderr).text()));
    return { codes, logs };
  }

  // No agent dies in the sharing tests, so their grace period is long (a loaded CI box may delay heartbeats).
  const fastTuning = JSON.stringify({ heartbeatMs: 100, graceMs: 15000, pollMs: 30, idleMs: 150, stopGraceMs: 2000 });
  const killTuning = JSON.stringify({ heartbeatMs: 100, graceMs: 2000, pollMs: 30, idleMs: 150, stopGraceMs: 2000 });

  test.skipIf(skip)(
    "three agent processes share a grid: every point runs exactly once, none is lost",
    async () => {
      const url = await dbUrl(kind);
      const storage = await StudyStorage.open(url);
      const modelDir = join(tmp, `grid-${kind}`);
      const name = fresh("grid");
      const yaml = `name: ${name}\nmethod: grid\nmetric: {name: eval/win_rate, goal: maximize}\nparameters:\n  training.learning_rate: {values: [0.0001, 0.001]}\n  training.gamma: {values: [0.9, 0.95, 0.99]}\n`;
      const study = await newStudy(storage, yaml, gridProposals(parseSweepSpec(yaml).parameters), modelDir);
      const runsLog = join(tmp, `grid-${kind}.runs`);
      const { codes, logs } = await agents(url, name, ["a1", "a2", "a3"], {
        SWEEP_TUNING: fastTuning,
        FAKE_TRAIN_ITERS: "4",
        FAKE_TRAIN_SLEEP_MS: "20",
        FAKE_TRAIN_RUNS_LOG: runsLog,
      });
      expect(codes).toEqual([0, 0, 0]);
      const trials = await storage.trials(study.id);
      await storage.close();
      expect(trials.length).toBe(6);
      expect(
        trials
          .filter((t) => t.state !== "complete" || t.attempts !== 1)
          .map((t) => `${t.number} ${t.state} ${t.message}`),
      ).toEqual([]);
      expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(6);
      const runs = readFileSync(runsLog, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split(" ")[0]);
      expect(runs.sort()).toEqual(trials.map((t) => `${name}-trial-${t.number}`).sort()); // each run once
      expect(new Set(trials.map((t) => t.worker)).size).toBeGreaterThan(1); // the work was shared
      for (const log of logs) expect(log).toMatch(/agent stopped: every grid point has run/);
    },
    60_000,
  );

  test.skipIf(skip)(
    "three agent processes on a random sweep stop at run_cap with every trial run once",
    async () => {
      const url = await dbUrl(kind);
      const storage = await StudyStorage.open(url);
      const name = fresh("random");
      const study = await newStudy(storage, `${RANDOM(name)}run_cap: 6\n`, [], join(tmp, `rand-${kind}`));
      const runsLog = join(tmp, `rand-${kind}.runs`);
      const { codes, logs } = await agents(url, name, ["b1", "b2", "b3"], {
        SWEEP_TUNING: fastTuning,
        FAKE_TRAIN_ITERS: "3",
        FAKE_TRAIN_SLEEP_MS: "20",
        FAKE_TRAIN_RUNS_LOG: runsLog,
      });
      expect(codes).toEqual([0, 0, 0]);
      const trials = await storage.trials(study.id);
      await storage.close();
      expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(trials.filter((t) => t.state !== "complete").map((t) => `${t.number} ${t.state} ${t.message}`)).toEqual(
        [],
      );
      const runs = readFileSync(runsLog, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split(" ")[0]);
      expect(runs.length).toBe(6);
      expect(new Set(runs).size).toBe(6);
      for (const log of logs) expect(log).toMatch(/run_cap 6 reached/);
    },
    60_000,
  );

  test.skipIf(skip)(
    "an agent SIGKILLed mid-trial: the trial fails after the grace period, is retried and finished by another agent",
    async () => {
      const url = await dbUrl(kind);
      const storage = await StudyStorage.open(url);
      const modelDir = join(tmp, `kill-${kind}`);
      const name = fresh("kill");
      const study = await newStudy(storage, `${RANDOM(name)}run_cap: 2\n`, [], modelDir);
      const runsLog = join(tmp, `kill-${kind}.runs`);
      const env = { ...process.env, SWEEP_TUNING: killTuning, FAKE_TRAIN_SLEEP_MS: "50", FAKE_TRAIN_RUNS_LOG: runsLog };
      const a = Bun.spawn([process.execPath, agentScript, url, name, "doomed"], {
        env: { ...env, FAKE_TRAIN_ITERS: "200" },
        stdout: "ignore",
        stderr: "pipe",
      });
      // Wait until A's trial is running and reporting, then kill A outright.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const [t] = await storage.trials(study.id);
        if (t && t.state === "running" && ((await storage.values(study.id)).get(t.id)?.length ?? 0) >= 2) break;
        if (Date.now() > deadline)
          throw new Error(`agent A never started its trial: ${await new Response(a.stderr).text()}`);
        await Bun.sleep(50);
      }
      a.kill("SIGKILL");
      await a.exited;
      const b = await agents(url, name, ["rescuer"], {
        SWEEP_TUNING: killTuning,
        FAKE_TRAIN_ITERS: "4",
        FAKE_TRAIN_SLEEP_MS: "20",
        FAKE_TRAIN_RUNS_LOG: runsLog,
      });
      expect(b.codes).toEqual([0]);
      const trials = await storage.trials(study.id);
      await storage.close();
      const [dead, other, retry] = trials;
      expect(trials.length).toBe(3);
      expect(dead).toMatchObject({ number: 0, state: "failed", worker: "doomed", attempts: 1 });
      expect(dead.message).toMatch(/no heartbeat from doomed for .* s \(agent gone\); retried as trial 2/);
      expect(other).toMatchObject({ number: 1, state: "complete", worker: "rescuer", retryOf: null });
      expect(retry).toMatchObject({
        number: 2,
        state: "complete",
        worker: "rescuer",
        attempts: 2,
        retryOf: dead.id,
        params: dead.params,
      });
      expect(b.logs[0]).toMatch(/trial 0 failed: no heartbeat from doomed/);
      expect(b.logs[0]).toMatch(/trial 2 started \(retry of trial 0, attempt 2\)/);
      expect(b.logs[0]).toMatch(/run_cap 2 reached/);
      // The orphaned trainer of the killed agent noticed and exited on its own.
      const orphanPid = Number(
        readFileSync(runsLog, "utf8")
          .split("\n")
          .find((l) => l.startsWith(`${name}-trial-0 `))
          ?.split(" ")[1],
      );
      expect(orphanPid).toBeGreaterThan(0);
      expect(() => process.kill(orphanPid, 0)).toThrow();
      expect(existsSync(join(modelDir, `${name}-trial-2`, "metrics.jsonl"))).toBe(true);
    },
    60_000,
  );
});
