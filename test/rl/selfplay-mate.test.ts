// Mate search during self-play (training.selfplay_mate_ply): a forced mate found for the side to
// move ends the game as its win, before that side's next decision is recorded.
import { describe, expect, test } from "bun:test";
import { RolloutBuffer } from "../../src/rl/buffer.ts";
import { type FinishedGame, SelfPlay } from "../../src/rl/selfplay.ts";
import { UniformPolicy } from "../../src/rl/uniform-policy.ts";
import { mateMove } from "../../src/search/mate.ts";
import { OBS_SIZE } from "../../src/shogi/features.ts";
import { Position } from "../../src/shogi/position.ts";
import { gameStatus } from "../../src/shogi/rules.ts";

async function play(mateSearchPly: number) {
  const rules = { maxMovesPerGame: 200, impasse: "csa27" as const };
  const sp = new SelfPlay(8, rules, { mateSearchPly });
  const policy = new UniformPolicy(3);
  const buf = new RolloutBuffer(8 * 400, OBS_SIZE, 8);
  const finished: FinishedGame[] = [];
  for (let s = 0; s < 400; s++) finished.push(...(await sp.step(policy, buf)));
  return { finished, buf, rules };
}

describe("self-play with a mate search", () => {
  test("a 1-ply mate search ends games as soon as the side to move has a mate, with the right credit", async () => {
    const { finished, buf, rules } = await play(1);
    const found = finished.filter((g) => g.reason === "mate_found");
    expect(found.length).toBeGreaterThan(3);
    for (const g of found) {
      const pos = Position.fromSfen(g.startSfen);
      for (const m of g.moves) pos.makeMove(m);
      // The rules had not ended it; the side to move, the winner, mates in one.
      expect(gameStatus(pos, rules).over).toBe(false);
      expect(g.winner).toBe(pos.sideToMove);
      expect(mateMove(pos, 1)).not.toBe(0);
      // Every earlier position of the game had no mate in 1 for its side to move.
      const replay = Position.fromSfen(g.startSfen);
      for (const m of g.moves) {
        expect(mateMove(replay, 1)).toBe(0);
        replay.makeMove(m);
      }
    }
    // Credit: exactly two terminal transitions per finished game, ±1 for a decided one.
    let terminal = 0;
    for (let t = 0; t < buf.size; t++) if (buf.dones[t]) terminal++;
    expect(terminal).toBe(2 * finished.length);
  });

  test("without it, no game ends by a found mate", async () => {
    const { finished } = await play(0);
    expect(finished.some((g) => g.reason === "mate_found")).toBe(false);
    expect(finished.some((g) => g.reason === "checkmate")).toBe(true);
  });
});
