// Strategies: tournament standings that add up, a ladder that only picks opponents within its
// rating window and rates every match, a benchmark whose pass rates meet their thresholds.
import { describe, expect, test } from "bun:test";
import { EloRegistry, updateRatings } from "../../src/evaluation/elo.ts";
import { heuristicPlayer, type Player, randomPlayer } from "../../src/evaluation/opponents.ts";
import {
  BENCHMARK_OPENINGS,
  defaultBenchmarkSuite,
  evaluateBenchmark,
  evaluateLadder,
  evaluateTournament,
} from "../../src/evaluation/strategies.ts";
import { Position } from "../../src/shogi/position.ts";
import { scratchDir } from "./helpers.ts";

describe("tournament", () => {
  test("round robin: every pair plays, points = wins + ½ draws, and they add up to the games", async () => {
    const entrants: Player[] = [
      heuristicPlayer(1, "heuristic-a"),
      randomPlayer(2, "random-a"),
      heuristicPlayer(3, "heuristic-b"),
      randomPlayer(4, "random-b"),
    ];
    const registry = EloRegistry.open(scratchDir("tournament"));
    const progress: number[] = [];
    const t = await evaluateTournament(
      entrants,
      6,
      { maxMoves: 300, onProgress: (p) => progress.push(p.finished) },
      registry,
    );
    expect(t.matches.length).toBe(6); // C(4, 2)
    expect(t.matches.map((m) => `${m.agent}:${m.opponent}`)).toEqual([
      "heuristic-a:random-a",
      "heuristic-a:heuristic-b",
      "heuristic-a:random-b",
      "random-a:heuristic-b",
      "random-a:random-b",
      "heuristic-b:random-b",
    ]);
    expect(progress).toEqual([...Array(36).keys()].map((i) => i + 1));
    let points = 0,
      games = 0;
    for (const s of t.standings) {
      expect(s.games).toBe(18); // 3 opponents × 6 games
      expect(s.wins + s.losses + s.draws).toBe(s.games);
      expect(s.points).toBe(s.wins + s.draws / 2);
      expect(s.score).toBeCloseTo(s.points / s.games, 12);
      points += s.points;
      games += s.games;
    }
    expect(points).toBe(36); // one point per game
    expect(games).toBe(72); // each game counted for both players
    // Wins and losses mirror each other across the table.
    expect(t.standings.reduce((n, s) => n + s.wins, 0)).toBe(t.standings.reduce((n, s) => n + s.losses, 0));
    // Sorted by points; the heuristics beat the random players.
    for (let i = 1; i < t.standings.length; i++)
      expect(t.standings[i - 1].points).toBeGreaterThanOrEqual(t.standings[i].points);
    expect(new Set(t.standings.slice(0, 2).map((s) => s.name))).toEqual(new Set(["heuristic-a", "heuristic-b"]));
    // Every match was rated: six history rows in all, three per player.
    for (const p of entrants) expect(registry.history(p.name).length).toBe(3);
    registry.close();
  });

  test("entrants need distinct names", async () => {
    await expect(evaluateTournament([randomPlayer(1), randomPlayer(2)], 2)).rejects.toThrow(/names must differ/);
  });
});

describe("ladder", () => {
  test("picks the nearest unplayed opponent within the window of the agent's current rating, rating each match", async () => {
    const registry = EloRegistry.open(scratchDir("ladder"));
    // Seed ratings by recording fixed results against a dummy: near 1500, mid, and far away.
    const seed = (id: string, outcomes: ("win" | "loss")[]) => registry.recordMatch(id, `dummy-${id}`, outcomes);
    seed("near", ["win"]); // 1516
    seed("mid", ["loss", "loss", "loss", "loss", "loss"]); // ≈ 1430
    for (let i = 0; i < 6; i++) registry.recordMatch("far", `dummy-far-${i}`, Array(20).fill("win")); // far above
    const pool = ["far", "mid", "near"].map((name, i) => randomPlayer(10 + i, name));
    const agent = heuristicPlayer(1, "agent");
    const ratingsAtStart = Object.fromEntries(pool.map((p) => [p.name, registry.rating(p.name)]));
    expect(ratingsAtStart.far - 1500).toBeGreaterThan(400);

    const l = await evaluateLadder(agent, pool, registry, {
      window: 200,
      opponents: 3,
      gamesPerMatch: 4,
      maxMoves: 300,
    });
    expect(l.initialRating).toBe(1500);
    expect(l.rounds.map((r) => r.opponent)).toEqual(["near", "mid"]); // nearest first; "far" never in the window
    expect(l.outOfWindow).toEqual(["far"]);
    let agentRating = 1500;
    for (const r of l.rounds) {
      expect(Math.abs(r.opponentBefore - r.agentBefore)).toBeLessThanOrEqual(200);
      expect(r.agentBefore).toBe(agentRating);
      expect(r.opponentBefore).toBe(ratingsAtStart[r.opponent]);
      // The registry's update is the sequential Elo update over the match's games.
      const [a, b] = updateRatings(
        r.agentBefore,
        r.opponentBefore,
        r.match.games.map((g) => g.outcome),
      );
      expect(r.agentAfter).toBe(a);
      expect(r.opponentAfter).toBe(b);
      expect(registry.rating(r.opponent)).toBe(b);
      agentRating = a;
    }
    expect(l.finalRating).toBe(agentRating);
    expect(registry.rating("agent")).toBe(agentRating);
    expect(registry.history("agent").length).toBe(2);
    registry.close();
  });
});

describe("benchmark", () => {
  test("pass rate = wins / games per case, passed against its threshold", async () => {
    const agent = heuristicPlayer(1, "agent");
    const suite = [
      { name: "vs random (easy bar)", opponent: randomPlayer(2), games: 20, threshold: 0.6 },
      {
        name: "vs random from openings (impossible bar)",
        opponent: randomPlayer(3),
        startSfens: BENCHMARK_OPENINGS,
        games: 8,
        threshold: 1.01,
      },
      { name: "vs heuristic (hard bar)", opponent: heuristicPlayer(4), games: 10, threshold: 0.9 },
    ];
    const b = await evaluateBenchmark(agent, suite, { maxMoves: 300 });
    expect(b.cases.map((c) => c.name)).toEqual(suite.map((c) => c.name));
    let wins = 0,
      games = 0;
    for (const [i, c] of b.cases.entries()) {
      expect(c.match.summary.games).toBe(suite[i].games);
      expect(c.passRate).toBe(c.match.summary.wins / suite[i].games);
      expect(c.passed).toBe(c.passRate >= suite[i].threshold);
      wins += c.match.summary.wins;
      games += c.match.summary.games;
    }
    expect(b.cases[0].passed).toBe(true); // the heuristic beats random
    expect(b.cases[1].passed).toBe(false);
    expect(b.cases[2].passRate).toBeLessThan(0.9); // an even match
    expect(b.casesPassed).toBe(1);
    expect(b.overallPassRate).toBe(wins / games);
    // The openings case started from each opening, from both sides.
    expect(new Set(b.cases[1].match.games.map((g) => g.startSfen))).toEqual(new Set(BENCHMARK_OPENINGS));
  });

  test("the default suite's openings are legal positions with move number 1", () => {
    expect(BENCHMARK_OPENINGS.length).toBe(4);
    for (const sfen of BENCHMARK_OPENINGS) expect(Position.fromSfen(sfen).ply).toBe(0);
    const suite = defaultBenchmarkSuite(1, 10);
    expect(suite.map((c) => c.threshold)).toEqual([0.9, 0.6, 0.6]);
  });
});
