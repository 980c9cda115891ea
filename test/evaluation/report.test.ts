// Results: the Wilson interval against published values, the summary's arithmetic, the three
// renderings, and every saved KIF and CSA game re-importing to the same moves and result.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type PlayedGame, playMatch } from "../../src/evaluation/match.ts";
import { heuristicPlayer, randomPlayer } from "../../src/evaluation/opponents.ts";
import {
  type EvaluationReport,
  renderReport,
  recordResult,
  saveGames,
  summarize,
  wilsonInterval,
} from "../../src/evaluation/report.ts";
import { sfenAfter } from "../../src/evaluation/strategies.ts";
import { importRecord } from "../../src/shogi/record.ts";
import { START_SFEN } from "../../src/shogi/sfen.ts";
import { BLACK, WHITE } from "../../src/shogi/types.ts";
import { scratchDir } from "./helpers.ts";

const game = (
  index: number,
  outcome: PlayedGame["outcome"],
  plies: number,
  reason: PlayedGame["reason"],
): PlayedGame => {
  const agentColor = index % 2 === 0 ? BLACK : WHITE;
  const winner = outcome === "draw" ? null : outcome === "win" ? agentColor : ((1 - agentColor) as 0 | 1);
  return { index, agentColor, startSfen: START_SFEN, moves: Array(plies).fill("x"), winner, reason, outcome };
};

describe("summary", () => {
  test("Wilson score interval matches published values", () => {
    // 8 of 10: [0.490, 0.943]; 0 of 10: [0, 0.278]; 50 of 100: [0.404, 0.596].
    const [lo, hi] = wilsonInterval(8, 10);
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
    expect(wilsonInterval(0, 10)[0]).toBe(0);
    expect(wilsonInterval(0, 10)[1]).toBeCloseTo(0.2775, 4);
    const [a, b] = wilsonInterval(50, 100);
    expect(a).toBeCloseTo(0.4038, 4);
    expect(b).toBeCloseTo(0.5962, 4);
  });

  test("tallies, score, colours, lengths and endings", () => {
    const games = [
      game(0, "win", 10, "checkmate"),
      game(1, "win", 20, "no_legal_moves"),
      game(2, "draw", 500, "max_moves"),
      game(3, "loss", 30, "checkmate"),
      game(4, "win", 40, "checkmate"),
    ];
    const s = summarize(games);
    expect([s.games, s.wins, s.losses, s.draws]).toEqual([5, 3, 1, 1]);
    expect(s.score).toBeCloseTo(3.5 / 5, 12);
    expect(s.winRate + s.lossRate + s.drawRate).toBeCloseTo(1, 12);
    expect(s.scoreInterval).toEqual(wilsonInterval(3.5, 5));
    expect(s.eloDifference).toBeCloseTo(-400 * Math.log10(1 / 0.7 - 1), 9);
    expect(s.byColor.black).toEqual({ games: 3, wins: 2, losses: 0, draws: 1, score: 2.5 / 3 });
    expect(s.byColor.white).toEqual({ games: 2, wins: 1, losses: 1, draws: 0, score: 0.5 });
    expect(s.length).toEqual({ mean: 120, min: 10, max: 500 });
    expect(s.terminations).toEqual({ checkmate: 3, no_legal_moves: 1, max_moves: 1 });
    expect(summarize([game(0, "win", 5, "checkmate")]).eloDifference).toBeNull();
  });

  test("text, JSON and Markdown reports carry the same numbers", async () => {
    const games = await playMatch(heuristicPlayer(1).policy, randomPlayer(2).policy, { games: 10, maxMoves: 120 });
    const s = summarize(games);
    const report: EvaluationReport = {
      strategy: "single",
      agent: "heuristic",
      opponents: ["random"],
      seed: 1,
      maxMoves: 120,
      matches: [{ agent: "heuristic", opponent: "random", summary: s, games }],
      overall: s,
    };
    const text = renderReport(report, "text");
    expect(text).toContain(`games 10: ${s.wins} wins, ${s.losses} losses, ${s.draws} draws`);
    expect(text).toContain("(Wilson)");
    const md = renderReport(report, "md");
    expect(md).toStartWith("# keisei evaluation: heuristic");
    expect(md).toContain(`- games 10: ${s.wins} wins`);
    const json = JSON.parse(renderReport(report, "json"));
    expect(json.overall.wins).toBe(s.wins);
    expect(json.matches[0].summary.scoreInterval).toEqual(s.scoreInterval);
    expect(json.matches[0].games[3]).toEqual({
      index: 3,
      agentColor: "white",
      plies: games[3].moves.length,
      outcome: games[3].outcome,
      reason: games[3].reason,
      startSfen: START_SFEN,
    });
  });
});

describe("saved games", () => {
  test("every KIF and CSA file re-imports to the same moves and result", async () => {
    const starts = [START_SFEN, sfenAfter("7g7f 3c3d"), sfenAfter("2g2f")];
    const games = await playMatch(heuristicPlayer(3).policy, randomPlayer(4).policy, {
      games: 24,
      maxMoves: 160,
      startSfens: starts,
    });
    const dir = scratchDir("records");
    const written = saveGames(dir, [{ agent: "heuristic", opponent: "random", summary: summarize(games), games }]);
    expect(written.length).toBe(48);
    expect(readdirSync(dir).sort()).toEqual(written.map((p) => p.slice(dir.length + 1)).sort());
    const reasons = new Set<string>();
    games.forEach((g, i) => {
      for (const ext of ["kif", "csa"]) {
        const path = join(dir, `game${String(i + 1).padStart(4, "0")}_heuristic_vs_random.${ext}`);
        const rec = importRecord(readFileSync(path, "utf8"), path);
        expect(rec.startSfen).toBe(g.startSfen);
        expect(rec.moves).toEqual(g.moves);
        expect(rec.result).toEqual(recordResult(g)); // the rules' reasons as they are
        expect(rec.black).toBe(g.agentColor === BLACK ? "heuristic" : "random");
        expect(rec.white).toBe(g.agentColor === BLACK ? "random" : "heuristic");
      }
      reasons.add(g.reason);
    });
    expect(reasons.size).toBeGreaterThanOrEqual(2); // decisive games and move-limit draws both round-trip
  });
});
