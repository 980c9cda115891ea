// Per-colour credit on real games played through the engine: a mate, a repetition draw, a game
// cut by the move limit, and a rollout that ends mid-game.
import { describe, expect, test } from "bun:test";
import { allocMinibatch, RolloutBuffer } from "../../src/rl/buffer.ts";
import { moveToAction } from "../../src/shogi/actions.ts";
import { materialBalance } from "../../src/shogi/material.ts";
import { Position } from "../../src/shogi/position.ts";
import { positionFromCommand } from "../../src/shogi/position-command.ts";
import { gameStatus } from "../../src/shogi/rules.ts";
import { parseUsiMove } from "../../src/shogi/sfen.ts";
import { finishRollout } from "./helpers.ts";

const G = 0.99;
const L = 0.95;

/**
 * Plays `moves` in game 0 with value(ply) as the critic's output and `shaping` × material balance
 * as each decision's potential; returns the status and the transitions' colours.
 */
function play(
  buf: RolloutBuffer,
  start: string,
  moves: string[],
  maxMoves: number,
  value: (ply: number) => number,
  shaping = 0,
) {
  const pos = positionFromCommand(start);
  const obs = new Float32Array(buf.obsSize);
  const legal = new Uint32Array(600);
  const actions = new Int32Array(600);
  const colours: number[] = [];
  let status = gameStatus(pos, { maxMovesPerGame: maxMoves, impasse: "csa27" });
  for (const [i, usi] of moves.entries()) {
    expect(status.over).toBe(false);
    const n = pos.generateLegal(legal);
    for (let k = 0; k < n; k++) actions[k] = moveToAction(legal[k]);
    const m = parseUsiMove(pos, usi);
    obs[0] = i;
    buf.add(
      0,
      pos.sideToMove,
      obs,
      0,
      moveToAction(m),
      -1,
      value(i),
      actions,
      0,
      n,
      shaping * materialBalance(pos, pos.sideToMove),
    );
    colours.push(pos.sideToMove);
    pos.makeMove(m);
    status = gameStatus(pos, { maxMovesPerGame: maxMoves, impasse: "csa27" });
    if (status.over) buf.endGame(0, status.winner);
  }
  return { status, colours, pos };
}

describe("per-colour credit", () => {
  test("a mate: +1 to the mating move, −1 to the loser's last move, both terminal", () => {
    const buf = new RolloutBuffer(16, 4, 1);
    const v = [0.1, -0.2, 0.3];
    const { status } = play(buf, "sfen 3lkl3/9/4G4/9/9/9/9/9/4K4 b G 1", ["5i5h", "6a6b", "G*5b"], 500, (i) => v[i]);
    expect(status).toMatchObject({ over: true, winner: 0, reason: "checkmate" });
    expect([...buf.rewards.subarray(0, 3)]).toEqual([0, -1, 1]);
    expect([...buf.dones.subarray(0, 3)]).toEqual([0, 1, 1]);
    expect([...buf.next.subarray(0, 3)]).toEqual([2, -1, -1]); // Black's first move links to Black's second
    finishRollout(buf, () => 99, G, L); // no trajectory is open: the bootstrap value must not be used
    const a2 = 1 - 0.3;
    const a1 = -1 - -0.2;
    const a0 = 0 + G * 0.3 - 0.1 + G * L * a2;
    [a0, a1, a2].forEach((a, i) => {
      expect(buf.advantages[i]).toBeCloseTo(a, 6);
    });
    [a0 + 0.1, a1 - 0.2, a2 + 0.3].forEach((r, i) => {
      expect(buf.returns[i]).toBeCloseTo(r, 6);
    });
  });

  test("a draw by repetition: every reward 0, each colour's last move terminal", () => {
    const buf = new RolloutBuffer(32, 4, 1);
    const cycle = ["5i5h", "5a5b", "5h5i", "5b5a"];
    const { status, colours } = play(buf, "startpos", [...cycle, ...cycle, ...cycle], 500, () => 0.5);
    expect(status).toMatchObject({ over: true, winner: null, reason: "repetition" });
    expect(buf.size).toBe(12);
    expect([...buf.rewards.subarray(0, 12)].every((r) => r === 0)).toBe(true);
    expect([...buf.dones.subarray(0, 12)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    for (let t = 0; t < 10; t++) expect(colours[buf.next[t]]).toBe(colours[t]); // links stay within a colour
    finishRollout(buf, () => 99, G, L);
    expect(buf.advantages[11]).toBeCloseTo(-0.5, 6); // terminal: r − V
    expect(buf.advantages[9]).toBeCloseTo(0 + G * 0.5 - 0.5 + G * L * -0.5, 6);
  });

  test("a game cut by the move limit is a draw for both colours", () => {
    const buf = new RolloutBuffer(8, 4, 1);
    const { status } = play(buf, "startpos", ["7g7f", "3c3d", "8h2b+"], 3, () => 0);
    expect(status).toMatchObject({ over: true, winner: null, reason: "max_moves" });
    expect([...buf.rewards.subarray(0, 3)]).toEqual([0, 0, 0]);
    expect([...buf.dones.subarray(0, 3)]).toEqual([0, 1, 1]);
  });

  test("a rollout ending mid-game bootstraps each colour from its own side", () => {
    const buf = new RolloutBuffer(8, 4, 1);
    const { pos } = play(buf, "startpos", ["7g7f", "3c3d", "2g2f"], 500, () => 0);
    expect(pos.sideToMove).toBe(1); // White to move
    const vWhite = 0.25; // value of the current position for the side to move
    finishRollout(buf, (_game, colour) => (colour === pos.sideToMove ? vWhite : -vWhite), G, L);
    expect(buf.bootstrap[1]).toBe(0.25); // White's last move (3c3d) continues from White's turn
    expect(buf.bootstrap[2]).toBe(-0.25); // Black's last move (2g2f): the opponent is to move
    expect(buf.advantages[2]).toBeCloseTo(G * -0.25, 6);
    expect(buf.advantages[0]).toBeCloseTo(G * L * G * -0.25, 6);
  });

  test("minibatches carry the legal action lists and advantages", () => {
    const buf = new RolloutBuffer(8, 4, 1);
    play(buf, "startpos", ["7g7f", "3c3d"], 500, () => 0);
    finishRollout(buf, () => 0, G, L);
    const mb = allocMinibatch(2, 4);
    buf.gather(Int32Array.from([1, 0]), 0, mb);
    expect(mb.legalOffsets[1]).toBe(30); // White's 30 legal moves first
    expect(mb.legalOffsets[2]).toBe(60);
    expect(mb.actions[1]).toBe(9054); // 7g7f
    expect(Array.from(mb.legalActions.subarray(30, 60))).toContain(9054);
    expect(mb.obs[0]).toBe(1); // transition 1's observation
  });
});

describe("potential-based material shaping", () => {
  const w = 0.05;

  test("material balance in pawns: board and hand, promoted pieces, from either side", () => {
    expect(materialBalance(Position.startpos(), 0)).toBe(0);
    // Black: R 11 + 2P in hand; White: a dragon (15.5) and a silver in hand (5.5)
    const pos = Position.fromSfen("4k4/9/9/9/4+r4/9/9/9/4K4 b R2Ps 1");
    expect(materialBalance(pos, 0)).toBe(11 + 2 - 15.5 - 5.5);
    expect(materialBalance(pos, 1)).toBe(-(11 + 2 - 15.5 - 5.5));
  });

  test("a capture pays at once: F = γ·Φ(next own turn) − Φ(s); a cut trajectory uses the reached position", () => {
    const buf = new RolloutBuffer(8, 4, 1);
    // Black's rook takes the pawn, the king steps aside, the rook promotes; the rollout ends there.
    const { pos } = play(buf, "sfen 4k4/9/9/9/4p4/9/9/4R4/4K4 b - 1", ["5h5e", "5a6b", "5e5b+"], 500, () => 0, w);
    expect([...buf.potentials.subarray(0, 3)].map((p) => p / w)).toEqual(
      [10, -12, 12].map((x) => expect.closeTo(x, 5)),
    );
    finishRollout(
      buf,
      () => 0,
      G,
      L,
      (_game, colour) => w * materialBalance(pos, colour as 0 | 1),
    );
    const expected = [G * w * 12 - w * 10, G * w * -16.5 - w * -12, G * w * 16.5 - w * 12];
    expected.forEach((r, i) => {
      expect(buf.rewards[i]).toBeCloseTo(r, 6);
    });
    expect(buf.rewards[0]).toBeGreaterThan(0); // the capture
  });

  test("at the end of a game Φ is 0: the shaping telescopes to the game's result", () => {
    const buf = new RolloutBuffer(16, 4, 1);
    // Black: gold on the board and one in hand (12) against two lances (7): Φ = ±5w throughout.
    play(buf, "sfen 3lkl3/9/4G4/9/9/9/9/9/4K4 b G 1", ["5i5h", "6a6b", "G*5b"], 500, () => 0, w);
    finishRollout(
      buf,
      () => 99,
      G,
      L,
      () => 99,
    );
    const expected = [G * 5 * w - 5 * w, -1 + 5 * w, 1 - 5 * w];
    expected.forEach((r, i) => {
      expect(buf.rewards[i]).toBeCloseTo(r, 6);
    });
    // With γ = 1 Black's rewards sum to its result − Φ(start): over a whole game shaping adds a constant.
    const undiscounted = new RolloutBuffer(16, 4, 1);
    play(undiscounted, "sfen 3lkl3/9/4G4/9/9/9/9/9/4K4 b G 1", ["5i5h", "6a6b", "G*5b"], 500, () => 0, w);
    finishRollout(undiscounted, () => 0, 1, L);
    expect(undiscounted.rewards[0] + undiscounted.rewards[2]).toBeCloseTo(1 - 5 * w, 6);
  });

  test("without potentials the rewards are the results alone", () => {
    const buf = new RolloutBuffer(16, 4, 1);
    play(buf, "sfen 3lkl3/9/4G4/9/9/9/9/9/4K4 b G 1", ["5i5h", "6a6b", "G*5b"], 500, () => 0);
    finishRollout(buf, () => 0, G, L);
    expect([...buf.rewards.subarray(0, 3)]).toEqual([0, -1, 1]);
  });
});
