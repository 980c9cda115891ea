// The material players of the strength ladder (material-players.ts) on exact tactics, each position
// reasoned out in its comment, from both sides; their determinism; and short matches through
// playMatch against the players below them (heuristic, random).
//
// Values (shogi/material.ts, pawn units): P 1, L 3.5, N 4.5, S 5.5, G 6, B 9.5, R 11, +R 15.5,
// +B 10.5, the other promoted pieces 6. A capture gains the piece's board value plus its value in hand.
import { describe, expect, test } from "bun:test";
import {
  MATE,
  MaterialOnePlyPolicy,
  MaterialSearchPolicy,
  materialOnePlyPlayer,
  materialSearchPlayer,
  moveGain,
  REPEAT_DRAW,
  REPEAT_PERPETUAL,
} from "../../src/evaluation/material-players.ts";
import { playMatch } from "../../src/evaluation/match.ts";
import { heuristicPlayer, randomPlayer } from "../../src/evaluation/opponents.ts";
import { randomOpenings } from "../../src/evaluation/openings.ts";
import { summarize, summaryLines } from "../../src/evaluation/report.ts";
import { mateMove } from "../../src/search/mate.ts";
import { actionToMove } from "../../src/shogi/actions.ts";
import { materialBalance } from "../../src/shogi/material.ts";
import { MAX_LEGAL_MOVES } from "../../src/shogi/movegen.ts";
import { Position } from "../../src/shogi/position.ts";
import { moveToUsi, parseUsiMove, START_SFEN } from "../../src/shogi/sfen.ts";
import { batchOf } from "./helpers.ts";

const onePly = (sfen: string, seed?: number): string => moveToUsi(new MaterialOnePlyPolicy(seed).chooseSfen(sfen));
const search = (sfen: string, depth = 2): { move: string; score: number } => {
  const p = new MaterialSearchPolicy(depth);
  const move = moveToUsi(p.chooseSfen(sfen));
  return { move, score: p.lastScore };
};
/** A position after `moves` (USI) from `sfen`: the game's history comes with it. */
const after = (sfen: string, moves: string): Position => {
  const pos = Position.fromSfen(sfen);
  for (const usi of moves.split(" ")) pos.makeMove(parseUsiMove(pos, usi));
  return pos;
};
/** A USI move seen from the other side (the board turned 180°). */
const turnSquare = (sq: string): string => `${10 - Number(sq[0])}${String.fromCharCode(202 - sq.charCodeAt(1))}`;
const turnMove = (usi: string): string =>
  usi[1] === "*"
    ? `${usi.slice(0, 2)}${turnSquare(usi.slice(2, 4))}`
    : `${turnSquare(usi.slice(0, 2))}${turnSquare(usi.slice(2, 4))}${usi.slice(4)}`;
const balance = (sfen: string): number => {
  const pos = Position.fromSfen(sfen);
  return materialBalance(pos, pos.sideToMove);
};

// ---- positions ----------------------------------------------------------------------------------

/** A middle game (material-1ply self-play from a random opening), White to move; Black has a horse and a +N. */
const MIDDLE_GAME = "1ns1g2ns/1r6l/2p+B+N1k1p/lp1B1pgp1/2P3p2/3PPP3/PP3SPPP/L2G2R1L/1G2K2N1 w 3Ps 52";

/** Black R 5h; White B 5e and G 2h, both undefended: R×B (+19) beats R×G (+12). */
const TWO_FREE = "k8/9/9/9/4b4/9/9/4R2g1/3K5 b - 1";
/** The same, turned round for White: R 5b takes the bishop on 5e. */
const TWO_FREE_WHITE = "5k3/1G2r4/9/9/4B4/9/9/9/8K w - 1";
/** Black R 7g, White G 7e alone (White's king on 5a is far): R×G is free, +12. */
const FREE_GOLD = "4k4/9/9/9/2g6/9/2R6/9/4K4 b - 1";
/**
 * Black R 5f is attacked by the pawn on 5e, which White's silver 4d defends: R×P gains 2 and loses
 * the rook to S×R (22), −20 net; any rook move off the file keeps the balance.
 */
const DEFENDED_PAWN = "4k4/9/9/5s3/4p4/4R4/9/9/4K4 b - 1";
/**
 * G*5b mates (the gold covers 4a 6a 4b 6b, the pawn on 5c defends it); L×R on 1h would win 22 but
 * is not mate.
 */
const MATE1 = "4k4/9/4P4/9/9/9/9/8r/4K3L b G 1";
/** The same turned round: White's G*5h mates (pawn 5g defends it); L×R on 9b is the bait. */
const MATE1_WHITE = "l3k4/R8/9/9/9/9/4p4/9/4K4 w g 1";
/**
 * Black's silver 7e stands between White's rook 9e and Black's undefended bishop 3e. S×P on 6d is
 * +2 and safe on its square (the one-move exchange sees nothing), but it opens the rank: R×B, −19.
 * (The silver itself is defended by the gold 7f, so R×S now would lose the rook.)
 */
const DISCOVERED_HANG = "4k4/9/9/3p5/r1S3B2/2G6/9/9/4K4 b - 1";
/**
 * White's pawn 5d (attacking Black's silver 5e) is defended once, by the gold 5c; Black attacks it
 * twice, with the silver and the rook 5h behind it. S×P (+2), G×S (−11), R×G (+12) nets +3, and
 * White does better to decline (G5b: Black keeps +2). The one-move exchange sees only S×P G×S, −9;
 * a depth-2 search without quiescence stops after G×S and sees −9 too.
 */
const EXCHANGE = "8k/9/4g4/4p4/4S4/9/9/4R4/8K b - 1";
/** EXCHANGE turned round: White's silver 5e takes on 5f. */
const EXCHANGE_WHITE = "k8/4r4/9/9/4s4/4P4/4G4/9/K8 w - 1";
/**
 * N*5c checks the king on 6a and attacks the rook on 4a: the king must step away, then N×R
 * (promoting, +23.5; a king on 5a/5b retakes the +N, −10.5): at least +13.
 */
const CHECK_FORK = "3k1r3/9/9/9/9/9/9/9/4K4 b N 1";
/** CHECK_FORK turned round: White's N*5g forks the king on 4i and the rook on 6i. */
const CHECK_FORK_WHITE = "4k4/9/9/9/9/9/9/9/3R1K3 w n 1";
/**
 * N*5c attacks White's gold 6a and rook 4a at once (no check; Black's king on 1i is shut in by
 * its gold 2i and pawn 1h, so no rook check can delay). White's best is R5a, guarding the gold:
 * N×G+ (+13.5), R×+N (−10.5), +3. Every other move keeps the balance.
 */
const QUIET_FORK = "3g1r3/9/9/9/9/9/9/8P/k6GK b N 1";
/**
 * Mate in 3 and none in 1: R*1c+ (or the rook dropped anywhere down the 1-file; the king cannot step
 * to 2b, which the pawn 2c covers), G2a-1b interposing (the only defence), G*2b mate (the gold is
 * defended by the pawn 2c).
 */
const MATE3 = "7gk/9/7P1/9/9/9/9/9/4K4 b RG 1";
const MATE3_FIRST = ["R*1c", "R*1d", "R*1e", "R*1f", "R*1g", "R*1h", "R*1i"];

// ---- material-1ply ------------------------------------------------------------------------------

describe("material-1ply", () => {
  test("takes a free piece", () => {
    expect(onePly(FREE_GOLD)).toBe("7g7e");
  });

  test("takes the bigger of two free pieces, from either side", () => {
    expect(onePly(TWO_FREE)).toBe("5h5e");
    expect(onePly(TWO_FREE_WHITE)).toBe("5b5e");
  });

  test("does not take a pawn a silver defends with its rook: the recapture costs more", () => {
    const policy = new MaterialOnePlyPolicy();
    const pos = Position.fromSfen(DEFENDED_PAWN);
    const base = materialBalance(pos, pos.sideToMove);
    const scores = new Map(policy.scores(pos).map(({ move, score }) => [moveToUsi(move), score]));
    expect(scores.get("5f5e")).toBe(base + 2 - 22);
    expect(scores.get("5f4f")).toBe(base); // off the file, out of every attack
    expect(onePly(DEFENDED_PAWN)).not.toBe("5f5e");
    expect(scores.get(onePly(DEFENDED_PAWN))).toBe(base);
  });

  test("plays a mate in 1 rather than win a rook, from either side", () => {
    expect(onePly(MATE1)).toBe("G*5b");
    expect(onePly(MATE1_WHITE)).toBe("G*5h");
  });

  test("misjudges what only a deeper look sees (the positions the search must get right)", () => {
    expect(onePly(DISCOVERED_HANG)).toBe("7e6d");
    expect(onePly(EXCHANGE)).not.toBe("5e5d");
    expect(onePly(QUIET_FORK)).not.toBe("N*5c");
  });

  test("moveGain is the change of materialBalance, over every legal move of a middle game", () => {
    const pos = Position.fromSfen(MIDDLE_GAME);
    const moves = new Uint32Array(MAX_LEGAL_MOVES);
    const n = pos.generateLegal(moves);
    const before = materialBalance(pos, pos.sideToMove);
    for (let i = 0; i < n; i++) {
      const gain = moveGain(pos.board, moves[i]);
      const us = pos.sideToMove;
      pos.makeMove(moves[i]);
      expect(materialBalance(pos, us) - before).toBe(gain);
      pos.unmakeMove();
    }
  });

  test("ties: the first in tie order without a seed; with one, drawn per seed and position, the same every time", () => {
    const sfen = "4k4/9/9/9/9/9/9/9/4K4 b G 1"; // king moves and gold drops: all score 0
    expect(onePly(sfen)).toBe(onePly(sfen));
    const seen = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const a = onePly(sfen, seed);
      expect(onePly(sfen, seed)).toBe(a);
      seen.add(a);
    }
    expect(seen.size).toBeGreaterThan(5);
    // A seeded player still takes the free piece: the seed only breaks ties.
    expect(onePly(FREE_GOLD, 9)).toBe("7g7e");
  });

  test("equal-scored choices are the same for both colours (the board turned round)", () => {
    // Each pair: a position and the same position turned 180° with the colours swapped.
    const pairs = [
      [START_SFEN, START_SFEN.replace(" b ", " w ")],
      ["4k4/9/9/9/9/9/9/9/4K4 b G 1", "4k4/9/9/9/9/9/9/9/4K4 w g 1"],
      [
        "lnsgkgsnl/1r5b1/ppppppppp/9/9/2P6/PP1PPPPPP/1B5R1/LNSGKGSNL b - 1",
        "lnsgkgsnl/1r5b1/pppppp1pp/6p2/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL w - 1",
      ],
    ];
    for (const [black, white] of pairs) {
      expect(turnMove(onePly(black))).toBe(onePly(white));
      expect(turnMove(search(black).move)).toBe(search(white).move);
    }
    expect(onePly(START_SFEN)).toBe("9g9f"); // the piece nearest the enemy camp, as the mover sees it
  });
});

// ---- material-2ply: alpha-beta + quiescence ------------------------------------------------------

describe("material-2ply", () => {
  test("does not open a line that hangs its bishop two plies later", () => {
    const r = search(DISCOVERED_HANG);
    expect(r.move).not.toBe("7e6d");
    expect(r.score).toBeGreaterThanOrEqual(balance(DISCOVERED_HANG));
  });

  test("wins the twice-attacked, once-defended pawn (quiescence), from either side", () => {
    for (const [sfen, move] of [
      [EXCHANGE, "5e5d"],
      [EXCHANGE_WHITE, "5e5f"],
    ] as const) {
      const r = search(sfen);
      expect(r.move).toBe(move);
      expect(r.score).toBe(balance(sfen) + 2); // White declines the exchange: Black keeps the pawn
    }
  });

  test("mates in 1, from either side, scoring MATE − 1", () => {
    expect(search(MATE1)).toEqual({ move: "G*5b", score: MATE - 1 });
    expect(search(MATE1_WHITE)).toEqual({ move: "G*5h", score: MATE - 1 });
  });

  test("forks the king and the rook with a knight drop, from either side", () => {
    for (const [sfen, move] of [
      [CHECK_FORK, "N*5c"],
      [CHECK_FORK_WHITE, "N*5g"],
    ] as const) {
      const r = search(sfen);
      expect(r.move).toBe(move);
      expect(r.score).toBe(balance(sfen) + 13);
    }
  });

  test("forks a gold and a rook (no check) and wins the gold for the knight", () => {
    for (const depth of [2, 3]) {
      const r = search(QUIET_FORK, depth);
      expect(r.move).toBe("N*5c");
      expect(r.score).toBe(balance(QUIET_FORK) + 3);
    }
  });

  test("depth 3 finds the mate in 3 (scoring MATE − 3); depth 2 cannot see it", () => {
    expect(mateMove(Position.fromSfen(MATE3), 1)).toBe(0);
    expect(mateMove(Position.fromSfen(MATE3), 3)).not.toBe(0);
    const deep = search(MATE3, 3);
    expect(MATE3_FIRST).toContain(deep.move);
    expect(deep.score).toBe(MATE - 3);
    expect(search(MATE3, 2).score).toBeLessThan(MATE - 1000);
    // Played out against every defence, the line ends in mate: after the drop, each reply has a mate in 1.
    const pos = Position.fromSfen(MATE3);
    pos.makeMove(parseUsiMove(pos, deep.move));
    const replies = new Uint32Array(MAX_LEGAL_MOVES);
    const n = pos.generateLegal(replies);
    expect(n).toBeGreaterThan(0);
    const policy = new MaterialSearchPolicy(1);
    for (let i = 0; i < n; i++) {
      pos.makeMove(replies[i]);
      policy.choose(pos);
      expect(policy.lastScore).toBe(MATE - 1);
      pos.unmakeMove();
    }
  });

  test("is deterministic and leaves the game's position untouched", async () => {
    const sfen = MIDDLE_GAME;
    expect(search(sfen).move).toBe(search(sfen).move);
    const player = materialSearchPlayer();
    expect(player.name).toBe("material-2ply");
    const pos = Position.fromSfen(sfen);
    const batch = batchOf([sfen, sfen]);
    const game = { slot: 0, game: 0, startSfen: sfen, moves: [], position: pos };
    const policy = player.policy as MaterialSearchPolicy;
    expect(await policy.actInGames(batch, [game, { ...game, slot: 1 }])).toEqual([undefined, undefined]);
    expect(batch.actions[0]).toBe(batch.actions[1]);
    expect(moveToUsi(actionToMove(batch.actions[0]))).toBe(search(sfen).move);
    expect(pos.toSfen()).toBe(sfen);
    expect(pos.played).toBe(0);
  });

  test("at the root, it avoids repeating a position when level, repeats when behind, never by perpetual check", () => {
    const kings = "4k4/9/9/9/9/9/9/9/4K4 b - 1";
    const policy = new MaterialSearchPolicy(2);
    expect(search(kings).move).toBe("5i6h"); // first in tie order
    // Level: going back to 6h repeats the position after move 1, a draw less a quarter pawn.
    expect(moveToUsi(policy.choose(after(kings, "5i6h 5a4b 6h5i 4b5a")))).toBe("5i5h");
    expect(policy.lastScore).toBe(0);
    // Six pawns behind (White holds a gold): the repetition is the best there is.
    const behind = "4k4/9/9/9/9/9/9/9/4K4 b g 1";
    expect(search(behind).move).toBe("5i6h");
    expect(moveToUsi(policy.choose(after(behind, "5i5h 5a5b 5h5i 5b5a")))).toBe("5i5h");
    expect(policy.lastScore).toBe(REPEAT_DRAW);
    // Behind too (White holds R+G, Black has a rook), but 2e1e would repeat by checking on every move:
    // perpetual check, which loses; so the rook leaves the king alone.
    const perpetual = after("8k/9/9/9/6R2/9/9/9/4K4 b rg 1", "3e1e 1a2a 1e2e 2a1a");
    const move = moveToUsi(policy.choose(perpetual));
    expect(move).not.toBe("2e1e");
    expect(policy.lastScore).toBeGreaterThan(REPEAT_PERPETUAL);
    expect(policy.lastScore).toBeLessThan(REPEAT_DRAW);
  });

  test("quiescence: the balance after the best capture sequence, for the side to move", () => {
    const q = (sfen: string) => new MaterialSearchPolicy(1).quiescence(Position.fromSfen(sfen));
    expect(q(FREE_GOLD)).toBe(balance(FREE_GOLD) + 12); // R×G, nothing recaptures
    expect(q(TWO_FREE)).toBe(balance(TWO_FREE) + 19); // R×B, the larger of the two
    expect(q(DEFENDED_PAWN)).toBe(balance(DEFENDED_PAWN)); // R×P loses the rook: stand pat
    expect(q(EXCHANGE)).toBe(balance(EXCHANGE) + 2); // S×P; G×S would lose the gold to R×G
    expect(q(MATE1)).toBe(balance(MATE1) + 22); // drops are not captures: L×R, the mate unseen
  });

  test("act alone throws: the players need the game", () => {
    expect(() => materialSearchPlayer().policy.act(batchOf([FREE_GOLD]))).toThrow(/needs the game/);
    expect(() => materialOnePlyPlayer().policy.act(batchOf([FREE_GOLD]))).toThrow(/needs the game/);
    expect(() => new MaterialSearchPolicy(0)).toThrow(RangeError);
  });
});

// ---- matches ------------------------------------------------------------------------------------

describe("the ladder in matches", () => {
  const startSfens = randomOpenings(6, 10, 2024);

  test("material-2ply scores at least 70 % against the capture heuristic, at well under 50 ms a move", async () => {
    const t0 = performance.now();
    const games = await playMatch(materialSearchPlayer().policy, heuristicPlayer(11).policy, {
      games: 20,
      maxMoves: 200,
      startSfens,
    });
    const s = summarize(games);
    console.log(
      `material-2ply vs heuristic: ${summaryLines(s).join("; ")} (${(performance.now() - t0).toFixed(0)} ms)`,
    );
    expect(s.games).toBe(20);
    expect(s.score).toBeGreaterThanOrEqual(0.7);
    // Its speed on the positions of these games from ply 20 on, with their history.
    const policy = new MaterialSearchPolicy(2);
    const moves = new Uint32Array(MAX_LEGAL_MOVES);
    let total = 0,
      count = 0;
    for (const g of games) {
      const pos = Position.fromSfen(g.startSfen);
      for (let i = 0; i < g.moves.length; i++) {
        if (i >= 20 && i % 2 === 0 && pos.generateLegal(moves) > 0) {
          const start = performance.now();
          policy.choose(pos);
          total += performance.now() - start;
          count++;
        }
        pos.makeMove(parseUsiMove(pos, g.moves[i]));
      }
    }
    console.log(`material-2ply: ${(total / count).toFixed(2)} ms/move over ${count} positions`);
    expect(count).toBeGreaterThan(100);
    expect(total / count).toBeLessThan(50);
  });

  test("material-2ply scores at least 80 % against material-1ply", async () => {
    const t0 = performance.now();
    const games = await playMatch(materialSearchPlayer().policy, materialOnePlyPlayer().policy, {
      games: 20,
      maxMoves: 200,
      startSfens,
    });
    const s = summarize(games);
    console.log(
      `material-2ply vs material-1ply: ${summaryLines(s).join("; ")} (${(performance.now() - t0).toFixed(0)} ms)`,
    );
    expect(s.score).toBeGreaterThanOrEqual(0.8);
  });

  test("material-1ply scores at least 80 % against random", async () => {
    const t0 = performance.now();
    const games = await playMatch(materialOnePlyPlayer().policy, randomPlayer(12).policy, {
      games: 20,
      maxMoves: 200,
      startSfens,
    });
    const s = summarize(games);
    console.log(`material-1ply vs random: ${summaryLines(s).join("; ")} (${(performance.now() - t0).toFixed(0)} ms)`);
    expect(s.games).toBe(20);
    expect(s.score).toBeGreaterThanOrEqual(0.8);
  });
});
