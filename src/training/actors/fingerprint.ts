// What an actor and its learner must agree on to share games: the rules (which moves are legal,
// when a game ends) and the encoding (the observation tensor, the action index of each move, the
// segment format). Each is a digest of what this build really computes on a fixed walk of
// positions, not a version number someone has to remember to bump: a build whose move generator,
// features or action table differ gets a different digest, and the learner's run refuses it by name.

import { createHash } from "node:crypto";
import { moveToAction, NUM_ACTIONS } from "../../shogi/actions.ts";
import { encodeCore46, OBS_SIZE } from "../../shogi/features.ts";
import { MAX_LEGAL_MOVES } from "../../shogi/movegen.ts";
import { Position } from "../../shogi/position.ts";
import { DEFAULT_RULES, gameStatus } from "../../shogi/rules.ts";
import { moveToUsi } from "../../shogi/sfen.ts";
import { SEGMENT_FORMAT } from "./segment.ts";

export interface Fingerprint {
  /** sha256 (16 hex digits) of the legal moves and game results on the walk. */
  rules: string;
  /** sha256 (16 hex digits) of the observations and action indices on the walk, with the segment format. */
  encoding: string;
  /** The build's version text, as `keisei --version` says it (said in messages, not compared). */
  keisei: string;
}

/** Positions the walk starts from: the initial one, and ones with drops, promotions and a mate in reach. */
const WALK_STARTS = [
  "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1",
  "ln1g1g1nl/1r1s1k1b1/p1pppp1pp/6p2/1p7/2P6/PP1PPPPPP/1BG4R1/LN1SKGSNL b S 15",
  "3lkl3/9/4G4/9/9/9/9/9/4K4 b G 1",
  "4k4/9/9/9/9/9/4p4/9/4K4 w g 1",
];
const WALK_PLIES = 60;

let cached: Omit<Fingerprint, "keisei"> | null = null;

/** This build's fingerprint (computed once: a few hundred positions); `version` is the build's version text. */
export function fingerprint(version: string): Fingerprint {
  if (cached) return { ...cached, keisei: version };
  const rules = createHash("sha256");
  const encoding = createHash("sha256");
  encoding.update(`${SEGMENT_FORMAT} obs ${OBS_SIZE} actions ${NUM_ACTIONS}\n`);
  const moves = new Uint32Array(MAX_LEGAL_MOVES);
  const obs = new Float32Array(OBS_SIZE);
  for (const sfen of WALK_STARTS) {
    const pos = Position.fromSfen(sfen);
    for (let ply = 0; ply < WALK_PLIES; ply++) {
      const n = pos.generateLegal(moves);
      const status = gameStatus(pos, DEFAULT_RULES, n);
      const usi = Array.from(moves.subarray(0, n), moveToUsi).sort();
      rules.update(`${pos.toSfen()} ${status.over ? `${status.reason} ${status.winner}` : "on"} ${usi.join(",")}\n`);
      encodeCore46(pos, DEFAULT_RULES.maxMovesPerGame, obs, 0);
      encoding.update(new Uint8Array(obs.buffer));
      encoding.update(Int32Array.from(moves.subarray(0, n), moveToAction).join(","));
      if (status.over) break;
      pos.makeMove(moves[(ply * 7919 + 13) % n]); // a fixed, varied walk
    }
  }
  cached = { rules: rules.digest("hex").slice(0, 16), encoding: encoding.digest("hex").slice(0, 16) };
  return { ...cached, keisei: version };
}

/** What differs between a run's fingerprint and this build's, as a sentence; null when they agree. */
export function fingerprintMismatch(run: Fingerprint, mine: Fingerprint): string | null {
  const parts: string[] = [];
  if (run.rules !== mine.rules) parts.push(`rules ${run.rules} (this build: ${mine.rules})`);
  if (run.encoding !== mine.encoding) parts.push(`encoding ${run.encoding} (this build: ${mine.encoding})`);
  if (parts.length === 0) return null;
  return `it was started by keisei ${run.keisei} with ${parts.join(" and ")}; this is keisei ${mine.keisei}: run the learner's keisei version`;
}
