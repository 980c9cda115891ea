// Entry points of the sweep commands; src/cli.ts parses the flags and calls these.
//
//   keisei train --sweep SWEEP.yaml [--count N] [--storage URL] [train flags…]
//   keisei sweep create SWEEP.yaml [--storage URL | --savedir DIR] [train flags…]
//   keisei sweep agent [STUDY] [--storage URL | --savedir DIR] [--count N] [--max-consecutive-failures N]
//   keisei sweep status [STUDY] [--storage URL | --savedir DIR]
//   keisei sweep best [STUDY] [--storage URL | --savedir DIR]            (prints a config YAML)
//   keisei sweep export [STUDY] [--storage URL | --savedir DIR] [--out DIR]
//
// The study database is --storage (postgres://… or an SQLite path), else <model dir>/sweeps.sqlite
// where the model dir is --savedir, else the config's logging.model_dir.

import { mkdirSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { buildConfig, configSources, configToYaml, deepMerge, nested } from "../config/load.ts";
import { type AgentSummary, type AgentTuning, cappedCount, runAgent } from "./agent.ts";
import { optunaJournal, trialsCsv } from "./export.ts";
import { gridProposals } from "./samplers.ts";
import { readSweepSpec, type SweepSpec, specFingerprint } from "./spec.ts";
import { type StudyRecord, StudyStorage, type TrialBase, type TrialRecord } from "./storage.ts";
import { TRIAL_FLAGS } from "./trial-runner.ts";
import { InputError } from "../util/input-error.ts";
import { SIGNAL_EXIT, STOP_SIGNALS, type StopSignal } from "../util/signals.ts";

/** A usage or input error of a sweep command (the CLI prints it as one line, exit status 2). */
export class SweepCommandError extends InputError {
  override name = "SweepCommandError";
}

export interface SweepIO {
  out(text: string): void; // results: tables, YAML
  err(text: string): void; // progress and notes
}
const stdio: SweepIO = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

export interface StorageFlags {
  storage?: string;
  savedir?: string;
  config?: string[];
  override?: string[];
}

export interface BaseFlags extends StorageFlags {
  /** Other `keisei train` flags, passed to every trial unchanged (not --config/--override/--savedir/--run-name). */
  args?: string[];
}

export interface AgentFlags {
  count?: number;
  maxConsecutiveFailures?: number;
  worker?: string;
  /** Trial command before its flags; default `keisei train` (tests use a stand-in trainer). */
  program?: string[];
  tuning?: Partial<AgentTuning>;
  /** Extra environment for the trial processes. */
  env?: Record<string, string>;
  signal?: AbortSignal;
  io?: SweepIO;
}

/** The base every trial starts from: --config files and --override values merged, plus pass-through flags. */
export function trialBase(flags: BaseFlags): TrialBase {
  const sources = configSources(flags.config ?? [], flags.override ?? []);
  const config = buildConfig(sources); // each source validated, errors name it
  for (const a of flags.args ?? []) {
    const flag = a.split("=")[0];
    if ((Object.values(TRIAL_FLAGS) as string[]).includes(flag))
      throw new SweepCommandError(
        `${flag} is set by the sweep for each trial; pass it as a sweep option, not as a train flag`,
      );
  }
  let values: Record<string, unknown> = {};
  for (const s of sources) values = deepMerge(values, s.values);
  return { config: values, args: flags.args ?? [], modelDir: flags.savedir ?? config.logging.model_dir };
}

/** --storage, else <--savedir or the config's logging.model_dir>/sweeps.sqlite. */
export function storageUrl(flags: StorageFlags): string {
  if (flags.storage) return flags.storage;
  const modelDir =
    flags.savedir ?? buildConfig(configSources(flags.config ?? [], flags.override ?? [])).logging.model_dir;
  return join(modelDir, "sweeps.sqlite");
}

/** A 31-bit seed from a study name, for sweeps that give none. */
export function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return (h >>> 0) & 0x7fffffff;
}

/** Runs `fn` on the study database; only `create` makes one that does not exist yet. */
async function withStorage<T>(
  flags: StorageFlags,
  fn: (s: StudyStorage) => Promise<T>,
  o: { create?: boolean } = {},
): Promise<T> {
  const storage = await StudyStorage.open(storageUrl(flags), { create: o.create ?? false });
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

/** The named study, or the only one in the database. */
async function findStudy(storage: StudyStorage, name: string | undefined): Promise<StudyRecord> {
  if (name) {
    const s = await storage.study(name);
    if (s) return s;
    const names = (await storage.studies()).map((x) => x.name);
    throw new SweepCommandError(
      `${storage.label}: no study "${name}"${names.length ? ` (studies: ${names.join(", ")})` : " (it has no studies yet)"}`,
    );
  }
  const all = await storage.studies();
  if (all.length === 1) return all[0];
  if (all.length === 0)
    throw new SweepCommandError(`${storage.label}: no studies yet (keisei sweep create SWEEP.yaml)`);
  throw new SweepCommandError(
    `${storage.label} has ${all.length} studies; name one: ${all.map((s) => s.name).join(", ")}`,
  );
}

async function createOrJoin(
  storage: StudyStorage,
  sweepFile: string,
  spec: SweepSpec,
  base: TrialBase,
  io: SweepIO,
): Promise<StudyRecord> {
  for (const note of spec.notes) io.err(note);
  const name = spec.name ?? basename(sweepFile, extname(sweepFile));
  const enqueue = spec.method === "grid" ? gridProposals(spec.parameters).slice(0, spec.runCap ?? Infinity) : [];
  const { study, created } = await storage.createStudy({
    name,
    spec,
    fingerprint: specFingerprint(spec),
    base,
    seed: spec.seed ?? seedOf(name),
    enqueue,
    now: Date.now(),
  });
  if (created) {
    const grid = spec.method === "grid" ? `, ${enqueue.length} grid points queued` : "";
    io.err(
      `created study ${name} (${spec.method}${spec.metric ? `, ${spec.metric.goal} ${spec.metric.name}` : ""}${grid}) in ${storage.label}`,
    );
  } else {
    const trials = await storage.trials(study.id);
    io.err(`joined study ${name} in ${storage.label} (${trials.length} trials so far)`);
    if (JSON.stringify([study.base.config, study.base.args]) !== JSON.stringify([base.config, base.args]))
      io.err(
        "note: trials run with the study's base config and flags from when it was created; the ones given now differ and are not used",
      );
  }
  return study;
}

function agentOptions(
  storage: StudyStorage,
  study: StudyRecord,
  flags: AgentFlags,
  io: SweepIO,
  modelDir: string | undefined,
) {
  return {
    storage,
    study,
    modelDir,
    worker: flags.worker,
    count: flags.count ?? null,
    maxConsecutiveFailures: flags.maxConsecutiveFailures,
    program: flags.program,
    tuning: flags.tuning,
    signal: flags.signal,
    env: flags.env,
    log: (line: string) => io.err(line),
  };
}

/** 1 when trials kept failing; 128 + the signal's number when a signal stopped the agent; else 0. */
const exitStatus = (s: AgentSummary, signal?: AbortSignal) =>
  s.broken ? 1 : signal?.aborted ? (SIGNAL_EXIT[signal.reason as StopSignal] ?? 130) : 0;

/** `keisei train --sweep SWEEP.yaml`: create or join the study, then run trials. Returns the exit status. */
export async function trainSweep(o: BaseFlags & AgentFlags & { sweep: string }): Promise<number> {
  const io = o.io ?? stdio;
  const spec = await readSweepSpec(o.sweep);
  const base = trialBase(o);
  return withStorage(
    o,
    async (storage) => {
      const study = await createOrJoin(storage, o.sweep, spec, base, io);
      return exitStatus(await runAgent(agentOptions(storage, study, o, io, base.modelDir)), o.signal);
    },
    { create: true },
  );
}

/** `keisei sweep create SWEEP.yaml`: registers the study (agents then join it by name). */
export async function sweepCreate(o: BaseFlags & { sweep: string; io?: SweepIO }): Promise<StudyRecord> {
  const io = o.io ?? stdio;
  const spec = await readSweepSpec(o.sweep);
  const base = trialBase(o);
  return withStorage(
    o,
    async (storage) => {
      const study = await createOrJoin(storage, o.sweep, spec, base, io);
      const where = o.storage ? `--storage ${storage.label}` : `--savedir ${base.modelDir}`;
      io.out(study.name);
      io.err(`run agents with: keisei sweep agent ${study.name} ${where}`);
      return study;
    },
    { create: true },
  );
}

/** `keisei sweep agent [STUDY]`: runs trials of an existing study (run folders under --savedir, else the study's model dir). Returns the exit status. */
export async function sweepAgent(o: StorageFlags & AgentFlags & { study?: string }): Promise<number> {
  const io = o.io ?? stdio;
  return withStorage(o, async (storage) => {
    const study = await findStudy(storage, o.study);
    return exitStatus(await runAgent(agentOptions(storage, study, o, io, o.savedir)), o.signal);
  });
}

const better = (spec: SweepSpec, a: number, b: number) => (spec.metric?.goal === "maximize" ? a > b : a < b);

/** The best complete trial, or null. */
export function bestTrial(spec: SweepSpec, trials: TrialRecord[]): TrialRecord | null {
  let best: TrialRecord | null = null;
  for (const t of trials)
    if (t.state === "complete" && t.value !== null && (best === null || better(spec, t.value, best.value as number)))
      best = t;
  return best;
}

const short = (v: unknown) =>
  typeof v === "number" && !Number.isInteger(v) ? String(Number(v.toPrecision(4))) : JSON.stringify(v);
const paramsText = (p: Record<string, unknown>) =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${short(v)}`)
    .join(" ");

/** The status table of a study, as text. */
export function statusText(
  study: StudyRecord,
  trials: TrialRecord[],
  steps: Map<number, number>,
  now = Date.now(),
): string {
  const spec = study.spec;
  const metric = spec.metric ? `${spec.metric.goal} ${spec.metric.name}` : "no metric";
  const cap = spec.runCap !== null ? `, run_cap ${spec.runCap}` : "";
  const et = spec.earlyTerminate ? `, early_terminate ${spec.earlyTerminate.type}` : "";
  const lines = [`study ${study.name}: ${spec.method}, ${metric}${cap}${et}`];
  const rows = trials.map((t) => {
    const age =
      t.state === "running" && t.heartbeatAt !== null
        ? ` (heartbeat ${((now - t.heartbeatAt) / 1000).toFixed(0)} s ago)`
        : "";
    return [
      String(t.number),
      t.state,
      t.value === null ? "—" : short(t.value),
      String(steps.get(t.id) ?? 0),
      String(t.attempts),
      (t.worker ?? "—") + age,
      paramsText(t.params),
      (t.message ?? "").split("\n")[0].slice(0, 100),
    ];
  });
  const header = ["#", "state", spec.metric?.name ?? "value", "steps", "try", "worker", "params", "message"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmtRow = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  lines.push(fmtRow(header), ...rows.map(fmtRow));
  const counts = ["waiting", "running", "complete", "pruned", "failed"]
    .map((s) => [s, trials.filter((t) => t.state === s).length] as const)
    .filter(([, n]) => n > 0);
  lines.push(
    `${trials.length} trials (${cappedCount(trials)} toward run_cap): ${counts.map(([s, n]) => `${n} ${s}`).join(", ") || "none yet"}`,
  );
  const best = bestTrial(spec, trials);
  lines.push(
    best
      ? `best: trial ${best.number}, ${spec.metric?.name ?? "value"} = ${short(best.value)}: ${paramsText(best.params)}`
      : "best: no complete trial yet",
  );
  return `${lines.join("\n")}\n`;
}

/** `keisei sweep status [STUDY]`: prints the trial table and the best trial so far. */
export async function sweepStatus(o: StorageFlags & { study?: string; io?: SweepIO }): Promise<string> {
  const io = o.io ?? stdio;
  return withStorage(o, async (storage) => {
    const study = await findStudy(storage, o.study);
    const values = await storage.values(study.id);
    const steps = new Map([...values].map(([id, vs]) => [id, vs.length]));
    const text = statusText(study, await storage.trials(study.id), steps);
    io.out(text);
    return text;
  });
}

/** The config YAML that re-runs `trial` with `keisei train --config`. */
export function bestConfigYaml(study: StudyRecord, trial: TrialRecord): string {
  const config = buildConfig([
    { name: "the study's base config", values: study.base.config },
    ...Object.entries(trial.params).map(([k, v]) => ({
      name: `trial ${trial.number}: ${k}`,
      values: nested(k.split("."), v),
    })),
  ]);
  const metric = study.spec.metric?.name ?? "value";
  const head = [
    `# Best trial of sweep ${study.name}: trial ${trial.number}, ${metric} = ${trial.value}`,
    `# ${paramsText(trial.params)}`,
    `# Re-run it with: keisei train --config <this file>${study.base.args.length ? ` ${study.base.args.join(" ")}` : ""}`,
  ];
  return `${head.join("\n")}\n${configToYaml(config)}`;
}

/** `keisei sweep best [STUDY]`: prints the config YAML of the best complete trial. */
export async function sweepBest(o: StorageFlags & { study?: string; io?: SweepIO }): Promise<string> {
  const io = o.io ?? stdio;
  return withStorage(o, async (storage) => {
    const study = await findStudy(storage, o.study);
    if (!study.spec.metric)
      throw new SweepCommandError(
        `study ${study.name} has no metric, so no trial is best (keisei sweep status lists them all)`,
      );
    const best = bestTrial(study.spec, await storage.trials(study.id));
    if (!best) throw new SweepCommandError(`study ${study.name} has no complete trial yet`);
    const yaml = bestConfigYaml(study, best);
    io.out(yaml);
    return yaml;
  });
}

/** `keisei sweep export [STUDY] [--out DIR]`: writes <study>.csv and <study>.optuna.log (an Optuna journal). */
export async function sweepExport(
  o: StorageFlags & { study?: string; out?: string; io?: SweepIO },
): Promise<{ csv: string; journal: string }> {
  const io = o.io ?? stdio;
  return withStorage(o, async (storage) => {
    const study = await findStudy(storage, o.study);
    const trials = await storage.trials(study.id);
    const values = await storage.values(study.id);
    const dir = o.out ?? ".";
    mkdirSync(dir, { recursive: true });
    const csv = join(dir, `${study.name}.csv`);
    const journal = join(dir, `${study.name}.optuna.log`);
    writeFileSync(csv, trialsCsv(study, trials, values));
    writeFileSync(journal, optunaJournal(study, trials, values));
    io.out(`${csv}\n${journal}`);
    io.err(
      `open the journal with Optuna ≥ 3.1: optuna.load_study(study_name="${study.name}", storage=optuna.storages.JournalStorage(optuna.storages.JournalFileStorage("${journal}")))  (JournalFileBackend in Optuna 4)`,
    );
    return { csv, journal };
  });
}

/**
 * For the CLI: an AbortSignal that the first SIGINT/SIGTERM aborts (the agent stops its running
 * trial, which goes back to the queue); a second one exits at once with status 130.
 */
export function abortOnSignals(io: SweepIO = stdio): AbortSignal {
  const controller = new AbortController();
  const handler = (sig: StopSignal) => {
    if (controller.signal.aborted) process.exit(SIGNAL_EXIT[sig]);
    io.err(`${sig}: stopping the running trial and the agent (again to quit at once)`);
    controller.abort(sig); // the reason: the agent's exit status says which signal stopped it
  };
  for (const sig of STOP_SIGNALS) process.on(sig, handler);
  return controller.signal;
}
