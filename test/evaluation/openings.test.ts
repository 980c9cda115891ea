// Start positions for evaluation: random:N[:SEED] (seeded, legal, playable, move 1) and files of
// SFEN / position lines (errors name the file and the line), played once with each colour.
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { playMatch } from "../../src/evaluation/match.ts";
import { loadOpenings, OpeningsError, parseOpeningsSpec, randomOpenings } from "../../src/evaluation/openings.ts";
import { heuristicPlayer, randomPlayer } from "../../src/evaluation/opponents.ts";
import { sfenAfter } from "../../src/evaluation/strategies.ts";
import { Position } from "../../src/shogi/position.ts";
import { gameStatus } from "../../src/shogi/rules.ts";
import { START_SFEN } from "../../src/shogi/sfen.ts";
import { BLACK, WHITE } from "../../src/shogi/types.ts";
import { scratchDir } from "./helpers.ts";

describe("random openings", () => {
  test("N random legal plies from the start, seeded, playable, written as move 1", () => {
    const a = randomOpenings(6, 20, 1);
    expect(a).toEqual(randomOpenings(6, 20, 1));
    expect(randomOpenings(6, 20, 2)).not.toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(15);
    for (const sfen of a) {
      const pos = Position.fromSfen(sfen);
      expect(sfen).toMatch(/ b \S+ 1$/);
      expect(pos.sideToMove).toBe(BLACK); // six plies: Black to move again
      expect(gameStatus(pos).over).toBe(false);
    }
    for (const sfen of randomOpenings(3, 5, 7)) expect(Position.fromSfen(sfen).sideToMove).toBe(WHITE);
    expect(randomOpenings(0, 2, 1)).toEqual([START_SFEN, START_SFEN]);
  });

  test("specs: random:N takes the evaluation's seed, random:N:SEED its own; one position per game pair", () => {
    expect(parseOpeningsSpec("random:8")).toEqual({ kind: "random", plies: 8, seed: undefined });
    expect(parseOpeningsSpec("random:8:99")).toEqual({ kind: "random", plies: 8, seed: 99 });
    expect(parseOpeningsSpec("book.sfen")).toEqual({ kind: "file", path: "book.sfen" });
    for (const bad of ["random:", "random:x", "random:4:", "random:-1", "random:4:5:6"])
      expect(() => parseOpeningsSpec(bad)).toThrow(OpeningsError);
    expect(loadOpenings("random:4", { pairs: 5, seed: 3 })).toEqual(randomOpenings(4, 5, 3));
    expect(loadOpenings("random:4:11", { pairs: 5, seed: 3 })).toEqual(randomOpenings(4, 5, 11));
    expect(loadOpenings("random:4", { pairs: 0, seed: 3 }).length).toBe(1);
  });
});

describe("openings files", () => {
  test("SFEN, sfen …, startpos and position lines, with moves; comments and blank lines skipped", () => {
    const path = join(scratchDir("openings"), "book.txt");
    writeFileSync(
      path,
      [
        "# a few openings",
        "",
        "position startpos moves 7g7f 3c3d",
        "startpos moves 2g2f",
        `sfen ${START_SFEN} moves 7g7f`,
        "lnsgkgsnl/1r5b1/ppppppppp/9/9/2P6/PP1PPPPPP/1B5R1/LNSGKGSNL w - 2",
        "position startpos",
      ].join("\n"),
    );
    expect(loadOpenings(path, { pairs: 1, seed: 0 })).toEqual([
      sfenAfter("7g7f 3c3d"),
      sfenAfter("2g2f"),
      sfenAfter("7g7f"),
      sfenAfter("7g7f"),
      START_SFEN,
    ]);
  });

  test("a bad line is named by file and line; an empty file and a finished position are refused", () => {
    const dir = scratchDir("openings-bad");
    const bad = join(dir, "bad.txt");
    writeFileSync(bad, "startpos moves 7g7f\n# fine so far\nstartpos moves 7g7e\n");
    expect(() => loadOpenings(bad, { pairs: 1, seed: 0 })).toThrow(`${bad}:3: `);
    expect(() => loadOpenings(bad, { pairs: 1, seed: 0 })).toThrow(/7g7e/);
    const empty = join(dir, "empty.txt");
    writeFileSync(empty, "# nothing\n\n");
    expect(() => loadOpenings(empty, { pairs: 1, seed: 0 })).toThrow(/holds no position/);
    const over = join(dir, "over.txt");
    writeFileSync(over, "4k4/4G4/4G4/9/9/9/9/9/4K4 w - 1\n");
    expect(() => loadOpenings(over, { pairs: 1, seed: 0 })).toThrow(`${over}:1: the game is already over`);
    expect(() => loadOpenings(join(dir, "missing.txt"), { pairs: 1, seed: 0 })).toThrow(/missing\.txt/);
  });

  test("in a match, game pair k starts from opening k mod count, once with each colour", async () => {
    const starts = randomOpenings(4, 3, 5);
    const games = await playMatch(heuristicPlayer(1).policy, randomPlayer(2).policy, {
      games: 8,
      maxMoves: 30,
      startSfens: starts,
    });
    expect(games.map((g) => [starts.indexOf(g.startSfen), g.agentColor])).toEqual([
      [0, BLACK],
      [0, WHITE],
      [1, BLACK],
      [1, WHITE],
      [2, BLACK],
      [2, WHITE],
      [0, BLACK],
      [0, WHITE],
    ]);
  });
});
