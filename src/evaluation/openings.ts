// Start positions for evaluation (`keisei evaluate --openings SPEC`), fed to the matches as their
// `startSfens`: game pair k starts from position k mod count, once with each colour. Without them
// every game starts from the standard position, and two deterministic players (an engine and an
// argmax network) replay one game.
//
//   random:N[:SEED]  N uniformly random legal plies from the start position, one position per game
//                    pair (SEED defaults to the evaluation's seed); a draw that ends the game
//                    (mate, an impasse) is drawn again
//   FILE             one position per line: a bare SFEN, `sfen …`, `startpos`, or any of them after
//                    `position` and with `moves …`; blank lines and lines starting with # are skipped
//
// Every position is written with move number 1: KIF and CSA records carry no move number, so a
// saved game re-imports to exactly its start, and the move limit counts from the opening.

import { readFileSync } from "node:fs";
import { MAX_LEGAL_MOVES } from "../shogi/movegen.ts";
import { Position } from "../shogi/position.ts";
import { positionFromCommand } from "../shogi/position-command.ts";
import { gameStatus } from "../shogi/rules.ts";
import { Random } from "../util/random.ts";
import { InputError } from "../util/input-error.ts";

export class OpeningsError extends InputError {
  override name = "OpeningsError";
}

export type OpeningsSpec = { kind: "random"; plies: number; seed?: number } | { kind: "file"; path: string };

const RANDOM = /^random:(\d+)(?::(\d+))?$/;

/** Reads `random:N[:SEED]` or a file name; a malformed `random:` spec throws an OpeningsError. */
export function parseOpeningsSpec(spec: string): OpeningsSpec {
  if (!spec.startsWith("random:")) return { kind: "file", path: spec };
  const m = RANDOM.exec(spec);
  if (!m) throw new OpeningsError(`openings "${spec}": expected random:N or random:N:SEED with whole numbers`);
  return { kind: "random", plies: Number(m[1]), seed: m[2] === undefined ? undefined : Number(m[2]) };
}

/** Whether a start position is already over (no game can be played from it). */
const isOver = (pos: Position): boolean => gameStatus(pos, { maxMovesPerGame: 0, impasse: "csa27" }).over;

/** The SFEN of a position as move 1. */
const asMoveOne = (pos: Position): string => pos.toSfen().replace(/ \d+$/, " 1");

/** `count` positions, each `plies` uniformly random legal moves from the start (seeded). */
export function randomOpenings(plies: number, count: number, seed: number): string[] {
  const rng = new Random(seed);
  const moves = new Uint32Array(MAX_LEGAL_MOVES);
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    for (let attempt = 0; ; attempt++) {
      if (attempt === 1000)
        throw new OpeningsError(`random:${plies}: no playable position after 1000 draws (the games keep ending)`);
      const pos = Position.startpos();
      let ok = true;
      for (let i = 0; i < plies && ok; i++) {
        const n = pos.generateLegal(moves);
        if (n === 0) ok = false;
        else pos.makeMove(moves[rng.int(n)]);
      }
      if (ok && !isOver(pos)) {
        out.push(asMoveOne(pos));
        break;
      }
    }
  }
  return out;
}

/** The positions of an openings file; an error names the file and the line. */
export function readOpenings(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new OpeningsError(`openings file ${path}: ${(e as Error).message}`);
  }
  const out: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    let pos: Position;
    try {
      pos = positionFromCommand(line.replace(/^position\s+/, ""));
    } catch (e) {
      throw new OpeningsError(`${path}:${i + 1}: ${(e as Error).message}`);
    }
    if (isOver(pos)) throw new OpeningsError(`${path}:${i + 1}: the game is already over in this position`);
    out.push(asMoveOne(pos));
  });
  if (out.length === 0) throw new OpeningsError(`openings file ${path} holds no position`);
  return out;
}

/** The start positions an openings spec names: `pairs` random ones, or the file's. */
export function loadOpenings(spec: string, o: { pairs: number; seed: number }): string[] {
  const s = parseOpeningsSpec(spec);
  return s.kind === "file" ? readOpenings(s.path) : randomOpenings(s.plies, Math.max(1, o.pairs), s.seed ?? o.seed);
}
