// The dashboard tests' log directory, made by the real commands: two short `keisei train` runs, a
// two-trial sweep (`keisei train --sweep`), and evaluation games saved as KIF and CSA. Each run is
// a 1-block, 8-channel network on the cpu backend: seconds each on 2 cores.

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const CLI = join(import.meta.dir, "../../src/cli.ts");
export const ARTIFACTS = join(import.meta.dir, "../../test-artifacts/web");

export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p)) ?? null;

/** Whether the browser tests run: chromium present, or KEISEI_REQUIRE_CHROMIUM=1 (then a missing one fails). */
export function chromiumOrSkip(): string | null {
  if (CHROMIUM) return CHROMIUM;
  if (process.env.KEISEI_REQUIRE_CHROMIUM === "1")
    throw new Error("KEISEI_REQUIRE_CHROMIUM=1 but no chromium (/usr/bin/chromium): apt-get install chromium");
  console.warn("test/web: no chromium (apt-get install chromium): the browser tests are skipped");
  return null;
}

export const ENV = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? "/tmp", NO_COLOR: "1" };

/** `keisei ARGS` to completion. */
export async function keisei(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const p = Bun.spawn([process.execPath, CLI, ...args], {
    cwd,
    env: ENV,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, out, err };
}

/** The base config of every run here: 8 iterations of 128 steps. */
export const BASE_YAML = [
  "env: {device: cpu, max_moves_per_game: 40}",
  "training: {total_timesteps: 1024, steps_per_epoch: 128, num_envs: 16, minibatch_size: 128, ppo_epochs: 1, tower_depth: 1, tower_width: 8, checkpoint_interval_timesteps: 512}",
  "evaluation: {enable_periodic_evaluation: false}",
  "display: {log_layer_keyword_filters: []}",
].join("\n");

export const SWEEP_YAML = [
  "name: lr-web",
  "method: grid",
  "metric: {name: charts/learning_rate, goal: minimize}",
  "parameters:",
  "  training.learning_rate: {values: [0.0003, 0.001]}",
].join("\n");

/** Makes `dir`/models with runs alpha and beta, the sweep lr-web (2 trials) and 2 saved games of alpha. */
export async function makeLogdir(dir: string): Promise<string> {
  const models = join(dir, "models");
  mkdirSync(models, { recursive: true });
  writeFileSync(join(dir, "base.yaml"), BASE_YAML);
  writeFileSync(join(dir, "sweep.yaml"), SWEEP_YAML);
  const runs = await Promise.all(
    ["alpha", "beta"].map((name, i) =>
      keisei(["train", "--config", "base.yaml", "--savedir", models, "--run-name", name, "--seed", String(i + 1)], dir),
    ),
  );
  for (const r of runs) if (r.code !== 0) throw new Error(`keisei train failed (${r.code}): ${r.err}`);
  const [sweep, games] = await Promise.all([
    keisei(["train", "--sweep", "sweep.yaml", "--config", "base.yaml", "--savedir", models, "--count", "2"], dir),
    keisei(
      [
        "evaluate",
        "--agent",
        join(models, "alpha", "final_model.safetensors"),
        "--opponent",
        "random",
        "--games",
        "2",
        "--max-moves",
        "30",
        "--device",
        "cpu",
        "--save-games",
        join(models, "alpha", "games"),
      ],
      dir,
    ),
  ]);
  if (sweep.code !== 0) throw new Error(`keisei train --sweep failed (${sweep.code}): ${sweep.err}`);
  if (games.code !== 0) throw new Error(`keisei evaluate failed (${games.code}): ${games.err}`);
  return models;
}

/** Starts `keisei ARGS` and resolves with the process and the dashboard address it prints. */
export async function startServing(
  args: string[],
  cwd: string,
  pattern = /keisei dashboard: (\S+)/,
): Promise<{ proc: Bun.Subprocess<"ignore", "pipe", "pipe">; url: string; output: () => string }> {
  const proc = Bun.spawn([process.execPath, CLI, ...args], {
    cwd,
    env: ENV,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no dashboard address within 30 s: ${out}`)), 30_000);
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          clearTimeout(timer);
          reject(
            new Error(`exited before serving (${await proc.exited}): ${out}${await new Response(proc.stderr).text()}`),
          );
          return;
        }
        out += decoder.decode(value);
        const m = pattern.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
          // keep draining stdout so the process never blocks on a full pipe
          void (async () => {
            for (;;) {
              const r = await reader.read().catch(() => ({ done: true, value: undefined }));
              if (r.done) return;
              out += decoder.decode(r.value);
            }
          })();
          return;
        }
      }
    })();
  });
  return { proc, url, output: () => out };
}
