// A run with actors behaves as a single-process run does where it can: Ctrl-C stops it with a
// checkpoint (exit 130) and its actor processes with it; `--resume latest` continues it to the end;
// periodic evaluation rates the learner between updates; metrics.jsonl has one record per
// iteration, each with the actors' figures.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { processRuns } from "../../../src/util/process.ts";
import { Proc } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "keisei-actors-life-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const R = 128;
const ITERATIONS = 12;

describe("a run with actors", () => {
  test("Ctrl-C stops learner and actors with a checkpoint; --resume finishes it; evaluation runs between updates", async () => {
    const config = join(dir, "life.yaml");
    writeFileSync(
      config,
      JSON.stringify({
        env: { device: "cpu", max_moves_per_game: 40 },
        training: {
          tower_depth: 1,
          tower_width: 8,
          num_envs: 16,
          steps_per_epoch: R,
          minibatch_size: 64,
          ppo_epochs: 1,
          total_timesteps: R * ITERATIONS,
          checkpoint_interval_timesteps: R * 2,
        },
        evaluation: {
          enable_periodic_evaluation: true,
          evaluation_interval_timesteps: R * 4,
          num_games: 2,
          opponent_type: "random",
          max_moves_per_game: 30,
        },
        display: { log_layer_keyword_filters: [] },
      }),
    );
    const args = ["train", "--config", config, "--savedir", dir, "--run-name", "life", "--actors", "2"];
    const runDir = join(dir, "life");
    const first = new Proc("learner", args);
    await first.waitFor(/actors: 2 local processes/);
    const pids = new Set<number>();
    for (let k = 0; k < 2; k++)
      pids.add(Number((await first.waitFor(new RegExp(`^actor ${k}: actor \\S+-(\\d+)-[0-9a-f]+: run life`)))[1]));
    for (;;) {
      const n = existsSync(join(runDir, "metrics.jsonl"))
        ? readFileSync(join(runDir, "metrics.jsonl"), "utf8").trim().split("\n").length
        : 0;
      if (n >= 3) break;
      await Bun.sleep(20);
    }
    first.proc.kill("SIGINT");
    expect(await first.exit()).toBe(130);
    expect(first.text()).toMatch(/checkpoint written: .*checkpoint_ts\d+\.safetensors/);
    for (const pid of pids) expect(processRuns(pid)).toBe(false); // no actor outlives its learner

    const second = new Proc("resumed", ["train", "--resume", "latest", "--savedir", dir, "--run-name", "life"]);
    expect(await second.exit()).toBe(0);
    const records = readFileSync(join(runDir, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records.map((r) => r.iteration)).toEqual(Array.from({ length: ITERATIONS }, (_, i) => i + 1));
    for (const r of records) {
      expect(r["parallel/rollouts"]).toBeGreaterThanOrEqual(1);
      expect(r.timestep).toBe(R * r.iteration);
    }
    // (Right after the resume the learner may train on rows left from before, ahead of its new actors' first report.)
    expect(records[records.length - 1]["parallel/actors"]).toBe(2);
    const evaluated = records.filter((r) => "eval/win_rate" in r);
    expect(evaluated.map((r) => r.iteration)).toEqual([4, 8, 12]);
    // The store: every iteration trained one rollout, none is left claimed by a lost iteration.
    const sql = new SQL(`sqlite://${join(runDir, "actors.sqlite")}`);
    const claimed = (await sql`SELECT iteration FROM keisei_rollouts WHERE state = 'claimed' ORDER BY iteration`) as {
      iteration: number;
    }[];
    const [run] = await sql`SELECT state FROM keisei_runs WHERE name = 'life'`;
    await sql.close();
    expect(claimed.map((r) => Number(r.iteration))).toEqual(Array.from({ length: ITERATIONS }, (_, i) => i + 1));
    expect(run.state).toBe("finished");
  }, 180_000);
});
