// Sweeps as the page shows them, read from the study database the agents use (sweep/storage.ts):
// SQLite beside the runs (<logdir>/sweeps.sqlite, opened only when it exists: the dashboard never
// creates one) or the PostgreSQL URL given with --storage. Reads only.

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { bestTrial } from "../sweep/commands.ts";
import { StudyStorage, type TrialRecord } from "../sweep/storage.ts";
import { isInside, relativeName } from "./paths.ts";

export interface StudySummary {
  name: string;
  method: string;
  metric: { name: string; goal: "minimize" | "maximize" } | null;
  trials: number;
  states: Record<string, number>;
  best: { number: number; value: number; params: Record<string, unknown> } | null;
  createdAt: number;
}

export interface TrialView {
  number: number;
  state: string;
  params: Record<string, unknown>;
  value: number | null;
  worker: string | null;
  /** The trial's run, as the runs list names it (null when outside the log directory or not started). */
  run: string | null;
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  heartbeatAt: number | null;
  message: string | null;
  /** The intermediate values it reported, [step, value] in step order. */
  values: [number, number][];
}

export interface StudyView extends StudySummary {
  parameters: { name: string; distribution: string; log: boolean; values: unknown[] }[];
  trialsList: TrialView[];
}

const LOG_DISTRIBUTIONS = /log/;

export class SweepReader {
  private storage: StudyStorage | null = null;
  private opening: Promise<StudyStorage | null> | null = null;

  /** `url`: --storage (sqlite://…, a path, or postgres://…); without it, <logdir>/sweeps.sqlite when it exists. */
  constructor(
    private readonly logdir: string,
    private readonly url: string | null,
  ) {}

  /** The storage as a person would name it, or null when there is none. */
  get label(): string | null {
    return this.storage?.label ?? this.url ?? (existsSync(this.defaultPath) ? this.defaultPath : null);
  }

  private get defaultPath(): string {
    return join(this.logdir, "sweeps.sqlite");
  }

  /** Opens the storage on first use; null while there is none. A bad --storage throws (StorageError). */
  async open(): Promise<StudyStorage | null> {
    if (this.storage) return this.storage;
    if (!this.url && !existsSync(this.defaultPath)) return null;
    this.opening ??= StudyStorage.open(this.url ?? this.defaultPath).finally(() => {
      this.opening = null;
    });
    this.storage = await this.opening;
    return this.storage;
  }

  async close(): Promise<void> {
    await this.storage?.close();
    this.storage = null;
  }

  async list(): Promise<StudySummary[]> {
    const storage = await this.open();
    if (!storage) return [];
    const out: StudySummary[] = [];
    for (const study of await storage.studies()) out.push(summarise(study, await storage.trials(study.id)));
    return out;
  }

  async study(name: string): Promise<StudyView | null> {
    const storage = await this.open();
    if (!storage) return null;
    const study = await storage.study(name);
    if (!study) return null;
    const trials = await storage.trials(study.id);
    const values = await storage.values(study.id);
    const root = resolve(this.logdir);
    return {
      ...summarise(study, trials),
      parameters: study.spec.parameters
        .filter((p) => p.distribution !== "constant")
        .map((p) => ({
          name: p.name,
          distribution: p.distribution,
          log: LOG_DISTRIBUTIONS.test(p.distribution),
          values: p.values,
        })),
      trialsList: trials.map((t) => ({
        number: t.number,
        state: t.state,
        params: t.params,
        value: t.value,
        worker: t.worker,
        run: t.runDir && isInside(root, resolve(t.runDir)) ? relativeName(root, resolve(t.runDir)) : null,
        attempts: t.attempts,
        startedAt: t.startedAt,
        finishedAt: t.finishedAt,
        heartbeatAt: t.heartbeatAt,
        message: t.message,
        values: (values.get(t.id) ?? []).map((v): [number, number] => [v.step, v.value]),
      })),
    };
  }
}

function summarise(study: Awaited<ReturnType<StudyStorage["studies"]>>[number], trials: TrialRecord[]): StudySummary {
  const states: Record<string, number> = {};
  for (const t of trials) states[t.state] = (states[t.state] ?? 0) + 1;
  const best = bestTrial(study.spec, trials);
  return {
    name: study.name,
    method: study.spec.method,
    metric: study.spec.metric ? { name: study.spec.metric.name, goal: study.spec.metric.goal } : null,
    trials: trials.length,
    states,
    best: best && best.value !== null ? { number: best.number, value: best.value, params: best.params } : null,
    createdAt: study.createdAt,
  };
}
