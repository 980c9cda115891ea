// core46 observation: the reference's golden values (keisei-python.md §2.1).
import { describe, expect, test } from "bun:test";
import { encodeCore46, OBS_SIZE } from "../../src/shogi/features.ts";
import { positionFromCommand } from "../../src/shogi/position-command.ts";

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
