// Vectorised self-play with a uniform policy: every recorded game replays legally through the
// engine to the same result, and the rollout's credit matches each game's outcome.
import { describe, expect, test } from "bun:test";
import { RolloutBuffer } from "../../src/rl/buffer.ts";
import { SelfPlay, type FinishedGame } from "../../src/rl/selfplay.ts";
import { UniformPolicy } from "../../src/rl/uniform-policy.ts";
import { OBS_SIZE } from "../../src/shogi/features.ts";
import { Position } from "../../src/shogi/position.ts";
import { gameStatus } from "../../src/shogi/rules.ts";
import { materialBalance } from "../../src/shogi/material.ts";
import { finishRollout } from "./helpers.ts";

describe("self-play", () => {
  test("lock-step games restart at once and replay to the same result", async () => {
    const rules = { maxMovesPerGame: 40, impasse: "csa27" as const };
    const sp = new SelfPlay(6, rules);
    const policy = new UniformPolicy(1);
    const buf = new RolloutBuffer(6 * 120, OBS_SIZE, 6);
    const finished: FinishedGame[] = [];
    for (let s = 0; s < 120; s++) finished.push(...(await sp.step(policy, buf)));
    expect(buf.size).toBe(720);
    expect(finished.length).toBeGreaterThanOrEqual(12); // ≤ 40 plies each, 6 games × 120 plies
    for (const g of finished) {
      expect(g.plies).toBeLessThanOrEqual(40);
      const pos = Position.fromSfen(g.startSfen);
      for (const m of g.moves) {
        expect(pos.isLegal(m)).toBe(true);
        pos.makeMove(m);
      }
      const status = gameStatus(pos, rules);
      expect(status.over).toBe(true);
      expect(status.winner).toBe(g.winner);
      expect<string | null>(status.reason).toBe(g.reason);
    }
    expect(finished.some((g) => g.reason === "max_moves")).toBe(true);
    // Transitions: exactly one terminal per colour per finished game, rewards ±1 or 0 on them only.
    let terminal = 0;
    for (let t = 0; t < buf.size; t++) {
      if (buf.dones[t]) terminal++;
      else expect(buf.rewards[t]).toBe(0);
    }
    expect(terminal).toBe(2 * finished.length);
    const decisive = finished.filter((g) => g.winner !== null).length;
    let plus = 0,
      minus = 0;
    for (let t = 0; t < buf.size; t++) {
      if (buf.rewards[t] === 1) plus++;
      if (buf.rewards[t] === -1) minus++;
    }
    expect(plus).toBe(decisive);
    expect(minus).toBe(decisive);
  });

  test("the same seed plays the same games", async () => {
    const run = async () => {
      const sp = new SelfPlay(3, { maxMovesPerGame: 30, impasse: "csa27" });
      const policy = new UniformPolicy(7);
      const out: string[] = [];
      for (let s = 0; s < 60; s++)
        for (const g of await sp.step(policy, null)) out.push(`${g.game}:${g.reason}:${g.moves.join(",")}`);
      return out;
    };
    expect(await run()).toEqual(await run());
  });

  test("the observation batch matches the current positions", async () => {
    const sp = new SelfPlay(2, { maxMovesPerGame: 500, impasse: "csa27" });
    await sp.step(new UniformPolicy(3), null);
    // After one ply both games have White to move: plane 42 (Black to move) is all zero.
    for (let g = 0; g < 2; g++) {
      expect(sp.position(g).sideToMove).toBe(1);
      expect(sp.batch.obs.subarray(g * OBS_SIZE + 42 * 81, g * OBS_SIZE + 43 * 81).every((v) => v === 0)).toBe(true);
      const moves = new Uint32Array(600);
      expect(sp.batch.legalOffsets[g + 1] - sp.batch.legalOffsets[g]).toBe(sp.position(g).generateLegal(moves));
    }
  });

  test("material shaping: each decision's potential is weight × the mover's material balance, and a whole game's shaping telescopes", async () => {
    const w = 0.01;
    const rules = { maxMovesPerGame: 60, impasse: "csa27" as const };
    const sp = new SelfPlay(1, rules, { materialShaping: w });
    const policy = new UniformPolicy(3);
    const buf = new RolloutBuffer(60, OBS_SIZE, 1);
    const replay = Position.startpos();
    let finished: FinishedGame[] = [];
    while (finished.length === 0) {
      const mover = replay.sideToMove;
      const t = buf.size;
      finished = await sp.step(policy, buf);
      expect(buf.potentials[t]).toBeCloseTo(w * materialBalance(replay, mover), 6);
      replay.makeMove(finished.length ? finished[0].moves[t] : sp.movesOf(0)[t]);
    }
    finishRollout(buf, () => 0, 1, 0.95);
    // γ = 1: a colour's rewards sum to its result − Φ(start) = its result (the start is level)
    const result = (colour: number) => (finished[0].winner === null ? 0 : finished[0].winner === colour ? 1 : -1);
    for (const colour of [0, 1]) {
      let sum = 0;
      for (let t = colour; t < buf.size; t += 2) sum += buf.rewards[t];
      expect(sum).toBeCloseTo(result(colour), 5);
    }
    expect(finished[0].counters.captures[0] + finished[0].counters.captures[1]).toBeGreaterThan(0); // there was material to shape
  });
});
