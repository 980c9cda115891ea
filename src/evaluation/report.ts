// Match results: tallies, a confidence interval, lengths and termination reasons, rendered as text,
// JSON or Markdown; and the games themselves saved as KIF and CSA.
//
// The confidence interval is the 95 % Wilson score interval on the score s = (wins + ½·draws) / n,
// treating a draw as half a success. Wilson stays inside [0, 1] and behaves near 0 % and 100 %
// (where a normal approximation collapses to a zero-width interval); counting draws as half
// successes makes it slightly conservative, since a draw varies less than a coin flip.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportCsa, exportKif, type GameRecord, type GameResult } from "../shogi/record.ts";
import { BLACK } from "../shogi/types.ts";
import type { Rating } from "./elo.ts";
import type { MatchEndReason, PlayedGame } from "./match.ts";
import type { BenchmarkCaseResult, LadderRound, Standing, StrategyName } from "./strategies.ts";

export type ReportFormat = "text" | "json" | "md";

export const Z95 = 1.959963984540054;

export interface Tally {
  games: number;
  wins: number;
  losses: number;
  draws: number;
  /** (wins + ½·draws) / games; 0 when no games. */
  score: number;
}

export interface MatchSummary extends Tally {
  winRate: number;
  lossRate: number;
  drawRate: number;
  /** 95 % Wilson score interval on `score`. */
  scoreInterval: [number, number];
  /** The Elo difference the score implies, −400·log10(1/s − 1); null at 0 % or 100 %. */
  eloDifference: number | null;
  byColor: { black: Tally; white: Tally };
  length: { mean: number; min: number; max: number };
  terminations: Partial<Record<MatchEndReason, number>>;
}

/** A match between two named players and what came of it (outcomes from `agent`'s side). */
export interface MatchResult {
  agent: string;
  opponent: string;
  summary: MatchSummary;
  games: PlayedGame[];
}

/** Wilson score interval for `successes` (may be fractional) out of `n`. */
export function wilsonInterval(successes: number, n: number, z = Z95): [number, number] {
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export function tally(games: readonly PlayedGame[]): Tally {
  let wins = 0,
    losses = 0,
    draws = 0;
  for (const g of games) {
    if (g.outcome === "win") wins++;
    else if (g.outcome === "loss") losses++;
    else draws++;
  }
  const n = games.length;
  return { games: n, wins, losses, draws, score: n === 0 ? 0 : (wins + draws / 2) / n };
}

export function summarize(games: readonly PlayedGame[]): MatchSummary {
  const t = tally(games);
  const n = t.games;
  const terminations: Partial<Record<MatchEndReason, number>> = {};
  let sum = 0,
    min = n === 0 ? 0 : Infinity,
    max = 0;
  for (const g of games) {
    terminations[g.reason] = (terminations[g.reason] ?? 0) + 1;
    const len = g.moves.length;
    sum += len;
    min = Math.min(min, len);
    max = Math.max(max, len);
  }
  return {
    ...t,
    winRate: n === 0 ? 0 : t.wins / n,
    lossRate: n === 0 ? 0 : t.losses / n,
    drawRate: n === 0 ? 0 : t.draws / n,
    scoreInterval: wilsonInterval(t.wins + t.draws / 2, n),
    eloDifference: t.score > 0 && t.score < 1 ? -400 * Math.log10(1 / t.score - 1) : null,
    byColor: {
      black: tally(games.filter((g) => g.agentColor === BLACK)),
      white: tally(games.filter((g) => g.agentColor !== BLACK)),
    },
    length: { mean: n === 0 ? 0 : sum / n, min, max },
    terminations,
  };
}

// ---- rendering ----------------------------------------------------------------------------------

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const wld = (t: Tally): string => `${t.wins}-${t.losses}-${t.draws}`;
const elo = (d: number | null): string => (d === null ? "n/a" : `${d >= 0 ? "+" : ""}${d.toFixed(0)}`);

/** The lines that describe one match (shared by the text and Markdown renderings). */
export function summaryLines(s: MatchSummary): string[] {
  const reasons = Object.entries(s.terminations)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([r, c]) => `${r} ${c}`)
    .join(", ");
  return [
    `games ${s.games}: ${s.wins} wins, ${s.losses} losses, ${s.draws} draws (win ${pct(s.winRate)}, loss ${pct(s.lossRate)}, draw ${pct(s.drawRate)})`,
    `score ${pct(s.score)}, 95% CI [${pct(s.scoreInterval[0])}, ${pct(s.scoreInterval[1])}] (Wilson), Elo difference ${elo(s.eloDifference)}`,
    `as Black ${wld(s.byColor.black)} (score ${pct(s.byColor.black.score)}), as White ${wld(s.byColor.white)} (score ${pct(s.byColor.white.score)})`,
    `length mean ${s.length.mean.toFixed(1)}, min ${s.length.min}, max ${s.length.max} plies`,
    `endings: ${reasons || "none"}`,
  ];
}

const DETAILS_SHOWN = 3;

/** A line naming what players that ended games themselves did (an engine's failures), or none. */
export function detailLines(m: MatchResult): string[] {
  const ended = m.games.filter((g) => g.detail !== undefined);
  if (ended.length === 0) return [];
  const shown = ended.slice(0, DETAILS_SHOWN).map((g) => `game ${g.index + 1} ${g.reason} (${g.detail})`);
  const more = ended.length > DETAILS_SHOWN ? `; ${ended.length - DETAILS_SHOWN} more in the JSON report` : "";
  return [`ended by a player: ${shown.join("; ")}${more}`];
}

/** A JSON-safe copy of a match result without the move lists (the games are saved as records). */
export function matchJson(m: MatchResult): object {
  return {
    agent: m.agent,
    opponent: m.opponent,
    summary: m.summary,
    games: m.games.map((g) => ({
      index: g.index,
      agentColor: g.agentColor === BLACK ? "black" : "white",
      plies: g.moves.length,
      outcome: g.outcome,
      reason: g.reason,
      ...(g.detail === undefined ? {} : { detail: g.detail }),
      startSfen: g.startSfen,
    })),
  };
}

// ---- records ------------------------------------------------------------------------------------

/**
 * The ending a record can write for a match's reason. A player that ended the game instead of
 * moving is the side to move at the record's end: resigning, timing out or crashing is written as
 * its resignation (投了, %TORYO), an illegal move or declaration as its foul loss (反則負け,
 * %ILLEGAL_MOVE, which the record writes for "no_legal_moves"). The report keeps the exact reason.
 */
export function recordResult(g: Pick<PlayedGame, "winner" | "reason">): GameResult {
  switch (g.reason) {
    case "resign":
    case "timeout":
    case "engine_crash":
      return { winner: g.winner, reason: "resignation" };
    case "illegal_move":
    case "illegal_declaration":
      return { winner: g.winner, reason: "no_legal_moves" };
    default:
      return { winner: g.winner, reason: g.reason };
  }
}

/** The game as a record, with the players named by colour. */
export function gameRecord(g: PlayedGame, agent: string, opponent: string, event = "keisei evaluation"): GameRecord {
  const agentBlack = g.agentColor === BLACK;
  return {
    startSfen: g.startSfen,
    moves: g.moves,
    result: recordResult(g),
    black: agentBlack ? agent : opponent,
    white: agentBlack ? opponent : agent,
    event,
  };
}

const fileSafe = (name: string): string => name.replace(/[^A-Za-z0-9._-]+/g, "_");

/**
 * Writes every game of the matches into `dir` as `<prefix>NNNN_<agent>_vs_<opponent>.kif` and
 * `.csa`, and returns the paths written.
 */
export function saveGames(dir: string, matches: readonly MatchResult[]): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  let n = 0;
  for (const m of matches) {
    for (const g of m.games) {
      const rec = gameRecord(g, m.agent, m.opponent);
      const stem = join(dir, `game${String(++n).padStart(4, "0")}_${fileSafe(m.agent)}_vs_${fileSafe(m.opponent)}`);
      writeFileSync(`${stem}.kif`, exportKif(rec));
      writeFileSync(`${stem}.csa`, exportCsa(rec));
      written.push(`${stem}.kif`, `${stem}.csa`);
    }
  }
  return written;
}

// ---- the evaluation report ----------------------------------------------------------------------

/** Everything one evaluation found; `renderReport` turns it into text, JSON or Markdown. */
export interface EvaluationReport {
  strategy: StrategyName;
  agent: string;
  opponents: string[];
  seed: number;
  maxMoves: number;
  matches: MatchResult[];
  /** All of the agent's games together. */
  overall: MatchSummary;
  tournament?: { standings: Standing[] };
  ladder?: { initialRating: number; finalRating: number; outOfWindow: string[]; rounds: Omit<LadderRound, "match">[] };
  benchmark?: { casesPassed: number; overallPassRate: number; cases: Omit<BenchmarkCaseResult, "match">[] };
  /** The Elo registry's ratings after the evaluation, when one was used. */
  ratings?: Rating[];
  /** KIF and CSA files written. */
  savedGames?: string[];
}

export function renderReport(r: EvaluationReport, format: ReportFormat): string {
  if (format === "json") return `${JSON.stringify({ ...r, matches: r.matches.map(matchJson) }, null, 2)}\n`;
  return format === "md" ? renderMarkdown(r) : renderText(r);
}

function renderText(r: EvaluationReport): string {
  const out = [`keisei evaluation: ${r.agent}, strategy ${r.strategy}, seed ${r.seed}, max moves ${r.maxMoves}`];
  for (const m of r.matches) {
    out.push("", `${m.agent} vs ${m.opponent}`);
    for (const line of [...summaryLines(m.summary), ...detailLines(m)]) out.push(`  ${line}`);
  }
  if (r.matches.length > 1) {
    out.push("", `${r.agent}, all games`);
    for (const line of summaryLines(r.overall)) out.push(`  ${line}`);
  }
  if (r.tournament) {
    out.push("", "standings (points = wins + ½ draws)");
    for (const [i, s] of r.tournament.standings.entries())
      out.push(
        `  ${i + 1}. ${s.name}  ${s.points} / ${s.games}  (${s.wins}-${s.losses}-${s.draws}, score ${pct(s.score)})`,
      );
  }
  if (r.ladder) {
    const l = r.ladder;
    out.push("", `ladder: ${r.agent} ${l.initialRating.toFixed(1)} → ${l.finalRating.toFixed(1)}`);
    for (const x of l.rounds)
      out.push(
        `  vs ${x.opponent} (${x.opponentBefore.toFixed(1)} → ${x.opponentAfter.toFixed(1)}): agent ${x.agentBefore.toFixed(1)} → ${x.agentAfter.toFixed(1)}`,
      );
    if (l.outOfWindow.length > 0) out.push(`  outside the rating window: ${l.outOfWindow.join(", ")}`);
  }
  if (r.benchmark) {
    const b = r.benchmark;
    out.push(
      "",
      `benchmark: ${b.casesPassed} / ${b.cases.length} cases passed, overall pass rate ${pct(b.overallPassRate)}`,
    );
    for (const c of b.cases)
      out.push(`  ${c.passed ? "PASS" : "FAIL"} ${c.name}: ${pct(c.passRate)} (threshold ${pct(c.threshold)})`);
  }
  if (r.ratings) {
    out.push("", "Elo ratings");
    for (const x of r.ratings) out.push(`  ${x.rating.toFixed(1)}  ${x.id}  (${x.games} games)`);
  }
  if (r.savedGames) out.push("", `saved ${r.savedGames.length / 2} games as KIF and CSA`);
  return `${out.join("\n")}\n`;
}

function renderMarkdown(r: EvaluationReport): string {
  const out = [
    `# keisei evaluation: ${r.agent}`,
    "",
    `Strategy **${r.strategy}**, seed ${r.seed}, max moves ${r.maxMoves}.`,
  ];
  for (const m of r.matches) {
    out.push("", `## ${m.agent} vs ${m.opponent}`, "");
    for (const line of [...summaryLines(m.summary), ...detailLines(m)]) out.push(`- ${line}`);
  }
  if (r.matches.length > 1) {
    out.push("", "## All of the agent's games", "");
    for (const line of summaryLines(r.overall)) out.push(`- ${line}`);
  }
  if (r.tournament) {
    out.push(
      "",
      "## Standings",
      "",
      "| # | player | points | games | W-L-D | score |",
      "| ---: | --- | ---: | ---: | --- | ---: |",
    );
    for (const [i, s] of r.tournament.standings.entries())
      out.push(
        `| ${i + 1} | ${s.name} | ${s.points} | ${s.games} | ${s.wins}-${s.losses}-${s.draws} | ${pct(s.score)} |`,
      );
  }
  if (r.ladder) {
    const l = r.ladder;
    out.push(
      "",
      "## Ladder",
      "",
      `${r.agent}: ${l.initialRating.toFixed(1)} → ${l.finalRating.toFixed(1)}`,
      "",
      "| opponent | opponent rating | agent before | agent after |",
      "| --- | ---: | ---: | ---: |",
    );
    for (const x of l.rounds)
      out.push(
        `| ${x.opponent} | ${x.opponentBefore.toFixed(1)} → ${x.opponentAfter.toFixed(1)} | ${x.agentBefore.toFixed(1)} | ${x.agentAfter.toFixed(1)} |`,
      );
    if (l.outOfWindow.length > 0) out.push("", `Outside the rating window: ${l.outOfWindow.join(", ")}`);
  }
  if (r.benchmark) {
    const b = r.benchmark;
    out.push(
      "",
      "## Benchmark",
      "",
      `${b.casesPassed} / ${b.cases.length} cases passed; overall pass rate ${pct(b.overallPassRate)}.`,
      "",
      "| case | pass rate | threshold | |",
      "| --- | ---: | ---: | --- |",
    );
    for (const c of b.cases)
      out.push(`| ${c.name} | ${pct(c.passRate)} | ${pct(c.threshold)} | ${c.passed ? "pass" : "fail"} |`);
  }
  if (r.ratings) {
    out.push("", "## Elo ratings", "", "| player | rating | games |", "| --- | ---: | ---: |");
    for (const x of r.ratings) out.push(`| ${x.id} | ${x.rating.toFixed(1)} | ${x.games} |`);
  }
  if (r.savedGames) out.push("", `Saved ${r.savedGames.length / 2} games as KIF and CSA.`);
  return `${out.join("\n")}\n`;
}
