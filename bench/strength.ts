// Strength per hour of training: trains a recipe for a wall-clock budget, then plays the checkpoints
// it wrote along the way against the fixed ladder (issue #17), and draws the curve of ladder Elo
// against training hours. Run it again and it resumes the same run and extends the same curve, so a
// long curve is built in several sittings.
//
//   bun bench/strength.ts --recipe tiny --minutes 30                   train 30 more minutes, evaluate, plot
//   bun bench/strength.ts --recipe tiny --minutes 0 --games 40          only evaluate what is new, and plot
//   bun bench/strength.ts --recipe tiny --search playouts=200           the agent plays by search on the ladder
//   bun bench/strength.ts --recipe tiny,configs/recipes/gumbel-az.yaml  configs merged in order (Gumbel AZ on tiny)
//
// Files (under --dir, default runs/strength): models/<recipe>/ (the training run), curve-<recipe>.json
// (one point per evaluated checkpoint: training hours from the run's own clock, timestep, ladder Elo
// with its 95 % interval, scores per rung), ladder-calibration.json (rung calibration, shared) and
// curves.svg (every recipe's curve). The ladder's rungs are the config's `ladder.rungs`, cut to
// --rungs (default the four built-in players: each point needs only keisei), --games games per rung
// per point.

import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { createBackend, type DevicePreference } from "../src/compute/device.ts";
import { buildConfig, parseOverride, readConfigFile } from "../src/config/load.ts";
import { checkpointLoader } from "../src/evaluation/checkpoint-player.ts";
import { runLadderEvaluation } from "../src/evaluation/evaluate.ts";
import { parseSearchOptions } from "../src/evaluation/search-player.ts";
import { listCheckpoints } from "../src/training/checkpoints.ts";
import { train } from "../src/training/trainer.ts";
import { writeFileAtomic } from "../src/util/atomic-write.ts";

const { values } = parseArgs({
  options: {
    recipe: { type: "string", default: "tiny" },
    minutes: { type: "string", default: "30" },
    dir: { type: "string", default: "runs/strength" },
    games: { type: "string", default: "40" },
    rungs: { type: "string", default: "4" },
    points: { type: "string", default: "8" },
    search: { type: "string" },
    device: { type: "string", default: "cpu" },
    override: { type: "string", multiple: true, default: [] },
  },
});
// A recipe: one config, or several merged in order ("tiny,configs/recipes/gumbel-az.yaml"); its
// name (run folder, curve) joins their file names.
const recipeFiles = String(values.recipe).split(",").filter(Boolean);
const recipe = recipeFiles.map((f) => basename(f).replace(/\.ya?ml$/i, "")).join("-");
const dir = String(values.dir);
mkdirSync(dir, { recursive: true });
const config = buildConfig([
  ...recipeFiles.map(readConfigFile),
  ...(values.override ?? []).map(parseOverride),
  {
    name: "bench",
    values: { env: { device: values.device }, logging: { model_dir: join(dir, "models"), run_name: recipe } },
  },
]);
const runDir = join(dir, "models", recipe);

// 1. Train for the budget, continuing the run when there is one.
const minutes = Number(values.minutes);
if (minutes > 0) {
  const signal = { stop: false };
  const timer = setTimeout(() => {
    signal.stop = true;
  }, minutes * 60_000);
  const resume = listCheckpoints(runDir).length > 0 ? "latest" : undefined;
  const r = await train(config, { resume, signal, view: { update() {}, log: (l) => console.error(l), close() {} } });
  clearTimeout(timer);
  console.log(`trained ${recipe}: timestep ${r.timestep.toLocaleString("en-US")}, iteration ${r.iteration}`);
}

// 2. Evaluate the checkpoints not on the curve yet (at most --points, spread over them).
interface Point {
  checkpoint: string;
  timestep: number;
  hours: number;
  elo: number;
  lower: number;
  upper: number;
  scores: Record<string, number>;
}
const curveFile = join(dir, `curve-${recipe}.json`);
const curve: Point[] = existsSync(curveFile) ? JSON.parse(readFileSync(curveFile, "utf8")) : [];
const done = new Set(curve.map((p) => p.checkpoint));
const fresh = listCheckpoints(runDir)
  .filter((c) => !done.has(c.weights))
  .sort((a, b) => a.timestep - b.timestep);
const points = Number(values.points);
const chosen = fresh.filter(
  (_, k) => fresh.length <= points || k % Math.ceil(fresh.length / points) === 0 || k === fresh.length - 1,
);
const l = config.ladder;
const ladder = {
  rungs: l.rungs.slice(0, Number(values.rungs)),
  gamesPerRung: Number(values.games),
  calibrationGames: l.calibration_games,
  openingPlies: l.opening_plies,
  openingSeed: l.opening_seed,
  maxMoves: l.max_moves_per_game,
};
const backend = await createBackend(values.device as DevicePreference);
const loader = checkpointLoader(backend, 64);
for (const c of chosen) {
  const state = JSON.parse(readFileSync(c.json, "utf8")) as { wallSeconds: number };
  const { report } = await runLadderEvaluation({
    agent: c.weights,
    seed: 7,
    concurrency: 64,
    agentSearch: values.search ? parseSearchOptions(values.search) : undefined,
    loader: loader.load,
    ladder,
    cacheFile: join(dir, "ladder-calibration.json"),
  });
  const me = report.fit.players.find((p) => p.name === report.agent);
  if (!me) throw new Error(`no rating for ${report.agent}`);
  const point: Point = {
    checkpoint: c.weights,
    timestep: c.timestep,
    hours: state.wallSeconds / 3600,
    elo: me.rating,
    lower: me.lower,
    upper: me.upper,
    scores: Object.fromEntries(report.rungs.map((r) => [r.name, r.match.summary.score])),
  };
  curve.push(point);
  curve.sort((a, b) => a.timestep - b.timestep);
  writeFileAtomic(curveFile, JSON.stringify(curve, null, 1));
  console.log(
    `${recipe} ${(point.hours * 60).toFixed(1).padStart(6)} min  step ${String(c.timestep).padStart(9)}  Elo ${point.elo.toFixed(0).padStart(5)} [${point.lower.toFixed(0)}, ${point.upper.toFixed(0)}]  ${Object.entries(
      point.scores,
    )
      .map(([k, v]) => `${k} ${(100 * v).toFixed(0)}%`)
      .join("  ")}`,
  );
}
loader.destroy();
backend.destroy();

// 3. The curves of every recipe in --dir, as one SVG.
const curves = readdirSync(dir)
  .filter((f) => /^curve-.+\.json$/.test(f))
  .map((f) => ({ name: f.slice(6, -5), points: JSON.parse(readFileSync(join(dir, f), "utf8")) as Point[] }));
writeFileAtomic(join(dir, "curves.svg"), svgOf(curves));
console.log(`curve: ${curveFile} (${curve.length} points); plot: ${join(dir, "curves.svg")}`);
process.exit(0);

/** Ladder Elo (y, with 95 % interval bars) against training hours (x), one colour per recipe. */
function svgOf(all: { name: string; points: Point[] }[]): string {
  const W = 720,
    H = 420,
    L = 60,
    R = 20,
    T = 30,
    B = 50;
  const pts = all.flatMap((c) => c.points);
  const xMax = Math.max(0.1, ...pts.map((p) => p.hours));
  const yMin = Math.min(0, ...pts.map((p) => p.lower));
  const yMax = Math.max(100, ...pts.map((p) => p.upper));
  const x = (h: number) => L + ((W - L - R) * h) / xMax;
  const y = (e: number) => H - B - ((H - T - B) * (e - yMin)) / (yMax - yMin);
  const colours = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#17becf",
    "#bcbd22",
    "#000000",
    "#393b79",
  ];
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    "<title>Ladder Elo against training hours, one curve per recipe</title>",
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">training hours (this 2-core machine)</text>`,
    `<text x="16" y="${(T + H - B) / 2}" transform="rotate(-90 16 ${(T + H - B) / 2})" text-anchor="middle">ladder Elo (random = 0), 95 % interval</text>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const e = yMin + ((yMax - yMin) * k) / 4;
    const h = (xMax * k) / 4;
    out.push(`<text x="${L - 6}" y="${y(e) + 4}" text-anchor="end">${e.toFixed(0)}</text>`);
    out.push(`<text x="${x(h)}" y="${H - B + 16}" text-anchor="middle">${h.toFixed(2)}</text>`);
  }
  all.forEach((c, i) => {
    const col = colours[i % colours.length];
    const ps = [...c.points].sort((a, b) => a.hours - b.hours);
    out.push(
      `<polyline fill="none" stroke="${col}" stroke-width="2" points="${ps.map((p) => `${x(p.hours)},${y(p.elo)}`).join(" ")}"/>`,
    );
    for (const p of ps)
      out.push(`<line x1="${x(p.hours)}" y1="${y(p.lower)}" x2="${x(p.hours)}" y2="${y(p.upper)}" stroke="${col}"/>`);
    out.push(`<text x="${W - R - 4}" y="${T + 16 * (i + 1)}" text-anchor="end" fill="${col}">${c.name}</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
