// The joint Elo fit (src/evaluation/elo-fit.ts): closed-form two-player gaps and delta-method
// intervals, draws as half points, recovery and interval coverage on a simulated ladder, order
// independence (where the sequential K-factor Elo is not), the anchor, the prior, connectivity.
import { describe, expect, test } from "bun:test";
import { updateRatings } from "../../src/evaluation/elo.ts";
import {
  type EloGameResult,
  type EloPairResult,
  type EloFit,
  type EloResult,
  fitElo,
  normalQuantile,
  renderEloTable,
} from "../../src/evaluation/elo-fit.ts";
import { Random } from "../../src/util/random.ts";

const GAP_75 = 400 * Math.log10(3); // 190.848501887865: the gap at which the stronger scores 75 %
const Z95 = 1.959963984540054;
const deltaHalfWidth = (n: number, p: number, z = Z95) => (400 / Math.LN10) * z * Math.sqrt(1 / (n * p * (1 - p)));
const row = (fit: EloFit, name: string) => fit.players.find((r) => r.name === name)!;
const expected = (ra: number, rb: number) => 1 / (1 + 10 ** ((rb - ra) / 400));

/** `games` games between a and b drawn from their true ratings (no draws), pooled. */
function simulatePair(rng: Random, a: string, b: string, ra: number, rb: number, games: number): EloPairResult {
  const p = expected(ra, rb);
  let wins = 0;
  for (let g = 0; g < games; g++) if (rng.next() < p) wins++;
  return { a, b, wins, draws: 0, losses: games - wins };
}

/** The ladder random = 0 → A = 300 → B = 550: 2 000 games per adjacent pair, 200 random-vs-B. */
const TRUE = { random: 0, A: 300, B: 550 };
function ladder(seed: number): EloPairResult[] {
  const rng = new Random(seed);
  return [
    simulatePair(rng, "A", "random", TRUE.A, TRUE.random, 2000),
    simulatePair(rng, "B", "A", TRUE.B, TRUE.A, 2000),
    simulatePair(rng, "B", "random", TRUE.B, TRUE.random, 200),
  ];
}

/** The same ladder as single games (some draws), for ordering tests. */
function ladderGames(seed: number): EloGameResult[] {
  const rng = new Random(seed);
  const out: EloGameResult[] = [];
  const play = (a: string, b: string, ra: number, rb: number, games: number) => {
    const p = expected(ra, rb);
    for (let g = 0; g < games; g++) {
      const u = rng.next();
      // a draw 20 % of the time, the rest split so a's expected score stays p
      const score = u < 0.2 ? 0.5 : rng.next() < (p - 0.1) / 0.8 ? 1 : 0;
      out.push({ a, b, score });
    }
  };
  play("A", "random", TRUE.A, TRUE.random, 300);
  play("B", "A", TRUE.B, TRUE.A, 300);
  play("random", "B", TRUE.random, TRUE.B, 60);
  return out;
}

describe("two players: the closed form", () => {
  test("a beats b 300–100 of 400: gap 400·log10(3) = 190.85, half-width the delta method's 39.32", () => {
    const fit = fitElo([{ a: "a", b: "b", wins: 300, draws: 0, losses: 100 }], { anchor: "b" });
    const a = row(fit, "a");
    expect(a.rating).toBeCloseTo(190.85, 2);
    expect(Math.abs(a.rating - GAP_75)).toBeLessThan(1e-6); // converged far past the 0.01 asked
    const dm = deltaHalfWidth(400, 0.75);
    expect(dm).toBeCloseTo(39.32, 2);
    expect(Math.abs(a.halfWidth / dm - 1)).toBeLessThan(0.01);
    expect(Math.abs(a.halfWidth / dm - 1)).toBeLessThan(1e-6); // in fact exact: same formula
    expect(a.lower).toBeCloseTo(a.rating - a.halfWidth, 12);
    expect(a.upper).toBeCloseTo(a.rating + a.halfWidth, 12);
    expect([a.games, a.points, a.score]).toEqual([400, 300, 0.75]);
    const b = row(fit, "b");
    expect([b.rating, b.halfWidth, b.lower, b.upper]).toEqual([0, 0, 0, 0]);
    expect([b.games, b.points, b.score]).toEqual([400, 100, 0.25]);
    expect(fit.players.map((r) => r.name)).toEqual(["a", "b"]); // sorted by rating
  });

  test("single games pool to the same fit as their counts; the pairing's direction does not matter", () => {
    const singles: EloResult[] = [];
    for (let k = 0; k < 300; k++) singles.push({ a: "a", b: "b", score: 1 });
    for (let k = 0; k < 100; k++) singles.push({ a: "b", b: "a", score: 1 });
    const pooled = fitElo([{ a: "b", b: "a", wins: 100, draws: 0, losses: 300 }], { anchor: "b" });
    expect(fitElo(singles, { anchor: "b" })).toEqual(pooled);
  });

  test("draws are half points: 100 wins, 100 draws, 0 losses → score 0.75 → the same 190.85", () => {
    const fit = fitElo([{ a: "a", b: "b", wins: 100, draws: 100, losses: 0 }], { anchor: "b" });
    const a = row(fit, "a");
    expect(Math.abs(a.rating - GAP_75)).toBeLessThan(1e-6);
    expect(a.score).toBe(0.75);
    expect(a.prior).toBe(false); // b drew, so the MLE exists and no virtual draw is added
    // the Hessian treats a draw as a binomial half point: the interval of 200 games at p = 0.75
    expect(Math.abs(a.halfWidth / deltaHalfWidth(200, 0.75) - 1)).toBeLessThan(1e-6);
  });

  test("the confidence level sets z: 95 % → 1.959964, 68.27 % → 1.0", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(Z95, 8);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 7);
    const r95 = row(fitElo([{ a: "a", b: "b", wins: 30, draws: 0, losses: 10 }], { anchor: "b" }), "a");
    const r68 = row(
      fitElo([{ a: "a", b: "b", wins: 30, draws: 0, losses: 10 }], { anchor: "b", confidence: 0.6826894921370859 }),
      "a",
    );
    expect(r95.halfWidth / r68.halfWidth).toBeCloseTo(Z95, 6);
  });
});

describe("a ladder random = 0 → A = 300 → B = 550", () => {
  test("the fit recovers each true rating inside its 95 % interval and solves the likelihood equations", () => {
    const results = ladder(1);
    const fit = fitElo(results, { anchor: "random" });
    for (const name of ["A", "B"] as const) {
      const r = row(fit, name);
      expect(r.lower).toBeLessThan(TRUE[name]);
      expect(r.upper).toBeGreaterThan(TRUE[name]);
      expect(r.halfWidth).toBeGreaterThan(10); // 2 000 games at ~83 %: about ±17 and ±24 Elo
      expect(r.halfWidth).toBeLessThan(40);
    }
    // At the MLE each player's expected points against everyone equal its actual points.
    const rating = Object.fromEntries(fit.players.map((r) => [r.name, r.rating]));
    const expectedPoints: Record<string, number> = { random: 0, A: 0, B: 0 };
    for (const p of results) {
      const n = p.wins + p.draws + p.losses;
      const e = n * expected(rating[p.a], rating[p.b]);
      expectedPoints[p.a] += e;
      expectedPoints[p.b] += n - e;
    }
    for (const r of fit.players) expect(Math.abs(expectedPoints[r.name] - r.points)).toBeLessThan(1e-6);
    expect(fit.players.map((r) => r.name)).toEqual(["B", "A", "random"]);
  });

  test("the intervals are the inverse of the log-likelihood's Hessian, found here by finite differences", () => {
    const results = ladder(2);
    const fit = fitElo(results, { anchor: "random" });
    const ll = (ra: number, rb: number) => {
      const r: Record<string, number> = { random: 0, A: ra, B: rb };
      let l = 0;
      for (const p of results) {
        const e = expected(r[p.a], r[p.b]);
        l += (p.wins + p.draws / 2) * Math.log(e) + (p.losses + p.draws / 2) * Math.log(1 - e);
      }
      return l;
    };
    const a0 = row(fit, "A").rating;
    const b0 = row(fit, "B").rating;
    const h = 0.5;
    const iaa = -(ll(a0 + h, b0) - 2 * ll(a0, b0) + ll(a0 - h, b0)) / (h * h);
    const ibb = -(ll(a0, b0 + h) - 2 * ll(a0, b0) + ll(a0, b0 - h)) / (h * h);
    const iab = -(ll(a0 + h, b0 + h) - ll(a0 + h, b0 - h) - ll(a0 - h, b0 + h) + ll(a0 - h, b0 - h)) / (4 * h * h);
    expect(iab).toBeLessThan(0); // A's and B's estimates are correlated through their games
    const det = iaa * ibb - iab * iab;
    const seA = Math.sqrt(ibb / det); // the inverse's diagonal, not 1 / the diagonal
    const seB = Math.sqrt(iaa / det);
    expect(Math.abs(row(fit, "A").halfWidth / (Z95 * seA) - 1)).toBeLessThan(1e-3);
    expect(Math.abs(row(fit, "B").halfWidth / (Z95 * seB) - 1)).toBeLessThan(1e-3);
    expect(Math.abs(row(fit, "B").halfWidth / (Z95 / Math.sqrt(ibb)) - 1)).toBeGreaterThan(0.05); // which differs
  });

  test("over 50 seeded ladders the 95 % intervals cover the truth 85–100 % of the time", () => {
    let covered = 0;
    let total = 0;
    let sqErrB = 0;
    let sqHalfB = 0;
    for (let seed = 100; seed < 150; seed++) {
      const fit = fitElo(ladder(seed), { anchor: "random" });
      for (const name of ["A", "B"] as const) {
        const r = row(fit, name);
        total++;
        if (r.lower <= TRUE[name] && TRUE[name] <= r.upper) covered++;
        if (name === "B") {
          sqErrB += (r.rating - TRUE.B) ** 2;
          sqHalfB += (r.halfWidth / Z95) ** 2;
        }
      }
    }
    const coverage = covered / total;
    expect(coverage).toBeGreaterThanOrEqual(0.85);
    expect(coverage).toBeLessThanOrEqual(1);
    // and the intervals are not merely wide: the mean squared error matches the Hessian's variance
    const ratio = Math.sqrt(sqErrB / sqHalfB);
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1.4);
  });

  test("the parametric bootstrap's interval agrees with the Hessian's when there are no draws", () => {
    const fit = fitElo(ladder(7), { anchor: "random", bootstrap: { samples: 200, seed: 3 } });
    for (const name of ["A", "B"]) {
      const r = row(fit, name);
      const boot = r.bootstrap!;
      expect(boot.lower).toBeLessThan(r.rating);
      expect(boot.upper).toBeGreaterThan(r.rating);
      const width = (boot.upper - boot.lower) / 2;
      expect(width / r.halfWidth).toBeGreaterThan(0.8);
      expect(width / r.halfWidth).toBeLessThan(1.2);
    }
    expect(row(fit, "random").bootstrap).toEqual({ lower: 0, upper: 0 });
    // the same seed, the same replicates
    expect(fitElo(ladder(7), { anchor: "random", bootstrap: { samples: 200, seed: 3 } })).toEqual(fit);
  });

  test("with many draws the bootstrap interval is narrower than the (conservative) Hessian one", () => {
    const fit = fitElo([{ a: "a", b: "r", wins: 100, draws: 100, losses: 0 }], {
      anchor: "r",
      bootstrap: { samples: 300, seed: 5 },
    });
    const a = row(fit, "a");
    const width = (a.bootstrap!.upper - a.bootstrap!.lower) / 2;
    expect(width / a.halfWidth).toBeLessThan(0.8); // draw variance 1/16 vs the binomial 3/16 per game
  });
});

describe("order independence and the anchor", () => {
  test("shuffling the games leaves the fit bit-for-bit unchanged; the sequential K-factor Elo moves", () => {
    const games = ladderGames(11);
    const fit = fitElo(games, { anchor: "random" });
    const order = new Random(12).shuffle(Array.from(games, (_, k) => k));
    const shuffled = order.map((k) => games[k]);
    expect(fitElo(shuffled, { anchor: "random" })).toEqual(fit);
    expect(fitElo([...games].reverse(), { anchor: "random" })).toEqual(fit);

    // The registry's sequential update on the A-vs-random games alone depends on their order.
    const outcomes = (gs: EloGameResult[]) =>
      gs
        .filter((g) => g.a === "A" && g.b === "random")
        .map((g) => (g.score === 1 ? "win" : g.score === 0 ? "loss" : "draw") as "win" | "loss" | "draw");
    const [seqA] = updateRatings(1500, 1500, outcomes(games));
    const [seqShuffled] = updateRatings(1500, 1500, outcomes(shuffled));
    expect(Math.abs(seqA - seqShuffled)).toBeGreaterThan(1e-3);
  });

  test("the anchor's rating is exactly its given value; moving it shifts every rating alike", () => {
    const results = ladder(3);
    const at0 = fitElo(results, { anchor: "random" });
    const at1000 = fitElo(results, { anchor: "random", anchorRating: 1000 });
    expect(row(at0, "random").rating).toBe(0);
    expect(row(at1000, "random").rating).toBe(1000);
    for (const r of at0.players) {
      const s = row(at1000, r.name);
      expect(s.rating - r.rating).toBeCloseTo(1000, 9);
      expect(s.lower - r.lower).toBeCloseTo(1000, 9);
      expect(s.halfWidth).toBeCloseTo(r.halfWidth, 9);
    }
    // Anchoring at A instead: the same differences, A now the zero-width one.
    const atA = fitElo(results, { anchor: "A", anchorRating: 300 });
    expect(row(atA, "A").rating).toBe(300);
    expect(row(atA, "A").halfWidth).toBe(0);
    expect(row(atA, "random").halfWidth).toBeGreaterThan(0);
    for (const r of at0.players)
      expect(row(atA, r.name).rating - row(atA, "A").rating).toBeCloseTo(r.rating - row(at0, "A").rating, 6);
  });
});

describe("the prior and connectivity", () => {
  const base: EloPairResult[] = [{ a: "B", b: "random", wins: 50, draws: 20, losses: 30 }];

  test("a player who won every game gets a finite rating above everyone it beat", () => {
    const results = [...base, { a: "X", b: "B", wins: 20, draws: 0, losses: 0 }];
    const fit = fitElo(results, { anchor: "random" });
    const x = row(fit, "X");
    const b = row(fit, "B");
    expect(Number.isFinite(x.rating)).toBe(true);
    expect(Number.isFinite(x.halfWidth)).toBe(true);
    expect(x.rating).toBeGreaterThan(b.rating);
    expect(x.prior).toBe(true);
    expect(x.score).toBe(1); // real games only: the virtual draw is not scored
    expect(x.games).toBe(20);
    // one virtual draw on X–B: 20.5 of 21 → 400·log10(41) above B
    expect(x.rating - b.rating).toBeCloseTo(400 * Math.log10(41), 6);
    // B–random is untouched by the prior: its plain MLE, 60 % → 400·log10(1.5)
    expect(b.rating).toBeCloseTo(400 * Math.log10(1.5), 6);
    expect(b.prior).toBe(true); // B's pairing with X carries the virtual draw
    expect(row(fit, "random").prior).toBe(false);
    expect(renderEloTable(fit)).toContain("X *");
    expect(fit.priorApplied).toBe(true);
  });

  test("a player who lost every game, and a group that beat the rest, stay finite too", () => {
    const loser = fitElo([...base, { a: "L", b: "random", wins: 0, draws: 0, losses: 15 }], { anchor: "random" });
    expect(row(loser, "L").rating).toBeLessThan(0);
    expect(Number.isFinite(row(loser, "L").rating)).toBe(true);
    const group = fitElo(
      [
        ...base,
        { a: "X", b: "Y", wins: 5, draws: 5, losses: 5 },
        { a: "X", b: "B", wins: 10, draws: 0, losses: 0 },
        { a: "Y", b: "random", wins: 10, draws: 0, losses: 0 },
      ],
      { anchor: "random" },
    );
    for (const name of ["X", "Y"]) {
      expect(Number.isFinite(row(group, name).rating)).toBe(true);
      expect(row(group, name).rating).toBeGreaterThan(row(group, "B").rating);
    }
  });

  test('prior "none" refuses a perfect score, naming the player; "always" shrinks every gap', () => {
    const results = [...base, { a: "X", b: "B", wins: 20, draws: 0, losses: 0 }];
    expect(() => fitElo(results, { anchor: "random", prior: "none" })).toThrow(/X/);
    expect(() => fitElo(results, { anchor: "random", prior: "none" })).not.toThrow(/random/);
    const always = fitElo([{ a: "a", b: "b", wins: 300, draws: 0, losses: 100 }], { anchor: "b", prior: "always" });
    expect(row(always, "a").rating).toBeCloseTo(400 * Math.log10(300.5 / 100.5), 6);
    const none = fitElo([{ a: "a", b: "b", wins: 300, draws: 0, losses: 100 }], { anchor: "b", prior: "none" });
    expect(row(none, "a").rating).toBeCloseTo(GAP_75, 6);
  });

  test("a player not joined to the anchor by any game is an error naming it", () => {
    const results: EloResult[] = [...base, { a: "C", b: "D", wins: 3, draws: 1, losses: 2 }];
    expect(() => fitElo(results, { anchor: "random" })).toThrow(/not connected.*C, D/);
    expect(() => fitElo(results, { anchor: "random" })).not.toThrow(/B/);
    expect(() => fitElo(base, { anchor: "nobody" })).toThrow(/nobody/);
    expect(() =>
      fitElo([...base, { a: "E", b: "random", wins: 0, draws: 0, losses: 0 }], { anchor: "random" }),
    ).toThrow(/E/);
  });

  test("bad input is refused", () => {
    expect(() => fitElo([{ a: "a", b: "b", score: 0.3 }], { anchor: "a" })).toThrow(/score/);
    expect(() => fitElo([{ a: "a", b: "a", score: 1 }], { anchor: "a" })).toThrow(/itself/);
    expect(() => fitElo([{ a: "a", b: "b", wins: -1, draws: 0, losses: 2 }], { anchor: "a" })).toThrow(/counts/);
  });
});

test("renderEloTable: a header, one line per player in rating order, interval and score", () => {
  const fit = fitElo([{ a: "a", b: "b", wins: 300, draws: 0, losses: 100 }], { anchor: "b" });
  const lines = renderEloTable(fit).trimEnd().split("\n");
  expect(lines).toHaveLength(5);
  expect(lines[0]).toMatch(/#\s+player\s+Elo\s+± 95%\s+lower\s+upper\s+games\s+score/);
  expect(lines[4]).toBe("anchor: b = 0; intervals are relative to the anchor");
  expect(fit.priorApplied).toBe(false);
  expect([fit.anchor, fit.anchorRating, fit.confidence, fit.prior]).toEqual(["b", 0, 0.95, "auto"]);
  expect(lines[2]).toMatch(/^1\s+a\s+190\.8\s+39\.3\s+151\.5\s+230\.2\s+400\s+75\.0%$/);
  expect(lines[3]).toMatch(/^2\s+b\s+0\.0\s+0\.0\s+0\.0\s+0\.0\s+400\s+25\.0%$/);
});
