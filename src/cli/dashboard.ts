// `keisei dashboard` and `keisei train --web`: the browser dashboard (src/web/) from the command line.
//
//   keisei dashboard [--logdir models/] [--port 6007] [--host 127.0.0.1] [--token [TOKEN]] [--storage URL]
//   keisei train --web [[HOST:]PORT] …
//
// `train --web` runs the dashboard as a child process (`keisei dashboard` on the run's model
// directory), so serving pages never delays a training step, and the trainer's event loop never
// delays a page. The child opens the trainer's run, ignores Ctrl-C (the trainer finishes its step
// first) and exits with the trainer, even a killed one.

import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { CAC } from "cac";
import { buildConfig } from "../config/load.ts";
import { keiseiProgram } from "../util/process.ts";
import type { TrainerView } from "../training/trainer.ts";
import { LiveFileView } from "../web/live.ts";
import { DashboardError, isLoopback, startDashboard } from "../web/server.ts";
import { text, UsageError, wholeNumber } from "./flags.ts";
import { type TrainCommandOptions, trainConfigSources } from "./train.ts";

export const DEFAULT_PORT = 6007;
const PARENT_ENV = "KEISEI_DASHBOARD_PARENT_PID";
const TOKEN_ENV = "KEISEI_DASHBOARD_TOKEN";

export interface DashboardFlags {
  logdir?: string;
  port?: unknown;
  host?: string;
  token?: string | boolean;
  storage?: string;
}

/** A token for --token given without a value. */
const newToken = () => Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");

/** `keisei dashboard`: serves until Ctrl-C (or, as train --web's child, until the trainer is gone). */
export async function runDashboardCommand(o: DashboardFlags, version: string): Promise<void> {
  const port = wholeNumber(o.port ?? DEFAULT_PORT, "--port", 0, 65535);
  const host = o.host === undefined ? "127.0.0.1" : text(o.host, "--host");
  const token =
    o.token === undefined || o.token === false
      ? (process.env[TOKEN_ENV] ?? null)
      : o.token === true || o.token === ""
        ? newToken()
        : text(o.token, "--token");
  const logdir = o.logdir === undefined ? buildConfig([]).logging.model_dir : text(o.logdir, "--logdir");
  const parent = Number(process.env[PARENT_ENV]);
  const child = Number.isInteger(parent) && parent > 0;
  let server: Awaited<ReturnType<typeof startDashboard>>;
  try {
    server = await startDashboard({
      logdir,
      host,
      port,
      token,
      storage: o.storage === undefined ? null : text(o.storage, "--storage"),
      focusPid: child ? parent : null,
      version,
    });
  } catch (e) {
    if (e instanceof DashboardError) throw new UsageError(e.message);
    throw e;
  }
  const url = token ? `${server.url}?token=${token}` : server.url;
  console.log(`keisei dashboard: ${url}`);
  if (!child) console.error(`serving ${resolve(logdir)}; Ctrl-C to stop`);
  if (!isLoopback(host) && token === null)
    console.error(
      `keisei dashboard: warning: listening on ${host} without authentication: anyone who can reach this machine can read ${resolve(logdir)}; pass --token (or set ${TOKEN_ENV}) to require a token`,
    );
  await new Promise<void>((done) => {
    const stop = () => {
      void server.stop().finally(done);
    };
    if (child) {
      process.on("SIGINT", () => undefined); // the trainer's Ctrl-C: keep serving while it writes its checkpoint
      // stdin is a pipe the trainer never writes to: EOF when it is gone, even killed with -9.
      void (async () => {
        const reader = Bun.stdin.stream().getReader();
        try {
          while (!(await reader.read()).done);
        } catch {
          // a read error is the pipe's end too
        }
        stop();
      })();
    } else process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/** Registers `keisei dashboard`; `version` is asked only when the dashboard starts (from a checkout it runs git). */
export function registerDashboard(cli: CAC, version: () => string): void {
  cli
    .command("dashboard", "Serve the browser dashboard: runs, charts of every metric, live and saved games, sweeps")
    .option("--logdir <dir>", "Directory of run folders (default: logging.model_dir, models/)")
    .option("--port <n>", "Port (0: any free one)", { default: DEFAULT_PORT })
    .option("--host <addr>", "Address to listen on; anything but 127.0.0.1/localhost is reachable by others", {
      default: "127.0.0.1",
    })
    .option("--token [token]", `Require this token on every request (none given: a random one; env ${TOKEN_ENV})`)
    .option("--storage <url>", "Sweep study database: sqlite://FILE or postgres://… (default <logdir>/sweeps.sqlite)")
    .example("keisei dashboard --logdir models/")
    .example("keisei dashboard --host 0.0.0.0 --token")
    .action((opts: DashboardFlags) => runDashboardCommand(opts, version()));
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // still open elsewhere (Windows): left in the temporary directory
  }
}

/** `--web [[HOST:]PORT]` as host and port (true: the defaults). */
export function parseWebFlag(value: unknown): { host: string; port: number } {
  if (value === true || value === "" || value === undefined) return { host: "127.0.0.1", port: DEFAULT_PORT };
  const s = String(value);
  const m = /^(?:(.+):)?(\d+)$/.exec(s);
  if (!m) throw new UsageError(`--web takes a port or HOST:PORT, got "${s}"`);
  const port = wholeNumber(m[2], "--web port", 0, 65535);
  return { host: m[1]?.replace(/^\[(.*)\]$/, "$1") ?? "127.0.0.1", port };
}

/** The trainer's view with live.json written beside the run (what the dashboard shows of a live run). */
export function withLiveFile(view: TrainerView): TrainerView {
  return new LiveFileView(view);
}

/**
 * `keisei train --web`: starts the dashboard on the run's model directory as a child process and
 * prints its address; does nothing without --web. The child stops when this process exits.
 */
export async function startTrainDashboard(opts: TrainCommandOptions & { web?: unknown }): Promise<void> {
  if (opts.web === undefined || opts.web === false) return;
  const { host, port } = parseWebFlag(opts.web);
  const modelDir = buildConfig(trainConfigSources(opts)).logging.model_dir;
  mkdirSync(modelDir, { recursive: true });
  const program = keiseiProgram();
  // The child's stdin is a pipe this process never writes to: when this process ends, even killed,
  // the child reads EOF and stops. Its stderr goes to a file, read only when it fails to start.
  const errFile = join(tmpdir(), `keisei-dashboard-${process.pid}.err`);
  const proc = Bun.spawn([...program, "dashboard", "--logdir", modelDir, "--port", String(port), "--host", host], {
    env: { ...process.env, [PARENT_ENV]: String(process.pid) },
    stdin: "pipe",
    stdout: "pipe",
    stderr: Bun.file(errFile),
  });
  process.on("exit", () => proc.kill());
  const reader = proc.stdout.getReader();
  let out = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const first = await Promise.race([
    (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return null;
        out += new TextDecoder().decode(value);
        const line = /^keisei dashboard: (\S+)/m.exec(out);
        if (line) return line[1];
      }
    })(),
    new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), 30_000);
    }),
  ]);
  clearTimeout(timer);
  await reader.cancel().catch(() => undefined);
  if (first === null || first === "timeout") {
    proc.kill();
    const status = await proc.exited;
    let err = "";
    try {
      err = readFileSync(errFile, "utf8").trim().split("\n").at(-1) ?? "";
    } catch {
      // nothing written
    }
    removeQuietly(errFile);
    throw new UsageError(
      first === "timeout"
        ? "--web: the dashboard did not start within 30 s"
        : `--web: ${err.replace(/^keisei: /, "").replace("with --port", "with --web PORT") || `the dashboard exited with status ${status}`}`,
    );
  }
  removeQuietly(errFile);
  proc.unref();
  console.log(`keisei: dashboard at ${first} (it opens this run)`);
  if (!isLoopback(host) && !process.env[TOKEN_ENV])
    console.error(
      `keisei: warning: the dashboard listens on ${host} without authentication; set ${TOKEN_ENV} to require a token`,
    );
}
