// The four ways to evaluate (keisei-python.md §9.3, with its faults fixed, §13.3 item 18):
//   single      the agent against one opponent, colours balanced
//   tournament  a round robin over a pool of players (the agent among them), with standings
//   ladder      opponents picked one by one by Elo, the nearest within a window of the agent's
//               current rating, ratings updated in the registry after each match
//   benchmark   a fixed suite of cases (opponent, start positions, games, pass threshold); a case's
//               pass rate is the agent's win rate in it (the reference's "pass = agent win")
// Every match is a `playMatch` (match.ts): lock-step, batched, colour-balanced, deterministic.

import { Position } from "../shogi/position.ts";
import { parseUsiMove } from "../shogi/sfen.ts";
import type { EloRegistry } from "./elo.ts";
import { type MatchOptions, type PlayedGame, playMatch } from "./match.ts";
import { heuristicPlayer, type Player, randomPlayer } from "./opponents.ts";
import { type MatchResult, summarize } from "./report.ts";

export type StrategyName = "single" | "tournament" | "ladder" | "benchmark";
export const STRATEGIES: readonly StrategyName[] = ["single", "tournament", "ladder", "benchmark"];

export interface GameProgress {
  /** "agent vs opponent" of the match the game belongs to. */
  match: string;
  game: PlayedGame;
  /** Games finished so far in this evaluation, and how many it plans (an upper bound for a ladder). */
  finished: number;
  total: number;
}

/**
 * Match settings shared by every match of a strategy. `startSfens` matter when both players are
 * greedy: two argmax networks replay the same game from the same start, so vary the starts
 * (BENCHMARK_OPENINGS, say) or let a player sample.
 */
export interface PlayOptions extends Omit<MatchOptions, "games" | "onGame"> {
  onProgress?: (p: GameProgress) => void;
}

/** A player's id in the Elo registry. */
export const ratingId = (p: Player): string => p.id ?? p.name;

/** Rates a match in the registry (a player against itself is not rated); returns the new ratings. */
export function rateMatch(registry: EloRegistry, a: Player, b: Player, m: MatchResult): { a: number; b: number } {
  const ia = ratingId(a),
    ib = ratingId(b);
  if (ia === ib) return { a: registry.rating(ia), b: registry.rating(ib) };
  return registry.recordMatch(
    ia,
    ib,
    m.games.map((g) => g.outcome),
  );
}

/** Plays one match and wraps it with its summary; `progress` counts across a strategy's matches. */
async function match(
  a: Player,
  b: Player,
  games: number,
  o: PlayOptions,
  progress: { finished: number; total: number },
  startSfens = o.startSfens,
): Promise<MatchResult> {
  const label = `${a.name} vs ${b.name}`;
  const played = await playMatch(a.policy, b.policy, {
    ...o,
    games,
    startSfens,
    onGame: (game) => o.onProgress?.({ match: label, game, finished: ++progress.finished, total: progress.total }),
  });
  return { agent: a.name, opponent: b.name, summary: summarize(played), games: played };
}

// ---- single opponent ----------------------------------------------------------------------------

export async function evaluateSingle(
  agent: Player,
  opponent: Player,
  games: number,
  o: PlayOptions = {},
): Promise<MatchResult> {
  return match(agent, opponent, games, o, { finished: 0, total: games });
}

// ---- tournament ---------------------------------------------------------------------------------

export interface Standing {
  name: string;
  games: number;
  wins: number;
  losses: number;
  draws: number;
  /** wins + ½·draws */
  points: number;
  /** points / games */
  score: number;
}

export interface TournamentResult {
  matches: MatchResult[];
  /** Best first: by points, then by name. */
  standings: Standing[];
}

/**
 * Every pair of entrants plays `gamesPerPair` games (colours balanced). With a registry, each
 * match is rated. Points add up to the games played: Σ points = Σ games / 2 = pairs × gamesPerPair.
 */
export async function evaluateTournament(
  entrants: readonly Player[],
  gamesPerPair: number,
  o: PlayOptions = {},
  registry?: EloRegistry,
): Promise<TournamentResult> {
  const names = new Set(entrants.map((p) => p.name));
  if (names.size !== entrants.length)
    throw new Error(`tournament: entrant names must differ (${entrants.map((p) => p.name).join(", ")})`);
  if (entrants.length < 2) throw new Error("tournament: needs at least two entrants");
  const pairs = (entrants.length * (entrants.length - 1)) / 2;
  const progress = { finished: 0, total: pairs * gamesPerPair };
  const table = new Map<string, Standing>(
    entrants.map((p) => [p.name, { name: p.name, games: 0, wins: 0, losses: 0, draws: 0, points: 0, score: 0 }]),
  );
  const matches: MatchResult[] = [];
  for (let i = 0; i < entrants.length; i++) {
    for (let j = i + 1; j < entrants.length; j++) {
      const m = await match(entrants[i], entrants[j], gamesPerPair, o, progress);
      matches.push(m);
      const a = table.get(m.agent)!,
        b = table.get(m.opponent)!;
      const s = m.summary;
      a.games += s.games;
      b.games += s.games;
      a.wins += s.wins;
      b.wins += s.losses;
      a.losses += s.losses;
      b.losses += s.wins;
      a.draws += s.draws;
      b.draws += s.draws;
      if (registry) rateMatch(registry, entrants[i], entrants[j], m);
    }
  }
  const standings = [...table.values()].map((s) => {
    const points = s.wins + s.draws / 2;
    return { ...s, points, score: s.games === 0 ? 0 : points / s.games };
  });
  standings.sort((a, b) => b.points - a.points || a.name.localeCompare(b.name));
  return { matches, standings };
}

// ---- ladder -------------------------------------------------------------------------------------

export interface LadderOptions extends PlayOptions {
  /** Largest rating gap to an opponent (the reference's `rating_match_range`). Default 200. */
  window?: number;
  /** Matches at most (the reference's `num_opponents_per_evaluation`). Default 3. */
  opponents?: number;
  /** Games per match (colours balanced). Default 2. */
  gamesPerMatch?: number;
}

export interface LadderRound {
  opponent: string;
  /** Ratings when the opponent was chosen, and after the match. */
  agentBefore: number;
  opponentBefore: number;
  agentAfter: number;
  opponentAfter: number;
  match: MatchResult;
}

export interface LadderResult {
  rounds: LadderRound[];
  /** Pool members left unplayed because none was within the window when the ladder stopped. */
  outOfWindow: string[];
  initialRating: number;
  finalRating: number;
}

/**
 * Climbs the ladder: each round takes, among the pool members not played yet, the one whose rating
 * is nearest the agent's current rating, provided it is within the window (ties: pool order); plays
 * it; rates the match. Stops after `opponents` rounds or when no one is left within the window.
 */
export async function evaluateLadder(
  agent: Player,
  pool: readonly Player[],
  registry: EloRegistry,
  o: LadderOptions = {},
): Promise<LadderResult> {
  const window = o.window ?? 200;
  const maxRounds = o.opponents ?? 3;
  const games = o.gamesPerMatch ?? 2;
  const agentId = ratingId(agent);
  const initialRating = registry.rating(agentId);
  const progress = { finished: 0, total: Math.min(maxRounds, pool.length) * games };
  const left = pool.filter((p) => ratingId(p) !== agentId);
  const rounds: LadderRound[] = [];
  while (rounds.length < maxRounds) {
    const ra = registry.rating(agentId);
    let best = -1,
      bestGap = Infinity;
    left.forEach((p, i) => {
      const gap = Math.abs(registry.rating(ratingId(p)) - ra);
      if (gap <= window && gap < bestGap) [best, bestGap] = [i, gap];
    });
    if (best < 0) break;
    const opp = left.splice(best, 1)[0];
    const rb = registry.rating(ratingId(opp));
    const m = await match(agent, opp, games, o, progress);
    const after = rateMatch(registry, agent, opp, m);
    rounds.push({
      opponent: opp.name,
      agentBefore: ra,
      opponentBefore: rb,
      agentAfter: after.a,
      opponentAfter: after.b,
      match: m,
    });
  }
  return {
    rounds,
    outOfWindow: rounds.length < maxRounds ? left.map((p) => p.name) : [],
    initialRating,
    finalRating: registry.rating(agentId),
  };
}

// ---- benchmark ----------------------------------------------------------------------------------

export interface BenchmarkCase {
  name: string;
  opponent: Player;
  /** Start positions (each played from both sides); default the strategy's (the standard start). */
  startSfens?: readonly string[];
  games: number;
  /** The case passes when the agent's win rate reaches this. */
  threshold: number;
}

export interface BenchmarkCaseResult {
  name: string;
  threshold: number;
  /** The agent's win rate in the case. */
  passRate: number;
  passed: boolean;
  match: MatchResult;
}

export interface BenchmarkResult {
  cases: BenchmarkCaseResult[];
  casesPassed: number;
  /** Agent wins over all the suite's games. */
  overallPassRate: number;
}

export async function evaluateBenchmark(
  agent: Player,
  suite: readonly BenchmarkCase[],
  o: PlayOptions = {},
): Promise<BenchmarkResult> {
  const progress = { finished: 0, total: suite.reduce((n, c) => n + c.games, 0) };
  const cases: BenchmarkCaseResult[] = [];
  let wins = 0,
    games = 0;
  for (const c of suite) {
    const m = await match(agent, c.opponent, c.games, o, progress, c.startSfens ?? o.startSfens);
    const passRate = m.summary.games === 0 ? 0 : m.summary.wins / m.summary.games;
    cases.push({ name: c.name, threshold: c.threshold, passRate, passed: passRate >= c.threshold, match: m });
    wins += m.summary.wins;
    games += m.summary.games;
  }
  return { cases, casesPassed: cases.filter((c) => c.passed).length, overallPassRate: games === 0 ? 0 : wins / games };
}

/**
 * The SFEN after playing USI moves from the standard start, numbered as move 1: KIF and CSA carry
 * no move number, so a saved game then re-imports to exactly its start, and the move limit counts
 * from the opening.
 */
export function sfenAfter(usi: string): string {
  const pos = Position.startpos();
  for (const m of usi.split(/\s+/).filter(Boolean)) pos.makeMove(parseUsiMove(pos, m));
  return pos.toSfen().replace(/ \d+$/, " 1");
}

/** Common openings, a few plies deep: the benchmark's varied start positions. */
export const BENCHMARK_OPENINGS: readonly string[] = [
  "7g7f 3c3d", // both bishops' diagonals open
  "2g2f 8c8d", // double static rook
  "7g7f 8c8d 7i6h", // towards yagura
  "2g2f 3c3d 7g7f 4c4d", // Black static rook against White's ranging rook
].map(sfenAfter);

/**
 * The standard suite: random and heuristic opponents from the start position, and the heuristic
 * from the openings above. Thresholds are what a trained agent should clear.
 */
export function defaultBenchmarkSuite(seed: number, gamesPerCase = 20): BenchmarkCase[] {
  return [
    { name: "random/startpos", opponent: randomPlayer(seed + 1), games: gamesPerCase, threshold: 0.9 },
    { name: "heuristic/startpos", opponent: heuristicPlayer(seed + 2), games: gamesPerCase, threshold: 0.6 },
    {
      name: "heuristic/openings",
      opponent: heuristicPlayer(seed + 3),
      startSfens: BENCHMARK_OPENINGS,
      games: Math.max(gamesPerCase, 2 * BENCHMARK_OPENINGS.length),
      threshold: 0.6,
    },
  ];
}
