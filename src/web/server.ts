// `keisei dashboard`: Bun's HTTP server over a log directory — the embedded page, a JSON API
// (api.ts lists it) and server-sent events that push what changed once a second.
//
// Safety: bound to 127.0.0.1 unless told otherwise; on a loopback address without a token, a
// request must name a loopback host (a web page elsewhere cannot reach the dashboard through DNS
// rebinding). With a token, every request carries it (Authorization: Bearer, ?token=, or the cookie
// the page gets when opened with ?token=). Every path a request names is checked to stay inside
// the log directory (paths.ts). Only GET and HEAD.

import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { timingSafeEqual } from "node:crypto";
import type { GamesResponse, InfoResponse, RunsEvent, ScalarsResponse, SweepsResponse } from "./api.ts";
import { assets } from "./assets.ts";
import { replayRecord } from "./board.ts";
import { listRecords, RECORD_EXTENSIONS } from "./games.ts";
import type { Axis, Sample } from "./metrics-store.ts";
import { PathError, resolveInside } from "./paths.ts";
import { RunIndex } from "./runs.ts";
import { SweepReader } from "./sweeps.ts";

/** A bad option (missing log directory, port in use): one line, exit status 2. */
export class DashboardError extends Error {
  override name = "DashboardError";
}

export interface DashboardOptions {
  logdir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 6007; 0 takes a free port. */
  port?: number;
  /** When set, every request must carry it. */
  token?: string | null;
  /** Study database (sqlite://…, a path, postgres://…); default <logdir>/sweeps.sqlite when it exists. */
  storage?: string | null;
  /** How often the log directory is re-read while a page is open (ms, default 1000). */
  pollMs?: number;
  /** `keisei train --web`: the trainer's pid, whose run the page opens. */
  focusPid?: number | null;
  /** Metric cells held in memory before the least recently viewed runs are dropped (default 64 M). */
  memoryCells?: number;
  version?: string;
}

export interface DashboardServer {
  url: string;
  host: string;
  port: number;
  index: RunIndex;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);

const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
};

/** Points a series may have in one answer (a client asking for every record of a long run gets them in pieces). */
const MAX_POINTS = 200_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...SECURITY_HEADERS },
  });
}

function text(body: string, status = 200, type = "text/plain; charset=utf-8"): Response {
  return new Response(body, {
    status,
    headers: { "Content-Type": type, "Cache-Control": "no-store", ...SECURITY_HEADERS },
  });
}

function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function numberParam(u: URL, name: string): number | undefined {
  const v = u.searchParams.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new HttpError(400, `${name} must be a number, got "${v}"`);
  return n;
}

/** Starts the dashboard; DashboardError when the log directory is missing or the port is taken. */
export async function startDashboard(o: DashboardOptions): Promise<DashboardServer> {
  const logdir = resolve(o.logdir);
  if (!existsSync(logdir) || !statSync(logdir).isDirectory())
    throw new DashboardError(`--logdir ${o.logdir}: no such directory`);
  const host = o.host ?? "127.0.0.1";
  const token = o.token ?? null;
  const pollMs = o.pollMs ?? 1000;
  const index = new RunIndex(logdir, { memoryCells: o.memoryCells });
  const sweeps = new SweepReader(logdir, o.storage ?? null);
  if (o.storage) {
    try {
      await sweeps.open();
    } catch (e) {
      throw new DashboardError(`--storage: ${(e as Error).message}`);
    }
  }
  const page = assets();
  const cookieName = () => `keisei_token_${server.port}`;
  const hostCheck = token === null && isLoopback(host);

  // ---- freshness ---------------------------------------------------------------------------------
  // The log directory is re-read every pollMs while a page listens, and on a request when that was
  // more than half a period ago; what changed goes to every listening page, whichever read found it.
  let refreshedAt = 0;
  const fresh = (force = false): void => {
    const now = Date.now();
    if (!force && now - refreshedAt < pollMs / 2) return;
    refreshedAt = now;
    const r = index.refresh(now);
    if (r.changed.length > 0 || r.removed.length > 0) broadcast("runs", r satisfies RunsEvent);
  };

  // ---- server-sent events ----------------------------------------------------------------------
  const encoder = new TextEncoder();
  const clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const send = (c: ReadableStreamDefaultController<Uint8Array>, event: string, data: unknown) => {
    try {
      c.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    } catch {
      clients.delete(c);
    }
  };
  const broadcast = (event: string, data: unknown) => {
    for (const c of clients) send(c, event, data);
  };
  fresh();
  void index.preload(); // the newest runs' metrics, read before a page asks for them

  const liveSent = new Map<string, number>();
  let sweepsKey = "";
  let ticks = 0;
  let ticking = false;
  const sweepsNow = async (): Promise<SweepsResponse> => {
    try {
      return { storage: sweeps.label, studies: await sweeps.list(), error: null };
    } catch (e) {
      return { storage: sweeps.label, studies: [], error: (e as Error).message };
    }
  };
  const tick = async () => {
    if (clients.size === 0 || ticking) return;
    ticking = true;
    try {
      fresh(true);
      for (const s of index.summaries()) {
        if (!s.live?.game || liveSent.get(s.name) === s.live.updatedAt) continue;
        const board = index.liveBoard(s.name);
        if (!board) continue;
        liveSent.set(s.name, s.live.updatedAt);
        broadcast("live", board);
      }
      if (ticks++ % 2 === 0) {
        const sw = await sweepsNow();
        const key = JSON.stringify(sw);
        if (key !== sweepsKey) {
          sweepsKey = key;
          broadcast("sweeps", sw);
        }
      }
    } finally {
      ticking = false;
    }
  };
  const timer = setInterval(() => void tick(), pollMs);
  const keepAlive = setInterval(() => {
    for (const c of clients)
      try {
        c.enqueue(encoder.encode(": keep-alive\n\n"));
      } catch {
        clients.delete(c);
      }
  }, 15_000);

  const events = (req: Request): Response => {
    let me: ReadableStreamDefaultController<Uint8Array> | null = null;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        me = c;
        clients.add(c);
        c.enqueue(encoder.encode(`retry: 2000\n\n`));
        fresh();
        send(c, "runs", { changed: index.summaries(), removed: [] } satisfies RunsEvent);
      },
      cancel() {
        if (me) clients.delete(me);
      },
    });
    req.signal.addEventListener("abort", () => {
      if (me) clients.delete(me);
    });
    return new Response(stream, {
      headers: {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-store",
        Connection: "keep-alive",
        ...SECURITY_HEADERS,
      },
    });
  };

  // ---- API -------------------------------------------------------------------------------------
  const answers = new Map<string, ScalarsResponse>();
  const runParam = (u: URL): string => {
    const run = u.searchParams.get("run");
    if (run === null) throw new HttpError(400, "missing run");
    resolveInside(logdir, run); // refuses ../, absolute paths, links out
    fresh();
    if (!index.has(run)) throw new HttpError(404, `no run "${run}" under the log directory`);
    return run;
  };

  const scalars = async (u: URL): Promise<ScalarsResponse> => {
    const run = runParam(u);
    const axis = (u.searchParams.get("axis") ?? "step") as Axis;
    if (!["step", "relative", "wall"].includes(axis)) throw new HttpError(400, `axis must be step, relative or wall`);
    const points = Math.min(MAX_POINTS, Math.max(16, numberParam(u, "points") ?? 1000));
    const store = (await index.load(run))!;
    const epoch = numberParam(u, "epoch");
    const after = epoch === undefined || epoch === store.epoch ? numberParam(u, "after") : undefined;
    const keys = u.searchParams.getAll("key");
    // The same question about the same records has the same answer: pages reopened, several viewers.
    const cacheKey = `${run}\n${u.search}\n${store.epoch}\n${store.rows}`;
    const cached = answers.get(cacheKey);
    if (cached) return cached;
    const series: Record<string, Sample> = {};
    const from = numberParam(u, "from");
    const to = numberParam(u, "to");
    for (const key of keys.length > 0 ? keys : store.keys) {
      if (key === "wall_time") continue;
      series[key] = store.sample(key, axis, { points, from, to, after });
    }
    const answer: ScalarsResponse = { run, axis, epoch: store.epoch, rows: store.rows, series };
    // Kept: answers of chart size (a few thousand points a key), 16 at most; never a full-resolution one.
    const size = Object.values(series).reduce((n, v) => n + v.x.length, 0);
    if (size <= 200_000) {
      answers.set(cacheKey, answer);
      if (answers.size > 16) answers.delete(answers.keys().next().value as string);
    }
    return answer;
  };

  /** The last `lines` lines of a text file (from its last 256 KiB). */
  const tailLines = async (path: string, lines: number): Promise<string> => {
    if (!existsSync(path)) return "";
    const file = Bun.file(path);
    const all = (await file.slice(Math.max(0, file.size - 256 * 1024), file.size).text()).split("\n");
    if (all.at(-1) === "") all.pop();
    return `${all.slice(-lines).join("\n")}\n`;
  };

  const api = async (u: URL, req: Request): Promise<Response> => {
    switch (u.pathname) {
      case "/api/info":
        return json({
          version: o.version ?? "",
          logdir,
          focusPid: o.focusPid ?? null,
          sweepStorage: sweeps.label,
          pollMs,
          memory: (() => {
            const m = process.memoryUsage();
            const held = index.memory();
            return { rss: m.rss, heap: m.heapUsed, columns: held.bytes, runsHeld: held.runs };
          })(),
        } satisfies InfoResponse);
      case "/api/runs":
        fresh();
        return json({ runs: index.summaries() });
      case "/api/scalars":
        return json(await scalars(u));
      case "/api/run/config": {
        const run = runParam(u);
        const path = resolveInside(logdir, `${run}/effective_config.yaml`);
        if (!existsSync(path)) throw new HttpError(404, `run "${run}" has no effective_config.yaml`);
        return text(readFileSync(path, "utf8"));
      }
      case "/api/run/log": {
        const run = runParam(u);
        const lines = Math.min(5000, Math.max(1, numberParam(u, "lines") ?? 200));
        const path = resolveInside(logdir, `${run}/training_log.txt`);
        return text(await tailLines(path, lines));
      }
      case "/api/live": {
        const board = index.liveBoard(runParam(u));
        if (!board) throw new HttpError(404, "the run has no live game (it is not running, or shows no board)");
        return json(board);
      }
      case "/api/games":
        fresh();
        return json(listRecords(logdir, index.names()) satisfies GamesResponse);
      case "/api/game": {
        const rel = u.searchParams.get("path") ?? "";
        const path = resolveInside(logdir, rel);
        if (!RECORD_EXTENSIONS.test(path)) throw new HttpError(400, "not a game record (.kif, .kifu or .csa)");
        if (!existsSync(path)) throw new HttpError(404, `no record ${rel}`);
        try {
          return json(replayRecord(path, rel));
        } catch (e) {
          throw new HttpError(422, (e as Error).message);
        }
      }
      case "/api/file": {
        const rel = u.searchParams.get("path") ?? "";
        const path = resolveInside(logdir, rel);
        if (!existsSync(path) || !statSync(path).isFile()) throw new HttpError(404, `no file ${rel}`);
        const name = rel.split("/").pop() ?? "file";
        return new Response(Bun.file(path), {
          headers: {
            "Content-Type": "application/octet-stream",
            "Content-Disposition": `attachment; filename="${name.replace(/[^\w.-]/g, "_")}"`,
            "Cache-Control": "no-store",
            ...SECURITY_HEADERS,
          },
        });
      }
      case "/api/sweeps":
        return json(await sweepsNow());
      case "/api/sweep": {
        const name = u.searchParams.get("name") ?? "";
        let view: Awaited<ReturnType<SweepReader["study"]>>;
        try {
          view = await sweeps.study(name);
        } catch (e) {
          throw new HttpError(502, `study database: ${(e as Error).message}`);
        }
        if (!view) throw new HttpError(404, `no study "${name}"`);
        return json(view);
      }
      case "/api/events":
        return events(req);
      default:
        throw new HttpError(404, `no such endpoint ${u.pathname}`);
    }
  };

  // ---- requests --------------------------------------------------------------------------------
  const authorised = (req: Request, u: URL): boolean => {
    if (token === null) return true;
    const bearer = /^Bearer (.+)$/.exec(req.headers.get("authorization") ?? "")?.[1];
    const query = u.searchParams.get("token");
    const cookie = (req.headers.get("cookie") ?? "")
      .split(/;\s*/)
      .find((c) => c.startsWith(`${cookieName()}=`))
      ?.slice(cookieName().length + 1);
    return [bearer, query, cookie].some((t) => t !== undefined && t !== null && tokensEqual(t, token));
  };

  const handle = async (req: Request, srv: { timeout(req: Request, s: number): void }): Promise<Response> => {
    const u = new URL(req.url);
    if (hostCheck) {
      const hostname = (req.headers.get("host") ?? "").replace(/:\d+$/, "");
      if (!isLoopback(hostname))
        return text(`keisei dashboard: refused request for host "${hostname}" (it serves ${host} only)\n`, 403);
    }
    if (!authorised(req, u)) {
      if (u.pathname.startsWith("/api/"))
        return json({ error: "this dashboard needs its token (--token): Authorization: Bearer TOKEN or ?token=" }, 401);
      return text(
        `<!doctype html><meta charset="utf-8"><title>keisei dashboard</title><p>This dashboard needs its token: open the address that <code>keisei dashboard</code> printed (it ends in <code>?token=…</code>).</p>`,
        401,
        "text/html; charset=utf-8",
      );
    }
    if (req.method !== "GET" && req.method !== "HEAD") return json({ error: "only GET and HEAD" }, 405);
    // Opened with ?token=: keep it in a cookie and drop it from the address bar.
    if (token !== null && u.searchParams.has("token") && !u.pathname.startsWith("/api/")) {
      u.searchParams.delete("token");
      return new Response(null, {
        status: 303,
        headers: {
          Location: `${u.pathname}${u.search}`,
          "Set-Cookie": `${cookieName()}=${token}; Path=/; HttpOnly; SameSite=Strict`,
          ...SECURITY_HEADERS,
        },
      });
    }
    if (u.pathname.startsWith("/api/")) {
      if (u.pathname === "/api/events") srv.timeout(req, 0);
      try {
        return await api(u, req);
      } catch (e) {
        if (e instanceof PathError) return json({ error: e.message }, 400);
        if (e instanceof HttpError) return json({ error: e.message }, e.status);
        return json({ error: (e as Error).message }, 500);
      }
    }
    const a = page.get(u.pathname === "/index.html" ? "/" : u.pathname);
    if (!a) return text("not found\n", 404);
    if (req.headers.get("if-none-match") === a.etag)
      return new Response(null, { status: 304, headers: { ETag: a.etag, ...SECURITY_HEADERS } });
    return new Response(a.body, {
      headers: { "Content-Type": a.type, ETag: a.etag, "Cache-Control": "no-cache", ...SECURITY_HEADERS },
    });
  };

  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: host,
      port: o.port ?? 6007,
      idleTimeout: 60,
      fetch: (req, srv) => handle(req, srv),
      error: (e) => json({ error: e.message }, 500),
    });
  } catch (e) {
    clearInterval(timer);
    clearInterval(keepAlive);
    await sweeps.close();
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EADDRINUSE" || /in use/i.test(err.message))
      throw new DashboardError(`port ${o.port ?? 6007} on ${host} is in use; choose another with --port`);
    throw new DashboardError(`cannot listen on ${host}:${o.port ?? 6007}: ${err.message}`);
  }
  const shownHost = host.includes(":") ? `[${host}]` : host;
  const url = `http://${shownHost === "0.0.0.0" ? "127.0.0.1" : shownHost}:${server.port}/`;
  return {
    url,
    host,
    port: server.port ?? 0,
    index,
    async stop() {
      clearInterval(timer);
      clearInterval(keepAlive);
      for (const c of clients)
        try {
          c.close();
        } catch {
          // already closed
        }
      clients.clear();
      await server.stop(true);
      await sweeps.close();
    },
  };
}
