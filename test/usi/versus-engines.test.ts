// `keisei usi` as a real USI peer: a tournament run by `keisei evaluate` between a checkpoint
// playing by search (--agent-search), the same checkpoint behind `keisei usi` (a `usi:` engine
// process, one per match slot) and Debian's fairy-stockfish. Every game must end by mate,
// resignation, declaration or the move limit, with every move legal by keisei's own rules.
import { beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Position } from "../../src/shogi/position.ts";
import { importRecord } from "../../src/shogi/record.ts";
import { gameStatus } from "../../src/shogi/rules.ts";
import { parseUsiMove } from "../../src/shogi/sfen.ts";
import { tinyCheckpoint } from "./helpers.ts";

const FAIRY = process.env.KEISEI_FAIRY_STOCKFISH ?? "/usr/games/fairy-stockfish";
const hasFairy = existsSync(FAIRY);
if (!hasFairy && process.env.KEISEI_REQUIRE_USI_ENGINES === "1")
  throw new Error(`KEISEI_REQUIRE_USI_ENGINES=1 but ${FAIRY} is not installed (scripts/setup-system.sh)`);

const cli = join(import.meta.dir, "../../src/cli.ts");
let model = "";
beforeAll(async () => {
  model = await tinyCheckpoint();
});

interface JsonGame {
  startSfen: string;
  reason: string;
  winner: number | null;
}

test.skipIf(!hasFairy)(
  "keisei evaluate: search agent, keisei usi and fairy-stockfish in a tournament; every game legal to its end",
  () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-usi-peers-"));
    const keiseiUsi = `usi:${process.execPath} ${cli} usi --model ${model}?go=go nodes 48&Device=cpu&Threads=1&name=keisei-usi&margin=20000`;
    const fsf = `usi:${FAIRY}?go=go nodes 100&Threads=1&margin=20000`;
    const r = Bun.spawnSync(
      [
        process.execPath,
        cli,
        "evaluate",
        "--agent",
        model,
        "--agent-search",
        "playouts=32,batch=16",
        "--opponent",
        keiseiUsi,
        "--opponent",
        fsf,
        "--strategy",
        "tournament",
        "--games",
        "2",
        "--max-moves",
        "60",
        "--openings",
        "random:4:3",
        "--device",
        "cpu",
        "--format",
        "json",
        "--save-games",
        join(dir, "games"),
      ],
      { cwd: dir, env: { ...process.env, XDG_RUNTIME_DIR: "/tmp" } },
    );
    const err = r.stderr.toString();
    expect(r.exitCode, err).toBe(0);
    const report = JSON.parse(r.stdout.toString()) as {
      matches: { agent: string; opponent: string; games: JsonGame[] }[];
    };
    const pairs = report.matches.map((m) => `${m.agent} | ${m.opponent}`);
    expect(pairs.length).toBe(3);
    expect(pairs[0]).toMatch(/^tiny\.safetensors \[search 32\] \| keisei-usi$/);
    expect(pairs[2]).toMatch(/^keisei-usi \| /); // keisei usi against fairy-stockfish
    // The JSON report leaves the moves out; the CSA records, read back, have them in match order.
    const records = readdirSync(join(dir, "games"))
      .filter((f) => f.endsWith(".csa"))
      .sort()
      .map((f) => importRecord(readFileSync(join(dir, "games", f), "utf8"), f));
    expect(records.length).toBe(6);
    let k = 0;
    for (const m of report.matches) {
      expect(m.games.length).toBe(2);
      for (const g of m.games) {
        expect(["checkmate", "resign", "impasse", "max_moves", "repetition", "perpetual_check"]).toContain(g.reason);
        const record = records[k++];
        expect(record.startSfen).toBe(g.startSfen);
        const pos = Position.fromSfen(record.startSfen);
        for (const usi of record.moves) {
          const move = parseUsiMove(pos, usi);
          expect(pos.isLegal(move)).toBe(true);
          pos.makeMove(move);
        }
        if (g.reason === "checkmate") expect(gameStatus(pos).reason).toBe("checkmate");
        if (g.reason === "max_moves") expect(pos.ply).toBeGreaterThanOrEqual(60);
      }
    }
  },
  120_000,
);
