// The dashboard as a person sees it: `keisei dashboard` on a log directory made by the real
// commands (two short runs, a two-trial sweep, saved evaluation games), opened in headless Chromium
// (Debian's `chromium`, driven by playwright-core). Then a live `keisei train --web` run: it
// appears without a reload, its chart grows record by record, its board shows, and its own
// dashboard opens it. Screenshots go to test-artifacts/web/.
//
// Without chromium the tests are skipped with a message, unless KEISEI_REQUIRE_CHROMIUM=1 (CI).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { importRecord } from "../../src/shogi/record.ts";
import { ARTIFACTS, chromiumOrSkip, makeLogdir, startServing } from "./helpers.ts";

const executable = chromiumOrSkip();
const suite = executable ? describe : describe.skip;

let dir = "";
let models = "";
let dashboard: Awaited<ReturnType<typeof startServing>> | null = null;
let live: Awaited<ReturnType<typeof startServing>> | null = null;
let browser: Browser | null = null;
const RUNS = ["alpha", "beta", "lr-web-trial-0", "lr-web-trial-1"];

beforeAll(async () => {
  if (!executable) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "keisei-web-e2e-"));
  models = await makeLogdir(dir);
  dashboard = await startServing(["dashboard", "--logdir", models, "--port", "0"], dir);
  browser = await chromium.launch({ executablePath: executable, args: ["--no-sandbox"] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  live?.proc.kill("SIGKILL");
  dashboard?.proc.kill();
  await dashboard?.proc.exited;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const lines = (run: string) =>
  readFileSync(join(models, run, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n").length;

/** A fresh page at `url` (+ `hash`), failing the test on any script error it logs. */
async function open(url: string, hash = ""): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1440, height: 1000 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(`${url}${hash}`);
  return { page, errors };
}

/** The points drawn for `run` on the chart of `key`: non-null values of its series in uPlot's own data. */
function points(page: Page, key: string, run: string): Promise<number> {
  return page.evaluate(
    ([key, run]) => {
      const chart = (
        window as unknown as {
          keiseiDashboard: {
            charts: Map<string, { plot: { series: { label?: string }[]; data: (number | null | undefined)[][] } }>;
          };
        }
      ).keiseiDashboard.charts.get(key);
      if (!chart) return -1;
      const i = chart.plot.series.findIndex((s) => s.label === run);
      if (i < 0) return -1;
      return chart.plot.data[i].filter((v) => v !== null && v !== undefined).length;
    },
    [key, run] as const,
  );
}

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await Bun.sleep(100);
    v = await fn();
  }
  return v;
}

suite("keisei dashboard in Chromium", () => {
  test("the run list: every run, its status, steps and last checkpoint", async () => {
    const { page, errors } = await open(dashboard!.url, "#tab=runs");
    await page.waitForSelector("#runs-table tbody tr");
    const rows = await page.$$eval("#runs-table tbody tr", (trs) =>
      trs.map((tr) => ({ run: tr.getAttribute("data-run"), text: tr.textContent ?? "" })),
    );
    expect(rows.map((r) => r.run).sort()).toEqual(RUNS);
    for (const r of rows) {
      expect(r.text).toContain("finished");
      expect(r.text).toContain("1024/1024");
      expect(r.text).toContain("checkpoint_ts1024.safetensors");
      expect(r.text).toContain("resnet 1×8");
    }
    expect(await page.$$eval(".sidebar .run-item", (els) => els.length)).toBe(4);
    // A run's details: its config and log.
    await page.click('#runs-table tr[data-run="alpha"]');
    await page.waitForSelector("#run-details pre");
    // The details fill in once their request returns ("loading…" until then): wait for the config.
    await page.waitForFunction(() => !document.getElementById("run-details")?.textContent?.includes("loading…"), null, {
      timeout: 10_000,
    });
    expect(await page.textContent("#run-details")).toContain("total_timesteps: 1024");
    await page.screenshot({ path: join(ARTIFACTS, "runs.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000); // a cold Chromium's first page can take seconds on 2 busy cores

  test("charts: every record of a named metric is a point, for every run overlaid", async () => {
    const { page, errors } = await open(dashboard!.url);
    await page.waitForFunction(() => document.documentElement.dataset.chartsReady === "1");
    for (const run of RUNS) {
      expect(lines(run)).toBe(8);
      expect(await points(page, "losses/entropy", run)).toBe(8);
    }
    // Charts further down are drawn when scrolled to.
    await page.locator('.card[data-key="charts/SPS"]').scrollIntoViewIfNeeded();
    for (const run of RUNS)
      expect(
        await until(
          "charts/SPS drawn",
          () => points(page, "charts/SPS", run),
          (n) => n >= 0,
        ),
      ).toBe(8);
    await page.evaluate(() => window.scrollTo(0, 0));
    // One chart per scalar of metrics.jsonl (wall_time, timestep and iteration are the axes).
    const keys = Object.keys(JSON.parse(readFileSync(join(models, "alpha", "metrics.jsonl"), "utf8").split("\n")[0]));
    const charted = await page.$$eval(".card[data-key]", (els) => els.map((e) => e.getAttribute("data-key")));
    expect(charted.sort()).toEqual(keys.filter((k) => !["wall_time", "timestep", "iteration"].includes(k)).sort());
    expect(await page.textContent('.card[data-key="losses/entropy"] h4')).toContain("32 points");
    // Smoothing 0.6 (the default): TensorBoard's debiased moving average of the records' values.
    const raw = readFileSync(join(models, "alpha", "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l)["losses/entropy"] as number);
    let ema = 0;
    const expected = raw.map((y, i) => {
      ema = ema * 0.6 + 0.4 * y;
      return ema / (1 - 0.6 ** (i + 1));
    });
    const smoothed = await page.evaluate(() => {
      const p = (
        window as unknown as {
          keiseiDashboard: { charts: Map<string, { plot: { series: { label?: string }[]; data: number[][] } }> };
        }
      ).keiseiDashboard.charts.get("losses/entropy")!.plot;
      return p.data[p.series.findIndex((s) => s.label === "alpha")];
    });
    expect(smoothed.length).toBe(8);
    for (const [i, v] of smoothed.entries()) expect(v).toBeCloseTo(expected[i], 5);
    // Zoom: a drag on one chart sets the same steps on every chart; "Reset zoom" undoes it.
    const xRange = (key: string) =>
      page.evaluate((k) => {
        const p = (
          window as unknown as {
            keiseiDashboard: { charts: Map<string, { plot: { scales: { x: { min: number; max: number } } } }> };
          }
        ).keiseiDashboard.charts.get(k)!.plot;
        return [p.scales.x.min, p.scales.x.max];
      }, key);
    const box = (await page.locator('.card[data-key="losses/entropy"] .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 6 });
    await page.mouse.up();
    const zoomed = await xRange("losses/entropy");
    expect(zoomed[0]).toBeGreaterThan(300);
    expect(zoomed[1]).toBeLessThan(850);
    expect(await xRange("losses/value_loss")).toEqual(zoomed);
    await page.click("text=Reset zoom");
    expect(await xRange("losses/value_loss")).toEqual([128, 1024]);
    expect(await xRange("losses/entropy")).toEqual([128, 1024]);
    // Another x axis, no smoothing: the same points, one series per run.
    await page.selectOption("#axis", "relative");
    await page.fill(".toolbar input[type=number]", "0");
    await page.press(".toolbar input[type=number]", "Enter");
    await page.waitForFunction(() => {
      const c = (
        window as unknown as { keiseiDashboard: { charts: Map<string, { plot: { series: unknown[] } }> } }
      ).keiseiDashboard.charts.get("losses/entropy");
      return c !== undefined && c.plot.series.length === 5;
    });
    expect(await points(page, "losses/entropy", "beta")).toBe(8);
    // Hiding a run takes it off every chart.
    await page.click('.sidebar .run-item[data-run="beta"]');
    await until(
      "beta off the chart",
      () => points(page, "losses/entropy", "beta"),
      (n) => n === -1,
    );
    expect(await points(page, "losses/entropy", "alpha")).toBe(8);
    await page.click('.sidebar .run-item[data-run="beta"]');
    await until(
      "beta back",
      () => points(page, "losses/entropy", "beta"),
      (n) => n === 8,
    );
    await page.screenshot({ path: join(ARTIFACTS, "charts.png") });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  test("games: a saved KIF record replays move by move", async () => {
    const { page, errors } = await open(dashboard!.url, "#tab=games");
    await page.waitForSelector("#games-table tbody tr");
    const paths = await page.$$eval("#games-table tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-path")!));
    const saved = readdirSync(join(models, "alpha", "games")).filter((f) => /\.(kif|csa)$/.test(f));
    expect(paths.sort()).toEqual(saved.map((f) => `alpha/games/${f}`).sort());
    const kif = paths.find((p) => p.endsWith(".kif"))!;
    const record = importRecord(readFileSync(join(models, kif), "utf8"));
    await page.click(`#games-table tr[data-path="${kif}"]`);
    await page.waitForSelector("#replay-card");
    expect(await page.$$eval("#move-list > div", (d) => d.length)).toBe(record.moves.length + 1);
    expect(await page.getAttribute("#replay-card", "data-ply")).toBe("0");
    expect(await page.$$eval("#replay-card .cell span", (s) => s.length)).toBe(40);
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
    expect(await page.getAttribute("#replay-card", "data-ply")).toBe("3");
    expect(await page.textContent("#ply-text")).toBe(`3/${record.moves.length}`);
    // The square the third move went to is highlighted, and holds a piece.
    const highlighted = await page.$$eval("#replay-card .cell.last", (c) => c.map((e) => e.textContent ?? ""));
    expect(highlighted.length).toBe(1);
    expect(highlighted[0]).not.toBe("");
    await page.click("#ply-back");
    expect(await page.getAttribute("#replay-card", "data-ply")).toBe("2");
    await page.screenshot({ path: join(ARTIFACTS, "games-replay.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  test("sweeps: the trials, the best so far, parameter against metric", async () => {
    const { page, errors } = await open(dashboard!.url, "#tab=sweeps");
    await page.waitForSelector("#trials-table tbody tr");
    const trials = await page.$$eval("#trials-table tbody tr", (trs) => trs.map((tr) => tr.textContent ?? ""));
    expect(trials.length).toBe(2);
    for (const t of trials) expect(t).toContain("complete");
    // charts/learning_rate minimised: the trial with the smaller learning rate is best.
    expect(await page.textContent("#best-trial")).toContain("trial 0");
    expect(await page.textContent("#best-trial")).toContain("training.learning_rate=3e-4");
    expect(await page.getAttribute("#sweep-scatter", "data-points")).toBe("2");
    await page.screenshot({ path: join(ARTIFACTS, "sweeps.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  test("a live run (keisei train --web --actors 1) appears, its chart grows with each record, its board and its actor show", async () => {
    const { page, errors } = await open(dashboard!.url);
    await page.waitForFunction(() => document.documentElement.dataset.chartsReady === "1");
    live = await startServing(
      [
        "train",
        "--config",
        "base.yaml",
        "--savedir",
        models,
        "--run-name",
        "live",
        "--total-timesteps",
        "65536",
        "--actors",
        "1",
        "--web",
        "0",
      ],
      dir,
      /keisei: dashboard at (\S+)/,
    );
    // The new run shows up without a reload, selected, and running.
    await page.waitForSelector('.sidebar .run-item[data-run="live"] .status.running', { timeout: 30_000 });
    const first = await until(
      "the live run's first points",
      () => points(page, "losses/entropy", "live"),
      (n) => n >= 1,
    );
    const grown = await until(
      "the chart to grow",
      () => points(page, "losses/entropy", "live"),
      (n) => n > first,
    );
    expect(grown).toBeGreaterThan(first);
    expect(grown).toBeLessThanOrEqual(lines("live"));
    // Its live self-play board: 40 pieces, on the board and in hand.
    await page.click('.tabs a[data-tab="games"]');
    await page.waitForSelector('[data-live="live"] .board');
    const pieces = await page.$eval('[data-live="live"]', (card) => {
      const onBoard = card.querySelectorAll(".cell span").length;
      const inHand = Array.from(card.querySelectorAll(".hand"))
        .map((h) => (h.childNodes[1]?.textContent ?? "").trim())
        .flatMap((t) => (t === "—" ? [] : t.split(" ")))
        .reduce((n, p) => n + (p.includes("x") ? Number(p.split("x")[1]) : 1), 0);
      return onBoard + inHand;
    });
    expect(pieces).toBe(40);
    // It trains from an actor process: the card lists it (host:pid, state, pace, versions behind).
    await page.waitForSelector('[data-live="live"] table.actors tr:nth-child(2)', { timeout: 30_000 });
    const actorRow = await page.$$eval('[data-live="live"] table.actors tr:nth-child(2) td', (tds) =>
      tds.map((td) => td.textContent ?? ""),
    );
    expect(actorRow[0]).toMatch(/^0: \S+:\d+$/);
    expect(["playing", "waiting"]).toContain(actorRow[1]);
    expect(Number(actorRow[4])).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, "games-live.png") });
    // train --web's own dashboard opens this run alone.
    const own = await open(live.url);
    await own.page.waitForFunction(() => document.documentElement.dataset.chartsReady === "1");
    const checked = await own.page.$$eval(".sidebar .run-item", (els) =>
      els.filter((e) => (e.querySelector("input") as HTMLInputElement).checked).map((e) => e.getAttribute("data-run")),
    );
    expect(checked).toEqual(["live"]);
    await own.page.screenshot({ path: join(ARTIFACTS, "train-web.png") });
    expect(own.errors).toEqual([]);
    await own.page.close();
    // Ctrl-C: the run stops after its step; the chart ends with exactly the records written.
    live.proc.kill("SIGINT");
    expect(await live.proc.exited).not.toBe(0);
    await page.click('.tabs a[data-tab="charts"]');
    const written = lines("live");
    await until(
      "every record on the chart",
      () => points(page, "losses/entropy", "live"),
      (n) => n === written,
    );
    await page.waitForSelector('.sidebar .run-item[data-run="live"] .status.stopped', { timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS, "charts-live.png") });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
