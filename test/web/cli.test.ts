// `keisei dashboard` and `keisei train --web` from the command line: bad input is one line and exit
// status 2 (before any run folder is made), another address than 127.0.0.1 without a token warns,
// and --token (given, or made up) is required by the server it starts.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BASE_YAML, keisei, startServing } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "keisei-web-cli-"));
const models = join(dir, "models");
mkdirSync(models);
writeFileSync(join(dir, "base.yaml"), BASE_YAML);
const busy = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("taken") });
afterAll(() => {
  busy.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

/** One line on stderr, exit status 2. */
function expectUsage(r: { code: number; err: string }, pattern: RegExp) {
  expect(r.code).toBe(2);
  expect(r.err.trim().split("\n").length).toBe(1);
  expect(r.err).toMatch(pattern);
}

describe("keisei dashboard", () => {
  test("is listed in --help", async () => {
    const r = await keisei(["--help"], dir);
    expect(r.out).toMatch(/dashboard\s+Serve the browser dashboard/);
  });

  test("bad input: one line, exit status 2", async () => {
    expectUsage(
      await keisei(["dashboard", "--logdir", join(dir, "nowhere")], dir),
      /^keisei: --logdir .*nowhere: no such directory$/m,
    );
    expectUsage(
      await keisei(["dashboard", "--logdir", models, "--port", "70000"], dir),
      /--port must be a whole number from 0 to 65535, got "70000"/,
    );
    expectUsage(
      await keisei(["dashboard", "--logdir", models, "--port", String(busy.port)], dir),
      new RegExp(`port ${busy.port} on 127.0.0.1 is in use`),
    );
    expectUsage(
      await keisei(["dashboard", "--logdir", models, "--storage", "postgres://nobody@127.0.0.1:1/none"], dir),
      /--storage: .*cannot open the study database/,
    );
  });

  test("another address than 127.0.0.1 without a token: a warning", async () => {
    const s = await startServing(["dashboard", "--logdir", models, "--host", "0.0.0.0", "--port", "0"], dir);
    try {
      const err = await Promise.race([
        (async () => {
          const reader = s.proc.stderr.getReader();
          let text = "";
          while (!text.includes("warning")) {
            const { value, done } = await reader.read();
            if (done) break;
            text += new TextDecoder().decode(value);
          }
          return text;
        })(),
        Bun.sleep(10_000).then(() => "(no warning within 10 s)"),
      ]);
      expect(err).toMatch(/warning: listening on 0\.0\.0\.0 without authentication.*pass --token/);
      expect((await fetch(`${s.url}api/info`)).status).toBe(200);
    } finally {
      s.proc.kill();
    }
  });

  test("--token without a value makes one: printed in the address, required on every request", async () => {
    const s = await startServing(["dashboard", "--logdir", models, "--port", "0", "--token"], dir);
    try {
      const token = new URL(s.url).searchParams.get("token");
      expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
      const base = s.url.replace(/\?.*$/, "");
      expect((await fetch(`${base}api/runs`)).status).toBe(401);
      expect((await fetch(`${base}api/runs`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      s.proc.kill();
    }
  });
});

describe("keisei train --web", () => {
  test("a bad --web or a port in use: one line, exit status 2, no run folder", async () => {
    expectUsage(
      await keisei(["train", "--config", "base.yaml", "--savedir", models, "--run-name", "x", "--web", "abc"], dir),
      /--web takes a port or HOST:PORT, got "abc"/,
    );
    expectUsage(
      await keisei(
        ["train", "--config", "base.yaml", "--savedir", models, "--run-name", "x", "--web", String(busy.port)],
        dir,
      ),
      new RegExp(`--web: port ${busy.port} on 127.0.0.1 is in use; choose another with --web PORT`),
    );
    expect(existsSync(join(models, "x"))).toBe(false);
  });
});
