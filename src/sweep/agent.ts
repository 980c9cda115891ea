// An agent: claim a trial, run it, report, repeat — any number of them, on any number of machines,
// sharing one study database. Each turn it
//   1. fails the running trials whose agent stopped sending heartbeats (and queues each once more),
//   2. claims a waiting trial (a grid point or a retry), or samples a new one under the study lock
//      (random/bayes) while run_cap and metric.target allow,
//   3. runs it as a `keisei train` subprocess, heartbeating while it runs, following its
//      metrics.jsonl, recording each value of the metric and asking the pruner after each one,
//   4. records complete (the metric's last value), pruned (SIGINT, then SIGKILL), or failed.
// It stops after --count trials, when the sweep is finished, when interrupted (the running trial is
// stopped and queued for another agent), or after max-consecutive-failures failed trials in a row.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { buildConfig, ConfigError, nested } from "../config/load.ts";
import { Random } from "../util/random.ts";
import { makePruner, type PrunerTrial } from "./pruners.ts";
import { type HistoryTrial, propose } from "./samplers.ts";
import type { SweepSpec } from "./spec.ts";
import type { StepValue, StudyRecord, StudyStorage, TrialRecord } from "./storage.ts";
import {
  EFFECTIVE_CONFIG_FILE,
  JsonlFollower,
  keiseiTrainCommand,
  METRICS_FILE,
  TrialProcess,
  trialArgv,
} from "./trial-runner.ts";

export interface AgentTuning {
  heartbeatMs: number; // how often a running trial's heartbeat is refreshed
  graceMs: number; // a running trial whose heartbeat is older than this has lost its agent
  pollMs: number; // how often metrics.jsonl is read
  idleMs: number; // how often to look again while only other agents' trials are running
  stopGraceMs: number; // SIGINT → SIGKILL
  maxAttempts: number; // a trial whose agent died runs at most this many times in all
}

export const DEFAULT_TUNING: AgentTuning = {
  heartbeatMs: 10_000,
  graceMs: 60_000,
  pollMs: 1_000,
  idleMs: 5_000,
  stopGraceMs: 60_000,
  maxAttempts: 2,
};

export interface AgentOptions {
  storage: StudyStorage;
  study: StudyRecord;
  worker?: string;
  count?: number | null;
  maxConsecutiveFailures?: number;
  /** The trial command before its flags (default: `keisei train`). */
  program?: string[];
  /** Where this agent's run folders go (default: the model dir the study was created with). */
  modelDir?: string;
  tuning?: Partial<AgentTuning>;
  log?: (line: string) => void;
  signal?: AbortSignal;
  env?: Record<string, string>;
}

export interface AgentSummary {
  trials: number;
  complete: number;
  pruned: number;
  failed: number;
  stoppedBecause: string;
  /** Stopped after max-consecutive-failures failures in a row. */
  broken: boolean;
}

type Outcome = "complete" | "pruned" | "failed" | "released" | "lost";

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

export const runNameOf = (study: string, number: number) => `${study}-trial-${number}`;
/** Per-study folder under the model dir: the base config and each trial's output. */
export const sweepDirOf = (modelDir: string, study: string) => join(modelDir, `sweep-${study}`);

/** The complete trial that reached metric.target, if any. */
export function targetReachedBy(spec: SweepSpec, trials: TrialRecord[]): TrialRecord | null {
  const m = spec.metric;
  if (!m || m.target === null) return null;
  const target = m.target;
  return (
    trials.find(
      (t) =>
        t.state === "complete" && t.value !== null && (m.goal === "maximize" ? t.value >= target : t.value <= target),
    ) ?? null
  );
}

/** Trials that count toward run_cap: every trial except retries. */
export const cappedCount = (trials: TrialRecord[]) => trials.filter((t) => t.retryOf === null).length;

export function historyOf(trials: TrialRecord[], values: Map<number, StepValue[]>): HistoryTrial[] {
  return trials
    .filter((t) => t.state !== "failed")
    .map((t) => {
      const vs = values.get(t.id) ?? [];
      const last = vs.at(-1);
      return {
        number: t.number,
        state: t.state,
        value: t.value,
        internal: t.internal,
        lastStep: last?.step ?? null,
        lastValue: last?.value ?? null,
      };
    });
}

export function prunerView(trials: TrialRecord[], values: Map<number, StepValue[]>): PrunerTrial[] {
  return trials.map((t) => ({ number: t.number, state: t.state, values: values.get(t.id) ?? [] }));
}

/** The metric's value in a metrics.jsonl record: the flat key ("eval/win_rate"), else nested objects along its / or . parts. */
export function metricValue(record: Record<string, unknown>, name: string): number | null {
  let v: unknown = record[name];
  if (v === undefined) {
    v = record;
    for (const k of name.split(/[/.]/))
      v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  }
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** The step of a metrics.jsonl record: its timestep (or step / global_step), else its position. */
export function stepOf(record: Record<string, unknown>, index: number): number {
  for (const k of ["timestep", "global_step", "step"]) {
    const v = record[k];
    if (typeof v === "number" && Number.isFinite(v)) return Math.round(v);
  }
  return index;
}

const sameValue = (a: unknown, b: unknown): boolean =>
  typeof a === "number" && typeof b === "number"
    ? Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b))
    : JSON.stringify(a) === JSON.stringify(b);

/**
 * Swept parameters whose value did not reach the trial's effective config: `wrong` has a different
 * value there, `missing` none at all (the file may still be being written).
 */
export function unappliedParams(
  effective: unknown,
  params: Record<string, unknown>,
): { wrong: string[]; missing: string[] } {
  const out = { wrong: [] as string[], missing: [] as string[] };
  for (const [name, want] of Object.entries(params)) {
    let got: unknown = effective;
    for (const k of name.split("."))
      got = typeof got === "object" && got !== null ? (got as Record<string, unknown>)[k] : undefined;
    if (got === undefined) out.missing.push(`${name} (not in the trial's config)`);
    else if (!sameValue(got, want))
      out.wrong.push(`${name}=${JSON.stringify(want)} (the trial's config has ${JSON.stringify(got)})`);
  }
  return out;
}

const describeParams = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(
      ([k, v]) =>
        `${k}=${typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(4)) : JSON.stringify(v)}`,
    )
    .join(" ");
const fmtValue = (v: number | null) => (v === null ? "—" : Number.isInteger(v) ? String(v) : v.toPrecision(6));

export async function runAgent(opts: AgentOptions): Promise<AgentSummary> {
  const { storage, study } = opts;
  const spec = study.spec;
  const tune: AgentTuning = { ...DEFAULT_TUNING, ...opts.tuning };
  const worker = opts.worker ?? `${hostname()}:${process.pid}`;
  const program = opts.program ?? keiseiTrainCommand();
  const modelDir = opts.modelDir ?? study.base.modelDir;
  const maxFailures = opts.maxConsecutiveFailures ?? 3;
  const log = opts.log ?? ((line: string) => console.error(line));
  const say = (line: string) => log(`[${study.name} ${worker}] ${line}`);
  const pruner = spec.metric ? makePruner(spec.earlyTerminate, spec.metric.goal) : null;
  const summary: AgentSummary = { trials: 0, complete: 0, pruned: 0, failed: 0, stoppedBecause: "", broken: false };
  const sweepDir = sweepDirOf(modelDir, study.name);
  mkdirSync(sweepDir, { recursive: true });
  let warnedUnverified = false;

  let baseConfigFile: string | null = null;
  if (Object.keys(study.base.config).length > 0) {
    baseConfigFile = join(sweepDir, "base.yaml");
    const tmp = `${baseConfigFile}.${process.pid}.tmp`;
    writeFileSync(
      tmp,
      `# Base config of every trial of sweep ${study.name} (written by keisei)\n${YAML.stringify(study.base.config)}`,
    );
    renameSync(tmp, baseConfigFile); // atomic: another agent may be launching a trial from it
  }

  type Next = { trial: TrialRecord } | { wait: string } | { done: string };
  const acquire = async (): Promise<Next> => {
    const now = Date.now();
    const reaped = await storage.reapStale(study.id, tune.graceMs, tune.maxAttempts, now);
    for (const t of reaped.failed) say(`trial ${t.number} failed: ${t.message}`);
    for (const t of reaped.retried)
      say(`trial ${t.number} queued: retry of a trial whose agent is gone (attempt ${t.attempts})`);
    const trials = await storage.trials(study.id);
    const reached = targetReachedBy(spec, trials);
    if (reached)
      return {
        done: `trial ${reached.number} reached metric.target (${spec.metric?.name} = ${fmtValue(reached.value)})`,
      };
    const claimed = await storage.claimWaiting(study.id, worker, Date.now());
    if (claimed) return { trial: claimed };
    let capped = spec.method === "grid";
    if (spec.method !== "grid") {
      const created = await storage.createTrial(study.id, worker, Date.now(), (all, values) => {
        if (targetReachedBy(spec, all)) return null;
        if (spec.runCap !== null && cappedCount(all) >= spec.runCap) {
          capped = true;
          return null;
        }
        const number = all.reduce((m, t) => Math.max(m, t.number), -1) + 1;
        const rng = new Random((study.seed ^ Math.imul(number + 1, 0x9e3779b1)) >>> 0);
        return propose(spec, historyOf(all, values), rng);
      });
      if (created) return { trial: created };
    }
    const pending = (await storage.trials(study.id)).filter((t) => t.state === "running" || t.state === "waiting");
    if (pending.length > 0)
      return { wait: `waiting for ${pending.length} trial(s) of other agents (one may need a retry)` };
    if (spec.method === "grid") return { done: "every grid point has run" };
    if (capped) return { done: `run_cap ${spec.runCap} reached` };
    return { done: "metric.target reached" };
  };

  const runTrial = async (trial: TrialRecord): Promise<Outcome> => {
    const started = Date.now();
    const runName = runNameOf(study.name, trial.number);
    const runDir = join(modelDir, runName);
    await storage.setRunDir(trial.id, runDir);
    const fail = async (message: string): Promise<Outcome> => {
      await storage.finish(trial.id, worker, "failed", null, message, Date.now());
      say(`trial ${trial.number} failed: ${message}`);
      return "failed";
    };
    try {
      buildConfig([
        { name: "the study's base config", values: study.base.config },
        ...Object.entries(trial.params).map(([k, v]) => ({
          name: `--override ${k}=${JSON.stringify(v)}`,
          values: nested(k.split("."), v),
        })),
      ]);
    } catch (e) {
      if (e instanceof ConfigError) return fail(`invalid config: ${e.message}`);
      throw e;
    }
    const argv = trialArgv({
      program,
      baseConfigFile,
      baseArgs: study.base.args,
      modelDir,
      runName,
      params: trial.params,
    });
    const logPath = join(sweepDir, `trial-${trial.number}.log`);
    const retryNote = trial.retryOf !== null ? ` (${trial.message ?? "retry"}, attempt ${trial.attempts})` : "";
    say(`trial ${trial.number} started${retryNote}: ${describeParams(trial.params)} → ${runDir}`);
    const proc = TrialProcess.start({
      argv,
      logPath,
      env: { ...opts.env, KEISEI_SWEEP_TRIAL: `${study.name}/${trial.number}` },
    });

    const end = new AbortController();
    let lost = false;
    const heartbeats = (async () => {
      while (!end.signal.aborted) {
        await sleep(tune.heartbeatMs, end.signal);
        if (end.signal.aborted) return;
        try {
          if (!(await storage.heartbeat(trial.id, worker, Date.now()))) {
            lost = true;
            void proc.stop(tune.stopGraceMs);
            return;
          }
        } catch (e) {
          say(`trial ${trial.number}: heartbeat failed (${(e as Error).message}); retrying`);
        }
      }
    })();

    const metric = spec.metric?.name ?? null;
    const metricsFile = new JsonlFollower(join(runDir, METRICS_FILE));
    const values: StepValue[] = [];
    const keysSeen = new Set<string>();
    let records = 0;
    let pruneReason: string | null = null;
    let unapplied: string | null = null;
    let checkedConfig = false;
    let interrupted = false;

    const consume = async () => {
      for (const record of metricsFile.read()) {
        records++;
        for (const k of Object.keys(record)) keysSeen.add(k);
        const v = metric === null ? null : metricValue(record, metric);
        if (v === null) continue;
        const step = stepOf(record, values.length);
        if (values.length > 0 && values[values.length - 1].step === step) values[values.length - 1].value = v;
        else values.push({ step, value: v });
        await storage.report(trial.id, step, v);
        if (pruner && pruneReason === null && !proc.exit && pruner.due(values.length)) {
          const all = prunerView(await storage.trials(study.id), await storage.values(study.id));
          const me = { number: trial.number, state: trial.state, values: [...values] };
          const d = pruner.decide(me, all);
          if (d.prune) {
            pruneReason = d.reason;
            say(`trial ${trial.number} pruned at step ${step}: ${d.reason}`);
            void proc.stop(tune.stopGraceMs);
          }
        }
      }
      checkConfig(false);
    };
    /** Compares effective_config.yaml with the trial's parameters; until `final`, a partly written file is read again later. */
    const checkConfig = (final: boolean) => {
      const file = join(runDir, EFFECTIVE_CONFIG_FILE);
      if (checkedConfig || unapplied !== null || !existsSync(file)) return;
      let effective: unknown;
      try {
        effective = YAML.parse(readFileSync(file, "utf8"));
      } catch {
        return;
      }
      const { wrong, missing } = unappliedParams(effective, trial.params);
      const bad = final ? [...wrong, ...missing] : wrong;
      if (bad.length > 0) {
        unapplied = `swept parameters did not reach the trial's config (${file}): ${bad.join(", ")}`;
        void proc.stop(tune.stopGraceMs);
      } else if (missing.length === 0) checkedConfig = true;
    };

    try {
      while (!proc.exit) {
        // Once interrupted, poll on a timer again (an aborted signal would make this loop spin).
        await Promise.race([proc.exited, sleep(tune.pollMs, interrupted ? undefined : opts.signal)]);
        if (opts.signal?.aborted && !interrupted && !proc.exit) {
          interrupted = true;
          say(`trial ${trial.number}: interrupted, stopping it`);
          void proc.stop(tune.stopGraceMs);
        }
        await consume();
      }
      await consume();
    } catch (e) {
      // The study database failed under us: stop the trainer; its heartbeat goes stale and another agent retries it.
      end.abort();
      await proc.stop(tune.stopGraceMs);
      throw e;
    }
    checkConfig(true);
    end.abort();
    await heartbeats;
    const exit = proc.exit as { code: number | null; signal: string | null };
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const last = values.at(-1)?.value ?? null;
    if (!checkedConfig && !warnedUnverified && pruneReason === null && !interrupted && exit.code === 0) {
      warnedUnverified = true;
      say(
        `note: ${join(runDir, EFFECTIVE_CONFIG_FILE)} was not written, so the agent could not check that the parameters were applied`,
      );
    }

    if (lost) {
      say(`trial ${trial.number} was given up: its heartbeat was late and another agent failed it`);
      return "lost";
    }
    if (unapplied) return fail(unapplied);
    if (interrupted) {
      const retry = await storage.release(trial.id, worker, `agent ${worker} was interrupted`, Date.now());
      say(`trial ${trial.number} released${retry ? ` (queued again as trial ${retry.number})` : ""}`);
      return "released";
    }
    if (pruneReason !== null) {
      await storage.finish(trial.id, worker, "pruned", last, pruneReason, Date.now());
      return "pruned";
    }
    if (exit.code !== 0) {
      const how = exit.signal ? `killed by ${exit.signal}` : `exit status ${exit.code}`;
      const tail = proc.logTail(3);
      return fail(`${how} after ${seconds} s${tail ? `; last output:\n${tail}` : ""} (full log: ${logPath})`);
    }
    if (metric !== null && values.length === 0) {
      const seen = [...keysSeen].sort();
      const hint = records === 0 ? `no lines in ${join(runDir, METRICS_FILE)}` : `keys seen: ${seen.join(", ")}`;
      return fail(`metric "${metric}" never appeared in metrics.jsonl (${hint})`);
    }
    await storage.finish(trial.id, worker, "complete", last, null, Date.now());
    say(
      `trial ${trial.number} complete: ${metric ?? "exit 0"}${metric ? ` = ${fmtValue(last)}` : ""} (${values.length} values, ${seconds} s)`,
    );
    return "complete";
  };

  let consecutive = 0;
  let waiting = false;
  for (;;) {
    if (opts.signal?.aborted) {
      summary.stoppedBecause = "interrupted";
      break;
    }
    if (opts.count != null && summary.trials >= opts.count) {
      summary.stoppedBecause = `ran ${opts.count} trial(s) (--count)`;
      break;
    }
    const next = await acquire();
    if ("done" in next) {
      summary.stoppedBecause = next.done;
      break;
    }
    if ("wait" in next) {
      if (!waiting) say(next.wait);
      waiting = true;
      await sleep(tune.idleMs, opts.signal);
      continue;
    }
    waiting = false;
    const outcome = await runTrial(next.trial);
    summary.trials++;
    if (outcome === "complete") summary.complete++;
    else if (outcome === "pruned") summary.pruned++;
    else if (outcome === "failed") summary.failed++;
    consecutive = outcome === "failed" ? consecutive + 1 : outcome === "released" ? consecutive : 0;
    if (maxFailures > 0 && consecutive >= maxFailures) {
      summary.broken = true;
      summary.stoppedBecause = `${consecutive} trials failed in a row (--max-consecutive-failures ${maxFailures}); see the messages above`;
      break;
    }
  }
  say(
    `agent stopped: ${summary.stoppedBecause} (${summary.trials} trials: ${summary.complete} complete, ${summary.pruned} pruned, ${summary.failed} failed)`,
  );
  return summary;
}
