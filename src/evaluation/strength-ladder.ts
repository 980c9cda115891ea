// The fixed strength ladder (`keisei evaluate --ladder`): the agent against fixed rungs, weakest
// first — random, the capture heuristic, the 1-ply and 2-ply material players, then Debian's USI
// engines — from one seeded, screened opening set, each opening played with both colours. One Elo
// is fitted over all the games at once (elo-fit.ts: maximum likelihood, anchored at random = 0),
// never the sequential K-factor Elo, which depends on the order games were played in.
//
// The rungs are placed on one scale by calibration matches between neighbouring rungs; those depend
// only on the rungs, the openings and the move limit, so they are played once and cached (a JSON
// file keyed by exactly those), and every later ladder run reuses them.

import { existsSync, readFileSync } from "node:fs";
import { mateMove } from "../search/mate.ts";
import { materialBalance } from "../shogi/material.ts";
import { Position } from "../shogi/position.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { type EloFit, fitElo, type PairResult } from "./elo-fit.ts";
import type { Player } from "./opponents.ts";
import { randomOpenings } from "./openings.ts";
import type { MatchResult } from "./report.ts";
import { evaluateSingle, type PlayOptions } from "./strategies.ts";

export interface LadderSettings {
  rungs: string[];
  gamesPerRung: number;
  calibrationGames: number;
  openingPlies: number;
  openingSeed: number;
  maxMoves: number;
}

export interface RungResult {
  /** The rung's spec exactly as configured (its command and options for an engine). */
  spec: string;
  name: string;
  /** The agent's games against it, outcomes from the agent's side. */
  match: MatchResult;
}

export interface LadderReport {
  agent: string;
  settings: LadderSettings;
  openings: string[];
  rungs: RungResult[];
  /** Neighbouring rungs' matches (the stronger rung as the "agent"), cached or played now. */
  calibration: MatchResult[];
  fit: EloFit;
}

/**
 * `count` openings: `plies` random legal moves from the start position (seeded), screened so that
 * neither side is lost at once — no mate in 3 for the side to move, material within a pawn.
 */
export function screenedOpenings(plies: number, count: number, seed: number): string[] {
  const out: string[] = [];
  let batch = 0;
  while (out.length < count) {
    if (batch > 50)
      throw new Error(`ladder openings: fewer than ${count} balanced positions after ${plies} random plies`);
    for (const sfen of randomOpenings(plies, count, seed + 7919 * batch++)) {
      if (out.length < count && balanced(sfen) && !out.includes(sfen)) out.push(sfen);
    }
  }
  return out;
}

/** Neither side lost at once: the side to move is not in check and has no mate in 3, and material is within a pawn. */
export function balanced(sfen: string): boolean {
  const pos = Position.fromSfen(sfen);
  return !pos.inCheck() && Math.abs(materialBalance(pos, pos.sideToMove)) <= 1 && mateMove(pos, 3) === 0;
}

/** What a calibration match depends on: when this key is unchanged, its cached result stands. */
function calibrationKey(a: string, b: string, s: LadderSettings): string {
  return JSON.stringify({
    stronger: a,
    weaker: b,
    games: s.calibrationGames,
    plies: s.openingPlies,
    seed: s.openingSeed,
    maxMoves: s.maxMoves,
  });
}

/** Plays (or reads from `cacheFile`) the calibration matches, then the agent against every rung, and fits the Elo. */
export async function runStrengthLadder(o: {
  agent: Player;
  settings: LadderSettings;
  /** Turns a rung spec into a player. */
  playerOf: (spec: string) => Promise<Player>;
  play: Omit<PlayOptions, "startSfens" | "maxMoves">;
  /** Where calibration results are kept between runs (none: always played). */
  cacheFile?: string;
  say?: (line: string) => void;
}): Promise<LadderReport> {
  const s = o.settings;
  const pairs = Math.ceil(Math.max(s.gamesPerRung, s.calibrationGames) / 2);
  const openings = screenedOpenings(s.openingPlies, pairs, s.openingSeed);
  const play: PlayOptions = { ...o.play, startSfens: openings, maxMoves: s.maxMoves };
  const rungs: Player[] = [];
  try {
    for (const spec of s.rungs) rungs.push(await o.playerOf(spec));

    const cache: Record<string, MatchResult> =
      o.cacheFile && existsSync(o.cacheFile) ? JSON.parse(readFileSync(o.cacheFile, "utf8")) : {};
    const calibration: MatchResult[] = [];
    for (let i = 1; i < rungs.length; i++) {
      const key = calibrationKey(s.rungs[i], s.rungs[i - 1], s);
      let m = cache[key];
      if (!m) {
        o.say?.(`calibrating ${rungs[i].name} against ${rungs[i - 1].name}: ${s.calibrationGames} games`);
        m = await evaluateSingle(rungs[i], rungs[i - 1], s.calibrationGames, play);
        cache[key] = m;
        if (o.cacheFile) writeFileAtomic(o.cacheFile, JSON.stringify(cache));
      }
      calibration.push(m);
    }

    const results: RungResult[] = [];
    for (let i = 0; i < rungs.length; i++) {
      o.say?.(`${o.agent.name} against ${rungs[i].name}: ${s.gamesPerRung} games`);
      results.push({
        spec: s.rungs[i],
        name: rungs[i].name,
        match: await evaluateSingle(o.agent, rungs[i], s.gamesPerRung, play),
      });
    }

    const games: PairResult[] = [...calibration, ...results.map((r) => r.match)].map((m) => ({
      a: m.agent,
      b: m.opponent,
      wins: m.summary.wins,
      draws: m.summary.draws,
      losses: m.summary.losses,
    }));
    const fit = fitElo(games, { anchor: rungs[0].name, anchorRating: 0 });
    return { agent: o.agent.name, settings: s, openings, rungs: results, calibration, fit };
  } finally {
    await Promise.all(rungs.map((r) => r.close?.()));
  }
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const pad = (s: string | number, n: number) => String(s).padStart(n);

/** The ladder as one text table: per rung, the agent's games, W-D-L, per-colour score, endings and the rung's Elo; then the agent's. */
export function renderLadder(r: LadderReport): string {
  const s = r.settings;
  const elo = new Map(r.fit.players.map((p) => [p.name, p]));
  const eloText = (name: string) => {
    const p = elo.get(name);
    return p ? `${p.rating.toFixed(0)} [${p.lower.toFixed(0)}, ${p.upper.toFixed(0)}]` : "-";
  };
  const lines = [
    `strength ladder: ${r.agent}`,
    `  ${s.gamesPerRung} games per rung from ${r.openings.length} openings × 2 colours (${s.openingPlies} random plies, seed ${s.openingSeed}, screened), move limit ${s.maxMoves}`,
    "",
    `${"rung".padEnd(26)}${pad("games", 6)}${pad("W-D-L", 13)}${pad("score", 8)}${pad("Black", 8)}${pad("White", 8)}  ${"mate resign decl rep limit other".padEnd(33)}${pad("rung Elo", 18)}`,
  ];
  for (const rung of r.rungs) {
    const m = rung.match.summary;
    const t = m.terminations;
    const other =
      m.games -
      (t.checkmate ?? 0) -
      (t.resign ?? 0) -
      (t.impasse ?? 0) -
      (t.repetition ?? 0) -
      (t.perpetual_check ?? 0) -
      (t.max_moves ?? 0);
    const endings = [
      t.checkmate ?? 0,
      t.resign ?? 0,
      t.impasse ?? 0,
      (t.repetition ?? 0) + (t.perpetual_check ?? 0),
      t.max_moves ?? 0,
      other,
    ];
    lines.push(
      `${rung.name.padEnd(26)}${pad(m.games, 6)}${pad(`${m.wins}-${m.draws}-${m.losses}`, 13)}${pad(pct(m.score), 8)}${pad(pct(m.byColor.black.score), 8)}${pad(pct(m.byColor.white.score), 8)}  ${[
        4, 7, 5, 4, 6, 6,
      ]
        .map((w, k) => pad(endings[k], w))
        .join("")
        .padEnd(33)}${pad(eloText(rung.name), 18)}`,
    );
  }
  const total = r.fit.players.reduce((n, p) => n + p.games, 0) / 2;
  lines.push(
    "",
    `Elo of ${r.agent}: ${eloText(r.agent)} (95 % interval), fitted by maximum likelihood over all ${total} games (calibration included), ${r.rungs[0]?.name ?? "random"} = 0`,
    "",
    "rungs as configured:",
    ...r.rungs.map((rung) => `  ${rung.name}: ${rung.spec}`),
  );
  return `${lines.join("\n")}\n`;
}
