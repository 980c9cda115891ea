// A throw-away PostgreSQL server for the sweep tests: initdb + pg_ctl in a temp dir, trust auth,
// listening on 127.0.0.1 at a free port, fsync off. Under root the server runs as the `postgres`
// user (the Debian package creates it), since postgres refuses to run as root.
//
// Without PostgreSQL installed the tests that need it are skipped with the reason printed once;
// with KEISEI_REQUIRE_POSTGRES=1 (set by .ci/run) a missing server is a failure instead.

import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";

export const requirePostgres = process.env.KEISEI_REQUIRE_POSTGRES === "1";

export interface PgServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  /** The port it listens on. */
  port: number;
  /** A fresh, empty database on this server; its URL. */
  createDatabase(name: string): Promise<string>;
  /** Shuts the server down (fast: clients are disconnected) keeping its data, and starts it again on the same port. */
  down(): void;
  up(): void;
  stop(): void;
}

export interface PgOptions {
  /** listen_addresses (default 127.0.0.1). */
  listen?: string;
  /** Extra pg_hba.conf lines, e.g. "host all all 10.200.1.0/24 trust". */
  hba?: string[];
}

function binDir(): string | null {
  const explicit = process.env.KEISEI_POSTGRES_BIN; // a bin dir with initdb and pg_ctl
  if (explicit !== undefined)
    return existsSync(join(explicit, "pg_ctl")) && existsSync(join(explicit, "initdb")) ? explicit : null;
  const onPath = Bun.which("pg_ctl");
  if (onPath && Bun.which("initdb")) return join(onPath, "..");
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "pg_ctl")) && existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0], "bin") : null;
}

function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

function idOf(flag: "-u" | "-g", user: string): number | null {
  const r = Bun.spawnSync(["id", flag, user]);
  return r.exitCode === 0 ? Number(r.stdout.toString().trim()) : null;
}

/** Starts a server, or returns why it cannot. */
export function startPostgres(o: PgOptions = {}): PgServer | string {
  const bin = binDir();
  if (!bin)
    return "PostgreSQL is not installed (apt-get install postgresql; or set KEISEI_POSTGRES_BIN to the folder with initdb and pg_ctl)";
  const asRoot = process.getuid?.() === 0;
  let prefix: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "keisei-pg-"));
  const data = join(dir, "data");
  if (asRoot) {
    const uid = idOf("-u", "postgres");
    const gid = idOf("-g", "postgres");
    if (uid === null || gid === null) return "running as root and there is no `postgres` user to run the server as";
    if (!Bun.which("runuser")) return "running as root and runuser (util-linux) is missing";
    chownSync(dir, uid, gid);
    prefix = ["runuser", "-u", "postgres", "--"];
  }
  const run = (args: string[]) => {
    const r = Bun.spawnSync([...prefix, ...args], { cwd: dir, env: { ...process.env, LC_ALL: "C" } });
    return { ok: r.exitCode === 0, out: `${r.stdout.toString()}${r.stderr.toString()}`.trim() };
  };
  const init = run([join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  if (!init.ok) return `initdb failed: ${init.out.split("\n").slice(-3).join(" / ")}`;
  if (o.hba?.length) appendFileSync(join(data, "pg_hba.conf"), `${o.hba.join("\n")}\n`);
  const port = freePort();
  const opts = `-p ${port} -k ${data} -c listen_addresses=${o.listen ?? "127.0.0.1"} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const startServer = () =>
    run([join(bin, "pg_ctl"), "-D", data, "-l", join(dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"]);
  const start = startServer();
  if (!start.ok) return `pg_ctl start failed: ${start.out.split("\n").slice(-3).join(" / ")}`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    run([join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]);
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", stop);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    down() {
      const r = run([join(bin, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]);
      if (!r.ok) throw new Error(`pg_ctl stop failed: ${r.out}`);
    },
    up() {
      const r = startServer();
      if (!r.ok) throw new Error(`pg_ctl start failed: ${r.out}`);
    },
    async createDatabase(name: string) {
      const admin = new SQL(url);
      try {
        await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`);
        await admin.unsafe(`CREATE DATABASE ${name}`);
      } finally {
        await admin.close();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop,
  };
}

let warned = false;
/** The server for a test file, or null (its tests skip) when there is none and CI did not demand one. */
export function testPostgres(o: PgOptions = {}): PgServer | null {
  const r = startPostgres(o);
  if (typeof r !== "string") return r;
  if (requirePostgres) throw new Error(`KEISEI_REQUIRE_POSTGRES=1 but ${r}`);
  if (!warned) console.warn(`[postgres sweep tests skipped] ${r}`);
  warned = true;
  return null;
}
