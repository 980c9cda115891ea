// The mate search (src/search/mate.ts) on hand-checked tsume positions — mates in 1, 3 and 5 with
// their key moves, pawn-drop mate (uchifuzume), positions without mate, the defender's longest
// resistance — and against a plain brute-force solver written here (full legal move lists, checks
// found by making each move, no pruning) on random self-play positions.
//
// Squares are USI's: file 9..1 from left to right, rank a (White's back rank) to i. Black mates.

import { describe, expect, test } from "bun:test";
import { checkingMoves, mateMove, mateNodes, matePv, resetMateNodes } from "../../src/search/mate.ts";
import { MAX_LEGAL_MOVES } from "../../src/shogi/movegen.ts";
import { Position } from "../../src/shogi/position.ts";
import { moveToUsi, parseUsiMove } from "../../src/shogi/sfen.ts";
import { Random } from "../../src/util/random.ts";

// ---- the brute-force oracle -------------------------------------------------------------------

function legal(pos: Position): number[] {
  const buf = new Uint32Array(MAX_LEGAL_MOVES);
  return Array.from(buf.subarray(0, pos.generateLegal(buf, 0)));
}

/** The side to move gives check now and mates within `plies` plies (every legal move tried). */
function bruteWins(pos: Position, plies: number): boolean {
  if (plies < 1) return false;
  for (const m of legal(pos)) {
    pos.makeMove(m);
    const wins = pos.inCheck() && bruteLoses(pos, plies - 1);
    pos.unmakeMove();
    if (wins) return true;
  }
  return false;
}

/** The side to move, in check, is mated within `plies` plies whatever it plays. */
function bruteLoses(pos: Position, plies: number): boolean {
  const replies = legal(pos);
  if (replies.length === 0) return true;
  for (const r of replies) {
    pos.makeMove(r);
    const escapes = !bruteWins(pos, plies - 1);
    pos.unmakeMove();
    if (escapes) return false;
  }
  return true;
}

/** Length in plies of the side to move's shortest forced mate, 0 when none within `max`. */
function bruteDistance(pos: Position, max: number): number {
  for (let d = 1; d <= max; d += 2) if (bruteWins(pos, d)) return d;
  return 0;
}

/** Every first move (USI, sorted) of a mate within `plies` plies. */
function bruteKeys(pos: Position, plies: number): string[] {
  const keys: string[] = [];
  for (const m of legal(pos)) {
    pos.makeMove(m);
    if (pos.inCheck() && bruteLoses(pos, plies - 1)) keys.push(moveToUsi(m));
    pos.unmakeMove();
  }
  return keys.sort();
}

// ---- helpers ----------------------------------------------------------------------------------

const at = (sfen: string) => Position.fromSfen(sfen);
const usi = (m: number) => (m === 0 ? "none" : moveToUsi(m));
const pvUsi = (pv: number[] | null) => (pv === null ? null : pv.map(moveToUsi));

/**
 * Replays a PV with legality checks and asserts it is a mate: every attacker move gives check, and
 * the final position is in check with no legal move. Returns the position at the end.
 */
function expectMatingLine(sfen: string, pv: string[]): Position {
  const pos = at(sfen);
  for (let i = 0; i < pv.length; i++) {
    pos.makeMove(parseUsiMove(pos, pv[i]));
    if (i % 2 === 0) expect(pos.inCheck()).toBe(true);
  }
  expect(pv.length % 2).toBe(1);
  expect(pos.inCheck()).toBe(true);
  expect(legal(pos).length).toBe(0);
  return pos;
}

/**
 * Asserts that every defender move of `pv` delays mate the most: no other legal reply at that
 * point leaves the attacker a longer shortest mate (brute force), and the attacker then mates in
 * exactly the remaining plies. Returns the distances of all replies at the first defender ply.
 */
function expectLongestResistance(sfen: string, pv: string[]): Map<string, number> {
  const pos = at(sfen);
  let first = new Map<string, number>();
  for (let i = 0; i < pv.length; i++) {
    const remaining = pv.length - i; // plies left including this one
    if (i % 2 === 1) {
      const distances = new Map<string, number>();
      for (const r of legal(pos)) {
        pos.makeMove(r);
        distances.set(moveToUsi(r), bruteDistance(pos, remaining - 1));
        pos.unmakeMove();
      }
      const chosen = distances.get(pv[i]);
      expect(chosen).toBe(remaining - 1);
      for (const [reply, d] of distances) {
        expect({ reply, d: d <= chosen! }).toEqual({ reply, d: true });
        expect(d).toBeGreaterThan(0); // every reply is still mated: the line is forced
      }
      if (i === 1) first = distances;
    }
    pos.makeMove(parseUsiMove(pos, pv[i]));
  }
  return first;
}

/** The search must leave the position exactly as it found it. */
function expectUnchanged(pos: Position, sfen: string, hash: number): void {
  expect(pos.toSfen()).toBe(sfen);
  expect(pos.hash).toBe(hash);
  expect(pos.played).toBe(0);
}

// ---- hand-checked positions -------------------------------------------------------------------

describe("mate in 1", () => {
  test("head gold (atama-kin): G*5b is the only mate; deeper limits return the same shortest mate", () => {
    // White king 5a, Black pawn 5c, gold in hand. G*5b: the gold covers 4a 6a 4b 6b, the pawn guards it.
    // G*4b / G*6b check but leave 6a / 4a; 5c5b(+) is taken by the king.
    const sfen = "4k4/9/4P4/9/9/9/9/9/4K4 b G 1";
    const pos = at(sfen);
    expect(usi(mateMove(pos, 1))).toBe("G*5b");
    expect(usi(mateMove(pos, 3))).toBe("G*5b");
    expect(usi(mateMove(pos, 5))).toBe("G*5b");
    expect(pvUsi(matePv(pos, 5))).toEqual(["G*5b"]);
    expect(bruteKeys(pos, 1)).toEqual(["G*5b"]);
    expectUnchanged(pos, sfen, at(sfen).hash);
    expectMatingLine(sfen, ["G*5b"]);
  });

  test("promotion mate: 5c5b+ (tokin guarded by the lance behind it) mates, 5c5b does not", () => {
    // The tokin on 5b covers 4a 6a 4b 6b; once the pawn has moved the lance on 5i guards 5b.
    // The unpromoted pawn on 5b only attacks 5a: the king steps to 4a, 6a, 4b or 6b.
    const sfen = "4k4/9/4P4/9/9/9/9/9/4L3K b - 1";
    const pos = at(sfen);
    expect(usi(mateMove(pos, 1))).toBe("5c5b+");
    expect(pvUsi(matePv(pos, 3))).toEqual(["5c5b+"]);
    expect(bruteKeys(pos, 1)).toEqual(["5c5b+"]);
    expect(checkingMoves(pos).map(moveToUsi).sort()).toEqual(["5c5b", "5c5b+"]);
  });

  test("discovered double check: 1e2c (unpromoted) mates, 1e2c+ gives the lance's check only", () => {
    // King 1a boxed in by its own gold 2a and silver 2b. The knight jumps to 2c, checking 1a and
    // uncovering the lance on 1i: a double check, so only a king move could answer, and 1b is on the
    // lance's file. A promoted knight on 2c does not attack 1a; the gold then interposes on 1b.
    const sfen = "7gk/7s1/9/9/8N/9/9/9/K7L b - 1";
    const pos = at(sfen);
    expect(usi(mateMove(pos, 1))).toBe("1e2c");
    expect(bruteKeys(pos, 1)).toEqual(["1e2c"]);
    expect(checkingMoves(pos).map(moveToUsi).sort()).toEqual(["1e2c", "1e2c+"]);
  });
});

describe("mate in 3", () => {
  test("rook promotes beside the king: 4c3c+, then the gold drop on whichever side the king ran", () => {
    // The dragon on 3c checks 3a down the file and covers 3b, 2b, 4b; the king runs to 2a or 4a
    // and G*2b / G*4b (guarded by the dragon's diagonal step) mates. 4c3c (unpromoted) lets the
    // king out through 2b/4b; no single move mates.
    const sfen = "6k2/9/5R3/9/9/9/9/9/8K b G 1";
    const pos = at(sfen);
    expect(mateMove(pos, 1)).toBe(0);
    expect(usi(mateMove(pos, 3))).toBe("4c3c+");
    expect(usi(mateMove(pos, 5))).toBe("4c3c+");
    expect(bruteDistance(pos, 3)).toBe(3);
    expect(bruteKeys(pos, 3)).toEqual(["4c3c+"]);
    const pv = pvUsi(matePv(pos, 5))!;
    expect(pv.length).toBe(3);
    expect(pv[0]).toBe("4c3c+");
    expect(["3a2a G*2b", "3a4a G*4b"]).toContain(pv.slice(1).join(" "));
    expectMatingLine(sfen, pv);
  });

  test("sacrifice: G*9b, the silver must take, 8b9b+ mates", () => {
    // King 9a, silvers 8a 7a; Black rook 8b, gold 9c. G*9b is guarded by the rook and the gold, so
    // the only answer is 8a×9b; the rook retakes promoting and the dragon covers 8a and 8b.
    const sfen = "kss6/1R7/G8/9/9/9/9/9/8K b G 1";
    const pos = at(sfen);
    expect(mateMove(pos, 1)).toBe(0);
    expect(usi(mateMove(pos, 3))).toBe("G*9b");
    expect(bruteKeys(pos, 3)).toEqual(["G*9b"]);
    expect(pvUsi(matePv(pos, 3))).toEqual(["G*9b", "8a9b", "8b9b+"]);
    expectMatingLine(sfen, ["G*9b", "8a9b", "8b9b+"]);
  });

  test("promote-and-sacrifice: 2b2a+ takes the gold, then head gold with it", () => {
    // King 3a, gold 2a, pawn 2c; Black lance 2b, gold 3c. 2b×2a+ checks; the king takes it (3a2a)
    // or steps to 4a, and the captured gold drops on its head (G*2b / G*4b), guarded by 3c.
    const sfen = "6kg1/7L1/6Gp1/9/9/9/9/9/8K b - 1";
    const pos = at(sfen);
    expect(mateMove(pos, 1)).toBe(0);
    expect(usi(mateMove(pos, 3))).toBe("2b2a+");
    expect(bruteKeys(pos, 3)).toEqual(["2b2a+"]);
    const pv = pvUsi(matePv(pos, 3))!;
    expect(pv[0]).toBe("2b2a+");
    expect(["3a2a G*2b", "3a4a G*4b"]).toContain(pv.slice(1).join(" "));
    expectMatingLine(sfen, pv);
  });
});

describe("mate in 5", () => {
  test("R*8a, the dragon chases the king to 6a, G*5b", () => {
    // King 5a, Black bishop 3a, rook and gold in hand. R*8a checks along the rank (4a stays in
    // line, 4b is the bishop's); the king runs 5b or 6b. Main line 6b: 8a8b+ covers the b rank and
    // 7a/7c, the bishop 5c; after 6b6a, G*5b (guarded by the dragon) mates.
    const sfen = "4k1B2/9/9/9/9/9/9/9/8K b RG 1";
    const pos = at(sfen);
    expect(mateMove(pos, 3)).toBe(0);
    expect(usi(mateMove(pos, 5))).toBe("R*8a");
    expect(bruteDistance(pos, 5)).toBe(5);
    const pv = pvUsi(matePv(pos, 5))!;
    expect(pv.length).toBe(5);
    expect(pv[0]).toBe("R*8a");
    expectMatingLine(sfen, pv);
  });

  test("a legal pawn-drop check starts it: P*2c, S*2b, 2d1c", () => {
    // King 2b, gold 4a, pawn 3b; Black lance 1b, horse 2d, pawn and silver in hand. P*2c (guarded
    // by the horse) is no mate — 2a, 3a and 1b are free — so it is legal. Main line: 2b2a S*2b
    // (guarded by the pawn), 2a1b taking the lance, 2d1c (guarded by the silver) mates.
    const sfen = "5g3/6pkL/9/7+B1/9/9/9/9/8K b PS 1";
    const pos = at(sfen);
    expect(mateMove(pos, 3)).toBe(0);
    expect(usi(mateMove(pos, 5))).toBe("P*2c");
    expect(bruteDistance(pos, 5)).toBe(5);
    expect(pvUsi(matePv(pos, 5))).toEqual(["P*2c", "2b2a", "S*2b", "2a1b", "2d1c"]);
    expectMatingLine(sfen, ["P*2c", "2b2a", "S*2b", "2a1b", "2d1c"]);
  });
});

describe("uchifuzume: a pawn drop that mates is illegal", () => {
  // King 5a between its lances 6a and 4a; Black gold 5c. P*5b would be mate (the gold guards it).
  const ONLY_PAWN = "3lkl3/9/4G4/9/9/9/9/9/4K4 b P 1";

  test("the pawn-drop 'mate' is not returned, and there is no other mate", () => {
    const pos = at(ONLY_PAWN);
    expect(legal(pos).map(moveToUsi)).not.toContain("P*5b");
    expect(checkingMoves(pos).map(moveToUsi)).not.toContain("P*5b");
    expect(mateMove(pos, 1)).toBe(0);
    expect(mateMove(pos, 3)).toBe(0);
    expect(matePv(pos, 5)).toBeNull();
    expect(bruteDistance(pos, 3)).toBe(0);
  });

  test("with a gold in hand as well, G*5b is the mate", () => {
    const pos = at("3lkl3/9/4G4/9/9/9/9/9/4K4 b GP 1");
    expect(usi(mateMove(pos, 1))).toBe("G*5b");
    expect(bruteKeys(pos, 1)).toEqual(["G*5b"]);
  });

  test("deep in the search: the 3-ply line ending in P*1c is no mate, the real one takes 5 plies", () => {
    // King 2b, Black rooks 3a and 4c, a pawn in hand. 4c3c+ 2b1b P*1c would mate in 3, but that
    // pawn drop mates, so it is illegal. The mate is 3a3c+ 2b2a P*2b (legal: 1a, 1b are free)
    // 2a1a 3c1c, the pawn now guarding 2a.
    const sfen = "6R2/7k1/5R3/9/9/9/9/9/8K b P 1";
    const pos = at(sfen);
    expect(mateMove(pos, 3)).toBe(0);
    expect(bruteDistance(pos, 3)).toBe(0);
    expect(usi(mateMove(pos, 5))).toBe("3a3c+");
    expect(bruteDistance(pos, 5)).toBe(5);
    const pv = pvUsi(matePv(pos, 5))!;
    expect(pv).toEqual(["3a3c+", "2b2a", "P*2b", "2a1a", "3c1c"]);
    expectMatingLine(sfen, pv);
    // After 4c3c+ 2b1b the pawn-drop "mate" is the only candidate, and it is rejected.
    const trap = at(sfen);
    trap.makeMove(parseUsiMove(trap, "4c3c+"));
    trap.makeMove(parseUsiMove(trap, "2b1b"));
    expect(mateMove(trap, 1)).toBe(0);
  });
});

describe("no mate", () => {
  test("start position: none within 5 plies, and the position is left as it was", () => {
    const pos = Position.startpos();
    const sfen = pos.toSfen();
    expect(mateMove(pos, 5)).toBe(0);
    expect(matePv(pos, 5)).toBeNull();
    expectUnchanged(pos, sfen, Position.startpos().hash);
  });

  test("a lone gold against a bare king: checks exist, the king always escapes", () => {
    const sfen = "4k4/9/9/9/9/9/9/9/4K4 b G 1";
    const pos = at(sfen);
    expect(checkingMoves(pos).map(moveToUsi).sort()).toEqual(["G*4a", "G*4b", "G*5b", "G*6a", "G*6b"]);
    expect(mateMove(pos, 5)).toBe(0);
    expect(bruteDistance(pos, 5)).toBe(0);
    expectUnchanged(pos, sfen, at(sfen).hash);
  });

  test("plies ≤ 0 searches nothing; an even limit counts as the odd one below", () => {
    const mateIn1 = at("4k4/9/4P4/9/9/9/9/9/4K4 b G 1");
    expect(mateMove(mateIn1, 0)).toBe(0);
    expect(mateMove(mateIn1, -3)).toBe(0);
    expect(matePv(mateIn1, 0)).toBeNull();
    const mateIn3 = at("6k2/9/5R3/9/9/9/9/9/8K b G 1");
    expect(mateMove(mateIn3, 2)).toBe(0);
    expect(usi(mateMove(mateIn3, 4))).toBe("4c3c+");
  });
});

describe("the defender resists longest", () => {
  test("R*8a: 5a6b is chosen because 5a5b is mated sooner; every PV reply is a longest one", () => {
    const sfen = "4k1B2/9/9/9/9/9/9/9/8K b RG 1";
    const pv = pvUsi(matePv(at(sfen), 5))!;
    expect(pv.slice(0, 2)).toEqual(["R*8a", "5a6b"]);
    const first = expectLongestResistance(sfen, pv);
    expect(first.get("5a6b")).toBe(3);
    expect(first.get("5a5b")).toBe(1); // a defender taking the first reply would shorten the PV
  });

  test("every PV reply is a longest one in the other hand-checked mates", () => {
    for (const sfen of [
      "6k2/9/5R3/9/9/9/9/9/8K b G 1",
      "kss6/1R7/G8/9/9/9/9/9/8K b G 1",
      "5g3/6pkL/9/7+B1/9/9/9/9/8K b PS 1",
      "6R2/7k1/5R3/9/9/9/9/9/8K b P 1",
    ]) {
      expectLongestResistance(sfen, pvUsi(matePv(at(sfen), 5))!);
    }
  });
});

// ---- against the brute-force oracle -----------------------------------------------------------

/**
 * Positions from seeded random self-play, biased toward checks and captures so kings get exposed
 * and hands fill: from the start position and from bare kings with full hands.
 */
function randomPositions(seed: number, count: number): string[] {
  const STARTS = [
    "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1",
    "4k4/9/9/9/9/9/9/9/4K4 b R2B2G2S2N2L9Prg2s2n2l9p 1",
  ];
  const rng = new Random(seed);
  const out: string[] = [];
  for (let game = 0; out.length < count; game++) {
    const pos = at(STARTS[game % STARTS.length]);
    const plies = 16 + rng.int(60);
    let over = false;
    for (let p = 0; p < plies && !over; p++) {
      const moves = legal(pos);
      if (moves.length === 0) over = true;
      else {
        let pick = moves[rng.int(moves.length)];
        for (let t = 0; t < 8 && rng.next() < 0.6; t++) {
          const m = moves[rng.int(moves.length)];
          const capture = (m & 127) < 81 && pos.board[(m >> 7) & 127] !== 0;
          pos.makeMove(m);
          const check = pos.inCheck();
          pos.unmakeMove();
          if (check || capture) {
            pick = m;
            break;
          }
        }
        pos.makeMove(pick);
      }
    }
    if (!over && legal(pos).length > 0) out.push(pos.toSfen());
  }
  return out;
}

describe("against a brute-force solver on random self-play positions", () => {
  test("checkingMoves equals the legal moves that leave the opponent in check", () => {
    let checks = 0;
    for (const sfen of randomPositions(11, 300)) {
      const pos = at(sfen);
      const brute: string[] = [];
      for (const m of legal(pos)) {
        pos.makeMove(m);
        if (pos.inCheck()) brute.push(moveToUsi(m));
        pos.unmakeMove();
      }
      checks += brute.length;
      expect({ sfen, checks: checkingMoves(pos).map(moveToUsi).sort() }).toEqual({ sfen, checks: brute.sort() });
    }
    expect(checks).toBeGreaterThan(1000);
  });

  test("3 plies, 300 positions: same mate / no mate and length; the move and PV are mates", () => {
    const lengths = [0, 0, 0, 0];
    for (const sfen of randomPositions(2024, 300)) {
      const pos = at(sfen);
      const hash = pos.hash;
      const expected = bruteDistance(pos, 3);
      lengths[expected]++;
      const move = mateMove(pos, 3);
      const pv = pvUsi(matePv(pos, 3));
      expectUnchanged(pos, sfen, hash);
      expect({ sfen, found: move !== 0, length: pv?.length ?? 0 }).toEqual({
        sfen,
        found: expected !== 0,
        length: expected,
      });
      if (move === 0) continue;
      expect(pv![0]).toBe(moveToUsi(move));
      pos.makeMove(move);
      expect(pos.inCheck() && bruteLoses(pos, expected - 1)).toBe(true);
      pos.unmakeMove();
      expectMatingLine(sfen, pv!);
    }
    // The sample must hold mates of both lengths and plenty of non-mates, or it proves little.
    expect(lengths[1]).toBeGreaterThanOrEqual(5);
    expect(lengths[3]).toBeGreaterThanOrEqual(5);
    expect(lengths[0]).toBeGreaterThanOrEqual(50);
  });

  test("5 plies, 300 positions: same shortest length; each PV mates and its replies resist longest", () => {
    const lengths = [0, 0, 0, 0, 0, 0];
    for (const sfen of randomPositions(77, 300)) {
      const pos = at(sfen);
      const expected = bruteDistance(pos, 5);
      lengths[expected]++;
      const pv = pvUsi(matePv(pos, 5));
      expect({ sfen, length: pv?.length ?? 0 }).toEqual({ sfen, length: expected });
      if (pv === null) continue;
      expect(moveToUsi(mateMove(pos, 5))).toBe(pv[0]);
      expectMatingLine(sfen, pv);
      expectLongestResistance(sfen, pv);
    }
    expect(lengths[3]).toBeGreaterThanOrEqual(5);
    expect(lengths[5]).toBeGreaterThanOrEqual(3);
  });

  test("nodes are counted", () => {
    resetMateNodes();
    mateMove(at("4k1B2/9/9/9/9/9/9/9/8K b RG 1"), 5);
    expect(mateNodes()).toBeGreaterThan(10);
  });
});
