// The standalone binary serves the whole dashboard from inside itself: built with `bun build
// --compile`, run alone in an empty folder with no bun or node on its PATH, it answers the page,
// the page's script (transpiled at start-up), uPlot and the styles — nothing from disk or the network.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile, hostTarget } from "../../scripts/build.ts";
import { bareCopy } from "../ship/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "keisei-web-binary-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = hostTarget();

test.skipIf(host === null)(
  "the compiled binary serves the page, its script, uPlot and the styles offline",
  async () => {
    const built = join(dir, "build", "keisei");
    compile({ target: host!, outfile: built, commit: "webtest" });
    const bare = bareCopy(built, dir);
    const models = join(bare.cwd, "models", "run_a");
    mkdirSync(models, { recursive: true });
    writeFileSync(join(models, "metrics.jsonl"), `${JSON.stringify({ timestep: 128, "losses/entropy": 3.5 })}\n`);
    const proc = Bun.spawn([bare.binary, "dashboard", "--logdir", "models", "--port", "0"], {
      cwd: bare.cwd,
      env: bare.env,
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      const reader = proc.stdout.getReader();
      let out = "";
      while (!/keisei dashboard: (\S+)/.test(out)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`exited: ${out}${await new Response(proc.stderr).text()}`);
        out += new TextDecoder().decode(value);
      }
      const url = /keisei dashboard: (\S+)/.exec(out)![1];
      const get = async (path: string) => {
        const r = await fetch(`${url}${path.slice(1)}`);
        return { status: r.status, type: r.headers.get("content-type"), body: await r.text() };
      };
      const page = await get("/");
      expect(page.status).toBe(200);
      expect(page.body).toContain('<script type="module" src="/assets/app.js">');
      const app = await get("/assets/app.js");
      expect(app.type).toContain("javascript");
      expect(app.body).toContain("keiseiDashboard");
      expect(app.body).not.toContain("import type"); // TypeScript turned into JavaScript
      const uplot = await get("/assets/uPlot.iife.min.js");
      expect(uplot.body).toMatch(/^\/\*! https:\/\/github\.com\/leeoniya\/uPlot \(v1\.6\.32\) \*\//);
      expect((await get("/assets/uPlot.min.css")).body).toContain(".uplot");
      expect((await get("/assets/app.css")).body).toContain(".board .cell");
      const scalars = JSON.parse((await get("/api/scalars?run=run_a&key=losses/entropy")).body);
      expect(scalars.series["losses/entropy"]).toEqual({ x: [128], y: [3.5], total: 1, sampled: false });
    } finally {
      proc.kill();
      await proc.exited;
    }
  },
  120_000,
);
