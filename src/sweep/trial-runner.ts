// Launching one trial: a `keisei train` subprocess with the trial's parameters as --override flags
// on top of the study's base, so a crashing trial cannot take its agent down. The contract with the
// trainer is only:
//   argv      [...program, --config BASE, ...base args, --savedir MODEL_DIR, --run-name RUN, --override k=v ...]
//   run dir   MODEL_DIR/RUN
//   metrics   MODEL_DIR/RUN/metrics.jsonl, one JSON object per line, appended as training goes
//   SIGINT    the trainer writes a checkpoint and exits; SIGKILL follows after a grace period
// and, optionally, MODEL_DIR/RUN/effective_config.yaml, which the agent reads to check that every
// swept parameter really reached the config (the Python reference's sweep silently applied none).
// The child runs in its own session, gets KEISEI_SWEEP_AGENT_PID, and its stdin is a pipe from the
// agent that the agent never writes to: when the agent is gone — even SIGKILLed, which cannot stop
// its trial — the kernel closes the pipe, the trial reads EOF (watchAgentPipe) and stops too.

import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { keiseiProgram } from "../util/process.ts";

/** The `keisei train` flags the runner sets on every trial (cli/train.ts's TRAIN_FLAGS are the config-setting ones a user passes). */
export const TRIAL_FLAGS = {
  config: "--config",
  override: "--override",
  savedir: "--savedir",
  runName: "--run-name",
} as const;
export const METRICS_FILE = "metrics.jsonl";
/** Set to "stdin" in a trial's environment: its stdin is the agent's pipe (watchAgentPipe). */
export const AGENT_PIPE_ENV = "KEISEI_SWEEP_AGENT_PIPE";
/** How long a trial whose agent is gone may take to finish its step and checkpoint before it exits anyway. */
export const AGENT_GONE_GRACE_MS = 10_000;

/**
 * In a trial (AGENT_PIPE_ENV set): calls `gone` once when the agent's end of stdin closes — the
 * agent exited or was killed, with -9 too (the kernel closes a dead process's pipes; polling its
 * pid would see a zombie or a reused pid). Returns the function that stops watching. Elsewhere it
 * watches nothing.
 */
export function watchAgentPipe(gone: () => void): () => void {
  if (process.env[AGENT_PIPE_ENV] !== "stdin") return () => undefined;
  const reader = Bun.stdin.stream().getReader();
  let watching = true;
  void (async () => {
    try {
      for (;;) if ((await reader.read()).done) break;
    } catch {
      // a read error is the pipe's end too
    }
    if (watching) gone();
  })();
  return () => {
    watching = false;
    reader.cancel().catch(() => undefined);
  };
}
export const EFFECTIVE_CONFIG_FILE = "effective_config.yaml";

/** The command that starts `keisei train`: the binary itself, or bun with src/cli.ts. */
export function keiseiTrainCommand(): string[] {
  return [...keiseiProgram(), "train"];
}

/** A value as `--override key=VALUE` text that parseOverride (YAML) reads back as the same value. */
export function overrideText(value: unknown): string {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  return JSON.stringify(value);
}

export function trialArgv(o: {
  program: string[];
  baseConfigFile: string | null;
  baseArgs: string[];
  modelDir: string;
  runName: string;
  params: Record<string, unknown>;
}): string[] {
  return [
    ...o.program,
    ...(o.baseConfigFile ? [TRIAL_FLAGS.config, o.baseConfigFile] : []),
    ...o.baseArgs,
    TRIAL_FLAGS.savedir,
    o.modelDir,
    TRIAL_FLAGS.runName,
    o.runName,
    ...Object.entries(o.params).flatMap(([k, v]) => [TRIAL_FLAGS.override, `${k}=${overrideText(v)}`]),
  ];
}

/** Reads the complete lines appended to a JSONL file since the last call (the file may not exist yet). */
export class JsonlFollower {
  private offset = 0;
  private partial = "";
  badLines = 0;

  constructor(readonly path: string) {}

  read(): Record<string, unknown>[] {
    if (!existsSync(this.path)) return [];
    const size = statSync(this.path).size;
    if (size < this.offset) [this.offset, this.partial] = [0, ""]; // truncated: start over
    if (size === this.offset) return [];
    const fd = openSync(this.path, "r");
    const buf = Buffer.alloc(size - this.offset);
    try {
      readSync(fd, buf, 0, buf.length, this.offset);
    } finally {
      closeSync(fd);
    }
    this.offset = size;
    const text = this.partial + buf.toString("utf8");
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    const out: Record<string, unknown>[] = [];
    for (const line of lines) {
      if (line.trim() === "") continue;
      try {
        const v = JSON.parse(line) as unknown;
        if (typeof v === "object" && v !== null && !Array.isArray(v)) out.push(v as Record<string, unknown>);
        else this.badLines++;
      } catch {
        this.badLines++;
      }
    }
    return out;
  }
}

export interface TrialExit {
  code: number | null;
  signal: string | null;
}

/** A running trial subprocess, its output going to `logPath`. */
export class TrialProcess {
  private stopping: Promise<TrialExit> | null = null;
  exit: TrialExit | null = null;
  readonly exited: Promise<TrialExit>;

  private constructor(
    private readonly proc: Bun.Subprocess,
    readonly logPath: string,
  ) {
    this.exited = proc.exited.then(() => {
      (proc.stdin as Bun.FileSink | undefined)?.end();
      this.exit = {
        code: proc.signalCode ? null : proc.exitCode,
        signal: proc.signalCode ? String(proc.signalCode) : null,
      };
      return this.exit;
    });
  }

  static start(o: {
    argv: string[];
    logPath: string;
    env?: Record<string, string | undefined>;
    cwd?: string;
  }): TrialProcess {
    const fd = openSync(o.logPath, "a");
    try {
      const proc = Bun.spawn(o.argv, {
        cwd: o.cwd,
        env: { ...process.env, ...o.env, KEISEI_SWEEP_AGENT_PID: String(process.pid), [AGENT_PIPE_ENV]: "stdin" },
        // Never written to: its end when this process dies is what tells the trial (watchAgentPipe).
        stdin: "pipe",
        stdout: fd,
        stderr: fd,
        // Its own session: a Ctrl-C at the terminal reaches only the agent, which then sends the
        // trainer exactly one SIGINT (a second one may mean "quit without a checkpoint").
        detached: true,
      });
      return new TrialProcess(proc, o.logPath);
    } finally {
      closeSync(fd);
    }
  }

  get pid(): number {
    return this.proc.pid;
  }

  /** SIGINT (the trainer checkpoints and exits), then SIGKILL if it is still running after `graceMs`. */
  stop(graceMs: number): Promise<TrialExit> {
    this.stopping ??= (async () => {
      if (this.exit) return this.exit;
      this.proc.kill("SIGINT");
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), graceMs);
      try {
        return await this.exited;
      } finally {
        clearTimeout(timer);
      }
    })();
    return this.stopping;
  }

  /** The last `n` lines of the trial's output. */
  logTail(n: number): string {
    try {
      const size = statSync(this.logPath).size;
      const start = Math.max(0, size - 16384);
      const buf = Buffer.alloc(size - start);
      const fd = openSync(this.logPath, "r");
      try {
        readSync(fd, buf, 0, buf.length, start);
      } finally {
        closeSync(fd);
      }
      return buf.toString("utf8").trimEnd().split("\n").slice(-n).join("\n");
    } catch {
      return "";
    }
  }
}
