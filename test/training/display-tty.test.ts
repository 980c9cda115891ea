// The display the way a person sees it: fixtures/display-demo.ts run under a real
// pseudo-terminal — tmux (its own screen, read back with capture-pane, widths measured by tmux
// itself), or util-linux `script` through fixtures/display-vt.ts when tmux is absent — and in a
// pipe. Under CI these run; the pseudo-terminal test never skips.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderBoard } from "../../src/training/display.ts";
import { PROMOTED_AND_HANDS } from "./fixtures/display-frames.ts";
import { VirtualTerminal } from "./fixtures/display-vt.ts";

const BUN = process.execPath;
const DEMO = join(import.meta.dir, "fixtures", "display-demo.ts");
const TMUX = Bun.which("tmux");
const SCRIPT = Bun.which("script");
const env = (extra: Record<string, string> = {}) => {
  const e: Record<string, string> = {
    ...(process.env as Record<string, string>),
    LC_ALL: "C.UTF-8",
    TERM: "xterm-256color",
    ...extra,
  };
  delete e.TMUX;
  delete e.NO_COLOR;
  return e;
};
/** Each test starts a real program (Bun's start-up, ~0.5 s) and waits for it. */
const TIMEOUT = 60_000;
const lastIndex = (lines: string[], ok: (l: string) => boolean) => {
  for (let i = lines.length - 1; i >= 0; i--) if (ok(lines[i])) return i;
  return -1;
};
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** A private tmux server running one command in a 120×40 pane with no status line. */
class TmuxPane {
  private readonly socket = `keisei-display-test-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {}

  tmux(...args: string[]): string {
    const r = Bun.spawnSync([TMUX!, "-L", this.socket, "-u", "-f", "/dev/null", ...args], { env: env() });
    if (r.exitCode !== 0) throw new Error(`tmux ${args[0]}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  }

  /** A session whose pane stays (remain-on-exit) after its command ends. */
  open(): void {
    this.tmux("new-session", "-d", "-x", String(this.width), "-y", String(this.height), "-s", "demo", "sleep 600");
    this.tmux("set-option", "-t", "demo", "status", "off", ";", "set-option", "-t", "demo", "remain-on-exit", "on");
  }

  /** Runs `command` in the pane through sh, which prints its exit status when it ends. */
  start(command: string): void {
    this.open();
    // The shell lingers after the marker: when a pane's program ends, tmux here may drop the
    // last output it had not read yet.
    this.tmux("respawn-pane", "-k", "-t", "demo", `${command}; echo __EXIT_$?; sleep 600`);
  }

  /** Waits for the command started by start() and returns its exit status. */
  async exitStatus(): Promise<number> {
    let status = -1;
    await this.waitFor("the command to exit", () => {
      const m = /^__EXIT_(\d+)$/m.exec(this.lines().join("\n"));
      if (m) status = Number(m[1]);
      return m !== null;
    });
    return status;
  }

  /** Screen and history, one string per line; `join` rejoins lines the terminal wrapped. */
  lines(join = true): string[] {
    // -J also keeps trailing spaces, trimmed here.
    const out = this.tmux("capture-pane", "-p", ...(join ? ["-J"] : []), "-S", "-", "-t", "demo");
    return out
      .replace(/\n+$/, "")
      .split("\n")
      .map((l) => l.trimEnd());
  }

  async waitFor(what: string, ok: () => boolean, seconds = 30): Promise<void> {
    const until = Date.now() + seconds * 1000;
    while (!ok()) {
      if (Date.now() > until)
        throw new Error(`tmux: timed out waiting for ${what} ; the pane shows:\n${this.lines().join("\n")}`);
      await Bun.sleep(50);
    }
  }

  /**
   * The pane's program has closed the terminal. (Its exit status is not read from tmux: here tmux
   * sometimes never reaps a bun child, leaving #{pane_dead_status} empty.)
   */
  dead(): boolean {
    return this.tmux("display-message", "-p", "-t", "demo", "#{pane_dead}").trim() === "1";
  }

  /** Display widths of `strings` as tmux itself measures them (its #{w:} format). */
  widths(strings: string[]): number[] {
    const out: number[] = [];
    for (let at = 0; at < strings.length; at += 4) {
      const batch = strings.slice(at, at + 4);
      const args: string[] = [];
      batch.forEach((s, i) => {
        args.push("set-option", "-t", "demo", `@w${i}`, s, ";");
      });
      args.push("display-message", "-p", "-t", "demo", batch.map((_, i) => `#{w:@w${i}}`).join(" "));
      out.push(
        ...this.tmux(...args)
          .trim()
          .split(" ")
          .map(Number),
      );
    }
    return out;
  }

  kill(): void {
    Bun.spawnSync([TMUX!, "-L", this.socket, "kill-server"]);
  }
}

/** The demo's final screen text under `script` (pty 120×40), through the virtual terminal. */
function runUnderScript(width: number, height: number): { lines: string[]; exitCode: number; cursorVisible: boolean } {
  const r = Bun.spawnSync(
    [SCRIPT!, "-q", "-e", "-c", `stty cols ${width} rows ${height}; exec ${quote(BUN)} ${quote(DEMO)}`, "/dev/null"],
    {
      env: env(),
      stdin: "ignore",
      timeout: 60_000,
    },
  );
  const vt = new VirtualTerminal(width, height);
  vt.write(r.stdout.toString());
  const lines = vt.all();
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  return { lines, exitCode: r.exitCode ?? -1, cursorVisible: vt.cursorVisible };
}

/** What a person must see at the end of the demo, at 120 columns. */
function expectDashboard(lines: string[], width: number): void {
  const text = lines.join("\n");
  const headers = lines.flatMap((l, i) => (l.startsWith("keisei  keisei_resnet") ? [i] : []));
  expect(headers).toHaveLength(1); // redrawn in place: one dashboard, nothing scrolled
  const logAt = lines.indexOf("checkpoint written: checkpoint_ts24576.safetensors");
  expect(logAt).toBeGreaterThanOrEqual(0);
  expect(logAt).toBeLessThan(headers[0]); // the log line sits above the dashboard
  // Progress bar with steps/s and ETA.
  expect(lines[headers[0] + 1]).toMatch(
    /^\[█+[▏▎▍▌▋▊▉]?░+\]\s+22\.5%\s+36,864\/163,840 steps\s+1532 steps\/s\s+ETA 1m23s$/,
  );
  // The final game's board, row by row, with file labels and rank kanji.
  for (const row of renderBoard(PROMOTED_AND_HANDS, { unicode: true, color: false }).lines)
    expect(text).toContain(`│ ${row}`);
  expect(text).toContain("18. P*2h");
  for (const panel of [
    "Self-play game #0 · ply 18 · Black to move",
    "Metric trends",
    "Game statistics",
    "Configuration",
    "Weight statistics",
    "┌─ Elo",
  ])
    expect(text).toContain(panel);
  expect(text).toMatch(/policy loss\s+0\.812 [▁▂▃▄▅▆▇█]{15} ↓/);
  expect(text).toContain("Black 41.0%  White 38.0%  draw 21.0%");
  expect(text).toContain("resnet 9x256  SE 0.25");
  expect(text).toContain("rating     1520.0");
  expect(text).toContain("> final model written: final_model.safetensors");
  expect(lines[lines.length - 1]).toStartWith(
    "stopped keisei_resnet_feats_core46_20260101_120000: 36,864/163,840 steps",
  );
  expect(lines.every((l) => Bun.stringWidth(l) <= width)).toBe(true);
}

describe("the display in a pseudo-terminal", () => {
  test(
    `at 120×40 ${TMUX ? "in tmux" : "under script (tmux is not installed)"}: the dashboard, redrawn in place, with every panel`,
    async () => {
      if (!TMUX) {
        expect(SCRIPT).not.toBeNull(); // neither tmux nor script: install tmux
        const run = runUnderScript(120, 40);
        expect(run.exitCode).toBe(0);
        expect(run.cursorVisible).toBe(true);
        expectDashboard(run.lines, 120);
        return;
      }
      const pane = new TmuxPane(120, 40);
      try {
        pane.start(`${quote(BUN)} ${quote(DEMO)}`);
        expect(await pane.exitStatus()).toBe(0);
        const lines = pane.lines();
        lines.splice(lastIndex(lines, (l) => l.startsWith("__EXIT_")));
        expectDashboard(lines, 120);

        // Widths as tmux measures them: no line past 119 columns, and in the two-column rows the
        // left box closes at column 59 on every line, so kanji rows line up with the others.
        const dashboard = lines.slice(
          lines.findIndex((l) => l.startsWith("keisei  ")),
          lines.length - 1,
        );
        expect(Math.max(...pane.widths(dashboard))).toBeLessThanOrEqual(119);
        const twoColumn = dashboard.filter((l) => /^[┌│└].*[┐│┘] [┌│└]/.test(l));
        expect(twoColumn.length).toBeGreaterThan(25);
        const leftBoxes = twoColumn.map((l) => l.slice(0, l.search(/[┐│┘] [┌│└]/) + 1));
        expect(new Set(pane.widths(leftBoxes))).toEqual(new Set([59]));
      } finally {
        pane.kill();
      }
    },
    TIMEOUT,
  );

  test.skipIf(!SCRIPT)(
    "at 120×40 under script: the same screen through the virtual terminal",
    () => {
      const run = runUnderScript(120, 40);
      expect(run.exitCode).toBe(0);
      expect(run.cursorVisible).toBe(true);
      expectDashboard(run.lines, 120);
    },
    TIMEOUT,
  );

  test.skipIf(!TMUX)(
    "a terminal resized while running (SIGWINCH) gets the layout for its new width; Ctrl-C restores the cursor",
    async () => {
      const pane = new TmuxPane(120, 40);
      const raw = join(mkdtempSync(join(tmpdir(), "keisei-display-")), "pane.out");
      try {
        pane.open();
        pane.tmux("pipe-pane", "-t", "demo", `cat > ${quote(raw)}`); // every byte the program writes
        pane.tmux("respawn-pane", "-k", "-t", "demo", `DEMO_FRAMES=1000 DEMO_MS=50 exec ${quote(BUN)} ${quote(DEMO)}`); // 50 s unless interrupted
        await pane.waitFor("the two-column dashboard", () =>
          pane.lines().some((l) => /Self-play game.*Metric trends/.test(l)),
        );
        pane.tmux("resize-window", "-t", "demo", "-x", "90", "-y", "40");
        await pane.waitFor("the 90-column layout", () =>
          pane.lines().some((l) => /Self-play game.*Game statistics/.test(l)),
        );
        await Bun.sleep(200); // a few more redraws at the new size
        pane.tmux("send-keys", "-t", "demo", "C-c");
        await pane.waitFor("the demo to die of SIGINT", () => pane.dead());
        const signal = pane.tmux("display-message", "-p", "-t", "demo", "#{pane_dead_signal}").trim();
        if (signal !== "") expect(signal).toBe("2"); // empty when tmux has not reaped it (see dead())
        // tmux scrolls a cleared screen into its history: the last dashboard is the one drawn after
        // the resize. Rows as they are on the screen (not rejoined): a line that wrapped at the new
        // width would show as a full 90-column row. The terminal echoes ^C and tmux adds "Pane is
        // dead" after the dashboard's last line (the ^ may end one row, the C start the next).
        const lines = pane.lines(false).map((l) => l.replace(/Pane is dead.*$/, "").replace(/\^C?$/, ""));
        const dashboard = lines.slice(lastIndex(lines, (l) => l.startsWith("keisei  "))).filter((l) => l !== "");
        expect(dashboard.some((l) => /Self-play game.*Game statistics/.test(l))).toBe(true);
        expect(Math.max(...pane.widths(dashboard))).toBeLessThanOrEqual(89);
        // The SIGINT handler showed the cursor again before the default action ended the process.
        await pane.waitFor("the pane's output", () => readFileSync(raw, "latin1").includes("\x1b[?25l"));
        expect(readFileSync(raw, "latin1").trimEnd().endsWith("\x1b[?25h")).toBe(true);
      } finally {
        pane.kill();
      }
    },
    TIMEOUT,
  );
});

test(
  "in a pipe: plain progress lines, no escape byte",
  () => {
    const r = Bun.spawnSync([BUN, DEMO], { env: env(), stdout: "pipe", stderr: "pipe" });
    expect(r.exitCode).toBe(0);
    const out = r.stdout.toString();
    expect(out).not.toContain("\x1b");
    const lines = out.trimEnd().split("\n");
    expect(
      lines.filter((l) => /^\[\s*\d+\.\d%\] step \d+\/163840 {2}\d+ steps\/s {2}ETA \S+ {2}policy /.test(l)).length,
    ).toBeGreaterThanOrEqual(3);
    expect(lines).toContain("checkpoint written: checkpoint_ts24576.safetensors");
    expect(lines[lines.length - 1]).toStartWith(
      "stopped keisei_resnet_feats_core46_20260101_120000: 36,864/163,840 steps",
    );
  },
  TIMEOUT,
);
