// Move-generation speed: perft leaves per second for keisei and for tsshogi (an independent
// TypeScript shogi library, dev-only) on the same positions and depths, from one run.
//
//   bun bench/movegen.ts
//
// keisei's figure is the best of three runs after a warm-up (the JIT needs one); tsshogi's is a
// single run (it takes tens of seconds). Both bulk-count the last ply.

import { Position as TsshogiPosition } from "tsshogi";
import { perft } from "../src/shogi/perft.ts";
import { Position } from "../src/shogi/position.ts";
import { tsshogiLegalMoves, tsshogiPerft } from "../test/shogi/helpers/tsshogi.ts";
import type { ActBatch } from "../src/rl/acting.ts";
import { SelfPlay } from "../src/rl/selfplay.ts";
import { UniformPolicy } from "../src/rl/uniform-policy.ts";
import { NUM_ACTIONS } from "../src/shogi/actions.ts";

export interface PerftBenchCase {
  name: string;
  sfen: string;
  depth: number;
  leaves: number;
}

export const PERFT_BENCH_CASES: readonly PerftBenchCase[] = [
  {
    name: "start position",
    sfen: "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1",
    depth: 5,
    leaves: 19_861_490,
  },
  {
    name: "matsuri",
    sfen: "l6nl/5+P1gk/2np1S3/p1p4Pp/3P2Sp1/1PPb2P1P/P5GS1/R8/LN4bKL w RGgsn5p 1",
    depth: 3,
    leaves: 4_809_015,
  },
];

export interface PerftBenchResult {
  name: string;
  depth: number;
  leaves: number;
  keiseiLeavesPerSecond: number;
  tsshogiLeavesPerSecond: number;
}

function timed(run: () => number, expected: number, label: string): number {
  const start = performance.now();
  const leaves = run();
  const seconds = (performance.now() - start) / 1000;
  if (leaves !== expected) throw new Error(`${label}: perft gave ${leaves}, expected ${expected}`);
  return leaves / seconds;
}

/** Runs every case for keisei (best of 3 after a warm-up) and tsshogi (one run). */
export function runPerftBench(log: (line: string) => void = () => {}): PerftBenchResult[] {
  const results: PerftBenchResult[] = [];
  for (const c of PERFT_BENCH_CASES) {
    const pos = Position.fromSfen(c.sfen);
    perft(pos, c.depth - 1); // warm-up
    let keisei = 0;
    for (let i = 0; i < 3; i++)
      keisei = Math.max(
        keisei,
        timed(() => perft(pos, c.depth), c.leaves, `keisei ${c.name}`),
      );
    log(`keisei  ${c.name} depth ${c.depth}: ${(keisei / 1e6).toFixed(2)} M leaves/s`);
    const tpos = TsshogiPosition.newBySFEN(c.sfen);
    if (tpos === null) throw new Error(`tsshogi refused ${c.sfen}`);
    const tsshogi = timed(() => tsshogiPerft(tpos, c.depth), c.leaves, `tsshogi ${c.name}`);
    log(`tsshogi ${c.name} depth ${c.depth}: ${(tsshogi / 1e6).toFixed(2)} M leaves/s`);
    results.push({
      name: c.name,
      depth: c.depth,
      leaves: c.leaves,
      keiseiLeavesPerSecond: keisei,
      tsshogiLeavesPerSecond: tsshogi,
    });
  }
  return results;
}

if (import.meta.main) {
  console.log("perft (bulk-counted leaves per second)");
  const results = runPerftBench(console.log);
  console.log("");
  console.log("position            depth       leaves   keisei M/s  tsshogi M/s   ratio");
  for (const r of results) {
    console.log(
      `${r.name.padEnd(18)} ${String(r.depth).padStart(6)} ${r.leaves.toLocaleString("en-US").padStart(12)} ` +
        `${(r.keiseiLeavesPerSecond / 1e6).toFixed(2).padStart(12)} ${(r.tsshogiLeavesPerSecond / 1e6).toFixed(2).padStart(12)} ` +
        `${(r.keiseiLeavesPerSecond / r.tsshogiLeavesPerSecond).toFixed(1).padStart(6)}×`,
    );
  }

  console.log("");
  console.log(
    "random self-play, one thread (legal moves, observation and legal-action list every ply; games restart at once)",
  );
  const sp = await runSelfPlayBench(64, 3);
  const dense = await runSelfPlayBench(64, 3, true);
  const ts = runTsshogiSelfPlay(2);
  console.log(`keisei   ${fmt(sp)} plies/s   (${sp.games} games finished)`);
  console.log(`keisei   ${fmt(dense)} plies/s   with a dense 13 527-byte legal mask built every ply as well`);
  console.log(`tsshogi  ${fmt(ts)} plies/s   (legal-move listing + random move only: no observation, no mask)`);
  console.log(
    `ratio    ${(sp.pliesPerSecond / ts.pliesPerSecond).toFixed(1)}× tsshogi; the Python reference measured ~18.6 plies/s on this machine class (keisei-python.md §13.1; not re-run here)`,
  );
}

function fmt(r: { pliesPerSecond: number }): string {
  return Math.round(r.pliesPerSecond).toLocaleString("en-US").padStart(10);
}

/**
 * Self-play plies per second with a uniform random policy: every ply generates the legal moves,
 * encodes the 46-plane observation, lists the legal actions (the rollout's mask), checks the game
 * end, and restarts finished games — everything self-play does but the network.
 */
export async function runSelfPlayBench(
  numGames: number,
  seconds: number,
  denseMask = false,
): Promise<{ pliesPerSecond: number; games: number }> {
  const sp = new SelfPlay(numGames, { maxMovesPerGame: 500, impasse: "csa27" });
  const uniform = new UniformPolicy(1);
  const mask = new Uint8Array(NUM_ACTIONS);
  const policy = {
    act(b: ActBatch) {
      uniform.act(b);
      if (!denseMask) return;
      for (let i = 0; i < b.n; i++) {
        mask.fill(0);
        for (let k = b.legalOffsets[i]; k < b.legalOffsets[i + 1]; k++) mask[b.legalActions[k]] = 1;
      }
    },
  };
  const run = async (limit: number) => {
    let plies = 0,
      games = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < limit * 1000) {
      games += (await sp.step(policy, null)).length;
      plies += numGames;
    }
    return { pliesPerSecond: plies / ((performance.now() - t0) / 1000), games };
  };
  await run(0.5); // warm-up
  return run(seconds);
}

/** The same random playout with tsshogi listing the legal moves (no observation or mask). */
function runTsshogiSelfPlay(seconds: number): { pliesPerSecond: number } {
  let rng = 1;
  const rand = (n: number) => {
    rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0;
    return rng % n;
  };
  const start = TsshogiPosition.newBySFEN(PERFT_BENCH_CASES[0].sfen)!;
  let pos = start.clone();
  let plies = 0,
    ply = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const moves = tsshogiLegalMoves(pos);
    if (moves.length === 0 || ply >= 500) {
      pos = start.clone();
      ply = 0;
      continue;
    }
    pos.doMove(moves[rand(moves.length)], { ignoreValidation: true });
    plies++;
    ply++;
  }
  return { pliesPerSecond: plies / ((performance.now() - t0) / 1000) };
}
