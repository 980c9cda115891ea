// The entry points, end to end with an injected checkpoint loader (a fake that reads which player a
// file holds): checkpoints load with the right flags, errors name the file and pass through
// unchanged, every strategy runs, games and the report are written, and the trainer's periodic
// evaluation yields its metrics and rates the agent.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EloRegistry } from "../../src/evaluation/elo.ts";
import { EvaluationError, evaluateForTraining, runEvaluation } from "../../src/evaluation/evaluate.ts";
import {
  type CheckpointLoader,
  HeuristicPolicy,
  heuristicPlayer,
  type LoadedPolicy,
} from "../../src/evaluation/opponents.ts";
import { BENCHMARK_OPENINGS } from "../../src/evaluation/strategies.ts";
import type { ActBatch } from "../../src/rl/acting.ts";
import { UniformPolicy } from "../../src/rl/uniform-policy.ts";
import { scratchDir } from "./helpers.ts";

/** Writes fake checkpoints: the file's text says which policy it "holds". */
function fakeCheckpoints(dir: string, files: Record<string, string>): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const [name, kind] of Object.entries(files)) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name], kind);
  }
  return paths;
}

const calls: { path: string; deterministic: boolean; seed: number }[] = [];
const fakeLoader: CheckpointLoader = async (path, o) => {
  calls.push({ path, ...o });
  const kind = readFileSync(path, "utf8");
  if (kind === "corrupt")
    throw new Error(`${path}: not a safetensors file (header length 7021782733617917283 exceeds the file)`);
  const inner = kind === "heuristic" ? new HeuristicPolicy(o.seed) : new UniformPolicy(o.seed);
  const policy: LoadedPolicy = { act: (b) => inner.act(b), describe: () => `fake ${kind} from ${path}` };
  return policy;
};

describe("runEvaluation", () => {
  test("a checkpoint agent against random: report, saved games, progress, loader flags", async () => {
    const dir = scratchDir("run");
    const ck = fakeCheckpoints(dir, { "checkpoint_ts100.safetensors": "heuristic" });
    const out = join(dir, "games");
    const progress: string[] = [];
    calls.length = 0;
    const { report, rendered } = await runEvaluation({
      agent: ck["checkpoint_ts100.safetensors"],
      opponents: ["random"],
      games: 10,
      seed: 5,
      maxMoves: 300,
      loader: fakeLoader,
      outDir: out,
      onProgress: (p) => progress.push(`${p.match} ${p.finished}/${p.total}`),
    });
    expect(calls.length).toBe(1);
    expect(calls[0].deterministic).toBe(true);
    expect(report.agent).toBe("checkpoint_ts100.safetensors");
    expect(report.opponents).toEqual(["random"]);
    expect(report.overall.games).toBe(10);
    expect(report.overall.score).toBeGreaterThan(0.7);
    expect(progress).toEqual([...Array(10).keys()].map((i) => `checkpoint_ts100.safetensors vs random ${i + 1}/10`));
    expect(rendered).toContain("checkpoint_ts100.safetensors vs random");
    expect(readdirSync(out).filter((f) => f.endsWith(".kif")).length).toBe(10);
    expect(readdirSync(out).filter((f) => f.endsWith(".csa")).length).toBe(10);
    expect(readFileSync(join(out, "report.txt"), "utf8")).toBe(rendered);
    expect(report.savedGames!.length).toBe(20);
  });

  test("the same seed gives the same report; another seed another", async () => {
    const run = (seed: number) =>
      runEvaluation({
        agent: heuristicPlayer(1, "agent"),
        opponents: ["random", "heuristic"],
        strategy: "tournament",
        games: 4,
        seed,
        maxMoves: 200,
        format: "json",
      });
    const a = (await run(1)).rendered;
    expect((await run(1)).rendered).toBe(a);
    expect((await run(2)).rendered).not.toBe(a);
  });

  test("single against several opponents plays one match each; progress counts across them", async () => {
    const finished: string[] = [];
    const { report, rendered } = await runEvaluation({
      agent: heuristicPlayer(1, "agent"),
      opponents: ["random", "heuristic"],
      games: 4,
      seed: 2,
      maxMoves: 200,
      onProgress: (p) => finished.push(`${p.finished}/${p.total}`),
    });
    expect(report.matches.map((m) => m.opponent)).toEqual(["random", "heuristic"]);
    expect(report.overall.games).toBe(8);
    expect(finished).toEqual(["1/8", "2/8", "3/8", "4/8", "5/8", "6/8", "7/8", "8/8"]);
    expect(rendered).toContain("agent, all games");
    await expect(runEvaluation({ agent: heuristicPlayer(1), strategy: "swiss" as never })).rejects.toThrow(
      /unknown strategy "swiss" \(expected single, tournament, ladder, benchmark\)/,
    );
  });

  test("greedy players replay one game per colour from one start; openings keep them apart", async () => {
    const firstLegal = {
      act: (b: ActBatch) => {
        for (let i = 0; i < b.n; i++) b.actions[i] = b.legalActions[b.legalOffsets[i]];
      },
    };
    const greedy = (name: string) => ({ name, policy: firstLegal });
    const distinct = async (startSfens?: readonly string[]) => {
      const { report } = await runEvaluation({ agent: greedy("a"), opponents: [], games: 8, maxMoves: 60, startSfens });
      expect(report.opponents).toEqual(["random"]); // no opponent given: random
      const vsSelf = await runEvaluation({
        agent: greedy("a"),
        opponents: ["self"],
        games: 8,
        maxMoves: 60,
        startSfens,
      });
      return new Set(vsSelf.report.matches[0].games.map((g) => g.moves.join(" "))).size;
    };
    expect(await distinct()).toBe(1); // both colours play the same moves: one game, eight times
    expect(await distinct(BENCHMARK_OPENINGS)).toBe(4);
  });

  test("a missing checkpoint is refused before any game, naming the file", async () => {
    const missing = join(scratchDir("missing"), "nope.safetensors");
    const err = await runEvaluation({ agent: missing, opponents: ["random"], loader: fakeLoader }).catch((e) => e);
    expect(err).toBeInstanceOf(EvaluationError);
    expect(err.message).toBe(`checkpoint not found: ${missing}`);
    const asOpponent = await runEvaluation({
      agent: heuristicPlayer(1),
      opponents: [missing],
      loader: fakeLoader,
    }).catch((e) => e);
    expect(asOpponent.message).toBe(`checkpoint not found: ${missing}`);
  });

  test("a corrupt checkpoint's loader error reaches the caller unchanged", async () => {
    const ck = fakeCheckpoints(scratchDir("corrupt"), { "bad.safetensors": "corrupt" });
    const path = ck["bad.safetensors"];
    const err = await runEvaluation({ agent: path, opponents: ["random"], loader: fakeLoader }).catch((e) => e);
    expect(err).not.toBeInstanceOf(EvaluationError);
    expect(err.message).toBe(`${path}: not a safetensors file (header length 7021782733617917283 exceeds the file)`);
  });

  test("a checkpoint without a loader is a clear error", async () => {
    const ck = fakeCheckpoints(scratchDir("noloader"), { "a.safetensors": "random" });
    await expect(runEvaluation({ agent: ck["a.safetensors"] })).rejects.toThrow(
      /cannot load checkpoint .*a\.safetensors: no checkpoint loader/,
    );
  });

  test("checkpoint opponents, self-play, Elo rating and Markdown", async () => {
    const dir = scratchDir("ckopp");
    const ck = fakeCheckpoints(join(dir), { "new.safetensors": "heuristic", "old.safetensors": "random" });
    const registry = EloRegistry.open(dir);
    calls.length = 0;
    const { report, rendered } = await runEvaluation({
      agent: ck["new.safetensors"],
      opponents: [ck["old.safetensors"], "self"],
      strategy: "tournament",
      games: 6,
      seed: 3,
      maxMoves: 300,
      loader: fakeLoader,
      registry,
      format: "md",
      deterministic: false,
    });
    expect(calls.map((c) => c.deterministic)).toEqual([false, false, false]);
    expect(new Set(calls.map((c) => c.seed)).size).toBe(3); // each player its own stream
    expect(report.opponents).toEqual(["old.safetensors", "new.safetensors (self)"]);
    expect(report.tournament!.standings.length).toBe(3);
    // Rated under their paths in the models directory. The self copy is rated as the agent (it is
    // the same network), so new's two matches against old are rated and the one against itself not.
    const ids = report.ratings!.map((r) => r.id).sort();
    expect(ids).toEqual(["new.safetensors", "old.safetensors"]);
    expect(registry.history("new.safetensors").length).toBe(2);
    expect(registry.history("old.safetensors").length).toBe(2);
    expect(rendered).toContain("## Standings");
    expect(rendered).toContain("| 1 |");
    registry.close();
  });

  test("ladder and benchmark through the entry point", async () => {
    const registry = EloRegistry.open(scratchDir("ladder-entry"));
    const ladder = await runEvaluation({
      agent: heuristicPlayer(1, "agent"),
      opponents: ["random", "heuristic"],
      strategy: "ladder",
      games: 2,
      seed: 1,
      maxMoves: 200,
      registry,
      ladder: { window: 400 },
    });
    expect(ladder.report.ladder!.rounds.length).toBe(2);
    expect(ladder.report.ladder!.finalRating).toBe(registry.rating("agent"));
    expect(ladder.rendered).toContain("ladder: agent 1500.0 → ");
    registry.close();
    await expect(runEvaluation({ agent: heuristicPlayer(1), strategy: "ladder" })).rejects.toThrow(
      /needs an Elo registry/,
    );

    const bench = await runEvaluation({
      agent: heuristicPlayer(1, "agent"),
      strategy: "benchmark",
      games: 4,
      seed: 1,
      maxMoves: 200,
      format: "json",
    });
    const json = JSON.parse(bench.rendered);
    expect(json.benchmark.cases.map((c: { name: string }) => c.name)).toEqual([
      "random/startpos",
      "heuristic/startpos",
      "heuristic/openings",
    ]);
    expect(json.overall.games).toBe(4 + 4 + 8);
    json.benchmark.cases.forEach((c: { passRate: number }, i: number) => {
      expect(c.passRate).toBe(json.matches[i].summary.wins / json.matches[i].summary.games);
    });
  });
});

describe("evaluateForTraining", () => {
  test("metrics keys, rates that add up, and the agent's new Elo", async () => {
    const registry = EloRegistry.open(scratchDir("train-eval"));
    const r = await evaluateForTraining({
      agent: heuristicPlayer(1, "run_x"),
      opponentType: "random",
      numGames: 12,
      seed: 9,
      maxMoves: 300,
      registry,
    });
    expect(r.games).toBe(12);
    expect(r.opponent).toBe("random");
    expect(r.win_rate + r.draw_rate + r.loss_rate).toBeCloseTo(1, 12);
    expect(r.elo).toBe(registry.rating("run_x"));
    expect(r.elo!).toBeGreaterThan(1500);
    expect(Object.keys(r.metrics).sort()).toEqual([
      "eval/draw_rate",
      "eval/elo",
      "eval/games",
      "eval/loss_rate",
      "eval/win_rate",
    ]);
    expect(r.metrics["eval/win_rate"]).toBe(r.win_rate);
    // Without a registry there is no Elo.
    const noElo = await evaluateForTraining({
      agent: heuristicPlayer(1, "run_x"),
      opponentType: "heuristic",
      numGames: 4,
      seed: 9,
      maxMoves: 100,
    });
    expect(noElo.elo).toBeNull();
    expect("eval/elo" in noElo.metrics).toBe(false);
    registry.close();
  });

  test("the pool opponent is the newest previous checkpoint other than the agent; random when empty", async () => {
    const dir = scratchDir("train-pool");
    const registry = EloRegistry.open(dir, { poolSize: 2 });
    const empty = await evaluateForTraining({
      agent: heuristicPlayer(1, "run/ckpt_3.safetensors"),
      opponentType: "pool",
      numGames: 2,
      seed: 1,
      maxMoves: 100,
      registry,
      loader: fakeLoader,
    });
    expect(empty.opponent).toBe("random");
    const ck = fakeCheckpoints(dir, {
      "ckpt_1.safetensors": "random",
      "ckpt_2.safetensors": "heuristic",
      "ckpt_3.safetensors": "heuristic",
    });
    for (const name of ["ckpt_1.safetensors", "ckpt_2.safetensors", "ckpt_3.safetensors"]) registry.addToPool(ck[name]);
    expect(registry.pool()).toEqual([ck["ckpt_2.safetensors"], ck["ckpt_3.safetensors"]]);
    const agent = { ...heuristicPlayer(1, "ckpt_3"), id: registry.idOf(ck["ckpt_3.safetensors"]) };
    const r = await evaluateForTraining({
      agent,
      opponentType: "pool",
      numGames: 4,
      seed: 1,
      maxMoves: 200,
      registry,
      loader: fakeLoader,
    });
    expect(r.opponent).toBe("ckpt_2.safetensors");
    expect(registry.history("ckpt_2.safetensors").length).toBe(1);
    expect(registry.history("ckpt_3.safetensors").length).toBe(1);
    expect(existsSync(join(dir, "elo.sqlite"))).toBe(true);
    registry.close();
  });
});
