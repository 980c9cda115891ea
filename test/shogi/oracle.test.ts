// The engine's legal moves, checks and SFENs against tsshogi's, on positions from random playouts
// biased toward checks, captures, promotions and drops (so hands fill up, kings get chased, pieces
// get pinned, pawn drops give check). tsshogi's moves are enumerated independently of ours
// (helpers/tsshogi.ts); both sets must be equal.

import { expect, test } from "bun:test";
import { Square, Position as TPosition } from "tsshogi";
import { countCheckers, MAX_LEGAL_MOVES } from "../../src/shogi/movegen.ts";
import { Position } from "../../src/shogi/position.ts";
import { moveToUsi } from "../../src/shogi/sfen.ts";
import { moveIsDrop, moveIsPromote, moveTo } from "../../src/shogi/types.ts";
import { mulberry32 } from "./helpers/random.ts";
import { tsshogiLegalMoves } from "./helpers/tsshogi.ts";

const STARTS = [
  "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1",
  "l6nl/5+P1gk/2np1S3/p1p4Pp/3P2Sp1/1PPb2P1P/P5GS1/R8/LN4bKL w RGgsn5p 1",
  "R8/2K1S1SSk/4B4/9/9/9/9/9/1L1L1L3 b RBGSNLP3g3n17p 1",
  // Bare kings, every other piece in hand: drop-heavy play, checks from all sides, pawn-drop mates.
  "4k4/9/9/9/9/9/9/9/4K4 b R2B2G2S2N2L9Prg2s2n2l9p 1",
  "3gk4/9/4p4/9/9/9/9/9/4K4 b RBG3S4N4L16Prbg 1",
  // Kings in corners with pawns and lines in hand: boxed kings, pawn-drop checks, pins.
  "k8/9/9/9/9/9/9/9/8K b RB2G2S2N2L9Prb2g2s2n2l9p 1",
  "ln5kl/6g2/4psnpp/9/9/9/PPNSP4/2G6/LK5NL b RBGSPrbgs8p 1",
  // Pieces lined up in front of sliders: discovered and double checks, pins on both sides.
  "4k4/9/9/9/4N4/9/9/4R4/4K4 b G2S2Pg2s2p 1",
  "3k5/9/9/6S2/7B1/9/9/9/4K4 b RGN2Prgn2p 1",
];

interface Coverage {
  positions: number;
  inCheck: number;
  doubleCheck: number;
  pawnDropMates: number; // positions where tsshogi rejects a checking pawn drop as mate
  withDrops: number;
  withPromotions: number;
  checkmates: number;
  moves: number;
}

test("legal move sets, checks, SFENs and position keys equal tsshogi's on ≥ 1 000 random-playout positions", () => {
  const rng = mulberry32(20240611);
  const moves = new Uint32Array(MAX_LEGAL_MOVES);
  const weights = new Float64Array(MAX_LEGAL_MOVES);
  const cov: Coverage = {
    positions: 0,
    inCheck: 0,
    doubleCheck: 0,
    pawnDropMates: 0,
    withDrops: 0,
    withPromotions: 0,
    checkmates: 0,
    moves: 0,
  };
  const failures: string[] = [];

  for (let game = 0; cov.positions < 3000 && failures.length === 0; game++) {
    const sfen = STARTS[game % STARTS.length];
    const pos = Position.fromSfen(sfen);
    const tpos = TPosition.newBySFEN(sfen)!;
    for (let ply = 0; ply < 60; ply++) {
      const n = pos.generateLegal(moves, 0);
      const ours = Array.from(moves.subarray(0, n), moveToUsi).sort();
      const tmoves = tsshogiLegalMoves(tpos);
      const theirs = tmoves.map((m) => m.usi).sort();
      cov.positions++;
      cov.moves += n;
      if (pos.inCheck()) cov.inCheck++;
      if (tsshogiCheckers(tpos) >= 2) cov.doubleCheck++;
      if (hasMatingPawnDrop(tpos)) cov.pawnDropMates++;
      if (ours.some((u) => u.includes("*"))) cov.withDrops++;
      if (ours.some((u) => u.endsWith("+"))) cov.withPromotions++;

      const sfenNow = pos.toSfen();
      if (sfenNow !== tpos.getSFEN(pos.ply + 1))
        failures.push(`SFEN ${sfenNow} vs tsshogi ${tpos.getSFEN(pos.ply + 1)}`);
      // Round trips: our SFEN read back by us (same position key as the incremental one) and by tsshogi.
      const reread = Position.fromSfen(sfenNow);
      if (reread.toSfen() !== sfenNow || reread.hashLo !== pos.hashLo || reread.hashHi !== pos.hashHi) {
        failures.push(`SFEN/hash round trip of ${sfenNow}`);
      }
      if (TPosition.newBySFEN(sfenNow)?.getSFEN(pos.ply + 1) !== sfenNow)
        failures.push(`tsshogi re-reads ${sfenNow} differently`);
      if (pos.inCheck() !== tpos.checked)
        failures.push(`in check ${pos.inCheck()} vs tsshogi ${tpos.checked} in ${sfenNow}`);
      const missing = theirs.filter((u) => !ours.includes(u));
      const extra = ours.filter((u) => !theirs.includes(u));
      if (missing.length > 0 || extra.length > 0 || ours.length !== new Set(ours).size) {
        failures.push(
          `${sfenNow}: missing ${missing.join(" ")}; extra ${extra.join(" ")}; ours ${ours.length} theirs ${theirs.length}`,
        );
      }
      if (failures.length > 0 || n === 0) {
        if (n === 0 && pos.inCheck()) cov.checkmates++;
        break;
      }

      // Biased choice: checks, captures, promotions and drops are more likely than quiet moves.
      let total = 0;
      for (let i = 0; i < n; i++) {
        const m = moves[i];
        let w = 1;
        if (!moveIsDrop(m) && pos.board[moveTo(m)] !== 0) w += 4;
        if (moveIsPromote(m)) w += 2;
        pos.makeMove(m);
        if (pos.inCheck()) w += countCheckers(pos) === 2 ? 300 : 6;
        pos.unmakeMove();
        weights[i] = w;
        total += w;
      }
      let r = rng() * total,
        pick = 0;
      while (pick < n - 1) {
        r -= weights[pick];
        if (r <= 0) break;
        pick++;
      }
      const move = moves[pick];
      const usi = moveToUsi(move);
      pos.makeMove(move);
      const tmove = tpos.createMoveByUSI(usi);
      if (tmove === null || !tpos.doMove(tmove)) {
        failures.push(`tsshogi refused ${usi} in ${sfenNow}`);
        break;
      }
    }
  }

  console.log("oracle coverage", cov);
  expect(failures.slice(0, 5)).toEqual([]);
  expect(cov.positions).toBeGreaterThanOrEqual(1000);
  // The sample must actually exercise the hard parts, not only quiet openings.
  expect(cov.inCheck).toBeGreaterThanOrEqual(150);
  expect(cov.doubleCheck).toBeGreaterThanOrEqual(5);
  expect(cov.pawnDropMates).toBeGreaterThanOrEqual(3);
  expect(cov.withDrops).toBeGreaterThanOrEqual(700);
  expect(cov.withPromotions).toBeGreaterThanOrEqual(300);
}, 120_000);

/** Pieces attacking the side to move's king, by tsshogi's own attack listing. */
function tsshogiCheckers(tpos: TPosition): number {
  const king = tpos.board.listSquaresByColor(tpos.color).find((sq) => tpos.board.at(sq)?.type === "king");
  if (king === undefined) return 0;
  return tpos.listAttackers(king).filter((sq) => tpos.board.at(sq)?.color !== tpos.color).length;
}

/** True when a pawn drop here would give mate (tsshogi's uchifuzume test), i.e. the rule bites. */
function hasMatingPawnDrop(tpos: TPosition): boolean {
  if (tpos.hand(tpos.color).count("pawn" as never) === 0) return false;
  for (let index = 0; index < 81; index++) {
    const move = tpos.createMove("pawn" as never, squareAt(index));
    if (move !== null && !tpos.board.at(move.to) && tpos.isPawnDropMate(move)) return true;
  }
  return false;
}

const squareAt = (index: number) => Square.newByIndex(index);
