// A study as files other tools read:
//   CSV: one row per trial (number, state, value, each parameter, steps reported, attempts, …).
//   Optuna journal (JournalFileBackend, Optuna ≥ 3.1): compact JSON lines {"op_code", "worker_id", …}
//   replayed by optuna.storages.JournalStorage, so `optuna.load_study`, optuna-dashboard and pandas
//   open a keisei sweep. Op codes: 0 CREATE_STUDY {study_name, directions}, 4 CREATE_TRIAL
//   {study_id, datetime_start[, state]}, 5 SET_TRIAL_PARAM {trial_id, param_name,
//   param_value_internal, distribution (a JSON string)}, 6 SET_TRIAL_STATE_VALUES {trial_id, state,
//   values[, datetime_complete]}, 7 SET_TRIAL_INTERMEDIATE_VALUE {trial_id, step,
//   intermediate_value}, 8 SET_TRIAL_USER_ATTR {trial_id, user_attr: {key: value}}.
//   States: RUNNING 0, COMPLETE 1, PRUNED 2, FAIL 3, WAITING 4. Directions: MINIMIZE 1, MAXIMIZE 2.
//   Trial ids count CREATE_TRIAL lines from 0; a finished trial takes no further ops, so each trial
//   is written in full (params, values, attrs) before its state.

import type { ParamSpec } from "./spec.ts";
import type { StepValue, StudyRecord, TrialRecord } from "./storage.ts";

export const OPTUNA_OP = {
  CREATE_STUDY: 0,
  CREATE_TRIAL: 4,
  SET_TRIAL_PARAM: 5,
  SET_TRIAL_STATE_VALUES: 6,
  SET_TRIAL_INTERMEDIATE_VALUE: 7,
  SET_TRIAL_USER_ATTR: 8,
} as const;
export const OPTUNA_STATE = { running: 0, complete: 1, pruned: 2, failed: 3, waiting: 4 } as const;
export const OPTUNA_DIRECTION = { minimize: 1, maximize: 2 } as const;

/** Optuna's naive local ISO datetime with microseconds (datetime.isoformat(timespec="microseconds")). */
export function optunaDatetime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

type Choice = null | boolean | number | string;
const asChoice = (v: unknown): Choice =>
  v === null || typeof v === "boolean" || typeof v === "number" || typeof v === "string" ? v : JSON.stringify(v);

interface OptunaParam {
  distribution: string; // the JSON string Optuna stores
  internal(value: unknown): number | null;
}

/** The Optuna distribution a parameter is exported as, wide enough for every value the trials took. */
export function optunaParam(p: ParamSpec, observed: unknown[]): OptunaParam {
  if (p.distribution === "constant" || p.distribution === "categorical") {
    const choices: Choice[] = [];
    for (const v of p.values)
      if (!choices.some((c) => JSON.stringify(c) === JSON.stringify(asChoice(v)))) choices.push(asChoice(v));
    return {
      distribution: JSON.stringify({ name: "CategoricalDistribution", attributes: { choices } }),
      internal: (v) => {
        const i = choices.findIndex((c) => JSON.stringify(c) === JSON.stringify(asChoice(v)));
        return i < 0 ? null : i;
      },
    };
  }
  const xs = observed.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (p.distribution === "int_uniform")
    return {
      distribution: JSON.stringify({
        name: "IntDistribution",
        attributes: { log: false, step: 1, low: Math.min(p.min, ...xs), high: Math.max(p.max, ...xs) },
      }),
      internal: (v) => (typeof v === "number" ? v : null),
    };
  let [low, high, log] = [Infinity, -Infinity, false];
  switch (p.distribution) {
    case "uniform":
    case "q_uniform":
      [low, high] = [p.min, p.max];
      break;
    case "log_uniform":
    case "q_log_uniform":
      [low, high, log] = [Math.exp(p.min), Math.exp(p.max), true];
      break;
    case "log_uniform_values":
    case "q_log_uniform_values":
    case "inv_log_uniform_values":
      [low, high, log] = [p.min, p.max, true];
      break;
    case "inv_log_uniform":
      [low, high, log] = [Math.exp(-p.max), Math.exp(-p.min), true];
      break;
    case "normal":
    case "q_normal":
      break;
    case "log_normal":
    case "q_log_normal":
      log = true;
      break;
  }
  if (xs.length > 0) [low, high] = [Math.min(low, ...xs), Math.max(high, ...xs)];
  if (!Number.isFinite(low) || !Number.isFinite(high)) [low, high] = [p.mu || 0, p.mu || 0];
  if (log && low <= 0) log = false; // quantisation can round a log-scaled value to 0
  return {
    distribution: JSON.stringify({ name: "FloatDistribution", attributes: { step: null, low, high, log } }),
    internal: (v) => (typeof v === "number" ? v : null),
  };
}

/** The study as an Optuna JournalFileBackend log (one JSON object per line). */
export function optunaJournal(study: StudyRecord, trials: TrialRecord[], values: Map<number, StepValue[]>): string {
  const worker = `keisei-export-${study.name}`;
  const lines: string[] = [];
  const op = (code: number, fields: Record<string, unknown>) =>
    lines.push(JSON.stringify({ op_code: code, worker_id: worker, ...fields }));
  const goal = study.spec.metric?.goal ?? "minimize";
  op(OPTUNA_OP.CREATE_STUDY, { study_name: study.name, directions: [OPTUNA_DIRECTION[goal]] });
  const params = new Map(
    study.spec.parameters.map((p) => [
      p.name,
      optunaParam(
        p,
        trials.map((t) => t.params[p.name]),
      ),
    ]),
  );
  const numberOf = new Map(trials.map((t) => [t.id, t.number]));
  const ordered = [...trials].sort((a, b) => a.number - b.number);
  ordered.forEach((t, trialId) => {
    const start = t.startedAt ?? (t.state === "waiting" ? null : t.createdAt);
    op(OPTUNA_OP.CREATE_TRIAL, {
      study_id: 0,
      datetime_start: start === null ? null : optunaDatetime(start),
      ...(t.state === "waiting" ? { state: OPTUNA_STATE.waiting } : {}),
    });
    for (const [name, value] of Object.entries(t.params)) {
      const p = params.get(name);
      const internal = p?.internal(value) ?? null;
      if (!p || internal === null) continue;
      op(OPTUNA_OP.SET_TRIAL_PARAM, {
        trial_id: trialId,
        param_name: name,
        param_value_internal: internal,
        distribution: p.distribution,
      });
    }
    for (const v of values.get(t.id) ?? [])
      op(OPTUNA_OP.SET_TRIAL_INTERMEDIATE_VALUE, { trial_id: trialId, step: v.step, intermediate_value: v.value });
    const attrs: Record<string, unknown> = { keisei_trial_id: t.id, attempts: t.attempts };
    if (t.retryOf !== null) attrs.retry_of_trial = numberOf.get(t.retryOf) ?? null;
    if (t.worker) attrs.worker = t.worker;
    if (t.runDir) attrs.run_dir = t.runDir;
    if (t.message) attrs.message = t.message;
    for (const [key, value] of Object.entries(attrs))
      op(OPTUNA_OP.SET_TRIAL_USER_ATTR, { trial_id: trialId, user_attr: { [key]: value } });
    if (t.state === "complete" || t.state === "pruned" || t.state === "failed") {
      op(OPTUNA_OP.SET_TRIAL_STATE_VALUES, {
        trial_id: trialId,
        state: OPTUNA_STATE[t.state],
        values: t.state === "complete" && t.value !== null ? [t.value] : null,
        datetime_complete: optunaDatetime(t.finishedAt ?? t.startedAt ?? t.createdAt),
      });
    }
  });
  return `${lines.join("\n")}\n`;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per trial. */
export function trialsCsv(study: StudyRecord, trials: TrialRecord[], values: Map<number, StepValue[]>): string {
  const names = study.spec.parameters.map((p) => p.name);
  const metric = study.spec.metric?.name ?? "value";
  const numberOf = new Map(trials.map((t) => [t.id, t.number]));
  const header = [
    "number",
    "state",
    metric,
    ...names,
    "steps_reported",
    "last_step",
    "attempts",
    "retry_of",
    "worker",
    "run_dir",
    "started_at",
    "finished_at",
    "duration_s",
    "message",
  ];
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const rows = [...trials]
    .sort((a, b) => a.number - b.number)
    .map((t) => {
      const vs = values.get(t.id) ?? [];
      const duration =
        t.startedAt !== null && t.finishedAt !== null ? ((t.finishedAt - t.startedAt) / 1000).toFixed(1) : null;
      return [
        t.number,
        t.state,
        t.value,
        ...names.map((n) => t.params[n]),
        vs.length,
        vs.at(-1)?.step ?? null,
        t.attempts,
        t.retryOf === null ? null : (numberOf.get(t.retryOf) ?? null),
        t.worker,
        t.runDir,
        iso(t.startedAt),
        iso(t.finishedAt),
        duration,
        t.message,
      ]
        .map(csvCell)
        .join(",");
    });
  return `${[header.map(csvCell).join(","), ...rows].join("\n")}\n`;
}
