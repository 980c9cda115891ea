// A USI engine in a child process, spoken to over its stdin and stdout (the protocol as 将棋所 and
// ShogiHome speak it: /work/shared/reference/usi-and-search.md §1):
//
//   > usi                         < id name …, id author …, option name … type …, usiok   (30 s)
//   > setoption name N value V    (each option given, checked against the engine's own list)
//   > isready                     < readyok                                               (60 s)
//   > usinewgame                  (each game; from the second game on after isready/readyok again)
//   > position sfen S moves …     (or position startpos moves …)
//   > go …                        < info … (ignored), bestmove <move>|resign|win [ponder …]
//   > gameover win|lose|draw
//   > quit                        (then killed if it has not exited within 1 s)
//
// A failure is an `UsiEngineError` saying what happened: "crash" (the process exited, could not be
// started or broke the protocol) or "timeout" (no answer in time); the caller kills the process.
//
// No engine outlives keisei: every live engine process is killed (SIGKILL) when keisei exits,
// normally or by process.exit, and on SIGINT, SIGTERM and SIGHUP. Where keisei has no handler of its
// own for that signal, the signal is then raised again so keisei dies of it as it would have. Only
// a SIGKILL of keisei itself cannot be caught; its engines then read end-of-file on stdin, which
// makes gpsusi and fairy-stockfish exit.

import type { Subprocess } from "bun";
import { didYouMean } from "../util/did-you-mean.ts";
import { InputError } from "../util/input-error.ts";

export class UsiEngineError extends InputError {
  override name = "UsiEngineError";
  constructor(
    readonly kind: "crash" | "timeout",
    message: string,
  ) {
    super(message);
  }
}

/** What an engine answered to `go`. */
export type BestMove = { kind: "move"; usi: string } | { kind: "resign" } | { kind: "win" };

export interface UsiStartOptions {
  /** `setoption` pairs, sent in order after `usiok`; each name must be one the engine declared. */
  options?: readonly (readonly [string, string])[];
  usiokTimeoutMs?: number;
  readyTimeoutMs?: number;
}

export const USIOK_TIMEOUT_MS = 30_000;
export const READYOK_TIMEOUT_MS = 60_000;
export const QUIT_GRACE_MS = 1_000;

// ---- no engine outlives keisei ------------------------------------------------------------------

const live = new Set<Subprocess>();
let guarded = false;

function killAll(): void {
  for (const p of live) {
    try {
      p.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
}

function guardExit(): void {
  if (guarded) return;
  guarded = true;
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const handler = (): void => {
      killAll();
      // Alone on this signal: die of it, as keisei would have without this handler.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, handler);
  }
}

/** Process ids of the engines alive now (tests check that none is left). */
export const liveEnginePids = (): number[] => [...live].map((p) => p.pid);

// ---- one engine -----------------------------------------------------------------------------------

const STDERR_KEEP = 400;

interface Deadline {
  at: number; // ms since the epoch
  ms: number; // the time allowed, for messages
}
const deadline = (ms: number): Deadline => ({ at: Date.now() + ms, ms });

export class UsiEngine {
  /** `id name` and `id author`, "" when the engine gave none. */
  name = "";
  author = "";
  /** The option names the engine declared, in its order. */
  readonly optionNames: string[] = [];
  private readonly lines: string[] = [];
  private eof = false;
  private wake: (() => void) | null = null;
  private stderrTail = "";
  private exitStatus: number | null = null;
  private gamesStarted = 0;

  private constructor(
    private readonly proc: Subprocess<"pipe", "pipe", "pipe">,
    /** The command, for messages. */
    readonly command: string,
  ) {
    live.add(proc);
    void proc.exited.then((code) => {
      this.exitStatus = code;
      live.delete(proc);
    });
    void this.pump();
    void this.pumpStderr();
  }

  get pid(): number {
    return this.proc.pid;
  }

  get exited(): boolean {
    return this.exitStatus !== null;
  }

  /** Starts the engine and runs the handshake up to `readyok`; on any failure the process is killed. */
  static async start(command: readonly string[], o: UsiStartOptions = {}): Promise<UsiEngine> {
    guardExit();
    let proc: Subprocess<"pipe", "pipe", "pipe">;
    try {
      proc = Bun.spawn([...command], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    } catch (e) {
      throw new UsiEngineError("crash", (e as Error).message);
    }
    const engine = new UsiEngine(proc, command.join(" "));
    try {
      await engine.handshake(o);
      return engine;
    } catch (e) {
      engine.kill();
      throw e;
    }
  }

  private async handshake(o: UsiStartOptions): Promise<void> {
    this.send("usi");
    const usiBy = deadline(o.usiokTimeoutMs ?? USIOK_TIMEOUT_MS);
    for (;;) {
      const line = await this.readLine(usiBy, "usiok");
      if (line === "usiok") break;
      if (line.startsWith("id name ")) this.name = line.slice(8).trim();
      else if (line.startsWith("id author ")) this.author = line.slice(10).trim();
      else if (line.startsWith("option name ")) {
        const m = /^option name (.+?) type /.exec(line);
        if (m) this.optionNames.push(m[1]);
      }
    }
    for (const [name, value] of o.options ?? []) {
      if (!this.optionNames.includes(name))
        throw new UsiEngineError(
          "crash",
          `the engine has no option "${name}"${didYouMean(name, this.optionNames)} (it has ${this.optionNames.join(", ") || "none"})`,
        );
      this.send(`setoption name ${name} value ${value}`);
    }
    await this.ready(o.readyTimeoutMs ?? READYOK_TIMEOUT_MS);
  }

  private async ready(timeoutMs = READYOK_TIMEOUT_MS): Promise<void> {
    this.send("isready");
    const by = deadline(timeoutMs);
    while ((await this.readLine(by, "readyok")) !== "readyok");
  }

  /** A new game: `usinewgame` (after `isready` again from the second game on). */
  async newGame(): Promise<void> {
    if (this.gamesStarted++ > 0) await this.ready();
    this.send("usinewgame");
  }

  /**
   * Sends the position (a full `position …` line) and the go line, and waits for `bestmove`;
   * `info` and other lines are skipped. An empty or missing move comes back as `{kind: "move", usi: ""}`.
   */
  async bestMove(position: string, go: string, timeoutMs: number): Promise<BestMove> {
    this.send(position);
    this.send(go);
    const by = deadline(timeoutMs);
    for (;;) {
      const line = await this.readLine(by, "bestmove");
      if (!line.startsWith("bestmove")) continue;
      const answer = line.split(/\s+/)[1] ?? "";
      if (answer === "resign") return { kind: "resign" };
      if (answer === "win") return { kind: "win" };
      return { kind: "move", usi: answer };
    }
  }

  /** Tells the engine the game is over; a dead engine is left alone. */
  gameOver(result: "win" | "lose" | "draw"): void {
    if (this.exited) return;
    try {
      this.send(`gameover ${result}`);
    } catch {
      // it died: the next game restarts it
    }
  }

  /** `quit`, then SIGKILL if it has not exited within `graceMs`; resolves when it is gone. */
  async quit(graceMs = QUIT_GRACE_MS): Promise<void> {
    if (!this.exited) {
      try {
        this.send("quit");
      } catch {
        // gone already
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const gone = await Promise.race([
        this.proc.exited.then(() => true),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (!gone) this.kill();
    }
    await this.proc.exited;
  }

  kill(): void {
    try {
      this.proc.kill("SIGKILL");
    } catch {
      // already gone
    }
    live.delete(this.proc);
  }

  // ---- lines ---------------------------------------------------------------------------------------

  private send(line: string): void {
    if (this.exited) throw this.died(`before "${line}" could be sent`);
    try {
      this.proc.stdin.write(`${line}\n`);
      this.proc.stdin.flush();
    } catch (e) {
      throw new UsiEngineError("crash", `cannot write to the engine: ${(e as Error).message}`);
    }
  }

  private async pump(): Promise<void> {
    const decoder = new TextDecoder();
    let partial = "";
    const reader = this.proc.stdout.getReader();
    try {
      for (;;) {
        const { value: chunk, done } = await reader.read();
        if (done) break;
        partial += decoder.decode(chunk, { stream: true });
        const parts = partial.split("\n");
        partial = parts.pop()!;
        for (const p of parts) this.lines.push(p.replace(/\r$/, "").trim());
        this.notify();
      }
    } catch {
      // a broken pipe is the end of the output
    }
    if (partial.trim() !== "") this.lines.push(partial.trim());
    this.eof = true;
    this.notify();
  }

  private async pumpStderr(): Promise<void> {
    const decoder = new TextDecoder();
    const reader = this.proc.stderr.getReader();
    try {
      for (;;) {
        const { value: chunk, done } = await reader.read();
        if (done) break;
        this.stderrTail = (this.stderrTail + decoder.decode(chunk, { stream: true })).slice(-STDERR_KEEP);
      }
    } catch {
      // ignore
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** The next non-empty line, waiting until the deadline; `waiting` names what for, in errors. */
  private async readLine(by: Deadline, waiting: string): Promise<string> {
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) {
        if (line === "") continue;
        return line;
      }
      if (this.eof) {
        // Give the exit status a moment to arrive, for the message.
        await Promise.race([this.proc.exited, Bun.sleep(200)]);
        throw this.died(`while waiting for ${waiting}`);
      }
      const left = by.at - Date.now();
      if (left <= 0) throw new UsiEngineError("timeout", `no ${waiting} within ${by.ms} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
      this.wake = null;
    }
  }

  private died(when: string): UsiEngineError {
    const code = this.proc.exitCode;
    const signal = this.proc.signalCode;
    const how = signal ? `was killed by ${signal}` : code !== null ? `exited with status ${code}` : "closed its output";
    const err = this.stderrTail.trim().split("\n").slice(-2).join(" / ");
    return new UsiEngineError("crash", `the engine ${how} ${when}${err ? `: ${err}` : ""}`);
  }
}
