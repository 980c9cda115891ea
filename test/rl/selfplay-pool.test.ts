// Self-play against a fixed opponent and from random openings: the opponent's moves are its own
// choices and are never recorded; each game begins 0..N random plies in, drawn from a saved random
// source, so a snapshot taken anywhere restores to the same continuation.
import { describe, expect, test } from "bun:test";
import type { ActBatch, ActingPolicy } from "../../src/rl/acting.ts";
import { RolloutBuffer } from "../../src/rl/buffer.ts";
import { type FinishedGame, type Match, SelfPlay } from "../../src/rl/selfplay.ts";
import { UniformPolicy } from "../../src/rl/uniform-policy.ts";
import { OBS_SIZE } from "../../src/shogi/features.ts";
import { MAX_LEGAL_MOVES } from "../../src/shogi/movegen.ts";
import { Position } from "../../src/shogi/position.ts";
import { Random } from "../../src/util/random.ts";

/** Always the first legal action, with a marker value: a policy whose every choice is predictable. */
class FirstLegal implements ActingPolicy {
  calls = 0;
  act(b: ActBatch): void {
    this.calls++;
    for (let i = 0; i < b.n; i++) {
      b.actions[i] = b.legalActions[b.legalOffsets[i]];
      b.logProbs[i] = -99;
      b.values[i] = 0.5;
    }
  }
}

const rules = { maxMovesPerGame: 30, impasse: "csa27" as const };

describe("opponents", () => {
  test("the opponent plays its colour with its own choices; only the learner's moves are recorded", async () => {
    const matches: Match[] = [
      { opponent: 0, learner: 0 },
      { opponent: -1, learner: 0 },
      { opponent: 0, learner: 1 },
    ];
    const sp = new SelfPlay(3, rules, { nextMatch: (g) => matches[g] });
    const learner = new UniformPolicy(7);
    const opponent = new FirstLegal();
    const buf = new RolloutBuffer(3 * 200, OBS_SIZE, 3);
    const finished: FinishedGame[] = [];
    for (let s = 0; s < 120; s++) finished.push(...(await sp.step(learner, buf, [opponent])));
    expect(opponent.calls).toBe(120); // every ply some pool game has the opponent to move
    let learnerMoves = 0;
    for (const g of finished) {
      expect(g.match).toEqual(matches[g.game]);
      // Replay: at each of the opponent's turns it played the first legal move of the position.
      const pos = Position.fromSfen(g.startSfen);
      const legal = new Uint32Array(MAX_LEGAL_MOVES);
      for (const m of g.moves) {
        const theirs = g.match.opponent === 0 && pos.sideToMove !== g.match.learner;
        if (theirs) {
          pos.generateLegal(legal, 0);
          expect(m).toBe(legal[0]);
        } else learnerMoves++;
        pos.makeMove(m);
      }
    }
    expect(finished.map((g) => g.game).sort()).toContain(0);
    // No recorded transition carries the opponent's marker log-probability or value.
    for (let t = 0; t < buf.size; t++) {
      expect(buf.logProbs[t]).not.toBe(-99);
      expect(buf.values[t]).toBe(0);
    }
    expect(buf.size).toBeGreaterThanOrEqual(learnerMoves);
    expect(buf.size).toBeLessThan(3 * 120); // the opponent's half of two games is missing
  });
});

describe("random openings", () => {
  test("each game begins 0..N plies in; a snapshot restores to the same continuation", async () => {
    const make = (seed: number) => new SelfPlay(4, rules, { startRandomPlies: 6, random: new Random(seed) });
    const a = make(3);
    const policyA = new UniformPolicy(11);
    const first: FinishedGame[] = [];
    for (let s = 0; s < 50; s++) first.push(...(await a.step(policyA, null)));
    // Snapshot mid-way: game moves, and the two random sources' states.
    const snap = a.snapshot();
    const openRandom = new Random(0);
    openRandom.state = (a as unknown as { random: Random }).random.state;
    const policyState = (policyA as unknown as { rng: Random }).rng.state;
    const restAfter: FinishedGame[] = [];
    for (let s = 0; s < 80; s++) restAfter.push(...(await a.step(policyA, null)));

    const b = new SelfPlay(4, rules, { startRandomPlies: 6, random: openRandom });
    b.restore(snap);
    const policyB = new UniformPolicy(0);
    (policyB as unknown as { rng: Random }).rng.state = policyState;
    const restored: FinishedGame[] = [];
    for (let s = 0; s < 80; s++) restored.push(...(await b.step(policyB, null)));
    expect(restored.map((g) => Array.from(g.moves))).toEqual(restAfter.map((g) => Array.from(g.moves)));

    // Openings differ: with 0..6 random plies, the first moves of the games are not all the same.
    const all = [...first, ...restAfter];
    expect(all.length).toBeGreaterThan(8);
    expect(new Set(all.map((g) => g.moves.slice(0, 2).join(","))).size).toBeGreaterThan(4);
  });

  test("without random openings or matches, self-play is what it was: the same moves as before", async () => {
    const plain = new SelfPlay(2, rules);
    const same = new SelfPlay(2, rules, { startRandomPlies: 0, nextMatch: () => ({ opponent: -1, learner: 0 }) });
    const p1 = new UniformPolicy(5),
      p2 = new UniformPolicy(5);
    const g1: FinishedGame[] = [],
      g2: FinishedGame[] = [];
    for (let s = 0; s < 60; s++) {
      g1.push(...(await plain.step(p1, null)));
      g2.push(...(await same.step(p2, null)));
    }
    expect(g1.map((g) => Array.from(g.moves))).toEqual(g2.map((g) => Array.from(g.moves)));
  });
});
