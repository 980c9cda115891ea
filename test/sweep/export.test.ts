// Export: the Optuna journal has exactly the op codes and fields Optuna 3.x replays
// (ecosystem.md §1.5), and loads in real Optuna when it is installed; the CSV has one row per trial.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OPTUNA_OP, optunaDatetime, optunaJournal, trialsCsv } from "../../src/sweep/export.ts";
import { parseSweepSpec, specFingerprint } from "../../src/sweep/spec.ts";
import type { StepValue, StudyRecord, TrialRecord } from "../../src/sweep/storage.ts";

const spec = parseSweepSpec(`
name: lr-sweep
method: random
metric: {name: eval/win_rate, goal: maximize}
parameters:
  training.learning_rate: {distribution: log_uniform_values, min: 1.0e-5, max: 1.0e-2}
  training.lr_schedule_type: {values: [null, cosine]}
  training.tower_depth: {min: 2, max: 12}
  training.value_loss_coeff: {distribution: normal, mu: 0.5, sigma: 0.1}
`);
const study: StudyRecord = {
  id: 1,
  name: "lr-sweep",
  spec,
  fingerprint: specFingerprint(spec),
  base: { config: {}, args: [], modelDir: "models" },
  seed: 1,
  createdAt: 0,
};
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const trial = (
  id: number,
  number: number,
  state: TrialRecord["state"],
  value: number | null,
  params: Record<string, unknown>,
  extra: Partial<TrialRecord> = {},
): TrialRecord => ({
  id,
  studyId: 1,
  number,
  state,
  params,
  internal: null,
  value,
  worker: state === "waiting" ? null : "host:1",
  heartbeatAt: null,
  attempts: 1,
  retryOf: null,
  runDir: state === "waiting" ? null : `models/lr-sweep-trial-${number}`,
  message: null,
  createdAt: T0,
  startedAt: state === "waiting" ? null : T0 + number * 1000,
  finishedAt: state === "waiting" || state === "running" ? null : T0 + number * 1000 + 500,
  ...extra,
});
const p = (lr: number, sched: string | null, depth: number, vlc: number) => ({
  "training.learning_rate": lr,
  "training.lr_schedule_type": sched,
  "training.tower_depth": depth,
  "training.value_loss_coeff": vlc,
});
const trials: TrialRecord[] = [
  trial(10, 0, "complete", 0.61, p(3e-4, null, 6, 0.5)),
  trial(11, 1, "pruned", 0.2, p(3e-3, "cosine", 9, 0.62), {
    message: "rung 3: value 0.2 is not in the top 1 of 2 trials there (threshold 0.3)",
  }),
  trial(12, 2, "failed", null, p(1e-5, "cosine", 2, 0.41), {
    message: "no heartbeat from host:1 for 61.0 s (agent gone); retried as trial 4",
  }),
  trial(13, 3, "running", null, p(1e-4, null, 12, 0.5)),
  trial(14, 4, "waiting", null, p(1e-5, "cosine", 2, 0.41), { attempts: 2, retryOf: 12, message: "retry of trial 2" }),
];
const values = new Map<number, StepValue[]>([
  [
    10,
    [
      { step: 2048, value: 0.3 },
      { step: 4096, value: 0.5 },
      { step: 6144, value: 0.61 },
    ],
  ],
  [11, [{ step: 2048, value: 0.2 }]],
  [13, [{ step: 2048, value: 0.4 }]],
]);

const FIELDS: Record<number, string[]> = {
  [OPTUNA_OP.CREATE_STUDY]: ["op_code", "worker_id", "study_name", "directions"],
  [OPTUNA_OP.CREATE_TRIAL]: ["op_code", "worker_id", "study_id", "datetime_start"],
  [OPTUNA_OP.SET_TRIAL_PARAM]: [
    "op_code",
    "worker_id",
    "trial_id",
    "param_name",
    "param_value_internal",
    "distribution",
  ],
  [OPTUNA_OP.SET_TRIAL_STATE_VALUES]: ["op_code", "worker_id", "trial_id", "state", "values", "datetime_complete"],
  [OPTUNA_OP.SET_TRIAL_INTERMEDIATE_VALUE]: ["op_code", "worker_id", "trial_id", "step", "intermediate_value"],
  [OPTUNA_OP.SET_TRIAL_USER_ATTR]: ["op_code", "worker_id", "trial_id", "user_attr"],
};

describe("Optuna journal", () => {
  const text = optunaJournal(study, trials, values);
  const ops = text
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

  test("one compact JSON object per line, with exactly the fields of its op code", () => {
    expect(text.endsWith("\n")).toBe(true);
    for (const line of text.trimEnd().split("\n")) expect(line).toBe(JSON.stringify(JSON.parse(line)));
    for (const op of ops) {
      const want = [...FIELDS[op.op_code as number]];
      if (op.op_code === OPTUNA_OP.CREATE_TRIAL && "state" in op) want.push("state");
      expect(Object.keys(op).sort()).toEqual(want.sort());
      expect(op.worker_id).toBe("keisei-export-lr-sweep");
    }
    expect(ops[0]).toEqual({
      op_code: 0,
      worker_id: "keisei-export-lr-sweep",
      study_name: "lr-sweep",
      directions: [2],
    });
  });

  test("trial ids count CREATE_TRIAL lines; each trial is written in full before its state", () => {
    const creates = ops.filter((o) => o.op_code === OPTUNA_OP.CREATE_TRIAL);
    expect(creates.length).toBe(5);
    for (const c of creates) expect(c.study_id).toBe(0);
    let current = -1;
    let finished = new Set<number>();
    for (const op of ops.slice(1)) {
      if (op.op_code === OPTUNA_OP.CREATE_TRIAL) {
        current++;
        continue;
      }
      expect(op.trial_id).toBe(current); // ops follow their trial's CREATE_TRIAL
      expect(finished.has(current)).toBe(false); // nothing after the state change
      if (op.op_code === OPTUNA_OP.SET_TRIAL_STATE_VALUES) finished = new Set([...finished, current]);
    }
    const states = ops.filter((o) => o.op_code === OPTUNA_OP.SET_TRIAL_STATE_VALUES);
    expect(states.map((s) => [s.trial_id, s.state, s.values])).toEqual([
      [0, 1, [0.61]], // COMPLETE
      [1, 2, null], // PRUNED
      [2, 3, null], // FAIL
    ]);
    for (const s of states) expect(s.datetime_complete).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect(creates[3]).not.toHaveProperty("state"); // running: Optuna's default
    expect(creates[4]).toMatchObject({ state: 4, datetime_start: null }); // waiting
    expect(creates[0].datetime_start).toBe(optunaDatetime(T0));
  });

  test("params: distributions as JSON strings, categoricals as their index", () => {
    const params = ops.filter((o) => o.op_code === OPTUNA_OP.SET_TRIAL_PARAM && o.trial_id === 0);
    const byName = Object.fromEntries(
      params.map((o) => [o.param_name, { v: o.param_value_internal, d: JSON.parse(o.distribution as string) }]),
    );
    expect(byName["training.learning_rate"]).toEqual({
      v: 3e-4,
      d: { name: "FloatDistribution", attributes: { step: null, low: 1e-5, high: 1e-2, log: true } },
    });
    expect(byName["training.lr_schedule_type"]).toEqual({
      v: 0,
      d: { name: "CategoricalDistribution", attributes: { choices: [null, "cosine"] } },
    });
    expect(byName["training.tower_depth"]).toEqual({
      v: 6,
      d: { name: "IntDistribution", attributes: { log: false, step: 1, low: 2, high: 12 } },
    });
    // A normal parameter has no bounds: the exported range spans the values the trials took.
    expect(byName["training.value_loss_coeff"].d).toEqual({
      name: "FloatDistribution",
      attributes: { step: null, low: 0.41, high: 0.62, log: false },
    });
    const cosine = ops.find(
      (o) =>
        o.op_code === OPTUNA_OP.SET_TRIAL_PARAM && o.trial_id === 1 && o.param_name === "training.lr_schedule_type",
    );
    expect(cosine?.param_value_internal).toBe(1);
  });

  test("intermediate values and user attrs", () => {
    expect(
      ops
        .filter((o) => o.op_code === OPTUNA_OP.SET_TRIAL_INTERMEDIATE_VALUE && o.trial_id === 0)
        .map((o) => [o.step, o.intermediate_value]),
    ).toEqual([
      [2048, 0.3],
      [4096, 0.5],
      [6144, 0.61],
    ]);
    const attrs = ops
      .filter((o) => o.op_code === OPTUNA_OP.SET_TRIAL_USER_ATTR && o.trial_id === 4)
      .map((o) => o.user_attr as Record<string, unknown>);
    for (const a of attrs) expect(Object.keys(a).length).toBe(1);
    expect(Object.assign({}, ...attrs)).toEqual({
      keisei_trial_id: 14,
      attempts: 2,
      retry_of_trial: 2,
      message: "retry of trial 2",
    });
  });

  const python = ["/usr/bin/python3", "python3"].find(
    (py) => Bun.which(py) && Bun.spawnSync([py, "-c", "import optuna"]).exitCode === 0,
  );
  test.skipIf(!python)(
    "loads in Optuna (when installed): states, params, values, best trial; Optuna's TPE can ask/tell into it",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "keisei-journal-"));
      const file = join(dir, "journal.log");
      writeFileSync(file, text);
      const script = `
import json, sys, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(sys.argv[1]))
s = optuna.load_study(study_name="lr-sweep", storage=storage)
out = {"direction": s.direction.name, "trials": [[t.number, t.state.name, t.params, t.value, {str(k): v for k, v in t.intermediate_values.items()}, t.user_attrs.get("attempts")] for t in s.trials], "best": s.best_trial.number}
s.sampler = optuna.samplers.TPESampler(seed=0, n_startup_trials=1)
t = s.ask()
lr = t.suggest_float("training.learning_rate", 1e-5, 1e-2, log=True)
s.tell(t, 0.7)
out["after_tell"] = [[t.number, t.state.name] for t in s.trials][-2:]
print(json.dumps(out))
`;
      const r = Bun.spawnSync([python as string, "-c", script, file]);
      expect(r.stderr.toString()).toBe("");
      const out = JSON.parse(r.stdout.toString());
      expect(out.direction).toBe("MAXIMIZE");
      expect(out.best).toBe(0);
      expect(out.trials.map((t: unknown[]) => [t[0], t[1], t[3]])).toEqual([
        [0, "COMPLETE", 0.61],
        [1, "PRUNED", null],
        [2, "FAIL", null],
        [3, "RUNNING", null],
        [4, "WAITING", null],
      ]);
      expect(out.trials[0][2]).toEqual(p(3e-4, null, 6, 0.5));
      expect(out.trials[1][2]["training.lr_schedule_type"]).toBe("cosine");
      expect(out.trials[0][4]).toEqual({ "2048": 0.3, "4096": 0.5, "6144": 0.61 });
      expect(out.trials[4][5]).toBe(2);
      // ask() takes the waiting trial first, as Optuna does with enqueued trials.
      expect(out.after_tell).toEqual([
        [3, "RUNNING"],
        [4, "COMPLETE"],
      ]);
    },
  );
  if (!python) console.warn("[optuna load check skipped] no python3 with optuna (apt-get install python3-optuna)");
});

describe("CSV", () => {
  test("a header and one row per trial, in number order, quoted where needed", () => {
    const withComma = trials.map((t) => (t.number === 3 ? { ...t, message: 'note, "quoted"' } : t));
    const csv = trialsCsv(study, [...withComma].reverse(), values);
    const lines = csv.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "number,state,eval/win_rate,training.learning_rate,training.lr_schedule_type,training.tower_depth,training.value_loss_coeff,steps_reported,last_step,attempts,retry_of,worker,run_dir,started_at,finished_at,duration_s,message",
    );
    expect(lines.length).toBe(1 + trials.length);
    expect(lines.slice(1).map((l) => l.split(",").slice(0, 2).join(","))).toEqual([
      "0,complete",
      "1,pruned",
      "2,failed",
      "3,running",
      "4,waiting",
    ]);
    expect(lines[1]).toBe(
      `0,complete,0.61,0.0003,,6,0.5,3,6144,1,,host:1,models/lr-sweep-trial-0,${new Date(T0).toISOString()},${new Date(T0 + 500).toISOString()},0.5,`,
    );
    expect(lines[2].endsWith(",rung 3: value 0.2 is not in the top 1 of 2 trials there (threshold 0.3)")).toBe(true);
    expect(lines[4].endsWith(',"note, ""quoted"""')).toBe(true);
    expect(lines[5]).toMatch(/^4,waiting,,0.00001,cosine,2,0.41,0,,2,2,,,,,,retry of trial 2$/);
  });
});
