// The fixed strength ladder: a screened, seeded opening set; calibration between neighbouring
// rungs played once and cached; one Elo fit over all games anchored at the first rung.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluateForTraining } from "../../src/evaluation/evaluate.ts";
import { heuristicPlayer, randomPlayer } from "../../src/evaluation/opponents.ts";
import { balanced, renderLadder, runStrengthLadder, screenedOpenings } from "../../src/evaluation/strength-ladder.ts";
import { mateMove } from "../../src/search/mate.ts";
import { materialBalance } from "../../src/shogi/material.ts";
import { Position } from "../../src/shogi/position.ts";

describe("ladder openings", () => {
  test("seeded, distinct, and screened: not in check, no mate in 3, material within a pawn", () => {
    const a = screenedOpenings(8, 30, 2026);
    expect(a).toEqual(screenedOpenings(8, 30, 2026));
    expect(new Set(a).size).toBe(30);
    expect(screenedOpenings(8, 30, 7)).not.toEqual(a);
    for (const sfen of a) {
      const pos = Position.fromSfen(sfen);
      expect(pos.inCheck()).toBe(false);
      expect(mateMove(pos, 3)).toBe(0);
      expect(Math.abs(materialBalance(pos, pos.sideToMove))).toBeLessThanOrEqual(1);
      expect(sfen.endsWith(" 1")).toBe(true);
    }
    // The screen refuses a position with a capture advantage or a mate.
    expect(balanced("lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1")).toBe(true);
    expect(balanced("lnsgkgsnl/7b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b R 1")).toBe(false);
    expect(balanced("4k4/9/4P4/9/9/9/9/9/4K4 b G 1")).toBe(false);
  });
});

describe("runStrengthLadder", () => {
  test("plays calibration once (cached), the agent against every rung, and fits one Elo anchored at the first rung", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-ladder-"));
    const cacheFile = join(dir, "ladder-calibration.json");
    const settings = {
      rungs: ["random", "heuristic"],
      gamesPerRung: 8,
      calibrationGames: 8,
      openingPlies: 6,
      openingSeed: 3,
      maxMoves: 120,
    };
    const playerOf = async (spec: string) => (spec === "random" ? randomPlayer(11) : heuristicPlayer(12));
    const said: string[] = [];
    const run = () =>
      runStrengthLadder({
        agent: { ...heuristicPlayer(5), name: "agent" },
        settings,
        playerOf,
        play: {},
        cacheFile,
        say: (l) => said.push(l),
      });
    const first = await run();
    expect(first.rungs.map((r) => [r.spec, r.match.games.length])).toEqual([
      ["random", 8],
      ["heuristic", 8],
    ]);
    expect(first.calibration.length).toBe(1);
    expect(first.calibration[0].agent).toBe("heuristic");
    expect(first.calibration[0].opponent).toBe("random");
    expect(first.openings.length).toBe(4);
    // Every game started from the ladder's openings, each opening played with both colours.
    for (const r of first.rungs) for (const g of r.match.games) expect(first.openings).toContain(g.startSfen);
    const fit = new Map(first.fit.players.map((p) => [p.name, p]));
    expect(fit.get("random")?.rating).toBe(0);
    expect(fit.get("agent")?.games).toBe(16);
    expect(fit.get("heuristic")?.games).toBe(16);
    expect(said.filter((l) => l.startsWith("calibrating")).length).toBe(1);
    expect(existsSync(cacheFile)).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(cacheFile, "utf8"))).length).toBe(1);

    // Again: the calibration comes from the cache, the same games give the same fit.
    said.length = 0;
    const second = await run();
    expect(said.filter((l) => l.startsWith("calibrating")).length).toBe(0);
    expect(second.calibration[0].summary).toEqual(first.calibration[0].summary);

    const table = renderLadder(first);
    expect(table).toContain("strength ladder: agent");
    expect(table).toMatch(/^random +8 +\d+-\d+-\d+ +\d+\.\d% /m);
    expect(table).toMatch(/^heuristic +8 /m);
    expect(table).toMatch(/Elo of agent: -?\d+ \[-?\d+, -?\d+\]/);
    expect(table).toContain("  heuristic: heuristic");
  }, 60_000);
});

describe("periodic evaluation against the ladder's lower rungs", () => {
  test("opponent_type material2: the 2-ply material player beats the capture heuristic's play as the agent", async () => {
    const r = await evaluateForTraining({
      agent: heuristicPlayer(3, "run_x"),
      opponentType: "material2",
      numGames: 6,
      seed: 4,
      maxMoves: 200,
    });
    expect(r.opponent).toBe("material-2ply");
    expect(r.games).toBe(6);
    expect(r.metrics["eval/win_rate"]).toBeLessThan(0.5);
  });
});
