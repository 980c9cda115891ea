// The live terminal display of a training run.
//
// On a TTY: a dashboard redrawn in place (progress bar with steps/s and ETA, the board of a live
// self-play game with both hands and its recent moves, metric trends with sparklines, game
// statistics, the configuration, weight statistics and Elo), laid out for the terminal's width.
// Lines given to log() scroll above it. Without a TTY (CI, a pipe, a file): one plain progress
// line at most every `plainIntervalSeconds`, and no escape codes at all.
//
// The split: renderDashboard / renderPlainLine are pure (frame in, text out, tested line by line);
// Display is the thin stateful part: TTY detection, throttling, cursor, resize, signals.
//
// defines: Display, DisplayOutput, DisplayOptions, renderPlainLine, renderSummary
// re-exports: renderDashboard, RenderOptions, DashboardFrame, WeightStat, displayWidth, sparkline

import type { Config } from "../config/schema.ts";
import { fmtCount, fmtDuration, fmtSig } from "./display/format.ts";
import type { DashboardFrame, WeightStat } from "./display/frame.ts";
import { renderDashboard } from "./display/layout.ts";

export type { DashboardFrame, WeightStat } from "./display/frame.ts";
export { renderDashboard, type RenderOptions } from "./display/layout.ts";
export { renderBoard, handText } from "./display/board.ts";
export { sparkline, trendArrow, SPARK_CHARS } from "./display/sparkline.ts";
export { displayWidth, fitWidth, stripAnsi } from "./display/width.ts";

// ---------------------------------------------------------------------------------------------
// Plain lines (no TTY)

const stepsPerSecond = (f: DashboardFrame): number => {
  const sps = f.record["charts/SPS"];
  return sps !== undefined && Number.isFinite(sps)
    ? sps
    : f.elapsedSeconds > 0
      ? f.timestep / f.elapsedSeconds
      : Number.NaN;
};
const pct = (v: number) => `${Math.round(v * 100)}%`;

/**
 * One progress line for logs, e.g.
 * `[ 12.5%] step 20480/163840  1532 steps/s  ETA 1m33s  policy 0.812 value 0.094 entropy 4.21 kl 0.0041 clip 0.08  B/W/D 41%/38%/21%  len 112`.
 * Metrics absent from the record are left out.
 */
export function renderPlainLine(frame: DashboardFrame): string {
  const r = frame.record;
  const fraction = frame.totalTimesteps > 0 ? Math.min(1, frame.timestep / frame.totalTimesteps) : 0;
  const sps = stepsPerSecond(frame);
  const eta = frame.etaSeconds ?? (sps > 0 ? (frame.totalTimesteps - frame.timestep) / sps : Number.NaN);
  const parts = [
    `[${(fraction * 100).toFixed(1).padStart(5)}%] step ${frame.timestep}/${frame.totalTimesteps}`,
    ...(frame.activity ? [frame.activity] : []),
    `${Number.isFinite(sps) ? Math.round(sps) : "-"} steps/s`,
    `ETA ${frame.etaIsLowerBound ? ">" : ""}${fmtDuration(eta)}`,
  ];
  const losses = (
    [
      ["policy", "losses/policy_loss"],
      ["value", "losses/value_loss"],
      ["entropy", "losses/entropy"],
      ["kl", "losses/approx_kl"],
      ["clip", "losses/clipfrac"],
    ] as const
  )
    .filter(([, k]) => r[k] !== undefined && Number.isFinite(r[k]))
    .map(([name, k]) => `${name} ${fmtSig(r[k])}`);
  if (losses.length) parts.push(losses.join(" "));
  const b = r["game/black_win_rate"],
    w = r["game/white_win_rate"],
    d = r["game/draw_rate"];
  if ([b, w, d].every((v) => v !== undefined && Number.isFinite(v))) parts.push(`B/W/D ${pct(b)}/${pct(w)}/${pct(d)}`);
  if (r["game/mean_length"] !== undefined && Number.isFinite(r["game/mean_length"]))
    parts.push(`len ${fmtSig(r["game/mean_length"])}`);
  if (frame.elo) parts.push(`elo ${Math.round(frame.elo.rating)}`);
  return parts.join("  ");
}

/** The closing line: how far the run got and how fast. */
export function renderSummary(frame: DashboardFrame): string {
  const done = frame.timestep >= frame.totalTimesteps;
  const sps = frame.elapsedSeconds > 0 ? frame.timestep / frame.elapsedSeconds : Number.NaN;
  return (
    `${done ? "finished" : "stopped"} ${frame.runName}: ${fmtCount(frame.timestep)}/${fmtCount(frame.totalTimesteps)} steps, ` +
    `${frame.iteration} iterations in ${fmtDuration(frame.elapsedSeconds)} (${Number.isFinite(sps) ? Math.round(sps) : "-"} steps/s)` +
    (frame.elo ? `, Elo ${Math.round(frame.elo.rating)}` : "")
  );
}

// ---------------------------------------------------------------------------------------------
// Display

/** Where the display writes; process.stdout fits. columns/rows are read at every render. */
export interface DisplayOutput {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
  write(s: string): unknown;
}

export interface DisplayOptions {
  /** auto (default): the live dashboard on a TTY whose TERM is not "dumb", plain lines otherwise. */
  mode?: "auto" | "live" | "plain";
  /** ANSI colours on the dashboard (default: live and NO_COLOR unset). Plain lines never have any. */
  color?: boolean;
  /** Least seconds between two plain progress lines (default 10; never less than the refresh period). */
  plainIntervalSeconds?: number;
  /** Clock in milliseconds (default performance.now), for tests. */
  now?: () => number;
  /** Render a frame left pending by update() when the trainer goes quiet (default true). */
  timer?: boolean;
}

const ESC = "\x1b[";
const HIDE_CURSOR = `${ESC}?25l`,
  SHOW_CURSOR = `${ESC}?25h`;
const SYNC_START = `${ESC}?2026h`,
  SYNC_END = `${ESC}?2026l`; // synchronized output; ignored where unsupported

export class Display {
  /** True when drawing the live dashboard, false when printing plain lines. */
  readonly live: boolean;
  private readonly out: DisplayOutput;
  private readonly color: boolean;
  private periodMs: number;
  private readonly plainPeriodMs: number;
  private readonly now: () => number;
  private nextAt = 0;
  private pending: DashboardFrame | null = null;
  private lastFrame: DashboardFrame | null = null;
  /** Dashboard lines on screen now (the cursor sits at the end of the last one). */
  private drawn = 0;
  private lastLines: string[] = [];
  private clearScreen = false;
  private cursorHidden = false;
  private lastMessage: string | undefined;
  private weights: readonly WeightStat[] | undefined;
  private prevWeights: readonly WeightStat[] | undefined;
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  /** Set when a live render threw: plain lines from then on. */
  private broken = false;
  private readonly hooks: [string, (...a: never[]) => void][] = [];

  constructor(
    private readonly config: Config["display"],
    out: DisplayOutput = process.stdout,
    opts: DisplayOptions = {},
  ) {
    this.out = out;
    const mode = opts.mode ?? "auto";
    this.live = mode === "live" || (mode === "auto" && out.isTTY === true && process.env.TERM !== "dumb");
    this.color = this.live && (opts.color ?? !("NO_COLOR" in process.env));
    const refreshMs = 1000 / config.refresh_per_second;
    this.plainPeriodMs = Math.max(refreshMs, (opts.plainIntervalSeconds ?? 10) * 1000);
    this.periodMs = this.live ? refreshMs : this.plainPeriodMs;
    this.now = opts.now ?? (() => performance.now());
    if (opts.timer ?? true) {
      this.timer = setInterval(
        () => {
          if (this.pending && this.now() >= this.nextAt) this.flush();
        },
        Math.max(50, Math.min(refreshMs, 1000)),
      );
      this.timer.unref?.();
    }
    if (this.live && out === process.stdout) {
      this.hook("SIGWINCH", () => {
        this.clearScreen = true;
        if (this.lastFrame) this.render(this.pending ?? this.lastFrame);
        this.pending = null;
      });
      this.hook("exit", () => this.restoreCursor());
      for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        const onSignal = () => {
          this.restoreCursor();
          // Alone on this signal: do what the default action would have done.
          if (process.listenerCount(sig) === 1) {
            process.removeListener(sig, onSignal);
            process.kill(process.pid, sig);
          }
        };
        this.hook(sig, onSignal);
      }
    }
  }

  /**
   * Hands over the latest frame. Cheap when not rendering: it only keeps the frame; the render
   * happens at most refresh_per_second times a second (plain lines less often).
   */
  update(frame: DashboardFrame): void {
    this.pending = frame;
    if (this.now() >= this.nextAt) this.flush();
  }

  /** Whether update() would render now: lets a caller skip building a frame it would only keep. */
  wantsFrame(): boolean {
    return this.now() >= this.nextAt;
  }

  /** A line that must be seen: above the dashboard on a TTY, as is in a pipe. */
  log(line: string): void {
    if (this.closed || !this.live || this.broken || this.drawn === 0) {
      this.out.write(`${line}\n`);
      return;
    }
    // Written over the dashboard's first lines (each clearing its old tail), the dashboard again
    // below. Not erased first: an erase from the screen's top-left corner is a clear screen,
    // which some terminals (tmux) copy into the scrollback.
    const logged = line
      .split("\n")
      .map((l) => `${l}${ESC}K\n`)
      .join("");
    this.out.write(`${SYNC_START}${this.moveToDashboardTop()}${logged}${this.drawLines(this.lastLines)}${SYNC_END}`);
  }

  /** Restores the terminal and prints a summary of `final` (or of the last frame seen). */
  close(final?: DashboardFrame): void {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    for (const [event, fn] of this.hooks) process.removeListener(event, fn as never);
    const frame = final ?? this.pending ?? this.lastFrame;
    if (final) this.render(final);
    else if (this.pending) this.flush();
    this.closed = true;
    if (this.live) {
      this.out.write(`${this.drawn > 0 ? "\n" : ""}${this.cursorHidden ? SHOW_CURSOR : ""}`);
      this.cursorHidden = false;
      this.drawn = 0;
    }
    if (frame) this.out.write(`${renderSummary(frame)}\n`);
  }

  // -------------------------------------------------------------------------------------------

  private hook(event: string, fn: (...a: never[]) => void): void {
    process.on(event as never, fn as never);
    this.hooks.push([event, fn]);
  }

  private flush(): void {
    const frame = this.pending;
    this.pending = null;
    if (frame) this.render(frame);
  }

  private render(frame: DashboardFrame): void {
    this.nextAt = this.now() + this.periodMs;
    this.lastFrame = frame;
    if (this.live && !this.broken) {
      try {
        this.renderLive(frame);
        return;
      } catch (e) {
        // A display bug must not end a training run: say so once, then print plain lines.
        this.broken = true;
        this.periodMs = this.plainPeriodMs;
        this.out.write(
          `${this.drawn > 0 ? "\n" : ""}${SHOW_CURSOR}display: ${(e as Error).message}; plain progress lines from here on\n`,
        );
        this.drawn = 0;
        this.cursorHidden = false;
      }
    }
    const message = frame.message !== undefined && frame.message !== this.lastMessage ? `  | ${frame.message}` : "";
    this.lastMessage = frame.message;
    this.out.write(`${renderPlainLine(frame)}${message}\n`);
  }

  private renderLive(frame: DashboardFrame): void {
    if (frame.weightStats !== this.weights) {
      this.prevWeights = this.weights;
      this.weights = frame.weightStats;
    }
    const columns = this.out.columns || 80,
      rows = this.out.rows || 24;
    // One column spare so a full line never leaves the cursor in the pending-wrap state.
    const lines = renderDashboard(frame, columns - 1, rows - 1, {
      color: this.color,
      display: this.config,
      prevWeightStats: this.prevWeights,
    });
    let s = SYNC_START;
    if (this.clearScreen) {
      s += `${ESC}H${ESC}2J`;
      this.drawn = 0;
      this.clearScreen = false;
    } else s += this.moveToDashboardTop();
    s += this.drawLines(lines) + SYNC_END;
    this.lastLines = lines;
    this.out.write(s);
  }

  /** Moves the cursor to the start of the dashboard's first line. */
  private moveToDashboardTop(): string {
    if (this.drawn === 0) return "";
    const up = this.drawn > 1 ? `${ESC}${this.drawn - 1}A` : "";
    this.drawn = 0;
    return `\r${up}`;
  }

  /** The lines from the cursor's line down, each clearing its old tail, then the rest of the screen. */
  private drawLines(lines: string[]): string {
    let s = this.cursorHidden ? "" : HIDE_CURSOR;
    this.cursorHidden = true;
    for (let i = 0; i < lines.length; i++) s += `${i > 0 ? "\n" : ""}${lines[i]}${ESC}K`;
    this.drawn = lines.length;
    return `${s}${ESC}J`;
  }

  private restoreCursor(): void {
    if (this.cursorHidden) this.out.write(SHOW_CURSOR);
    this.cursorHidden = false;
  }
}
