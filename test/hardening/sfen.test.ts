// Hostile SFEN and USI position input: look-alike letters (compared on exact ASCII, never by case
// mapping), move numbers that would print as 1e+23, positions no game reaches (triple check, an
// impossible double check), long or multi-line input (never echoed in full, never breaking the
// one line). Through `keisei perft`: exit status 2, one line; and through the parser itself.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Position } from "../../src/shogi/position.ts";
import { positionFromCommand } from "../../src/shogi/position-command.ts";
import { MAX_MOVE_NUMBER, parseSfen, SfenError, START_SFEN } from "../../src/shogi/sfen.ts";
import { InputError } from "../../src/util/input-error.ts";
import { expectRefusal, hashTree, inPairs, keisei } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "keisei-hard-sfen-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = (board: string) => START_SFEN.replace(/^\S+/, board);
const long = `${START_SFEN.replace(/ 1$/, "")} ${"9".repeat(100_000)}`;

const CASES: [string, RegExp[]][] = [
  // ſ (U+017F) upper-cases to S, K (Kelvin) lower-cases to k: neither is a piece letter
  [
    start("lnſgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL"),
    [/rank a \("lnſgkgsnl"\): bad piece letter 'ſ' \(U\+017F\)/],
  ],
  [start("lnsg\u212Agsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL"), [/bad piece letter '\u212A' \(U\+212A\)/]],
  [start("lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNＬ"), [/bad piece letter 'Ｌ' \(U\+FF2C\)/]],
  ["4k4/9/9/9/9/9/9/9/4K4 b ſ 1", [/hands "ſ": unexpected character 'ſ' \(U\+017F\) at position 1/]],
  [START_SFEN.replace(" b ", " ｂ "), [/side to move must be 'b' or 'w', got "ｂ"/]],
  // move numbers: bounded, never re-emitted as 1e+23
  [START_SFEN.replace(/ 1$/, ` 1${"0".repeat(23)}`), [/move number "10{23}" is above 1000000/]],
  [START_SFEN.replace(/ 1$/, " 1000001"), [/move number "1000001" is above 1000000/]],
  [START_SFEN.replace(/ 1$/, " 1e23"), [/move number must be a positive integer, got '1e23'/]],
  ["4k4/9/9/9/9/9/9/9/4K4 b 0002P 1", [/count "0002" for 'P'/]],
  // positions that cannot occur
  [
    "8B/9/9/9/4k4/9/5N3/9/K3R4 w - 1",
    [/White is in check from 3 pieces \(1a, 5i, 4g\); one move gives at most two checks/],
  ],
  ["4k4/3G1G3/9/9/9/9/9/9/4K4 w - 1", [/White is in check from 4b and 6b, neither from a distance/]],
  // long and multi-line input: cut, escaped, one line
  [long, [/invalid SFEN ".{100,170}"… \(100\d{3} characters\)/, /move number "9{30}"… \(100000 characters\) is above/]],
  [START_SFEN.replace(" b ", " b\u0001 "), [/side to move must be 'b' or 'w', got "b\\u0001"/]],
  [`${"/".repeat(50_000)} b - 1`, [/expected 9 ranks separated by '\/', got 50001/, /… \(50006 characters\)/]],
];

describe("bad SFEN through keisei perft: exit 2, one line, nothing written", () => {
  test(`${CASES.length} cases`, async () => {
    const before = hashTree(dir);
    await inPairs(CASES, async ([sfen, patterns]) => {
      const r = await keisei(["perft", "--depth", "1", "--sfen", sfen], { cwd: dir });
      expectRefusal(r, [/invalid SFEN /, ...patterns], `perft --sfen ${JSON.stringify(sfen).slice(0, 120)}`);
      expect(r.err.length).toBeLessThan(600);
      expect(hashTree(dir)).toBe(before);
    });
  }, 60_000);

  test("USI position commands: moves checked, long ones cut", async () => {
    const r = await keisei(["perft", "--depth", "1", "--position", `startpos moves ${"7g7f ".repeat(20_000)}`], {
      cwd: dir,
    });
    expectRefusal(r, [/illegal move 7g7f in position/]);
    const m = await keisei(["perft", "--depth", "1", "--position", `startpos moves 7g7f ${"x".repeat(50_000)}`], {
      cwd: dir,
    });
    expectRefusal(m, [/malformed USI move "x{20}"… \(50000 characters\)/]);
    const p = await keisei(["perft", "--depth", "1", "--position", `startpos junk ${"y".repeat(50_000)}`], {
      cwd: dir,
    });
    expectRefusal(p, [
      /position "startpos junk y+"… \(50014 characters\): expected "moves" after the position, got "junk"/,
    ]);
  });
});

describe("the parser", () => {
  test("still reads every real position, and emits the move number as digits", () => {
    const s = "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 999999";
    expect(Position.fromSfen(s).toSfen()).toBe(s);
    expect(Position.fromSfen(START_SFEN.replace(/ 1$/, ` ${MAX_MOVE_NUMBER}`)).toSfen()).toMatch(/ 1000000$/);
    // a double check with a line piece from afar is possible (a discovered check)
    expect(parseSfen("8B/9/9/9/4k4/9/9/9/K3R4 w - 1").sideToMove).toBe(1); // bishop and rook
    expect(parseSfen("4k4/9/5N3/9/9/9/9/9/K3R4 w - 1").sideToMove).toBe(1); // knight and rook
    expect(() => parseSfen("4k4/9/9/4R4/9/9/9/9/K8 b - 1")).toThrow(/White is in check but it is Black's move/);
  });

  test("errors are SfenError (an InputError) and one line, whatever the input", () => {
    for (const bad of [
      "",
      " ",
      "\u0000",
      "a\nb c d",
      "9/9/9/9/9/9/9/9/9 b - 1\r\n",
      `${"9/".repeat(8)}9 b ${"P".repeat(1000)} 1`,
    ]) {
      try {
        positionFromCommand(`sfen ${bad}`);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as Error).message).not.toContain("\n");
        continue;
      }
      throw new Error(`accepted ${JSON.stringify(bad)}`);
    }
    expect(() => parseSfen(long)).toThrow(SfenError);
  });
});
