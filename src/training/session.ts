// SessionManager: the run's name and directory, its effective config, and its text log. A new run
// never silently continues another: an existing run directory is an error unless resuming.

import { appendFileSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { configToYaml } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";

export interface Session {
  runName: string;
  dir: string;
  config: Config;
  /** Appends a timestamped line to training_log.txt (and nowhere else). */
  log(line: string): void;
}

/** keisei_<model>_feats_<features>_<YYYYmmdd_HHMMSS> (the reference's naming). */
export function defaultRunName(config: Config, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}_${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `keisei_${config.training.model_type}_feats_${config.training.input_features}_${stamp}`;
}

export class SessionError extends Error {
  override name = "SessionError";
}

/** Creates (or, when resuming, reopens) the run directory and writes effective_config.yaml. */
export function openSession(config: Config, o: { resumeDir?: string; now?: Date } = {}): Session {
  let dir: string;
  let runName: string;
  if (o.resumeDir) {
    dir = resolve(o.resumeDir);
    runName = dir.split("/").pop()!;
  } else {
    runName = config.logging.run_name ?? defaultRunName(config, o.now);
    dir = resolve(config.logging.model_dir, runName);
    if (existsSync(dir))
      throw new SessionError(
        `run directory ${dir} already exists: continue it with --resume latest --run-name ${runName}, or choose another --run-name`,
      );
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new SessionError(`cannot create run directory ${dir}: ${(e as Error).message}`);
  }
  const effective = { ...config, logging: { ...config.logging, run_name: runName } };
  writeFileAtomic(
    join(dir, "effective_config.yaml"),
    new TextEncoder().encode(`# keisei effective config of run ${runName}\n${configToYaml(effective)}`),
  );
  const logPath = join(dir, config.logging.log_file);
  return {
    runName,
    dir,
    config: effective,
    log(line: string) {
      appendFileSync(logPath, `${new Date().toISOString()} ${line}\n`);
    },
  };
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
