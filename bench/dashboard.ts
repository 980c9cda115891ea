// The dashboard serving one run of 100 000 metric records (a 132 MB metrics.jsonl with the keys the
// trainer writes): how soon its charts are drawn in Chromium, and how the server's memory grows.
//
//   bun bench/dashboard.ts [--records N] [--appends N] [--cycles N] [--keep]
//
// Figures, in one run, against `keisei dashboard` started from source:
//   - first paint: from navigation to the charts on screen drawn (the page's own mark, made after
//     uPlot drew them and a frame passed; charts further down are drawn as they scroll into view).
//     Cold: a fresh server and a browser with nothing cached, the page opened 3 s after the server
//     started, and the instant it printed its address (it reads the 132 MB first). Warm: the page
//     opened again. Target < 1 s. The anchor: the same page asking for every record of every
//     series (#points=200000), as a dashboard that does not downsample would draw them.
//   - memory: the server's RSS, its JavaScript heap and the bytes of the columns it holds, after
//     reading the run, then while the run grows by --appends records in --cycles steps, a page
//     following it and reloaded after each: bounded means the trace levels off rather than climbs
//     with every reload.
// Needs Debian's chromium (apt-get install chromium). Linux only (RSS from /proc).

import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";

const ROOT = join(import.meta.dir, "..");

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const RECORDS = arg("--records", 100_000);
const APPENDS = arg("--appends", 10_000);
const CYCLES = arg("--cycles", 10);
const KEEP = process.argv.includes("--keep");

/** One record as the trainer writes it (the same keys, plausible values). */
function record(i: number, t0: number): string {
  const step = 1024 * (i + 1);
  const noise = (k: number) => Math.sin(i * 0.37 + k) * 0.05 + Math.sin(i * 0.0013 + k) * 0.2;
  const r: Record<string, number | null> = {
    wall_time: t0 + i * 1.7,
    timestep: step,
    iteration: i + 1,
    "charts/SPS": 600 + 80 * noise(1),
    "charts/selfplay_SPS": 1800 + 200 * noise(2),
    "charts/episodes": Math.floor(step / 150),
    "charts/games_per_hour": 14000 + 900 * noise(3),
    "losses/policy_loss": -0.01 + 0.02 * noise(4),
    "losses/value_loss": 0.3 * Math.exp(-i / 30000) + 0.05 + 0.02 * noise(5),
    "losses/entropy": 5.5 * Math.exp(-i / 50000) + 1.2 + 0.1 * noise(6),
    "losses/old_approx_kl": 0.004 + 0.002 * noise(7),
    "losses/approx_kl": 0.004 + 0.002 * noise(8),
    "losses/clipfrac": 0.08 + 0.03 * noise(9),
    "losses/explained_variance": 0.6 + 0.2 * noise(10),
    "losses/grad_norm": 1.4 + 0.4 * noise(11),
    "charts/learning_rate": 0.001 * (1 - i / (2 * RECORDS)),
    "losses/epochs": 2,
    "losses/minibatch_updates": 8,
    "game/black_win_rate": 0.4 + 0.1 * noise(12),
    "game/white_win_rate": 0.35 + 0.1 * noise(13),
    "game/draw_rate": 0.25 + 0.05 * noise(14),
    "game/mean_length": 140 + 20 * noise(15),
    "game/captures_per_game": 30 + 5 * noise(16),
    "game/drops_per_game": 10 + 3 * noise(17),
    "game/promotions_per_game": 4 + noise(18),
    "game/total_black_wins": Math.floor(step / 380),
    "game/total_white_wins": Math.floor(step / 420),
    "game/total_draws": Math.floor(step / 600),
    "time/selfplay_s": 1.2 + 0.1 * noise(19),
    "time/inference_s": 0.9 + 0.1 * noise(20),
    "time/engine_s": 0.3 + 0.05 * noise(21),
    "time/update_s": 0.5 + 0.05 * noise(22),
    "time/wall_s": i * 1.7,
    "game/ends_checkmate": Math.floor(step / 300),
    "game/ends_no_legal_moves": 0,
    "game/ends_repetition": Math.floor(step / 9000),
    "game/ends_perpetual_check": 0,
    "game/ends_max_moves": Math.floor(step / 2000),
    "game/ends_impasse": 0,
    "game/ends_mate_found": 0,
  };
  if (i % 50 === 49) Object.assign(r, { "eval/win_rate": 0.5 + 0.3 * noise(23), "eval/elo": 1500 + i / 100 });
  else Object.assign(r, { "eval/win_rate": null, "eval/elo": null });
  return `${JSON.stringify(r)}\n`;
}

function writeRun(dir: string, from: number, to: number, t0: number): void {
  const chunk: string[] = [];
  for (let i = from; i < to; i++) {
    chunk.push(record(i, t0));
    if (chunk.length === 5000) {
      appendFileSync(join(dir, "metrics.jsonl"), chunk.join(""));
      chunk.length = 0;
    }
  }
  if (chunk.length) appendFileSync(join(dir, "metrics.jsonl"), chunk.join(""));
}

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

/** The server's own account: its JavaScript heap and the metric columns it holds (MiB). */
async function held(url: string): Promise<{ heap: number; columns: number }> {
  const { memory } = (await (await fetch(`${url}api/info`)).json()) as { memory: { heap: number; columns: number } };
  return { heap: memory.heap / 2 ** 20, columns: memory.columns / 2 ** 20 };
}

/** Opens `url` in a fresh page; ms from navigation to the page's charts-drawn mark. */
async function firstPaint(page: Page, url: string): Promise<number> {
  await page.goto("about:blank");
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.chartsReady === "1", undefined, {
    timeout: 120_000,
  });
  return page.evaluate(
    () => (window as unknown as { keiseiDashboard: { firstChartsMs: number } }).keiseiDashboard.firstChartsMs,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ms = (v: number) => `${Math.round(v)} ms`;

const dir = mkdtempSync(join(tmpdir(), "keisei-bench-dashboard-"));
const run = join(dir, "models", "big_run");
mkdirSync(run, { recursive: true });
writeFileSync(join(run, "effective_config.yaml"), "training:\n  total_timesteps: 500000000\n  model_type: resnet\n");
const t0 = Date.now() / 1000 - RECORDS * 1.7;
let started = performance.now();
writeRun(run, 0, RECORDS, t0);
const bytes = Bun.file(join(run, "metrics.jsonl")).size;
console.log(
  `run: ${RECORDS.toLocaleString("en-US")} records, ${(bytes / 2 ** 20).toFixed(0)} MiB metrics.jsonl (written in ${ms(performance.now() - started)})`,
);

/** `keisei dashboard` on the log directory, from source; its process and address once it printed it. */
async function serve(): Promise<{ server: Bun.Subprocess<"ignore", "pipe", "pipe">; url: string }> {
  const server = Bun.spawn(
    [process.execPath, join(ROOT, "src/cli.ts"), "dashboard", "--logdir", join(dir, "models"), "--port", "0"],
    { stdout: "pipe", stderr: "pipe", stdin: "ignore", env: { ...process.env, NO_COLOR: "1" } },
  );
  const reader = server.stdout.getReader();
  let out = "";
  while (!/keisei dashboard: (\S+)/.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the dashboard exited: ${out}${await new Response(server.stderr).text()}`);
    out += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return { server, url: /keisei dashboard: (\S+)/.exec(out)![1] };
}

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
let server: Bun.Subprocess<"ignore", "pipe", "pipe"> | null = null;
try {
  // Cold: a fresh server and a browser with nothing cached, the page opened 3 s after the server
  // started (its address clicked), then the instant it printed its address (it reads the run first).
  const later = await serve();
  await Bun.sleep(3000);
  let context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const coldLater = await firstPaint(await context.newPage(), `${later.url}#tab=charts&runs=big_run`);
  await context.close();
  later.server.kill();
  await later.server.exited;

  const at = await serve();
  server = at.server;
  const url = at.url;
  const rssIdle = rssMb(server.pid);
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  const cold = await firstPaint(page, `${url}#tab=charts&runs=big_run`);
  const rssLoaded = rssMb(server.pid);
  const heldLoaded = await held(url);
  const charts = await page.evaluate(
    () => (window as unknown as { keiseiDashboard: { charts: Map<string, unknown> } }).keiseiDashboard.charts.size,
  );
  const cards = await page.$$eval(".card[data-key]", (els) => els.length);
  const drawn = await page.evaluate(() => {
    const c = (
      window as unknown as { keiseiDashboard: { charts: Map<string, { plot: { data: unknown[][] } }> } }
    ).keiseiDashboard.charts.get("losses/entropy");
    return c ? c.plot.data[0].length : 0;
  });
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) warm.push(await firstPaint(page, `${url}#tab=charts&runs=big_run&r=${i}`));

  // The run grows while a page follows it; the page is reloaded now and then.
  started = performance.now();
  const rssBefore = rssMb(server.pid);
  await firstPaint(page, `${url}#tab=charts&runs=big_run`);
  const rssTrace: number[] = [];
  const batch = Math.max(1, Math.floor(APPENDS / CYCLES));
  for (let k = 0; k < CYCLES; k++) {
    writeRun(run, RECORDS + k * batch, RECORDS + (k + 1) * batch, t0);
    await Bun.sleep(1500); // the server's next poll, the page's append
    await firstPaint(page, `${url}#tab=charts&runs=big_run&g=${k}`);
    rssTrace.push(rssMb(server.pid));
  }
  // What the page followed: the points of losses/entropy on its chart (every record, as a reloaded page reads the run again).
  await Bun.sleep(1500);
  const followed = await page.evaluate(() => {
    const c = (
      window as unknown as { keiseiDashboard: { charts: Map<string, { plot: { data: unknown[][] } }> } }
    ).keiseiDashboard.charts.get("losses/entropy");
    return c ? c.plot.data[0].length : 0;
  });
  const served = (await (await fetch(`${url}api/runs`)).json()) as { runs: { records: number | null }[] };
  const grown = performance.now() - started;
  const heldGrown = await held(url);

  // Anchor, last (its answers are large, and the allocator keeps what it once held): every record of every series.
  const full: number[] = [];
  for (let i = 0; i < 2; i++) full.push(await firstPaint(page, `${url}#tab=charts&runs=big_run&points=200000&r=${i}`));

  console.log(
    `charts: ${cards} (one per scalar key), ${charts} drawn on screen at first paint (the rest as they scroll into view); losses/entropy drawn with ${drawn} of ${RECORDS.toLocaleString("en-US")} points`,
  );
  console.log(`first paint, fresh server, page opened 3 s after it started: ${ms(coldLater)}   target < 1000 ms`);
  console.log(
    `first paint, fresh server, page opened the instant it printed its address (it reads the 100k records first): ${ms(cold)}`,
  );
  console.log(`first paint, warm: median ${ms(median(warm))} of [${warm.map(ms).join(", ")}]   target < 1000 ms`);
  console.log(
    `anchor, every record of every series (#points=200000): median ${ms(median(full))} of [${full.map(ms).join(", ")}]`,
  );
  console.log(
    `server RSS: ${rssIdle.toFixed(0)} MiB as it started, ${rssLoaded.toFixed(0)} MiB with the run's ${(bytes / 2 ** 20).toFixed(0)} MiB of JSON read and drawn: its columns ${heldLoaded.columns.toFixed(1)} MiB, JavaScript heap ${heldLoaded.heap.toFixed(0)} MiB`,
  );
  const peak = Math.max(...rssTrace);
  console.log(
    `growth: +${APPENDS.toLocaleString("en-US")} records followed live (the server holds ${served.runs[0]?.records?.toLocaleString("en-US")}; the chart draws ${followed} points), ${CYCLES} reloads in ${ms(grown)}: RSS ${rssBefore.toFixed(0)} → ${rssTrace.map((v) => v.toFixed(0)).join(" → ")} MiB; peak +${(peak - rssBefore).toFixed(0)} MiB, end +${(rssTrace.at(-1)! - rssBefore).toFixed(0)} MiB; columns ${heldLoaded.columns.toFixed(1)} → ${heldGrown.columns.toFixed(1)} MiB, heap ${heldLoaded.heap.toFixed(0)} → ${heldGrown.heap.toFixed(0)} MiB`,
  );
} finally {
  await browser.close();
  server?.kill();
  await server?.exited;
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
