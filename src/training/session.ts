// SessionManager: the run's name and directory, its lock, its effective config, and its text log.
// A new run never silently continues another: its directory is created by one mkdir, which fails
// when the run exists (unless resuming). One process holds a run at a time (run-lock.ts).

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { configToYaml } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { appendWhole, removeStaleTemporaries } from "./run-files.ts";
import { lockRun } from "./run-lock.ts";
import { InputError } from "../util/input-error.ts";

export const EFFECTIVE_CONFIG = "effective_config.yaml";

export interface Session {
  runName: string;
  dir: string;
  config: Config;
  /** Appends a timestamped line to training_log.txt (and nowhere else). */
  log(line: string): void;
  /** Releases the run's lock. */
  close(): void;
}

/** keisei_<model>_feats_<features>_<YYYYmmdd_HHMMSS> (the reference's naming). */
export function defaultRunName(config: Config, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}_${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `keisei_${config.training.model_type}_feats_${config.training.input_features}_${stamp}`;
}

export class SessionError extends InputError {
  override name = "SessionError";
}

const effectiveYaml = (config: Config, runName: string) =>
  `# keisei effective config of run ${runName}\n${configToYaml({ ...config, logging: { ...config.logging, run_name: runName } })}`;

/**
 * Creates (or, when resuming, reopens) the run directory, takes its lock and writes
 * effective_config.yaml (a resumed run's only when its config changed). Call it once everything
 * that can be refused has been checked: from here on the run's files change.
 */
export function openSession(config: Config, o: { resumeDir?: string; now?: Date } = {}): Session {
  let dir: string;
  let runName: string;
  if (o.resumeDir) {
    dir = resolve(o.resumeDir);
    runName = dir.split("/").pop()!;
  } else {
    runName = config.logging.run_name ?? defaultRunName(config, o.now);
    dir = resolve(config.logging.model_dir, runName);
    try {
      mkdirSync(dirname(dir), { recursive: true });
      mkdirSync(dir); // one mkdir: of two runs started with one name, exactly one gets it
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST")
        throw new SessionError(
          `run directory ${dir} already exists: continue it with --resume latest --run-name ${runName}, or choose another --run-name`,
        );
      throw new SessionError(`cannot create run directory ${dir}: ${(e as Error).message}`);
    }
  }
  const lock = lockRun(dir);
  try {
    // What killed writers left behind: in the run, and beside it (the Elo registry lives in model_dir).
    removeStaleTemporaries(dir);
    removeStaleTemporaries(dirname(dir));
    const effective = { ...config, logging: { ...config.logging, run_name: runName } };
    const path = join(dir, EFFECTIVE_CONFIG);
    const yaml = effectiveYaml(config, runName);
    if (!existsSync(path) || readFileSync(path, "utf8") !== yaml) writeFileAtomic(path, yaml);
    const logPath = join(dir, config.logging.log_file);
    return {
      runName,
      dir,
      config: effective,
      log(line: string) {
        appendWhole(logPath, `${new Date().toISOString()} ${line}\n`);
      },
      close: lock.release,
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** The newest run directory under `modelDir` that holds a checkpoint, or null. */
export function newestRunWithCheckpoint(modelDir: string): string | null {
  if (!existsSync(modelDir)) return null;
  let best: { dir: string; t: number } | null = null;
  for (const name of readdirSync(modelDir)) {
    const dir = join(modelDir, name);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir)) {
      if (!/^checkpoint_ts\d+\.json$/.test(f)) continue;
      const t = statSync(join(dir, f)).mtimeMs;
      if (!best || t > best.t) best = { dir, t };
    }
  }
  return best?.dir ?? null;
}
