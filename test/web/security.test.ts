// What a request may reach: nothing outside the log directory (../, encoded ../, absolute paths,
// backslashes, NUL, a symbolic link out), no other host name on a loopback dashboard (DNS
// rebinding), and with --token nothing at all without the token.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PathError, resolveInside } from "../../src/web/paths.ts";
import { type DashboardServer, startDashboard } from "../../src/web/server.ts";

let root: string;
let logdir: string;
let open: DashboardServer;
let locked: DashboardServer;
const TOKEN = "s3cret-token-for-tests";

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "keisei-web-security-"));
  logdir = join(root, "models");
  mkdirSync(join(logdir, "run_a"), { recursive: true });
  writeFileSync(
    join(logdir, "run_a", "metrics.jsonl"),
    `${JSON.stringify({ timestep: 128, "losses/entropy": 3.2 })}\n`,
  );
  writeFileSync(join(logdir, "run_a", "effective_config.yaml"), "training:\n  total_timesteps: 1024\n");
  writeFileSync(join(logdir, "run_a", "training_log.txt"), "2026-01-01T00:00:00Z run run_a\n");
  writeFileSync(join(root, "secret.txt"), "the secret outside the log directory\n");
  symlinkSync(root, join(logdir, "run_a", "escape")); // a link that leads out
  symlinkSync(join(root, "secret.txt"), join(logdir, "linked-secret.kif"));
  open = await startDashboard({ logdir, port: 0, pollMs: 50 });
  locked = await startDashboard({ logdir, port: 0, token: TOKEN, pollMs: 50 });
});

afterAll(async () => {
  await open?.stop();
  await locked?.stop();
  rmSync(root, { recursive: true, force: true });
});

const get = (s: DashboardServer, path: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${s.port}${path}`, { headers, redirect: "manual" });

describe("paths in requests stay inside the log directory", () => {
  test("resolveInside refuses ../, absolute paths, backslashes, NUL and links out", () => {
    expect(resolveInside(logdir, "run_a/metrics.jsonl")).toBe(join(logdir, "run_a", "metrics.jsonl"));
    for (const bad of [
      "../secret.txt",
      "run_a/../../secret.txt",
      "/etc/passwd",
      join(root, "secret.txt"),
      "run_a\\..\\..\\secret.txt",
      "run_a/\0x",
      "./run_a",
      "",
      "run_a/escape/secret.txt",
      "linked-secret.kif",
    ])
      expect(() => resolveInside(logdir, bad)).toThrow(PathError);
  });

  test("the API answers 400 to every escape and never returns the file", async () => {
    const attempts = [
      "/api/file?path=../secret.txt",
      `/api/file?path=${encodeURIComponent("../secret.txt")}`,
      `/api/file?path=${encodeURIComponent("run_a/../../secret.txt")}`,
      `/api/file?path=${encodeURIComponent(join(root, "secret.txt"))}`,
      "/api/file?path=/etc/passwd",
      `/api/file?path=${encodeURIComponent("run_a\\..\\..\\secret.txt")}`,
      "/api/file?path=run_a/escape/secret.txt",
      "/api/game?path=../secret.txt",
      "/api/game?path=linked-secret.kif",
      "/api/game?path=%2Fetc%2Fpasswd",
      "/api/scalars?run=..",
      "/api/scalars?run=../models/run_a",
      `/api/scalars?run=${encodeURIComponent(join(logdir, "run_a"))}`,
      "/api/run/config?run=../..",
      "/api/run/log?run=%2F",
      "/api/live?run=..%2F..%2Fetc",
    ];
    for (const path of attempts) {
      const r = await get(open, path);
      const body = await r.text();
      expect({ path, status: r.status }).toEqual({ path, status: 400 });
      expect(body).not.toContain("the secret");
      expect(JSON.parse(body).error).toMatch(/absolute|'\.\.'|backslash|NUL|symbolic link|escapes/);
    }
    // A path the URL parser normalises (/api/../x) never reaches a file either.
    const raw = await get(open, "/api/../../secret.txt");
    expect(raw.status).toBe(404);
    expect(await raw.text()).not.toContain("the secret");
  });

  test("paths inside are served", async () => {
    const r = await get(open, "/api/file?path=run_a/training_log.txt");
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("run run_a");
    const s = await (await get(open, "/api/scalars?run=run_a&key=losses/entropy")).json();
    expect(s.series["losses/entropy"]).toEqual({ x: [128], y: [3.2], total: 1, sampled: false });
    expect((await get(open, "/api/scalars?run=run_b")).status).toBe(404);
  });

  test("a loopback dashboard refuses other host names (DNS rebinding)", async () => {
    const r = await get(open, "/api/runs", { Host: "attacker.example:6007" });
    expect(r.status).toBe(403);
    expect((await get(open, "/api/runs", { Host: `localhost:${open.port}` })).status).toBe(200);
    expect((await get(open, "/", { Host: `127.0.0.1:${open.port}` })).status).toBe(200);
  });

  test("only GET and HEAD", async () => {
    const r = await fetch(`http://127.0.0.1:${open.port}/api/runs`, { method: "POST", body: "x" });
    expect(r.status).toBe(405);
  });
});

describe("--token is enforced on every request", () => {
  test("without the token: 401 for the API, the page and the assets", async () => {
    for (const path of [
      "/api/runs",
      "/api/info",
      "/api/events",
      "/",
      "/assets/app.js",
      "/api/file?path=run_a/training_log.txt",
    ]) {
      const r = await get(locked, path);
      expect({ path, status: r.status }).toEqual({ path, status: 401 });
      expect(await r.text()).not.toContain("run run_a");
    }
  });

  test("a wrong token, or one of another length, is refused", async () => {
    for (const t of ["wrong", `${TOKEN}x`, TOKEN.slice(0, -1), ""]) {
      expect((await get(locked, `/api/runs?token=${encodeURIComponent(t)}`)).status).toBe(401);
      expect((await get(locked, "/api/runs", { Authorization: `Bearer ${t}` })).status).toBe(401);
    }
  });

  test("the token as a bearer header, a query parameter, or the cookie the page gets", async () => {
    expect((await get(locked, "/api/runs", { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get(locked, `/api/runs?token=${TOKEN}`)).status).toBe(200);
    const page = await get(locked, `/?token=${TOKEN}`);
    expect(page.status).toBe(303); // the token moves into a cookie and out of the address bar
    expect(page.headers.get("location")).toBe("/");
    const cookie = page.headers.get("set-cookie") ?? "";
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    const pair = cookie.split(";")[0];
    expect((await get(locked, "/", { Cookie: pair })).status).toBe(200);
    expect((await get(locked, "/api/runs", { Cookie: pair })).status).toBe(200);
    expect((await get(locked, "/api/runs", { Cookie: `${pair.split("=")[0]}=nope` })).status).toBe(401);
  });

  test("with a token, another host name is let through (the token is the guard)", async () => {
    expect((await get(locked, "/api/runs", { Host: "dash.example:80", Authorization: `Bearer ${TOKEN}` })).status).toBe(
      200,
    );
  });
});
