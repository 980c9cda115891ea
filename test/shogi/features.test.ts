// core46 observation: the reference's golden values (keisei-python.md §2.1).
import { describe, expect, test } from "bun:test";
import { addAttackPlanes, core46Material, encodeCore46, OBS_SIZE } from "../../src/shogi/features.ts";
import { materialBalance } from "../../src/shogi/material.ts";
import { attackersOf, MAX_LEGAL_MOVES } from "../../src/shogi/movegen.ts";
import { Position } from "../../src/shogi/position.ts";
import { positionFromCommand } from "../../src/shogi/position-command.ts";
import { BLACK } from "../../src/shogi/types.ts";
import { Random } from "../../src/util/random.ts";

const plane = (obs: Float32Array, ch: number) => obs.subarray(ch * 81, ch * 81 + 81);
const at = (obs: Float32Array, ch: number, row: number, col: number) => obs[ch * 81 + row * 9 + col];
const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
function observe(spec: string, maxMoves = 500): Float32Array {
  const out = new Float32Array(OBS_SIZE);
  encodeCore46(positionFromCommand(spec), maxMoves, out);
  return out;
}

describe("core46", () => {
  test("start position", () => {
    const obs = observe("startpos");
    expect(sum(obs)).toBe(121); // 40 pieces + the all-ones colour plane
    for (let col = 0; col < 9; col++) expect(at(obs, 0, 6, col)).toBe(1); // own pawns on row 6
    expect(sum(plane(obs, 0))).toBe(9);
    expect(at(obs, 7, 8, 4)).toBe(1); // own king
    expect(at(obs, 21, 0, 4)).toBe(1); // opponent king
    expect(at(obs, 5, 7, 1)).toBe(1); // own bishop 8h
    expect(at(obs, 6, 7, 7)).toBe(1); // own rook 2h
    expect(sum(plane(obs, 42))).toBe(81);
    expect(sum(plane(obs, 43))).toBe(0);
    expect(sum(obs.subarray(28 * 81, 42 * 81))).toBe(0); // empty hands
    expect(sum(obs.subarray(44 * 81))).toBe(0); // reserved planes
  });

  test("after 7g7f the board is seen from White, rotated 180°", () => {
    const obs = observe("startpos moves 7g7f");
    expect(at(obs, 7, 8, 4)).toBe(1); // own (White) king
    expect(at(obs, 5, 7, 1)).toBe(1); // own bishop (2b) seen at (7,1)
    expect(at(obs, 6, 7, 7)).toBe(1); // own rook (8b) seen at (7,7)
    for (let col = 0; col < 9; col++) expect(at(obs, 14, 2, col)).toBe(col === 6 ? 0 : 1); // Black pawns on row 2 …
    expect(at(obs, 14, 3, 6)).toBe(1); // … except the one that moved to 7f, seen at (3,6)
    expect(sum(plane(obs, 42))).toBe(0);
    for (const v of plane(obs, 43)) expect(v).toBeCloseTo(0.002, 7);
    expect(sum(obs)).toBeCloseTo(40 + 81 * 0.002, 4);
  });

  test("both views of the same pawns", () => {
    const black = observe("sfen 4k4/9/4p4/9/9/9/4P4/9/4K4 b - 1");
    expect(at(black, 0, 6, 4)).toBe(1);
    expect(at(black, 14, 2, 4)).toBe(1);
    const white = observe("sfen 4k4/9/4p4/9/9/9/4P4/9/4K4 w - 1");
    expect(at(white, 14, 2, 4)).toBe(1); // Black's pawn at (6,4) rotated to (2,4)
    expect(at(white, 0, 6, 4)).toBe(1); // White's pawn at (2,4) rotated to (6,4)
  });

  test("hands are count / 18, own first; move count is ply / max", () => {
    const obs = observe("sfen 4k4/9/9/9/9/9/9/9/4K4 b 7PGr2p 51", 100);
    for (const v of plane(obs, 28)) expect(v).toBeCloseTo(7 / 18, 7); // own pawns
    for (const v of plane(obs, 32)) expect(v).toBeCloseTo(1 / 18, 7); // own gold
    for (const v of plane(obs, 35)) expect(v).toBeCloseTo(2 / 18, 7); // opponent pawns
    for (const v of plane(obs, 41)) expect(v).toBeCloseTo(1 / 18, 7); // opponent rook
    expect(sum(plane(obs, 29))).toBe(0);
    for (const v of plane(obs, 43)) expect(v).toBe(0.5); // ply 50 of 100
    const white = observe("sfen 4k4/9/9/9/9/9/9/9/4K4 w 7PGr2p 51", 100);
    for (const v of plane(white, 28)) expect(v).toBeCloseTo(2 / 18, 7); // White's own pawns now first
    for (const v of plane(white, 35)) expect(v).toBeCloseTo(7 / 18, 7);
  });

  test("promoted pieces use planes 8–13 and 22–27", () => {
    const obs = observe("sfen 4k4/9/9/9/9/9/9/1+B5+r1/4K4 b - 1");
    expect(at(obs, 12, 7, 1)).toBe(1); // own horse at 8h
    expect(at(obs, 27, 7, 7)).toBe(1); // opponent dragon at 2h
  });

  test("writes at an offset and leaves the rest alone", () => {
    const out = new Float32Array(OBS_SIZE * 2).fill(7);
    encodeCore46(positionFromCommand("startpos"), 500, out, OBS_SIZE);
    expect(out[0]).toBe(7);
    expect(sum(out.subarray(OBS_SIZE))).toBe(121);
  });
});

// core46-attacks: planes 44–45 are each side's attacker count per square (/4), from planes 0–27.
describe("core46-attacks", () => {
  const withAttacks = (spec: string) => {
    const obs = observe(spec);
    addAttackPlanes(obs, 1);
    return obs;
  };

  test("a lone rook: its file and rank up to the first piece, nothing beyond; counts add up", () => {
    // White rook 5e, kings 5a and 5i; Black to move, so the rook is the opponent's (plane 45).
    const obs = withAttacks("sfen 4k4/9/9/9/4r4/9/9/9/4K4 b - 1");
    const rook = [
      [4, 0],
      [4, 1],
      [4, 2],
      [4, 3],
      [4, 5],
      [4, 6],
      [4, 7],
      [4, 8], // rank e
      [0, 4],
      [1, 4],
      [2, 4],
      [3, 4],
      [5, 4],
      [6, 4],
      [7, 4],
      [8, 4], // file 5, up to both kings (its own defended)
    ];
    const king = [
      [0, 3],
      [0, 5],
      [1, 3],
      [1, 4],
      [1, 5],
    ]; // White's king on 5a (row 0, col 4)
    const expected = new Float32Array(81);
    for (const [r, c] of [...rook, ...king]) expected[r * 9 + c] += 0.25;
    expect([...plane(obs, 45)]).toEqual([...expected]);
    // Black's king on 5i attacks its five neighbours.
    expect(sum(plane(obs, 44))).toBe(5 * 0.25);
    expect(at(obs, 44, 7, 4)).toBe(0.25);
  });

  test("start position: counts where several pieces meet", () => {
    // 6h (row 7, col 3) is reached by the king 5i, the gold 6i, the silver 7i and the rook 2h along
    // rank h (the bishop on 8h stops it at 8h).
    const obs = withAttacks("startpos");
    expect(at(obs, 44, 7, 3) * 4).toBe(4); // 6h: king 5i, gold 6i, silver 7i, rook 2h along rank h
    expect(at(obs, 44, 5, 0) * 4).toBe(1); // 9f: the pawn on 9g
    expect(at(obs, 45, 3, 0) * 4).toBe(1); // 9d: White's pawn on 9c
    expect(sum(plane(obs, 44))).toBe(sum(plane(obs, 45))); // the position is symmetric
  });

  test("every square of random positions, from either side to move, matches attackersOf on the real board", () => {
    const rng = new Random(7);
    const moves = new Uint32Array(MAX_LEGAL_MOVES);
    let checked = 0;
    for (let game = 0; game < 20; game++) {
      const pos = Position.startpos();
      for (let ply = 0; ply < 120; ply++) {
        const n = pos.generateLegal(moves);
        if (n === 0) break;
        pos.makeMove(moves[rng.int(n)]);
        if (ply % 7 !== 0) continue;
        const obs = new Float32Array(OBS_SIZE);
        encodeCore46(pos, 500, obs);
        addAttackPlanes(obs, 1);
        const me = pos.sideToMove;
        for (let sq = 0; sq < 81; sq++) {
          const seen = me === BLACK ? sq : 80 - sq; // the observation turns the board for White
          expect(obs[44 * 81 + seen] * 4).toBe(attackersOf(pos.board, sq, me).length);
          expect(obs[45 * 81 + seen] * 4).toBe(attackersOf(pos.board, sq, 1 - me).length);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});

describe("core46Material", () => {
  test("reads materialBalance back from the observation, for either side to move, hands included", () => {
    const rng = new Random(11);
    const moves = new Uint32Array(MAX_LEGAL_MOVES);
    const obs = new Float32Array(2 * OBS_SIZE);
    let nonzero = 0;
    for (let game = 0; game < 20; game++) {
      const pos = Position.startpos();
      for (let ply = 0; ply < 150; ply++) {
        const n = pos.generateLegal(moves);
        if (n === 0) break;
        pos.makeMove(moves[rng.int(n)]);
        encodeCore46(pos, 500, obs, OBS_SIZE); // at an offset
        const want = materialBalance(pos, pos.sideToMove);
        expect(core46Material(obs, OBS_SIZE)).toBeCloseTo(want, 9);
        if (want !== 0) nonzero++;
      }
    }
    expect(nonzero).toBeGreaterThan(1000);
    // A hand-counted one: Black to move, White's rook in Black's hand, Black's bishop gone (+11 + 11 − 9.5).
    const pos = Position.fromSfen("lnsgkgsnl/7b1/ppppppppp/9/9/9/PPPPPPPPP/7R1/LNSGKGSNL b R 1");
    encodeCore46(pos, 500, obs);
    expect(core46Material(obs)).toBeCloseTo(12.5, 9);
    const white = Position.fromSfen("lnsgkgsnl/7b1/ppppppppp/9/9/9/PPPPPPPPP/7R1/LNSGKGSNL w R 1");
    encodeCore46(white, 500, obs);
    expect(core46Material(obs)).toBeCloseTo(-12.5, 9);
  });
});
