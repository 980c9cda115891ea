// Elo fitted over all games at once (the BayesElo / Ordo way), with confidence intervals: the
// ratings of a fixed strength ladder, anchored at one player (by default `random` = 0).
//
// Why a joint fit. elo.ts's registry updates ratings game by game with a K-factor: the result
// depends on the order the games were played in, never settles (each game moves it by up to K), and
// carries no error bar. A ladder wants one number per player that uses every game equally, the
// same whatever the order, and says how sure it is. So here all results are pooled per pairing and
// the ratings are the joint maximum of one likelihood.
//
// Model. The logistic Elo model: player a scores against b with probability
//   P(a beats b) = 1 / (1 + 10^((R_b − R_a) / 400)),
// the games independent. A draw counts as half a win and half a loss (the half-point model, which
// Ordo uses): a pairing with W wins, D draws and L losses contributes, with s = W + D/2 points out
// of N = W + D + L games and p = P(a beats b),
//   ℓ = s·ln p + (N − s)·ln(1 − p).
// Only the pooled points per pairing matter. (BayesElo's drawElo model, which gives draws their own
// probability, is not implemented.)
//
// Fit. Newton's method on the log-likelihood (concave in the ratings), the anchor's rating held at
// its given value, the others free; each step solves the free players' Hessian system (Cholesky)
// and is halved until the log-likelihood does not drop. It stops when no rating moves by more than
// `tolerance` (default 1e-9 Elo); Newton converges quadratically, so the result is that exact.
// Players are indexed in sorted name order and results pooled per pairing before the fit, so the
// order of the input does not change a single bit of the output.
//
// Prior. The maximum-likelihood ratings are finite exactly when the directed graph "x scored at
// least a draw against y" is strongly connected. A player who won (or lost) every game — or a group
// that won every game against the rest — has no finite MLE: its rating runs off to ±∞. BayesElo
// handles this with virtual draws; so does this fit, as `prior`:
//   "auto"   (default) only when the MLE does not exist: `priorDraws` (default 1) virtual draws are
//            added to each pairing in which one side scored nothing and that joins two different
//            strongly connected parts of that graph; then every player's rating is finite. When the
//            MLE exists nothing is added, so the fit is the plain MLE. Rows so touched say `prior`.
//   "always" `priorDraws` virtual draws on every pairing played (BayesElo-like; shrinks every gap a
//            little towards 0).
//   "none"   the plain MLE; an error naming the players without a finite one.
// Virtual draws enter the fit and its Hessian only; `games` and `score` count real games.
//
// Intervals. From the observed Fisher information: the negative Hessian of the log-likelihood at
// the optimum over the free (non-anchor) players, inverted; player i's standard error is the square
// root of its diagonal entry and the interval is rating ± z·se, z the normal quantile of the
// confidence (default 95 %, z = 1.959964). Intervals are relative to the anchor (its own is 0 wide).
// For two players with p = s/N this is the delta method's 400/ln 10 · z · sqrt(1/(N p (1−p))).
// Under the half-point model a draw counts as a binomial half point, so with many draws the interval
// is conservative (a draw varies less than half a win plus half a loss). Optionally, a parametric
// bootstrap: `bootstrap: { samples, seed }` simulates every pairing's games again from the fitted
// ratings (keeping the pairing's observed draw rate d, clamped to what p allows: a win with
// p − d/2, a draw with d, a loss with the rest), refits each replicate (prior "auto"), and reports
// the replicate ratings' central percentiles as `bootstrap.lower`/`bootstrap.upper`; it accounts for
// draws and for skewness far from 50 %.
//
// Input: single games `{ a, b, score }` (a's score: 1, 0.5 or 0) and pooled pairings
// `{ a, b, wins, draws, losses }` (a's view), freely mixed. Every player must be joined to the
// anchor by games, or the fit throws naming the ones that are not. Output: `fitElo` gives an
// `EloFit` whose `players` are `{ name, rating, lower, upper, halfWidth, games, points, score, prior,
// bootstrap? }`, highest rating first; `renderEloTable` prints it.

import { Random } from "../util/random.ts";

/** One game: `score` is a's score (1 win, 0.5 draw, 0 loss). */
export interface EloGameResult {
  a: string;
  b: string;
  score: number;
}

/** Pooled games between a and b, counted from a's side. */
export interface EloPairResult {
  a: string;
  b: string;
  wins: number;
  draws: number;
  losses: number;
}

export type EloResult = EloGameResult | EloPairResult;
/** Short names for the two input shapes. */
export type GameResult = EloGameResult;
export type PairResult = EloPairResult;

/** How virtual draws keep ratings finite (see the header): default "auto". */
export type EloPrior = "auto" | "always" | "none";

export interface EloFitOptions {
  /** The player whose rating is fixed, e.g. "random". */
  anchor: string;
  /** Its rating. Default 0. */
  anchorRating?: number;
  /** Default "auto". */
  prior?: EloPrior;
  /** Virtual draws per pairing the prior touches. Default 1. */
  priorDraws?: number;
  /** Two-sided confidence of the intervals, in (0, 1). Default 0.95. */
  confidence?: number;
  /** Parametric bootstrap intervals besides the Hessian ones. */
  bootstrap?: { samples: number; seed: number };
  /** Newton stops when no rating moves by more than this (Elo). Default 1e-9. */
  tolerance?: number;
  /** Default 100. */
  maxIterations?: number;
}

export interface FittedRating {
  name: string;
  /** Elo, relative to the anchor's given rating. */
  rating: number;
  /** rating − halfWidth and rating + halfWidth: the Hessian interval. */
  lower: number;
  upper: number;
  /** z · standard error, from the observed Fisher information (0 for the anchor). */
  halfWidth: number;
  /** Real games played (virtual draws not counted). */
  games: number;
  /** Points scored in them (win 1, draw ½). */
  points: number;
  /** points / games. */
  score: number;
  /** Whether the prior's virtual draws touched this player's pairings. */
  prior: boolean;
  /** The bootstrap's percentile interval, when asked for. */
  bootstrap?: { lower: number; upper: number };
}

const C = Math.LN10 / 400; // d/dR of the logit: P = σ(C·(R_a − R_b))

interface Pairing {
  i: number; // i < j, indices into the sorted names
  j: number;
  wins: number; // from i's side
  draws: number;
  losses: number;
}

/** A pairing as the likelihood sees it: points s for i out of n (virtual draws included). */
interface Term {
  i: number;
  j: number;
  s: number;
  n: number;
}

/** A fit: the players sorted by rating (highest first), and what it was anchored and computed with. */
export interface EloFit {
  players: FittedRating[];
  anchor: string;
  anchorRating: number;
  /** Of the intervals (`lower`, `upper`, `halfWidth`, `bootstrap`). */
  confidence: number;
  prior: EloPrior;
  /** Whether any virtual draw entered the fit (always under "always", only when needed under "auto"). */
  priorApplied: boolean;
}

/** Ratings of all games at once; see the header. */
export function fitElo(results: readonly EloResult[], options: EloFitOptions): EloFit {
  const anchorRating = options.anchorRating ?? 0;
  const prior = options.prior ?? "auto";
  const priorDraws = options.priorDraws ?? 1;
  const confidence = options.confidence ?? 0.95;
  const tolerance = options.tolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 100;
  if (!["auto", "always", "none"].includes(prior)) throw new Error(`elo-fit: unknown prior "${prior}"`);
  if (!(priorDraws > 0) || !Number.isFinite(priorDraws))
    throw new Error(`elo-fit: priorDraws must be positive, got ${priorDraws}`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`elo-fit: confidence must be in (0, 1), got ${confidence}`);
  if (!Number.isFinite(anchorRating)) throw new Error(`elo-fit: anchorRating must be finite, got ${anchorRating}`);

  const { names, pairings } = pool(results);
  const anchor = names.indexOf(options.anchor);
  if (anchor < 0) throw new Error(`elo-fit: the anchor "${options.anchor}" played no game`);
  const n = names.length;

  const unjoined = unreachable(n, pairings, anchor);
  if (unjoined.length > 0)
    throw new Error(
      `elo-fit: not connected to the anchor "${options.anchor}" by any game: ${unjoined.map((k) => names[k]).join(", ")}`,
    );

  const fit = fitPairings(n, pairings, anchor, prior, priorDraws, tolerance, maxIterations, names);
  const z = normalQuantile(0.5 + confidence / 2);

  const games = new Float64Array(n);
  const points = new Float64Array(n);
  for (const p of pairings) {
    const g = p.wins + p.draws + p.losses;
    games[p.i] += g;
    games[p.j] += g;
    points[p.i] += p.wins + p.draws / 2;
    points[p.j] += p.losses + p.draws / 2;
  }

  let boot: { lower: number; upper: number }[] | null = null;
  if (options.bootstrap) boot = bootstrap(n, pairings, anchor, fit.x, confidence, options.bootstrap, tolerance);

  const rows: FittedRating[] = names.map((name, k) => {
    const rating = fit.x[k] + anchorRating;
    const halfWidth = z * Math.sqrt(fit.variance[k]);
    const row: FittedRating = {
      name,
      rating,
      lower: rating - halfWidth,
      upper: rating + halfWidth,
      halfWidth,
      games: games[k],
      points: points[k],
      score: games[k] > 0 ? points[k] / games[k] : 0,
      prior: fit.touched[k],
    };
    if (boot) row.bootstrap = { lower: boot[k].lower + anchorRating, upper: boot[k].upper + anchorRating };
    return row;
  });
  rows.sort((u, v) => v.rating - u.rating || (u.name < v.name ? -1 : u.name > v.name ? 1 : 0));
  return {
    players: rows,
    anchor: options.anchor,
    anchorRating,
    confidence,
    prior,
    priorApplied: fit.touched.some((t) => t),
  };
}

/** A fixed-width text table of a fit: rank, player, Elo, ± half-width, interval, games, score. */
export function renderEloTable(fit: EloFit): string {
  const players = fit.players;
  const level = `${+(100 * fit.confidence).toFixed(2)}%`;
  const withBoot = players.some((r) => r.bootstrap);
  const header = [
    "#",
    "player",
    "Elo",
    `± ${level}`,
    "lower",
    "upper",
    ...(withBoot ? ["boot lower", "boot upper"] : []),
  ];
  header.push("games", "score");
  const body = players.map((r, k) => [
    String(k + 1),
    r.prior ? `${r.name} *` : r.name,
    r.rating.toFixed(1),
    r.halfWidth.toFixed(1),
    r.lower.toFixed(1),
    r.upper.toFixed(1),
    ...(withBoot
      ? [r.bootstrap ? r.bootstrap.lower.toFixed(1) : "", r.bootstrap ? r.bootstrap.upper.toFixed(1) : ""]
      : []),
    String(r.games),
    `${(100 * r.score).toFixed(1)}%`,
  ]);
  const rows = [header, ...body];
  const width = header.map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const left = new Set([1]); // the player column reads left-aligned; numbers right-aligned
  const line = (row: string[]) =>
    row
      .map((cell, c) => (left.has(c) ? cell.padEnd(width[c]) : cell.padStart(width[c])))
      .join("  ")
      .trimEnd();
  const out = [line(header), line(width.map((w) => "-".repeat(w))), ...body.map(line)];
  out.push(`anchor: ${fit.anchor} = ${fit.anchorRating}; intervals are relative to the anchor`);
  if (players.some((r) => r.prior))
    out.push("* a pairing of this player's carries the prior's virtual draws (one side scored nothing in it)");
  return `${out.join("\n")}\n`;
}

/** Names in sorted order and the results pooled per pairing, i < j, sorted. */
function pool(results: readonly EloResult[]): { names: string[]; pairings: Pairing[] } {
  const seen = new Set<string>();
  for (const r of results) {
    if (typeof r.a !== "string" || typeof r.b !== "string" || r.a === "" || r.b === "")
      throw new Error(`elo-fit: a result needs two player names: ${JSON.stringify(r)}`);
    if (r.a === r.b) throw new Error(`elo-fit: "${r.a}" cannot play itself`);
    seen.add(r.a);
    seen.add(r.b);
  }
  const names = [...seen].sort((u, v) => (u < v ? -1 : u > v ? 1 : 0));
  const index = new Map(names.map((name, k) => [name, k]));
  const byKey = new Map<number, Pairing>();
  const n = names.length;
  for (const r of results) {
    let wins: number;
    let draws: number;
    let losses: number;
    if ("score" in r) {
      if (r.score !== 1 && r.score !== 0.5 && r.score !== 0)
        throw new Error(`elo-fit: a game's score is 1, 0.5 or 0, got ${r.score} (${r.a} vs ${r.b})`);
      wins = r.score === 1 ? 1 : 0;
      draws = r.score === 0.5 ? 1 : 0;
      losses = r.score === 0 ? 1 : 0;
    } else {
      for (const c of [r.wins, r.draws, r.losses])
        if (!Number.isInteger(c) || c < 0)
          throw new Error(`elo-fit: wins, draws and losses are counts, got ${JSON.stringify(r)}`);
      ({ wins, draws, losses } = r);
    }
    let i = index.get(r.a)!;
    let j = index.get(r.b)!;
    if (i > j) {
      [i, j] = [j, i];
      [wins, losses] = [losses, wins];
    }
    const key = i * n + j;
    const p = byKey.get(key) ?? { i, j, wins: 0, draws: 0, losses: 0 };
    p.wins += wins;
    p.draws += draws;
    p.losses += losses;
    byKey.set(key, p);
  }
  const pairings = [...byKey.entries()]
    .sort((u, v) => u[0] - v[0])
    .map(([, p]) => p)
    .filter((p) => p.wins + p.draws + p.losses > 0);
  return { names, pairings };
}

/** Players no chain of games joins to `anchor`, ascending. */
function unreachable(n: number, pairings: readonly Pairing[], anchor: number): number[] {
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (const p of pairings) {
    adj[p.i].push(p.j);
    adj[p.j].push(p.i);
  }
  const seen = new Uint8Array(n);
  const stack = [anchor];
  seen[anchor] = 1;
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (const v of adj[u])
      if (!seen[v]) {
        seen[v] = 1;
        stack.push(v);
      }
  }
  const out: number[] = [];
  for (let k = 0; k < n; k++) if (!seen[k]) out.push(k);
  return out;
}

/** Strongly connected components of "x scored against y" (Tarjan, iterative): a component per player. */
function components(n: number, pairings: readonly Pairing[]): Int32Array {
  const out: number[][] = Array.from({ length: n }, () => []);
  for (const p of pairings) {
    if (p.wins + p.draws > 0) out[p.i].push(p.j);
    if (p.losses + p.draws > 0) out[p.j].push(p.i);
  }
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  let counter = 0;
  let nComp = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1];
      const [v, e] = top;
      if (e < out[v].length) {
        top[1]++;
        const w = out[v][e];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
      } else {
        work.pop();
        if (work.length > 0) {
          const u = work[work.length - 1][0];
          low[u] = Math.min(low[u], low[v]);
        }
        if (low[v] === index[v]) {
          let w: number;
          do {
            w = stack.pop()!;
            onStack[w] = 0;
            comp[w] = nComp;
          } while (w !== v);
          nComp++;
        }
      }
    }
  }
  return comp;
}

interface Fit {
  x: Float64Array; // Elo, anchor at 0
  variance: Float64Array; // of each rating, anchor 0
  touched: boolean[]; // by the prior
}

function fitPairings(
  n: number,
  pairings: readonly Pairing[],
  anchor: number,
  prior: EloPrior,
  priorDraws: number,
  tolerance: number,
  maxIterations: number,
  names?: readonly string[],
): Fit {
  const touched: boolean[] = new Array(n).fill(false);
  const virtual = new Float64Array(pairings.length);
  if (prior === "always") {
    virtual.fill(priorDraws);
    touched.fill(true);
  } else {
    const comp = components(n, pairings);
    const finite = comp.every((c) => c === comp[0]);
    if (!finite) {
      if (prior === "none") {
        const list = [];
        for (let k = 0; k < n; k++) if (comp[k] !== comp[anchor]) list.push(names ? names[k] : String(k));
        throw new Error(
          `elo-fit: no finite maximum-likelihood rating (won or lost every game against the rest) for: ${list.join(", ")}; use prior "auto"`,
        );
      }
      pairings.forEach((p, e) => {
        if (comp[p.i] !== comp[p.j]) {
          virtual[e] = priorDraws;
          touched[p.i] = touched[p.j] = true;
        }
      });
    }
  }
  const terms: Term[] = pairings.map((p, e) => ({
    i: p.i,
    j: p.j,
    s: p.wins + p.draws / 2 + virtual[e] / 2,
    n: p.wins + p.draws + p.losses + virtual[e],
  }));
  const x = newton(n, terms, anchor, tolerance, maxIterations);
  const info = information(n, terms, anchor, x);
  const inv = invertSpd(info.matrix, info.m);
  const variance = new Float64Array(n);
  for (let k = 0; k < n; k++) if (k !== anchor) variance[k] = inv[info.free[k] * info.m + info.free[k]];
  return { x, variance, touched };
}

/** ln σ(t), stable for large |t|. */
const logSigmoid = (t: number): number => (t >= 0 ? -Math.log1p(Math.exp(-t)) : t - Math.log1p(Math.exp(t)));
const sigmoid = (t: number): number => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

function logLikelihood(terms: readonly Term[], x: Float64Array): number {
  let l = 0;
  for (const t of terms) {
    const d = C * (x[t.i] - x[t.j]);
    l += t.s * logSigmoid(d) + (t.n - t.s) * logSigmoid(-d);
  }
  return l;
}

/** The negative Hessian (in Elo) over the free players, row-major m × m, and the free index map. */
function information(
  n: number,
  terms: readonly Term[],
  anchor: number,
  x: Float64Array,
  gradient?: Float64Array,
): { matrix: Float64Array; m: number; free: Int32Array } {
  const free = new Int32Array(n);
  let m = 0;
  for (let k = 0; k < n; k++) free[k] = k === anchor ? -1 : m++;
  const h = new Float64Array(m * m);
  for (const t of terms) {
    const d = C * (x[t.i] - x[t.j]);
    const p = sigmoid(d);
    const q = sigmoid(-d);
    const w = C * C * t.n * p * q;
    const a = free[t.i];
    const b = free[t.j];
    if (gradient) {
      const r = C * (t.s * q - (t.n - t.s) * p); // = C·(s − n p), without cancelling p ≈ 1 against 1
      gradient[t.i] += r;
      gradient[t.j] -= r;
    }
    if (a >= 0) h[a * m + a] += w;
    if (b >= 0) h[b * m + b] += w;
    if (a >= 0 && b >= 0) {
      h[a * m + b] -= w;
      h[b * m + a] -= w;
    }
  }
  return { matrix: h, m, free };
}

function newton(n: number, terms: readonly Term[], anchor: number, tolerance: number, maxIterations: number) {
  const x = new Float64Array(n);
  let l = logLikelihood(terms, x);
  for (let it = 0; it < maxIterations; it++) {
    const g = new Float64Array(n);
    const { matrix, m, free } = information(n, terms, anchor, x, g);
    const rhs = new Float64Array(m);
    for (let k = 0; k < n; k++) if (free[k] >= 0) rhs[free[k]] = g[k];
    const step = solveSpd(matrix, m, rhs);
    let t = 1;
    let next = x;
    let lNext = l;
    for (let halvings = 0; halvings < 60; halvings++, t /= 2) {
      next = Float64Array.from(x);
      for (let k = 0; k < n; k++) if (free[k] >= 0) next[k] += t * step[free[k]];
      lNext = logLikelihood(terms, next);
      if (lNext >= l - 1e-12 * Math.abs(l)) break;
    }
    let moved = 0;
    for (let k = 0; k < n; k++) moved = Math.max(moved, Math.abs(next[k] - x[k]));
    x.set(next);
    l = lNext;
    if (moved <= tolerance) return x;
  }
  throw new Error(`elo-fit: Newton did not converge in ${maxIterations} iterations`);
}

/** Cholesky factor L (lower, row-major) of a symmetric positive definite m × m matrix. */
function cholesky(a: Float64Array, m: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c <= r; c++) {
      let s = a[r * m + c];
      for (let k = 0; k < c; k++) s -= l[r * m + k] * l[c * m + k];
      if (r === c) {
        if (!(s > 0)) throw new Error("elo-fit: the information matrix is singular (ratings too far apart to measure)");
        l[r * m + r] = Math.sqrt(s);
      } else l[r * m + c] = s / l[c * m + c];
    }
  }
  return l;
}

function solveCholesky(l: Float64Array, m: number, b: Float64Array): Float64Array {
  const y = Float64Array.from(b);
  for (let r = 0; r < m; r++) {
    for (let k = 0; k < r; k++) y[r] -= l[r * m + k] * y[k];
    y[r] /= l[r * m + r];
  }
  for (let r = m - 1; r >= 0; r--) {
    for (let k = r + 1; k < m; k++) y[r] -= l[k * m + r] * y[k];
    y[r] /= l[r * m + r];
  }
  return y;
}

const solveSpd = (a: Float64Array, m: number, b: Float64Array) => solveCholesky(cholesky(a, m), m, b);

function invertSpd(a: Float64Array, m: number): Float64Array {
  const l = cholesky(a, m);
  const inv = new Float64Array(m * m);
  const e = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    e.fill(0);
    e[c] = 1;
    const col = solveCholesky(l, m, e);
    for (let r = 0; r < m; r++) inv[r * m + c] = col[r];
  }
  return inv;
}

function bootstrap(
  n: number,
  pairings: readonly Pairing[],
  anchor: number,
  x: Float64Array,
  confidence: number,
  spec: { samples: number; seed: number },
  tolerance: number,
): { lower: number; upper: number }[] {
  if (!Number.isInteger(spec.samples) || spec.samples < 2)
    throw new Error(`elo-fit: bootstrap samples must be an integer ≥ 2, got ${spec.samples}`);
  const rng = new Random(spec.seed);
  const draws = Array.from({ length: n }, () => new Float64Array(spec.samples));
  const model = pairings.map((p) => {
    const games = p.wins + p.draws + p.losses;
    const pi = sigmoid(C * (x[p.i] - x[p.j]));
    const d = Math.min(p.draws / games, 2 * pi, 2 * (1 - pi));
    return { games, win: pi - d / 2, draw: d };
  });
  for (let s = 0; s < spec.samples; s++) {
    const replicate: Pairing[] = pairings.map((p, e) => {
      const { games, win, draw } = model[e];
      let wins = 0;
      let drawn = 0;
      for (let g = 0; g < games; g++) {
        const u = rng.next();
        if (u < win) wins++;
        else if (u < win + draw) drawn++;
      }
      return { i: p.i, j: p.j, wins, draws: drawn, losses: games - wins - drawn };
    });
    const fit = fitPairings(n, replicate, anchor, "auto", 1, tolerance, 200);
    for (let k = 0; k < n; k++) draws[k][s] = fit.x[k];
  }
  const lo = (1 - confidence) / 2;
  return draws.map((v) => {
    v.sort();
    return { lower: quantile(v, lo), upper: quantile(v, 1 - lo) };
  });
}

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}
