// The real `keisei train` in a real pseudo-terminal (tmux): the screen a person sees has the live
// dashboard's panels; in a pipe the same command prints plain progress lines with no escape codes.
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const hasTmux = Bun.spawnSync(["sh", "-c", "command -v tmux"]).exitCode === 0;
const root = join(import.meta.dir, "../..");
const args = (dir: string) => [
  "src/cli.ts",
  "train",
  "--config",
  "tiny",
  "--total-timesteps",
  "2048",
  "--device",
  "cpu",
  "--savedir",
  dir,
];

// Periodic evaluation after each of the two rollouts: 4 short games against the random player.
const evaluateEveryRollout = [
  "--override",
  "evaluation.evaluation_interval_timesteps=1024",
  "--override",
  "evaluation.num_games=4",
  "--override",
  "evaluation.max_moves_per_game=60",
];

test.skipIf(!hasTmux && process.env.CI !== "true")(
  "keisei train on a terminal shows the live dashboard, eval trends included",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-tty-"));
    const session = `keisei-train-${process.pid}`;
    const command = [process.execPath, ...args(dir), ...evaluateEveryRollout].map((a) => `'${a}'`).join(" ");
    const tmux = (...a: string[]) =>
      Bun.spawnSync(["tmux", ...a], {
        cwd: root,
        env: { ...process.env, XDG_RUNTIME_DIR: "/tmp", TERM: "xterm-256color" },
      });
    expect(
      tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50", `cd '${root}' && ${command}; sleep 60`)
        .exitCode,
    ).toBe(0);
    try {
      let screen = "";
      for (let i = 0; i < 120 && !/Metric trends/.test(screen); i++) {
        await Bun.sleep(500);
        screen = tmux("capture-pane", "-p", "-t", session).stdout.toString();
      }
      for (const panel of ["Self-play game", "Metric trends", "Game statistics", "Configuration", "steps/s"])
        expect(screen).toContain(panel);
      expect(screen).toMatch(/９ ８ ７ ６ ５ ４ ３ ２ １/); // file labels over the board
      expect(screen).toMatch(/[一二三四五六七八九]/); // rank labels beside it
      expect(screen).toMatch(/resnet 1x16.*conv policy/); // the configuration panel shows the tiny model
      // After both iterations (each with an evaluation), the final dashboard: the eval trend line has
      // a value and a two-point history, and the Elo panel two ratings.
      for (let i = 0; i < 240 && !/done: /.test(screen); i++) {
        await Bun.sleep(500);
        screen = tmux("capture-pane", "-p", "-S", "-200", "-t", session).stdout.toString();
      }
      expect(screen).toContain("done: ");
      expect(screen).toMatch(/eval win rate +\d+\.\d% +[▁▂▃▄▅▆▇█]{2} /);
      expect(screen).toMatch(/grad norm +[\d.]+ +[▁▂▃▄▅▆▇█]{2} /);
      expect(screen).toMatch(/history +[▁▂▃▄▅▆▇█]{2} +2 evals/);
    } finally {
      tmux("kill-session", "-t", session);
    }
  },
  120_000,
);

test("keisei train in a pipe prints plain progress lines", () => {
  const dir = mkdtempSync(join(tmpdir(), "keisei-pipe-"));
  const r = Bun.spawnSync([process.execPath, ...args(dir).map((a) => (a === "2048" ? "1024" : a))], {
    cwd: root,
    env: { ...process.env, XDG_RUNTIME_DIR: "/tmp" },
  });
  const out = r.stdout.toString() + r.stderr.toString();
  expect(r.exitCode).toBe(0);
  expect(out).not.toContain("\x1b");
  expect(out).toMatch(/\[100\.0%\] step 1024\/1024 /);
  expect(out).toMatch(/checkpoint written: .*checkpoint_ts1024\.safetensors/);
}, 120_000);
