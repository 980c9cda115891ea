// KIF and CSA: export, import, and the round trip; illegal records are refused with the ply.
import { describe, expect, test } from "bun:test";
import { exportCsa, exportKif, type GameRecord, importRecord, RecordError } from "../../src/shogi/record.ts";

const START = "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1";

describe("records", () => {
  test("CSA import of a short game ending in resignation", () => {
    const csa = ["V2.2", "N+sente", "N-gote", "PI", "+", "+7776FU", "-3334FU", "+8822UM", "-3122GI", "%TORYO", ""].join(
      "\n",
    );
    const rec = importRecord(csa, "game.csa");
    expect(rec.startSfen).toBe(START);
    expect(rec.moves).toEqual(["7g7f", "3c3d", "8h2b+", "3a2b"]);
    expect(rec.result).toEqual({ winner: 1, reason: "resignation" }); // Black to move resigned
    expect(rec.black).toBe("sente");
    expect(rec.white).toBe("gote");
  });

  test("KIF and CSA round-trip a mate from a set-up position", () => {
    // Black mates with G*5b (keisei-python.md §12.2).
    const rec: GameRecord = {
      startSfen: "3lkl3/9/4G4/9/9/9/9/9/4K4 b G 1",
      moves: ["G*5b"],
      result: { winner: 0, reason: "checkmate" },
      black: "keisei",
      white: "random",
    };
    const kif = exportKif(rec);
    expect(kif).toContain("詰み");
    expect(kif).toContain("keisei");
    const csa = exportCsa(rec);
    expect(csa).toContain("%TSUMI");
    for (const text of [kif, csa]) {
      const back = importRecord(text);
      expect(back.startSfen).toBe(rec.startSfen);
      expect(back.moves).toEqual(rec.moves);
      expect(back.result).toEqual(rec.result);
    }
  });

  test("draws by repetition and by the move limit survive the round trip", () => {
    const moves = ["5i5h", "5a5b", "5h5i", "5b5a"];
    for (const result of [
      { winner: null, reason: "repetition" },
      { winner: null, reason: "max_moves" },
    ] as const) {
      const rec: GameRecord = { startSfen: START, moves, result: { ...result } };
      for (const text of [exportKif(rec), exportCsa(rec)]) expect(importRecord(text).result).toEqual({ ...result });
    }
  });

  test("an illegal move is refused and named", () => {
    const csa = ["V2.2", "PI", "+", "+7776FU", "-3334FU", "+2822HI", ""].join("\n"); // the rook cannot jump to 2b
    expect(() => importRecord(csa, "bad.csa")).toThrow(RecordError);
    expect(() => importRecord(csa, "bad.csa")).toThrow(/bad\.csa/);
    expect(() => exportKif({ startSfen: START, moves: ["7g7f", "7f7e"], result: null })).toThrow(/move 2 \(7f7e\)/);
  });
});
