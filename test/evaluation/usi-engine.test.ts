// USI engines as evaluation opponents. Two kinds of engine:
//   - a tiny fake engine (a bun script written to a temp dir, playing the first legal move) that
//     misbehaves on purpose: it crashes, hangs, plays an illegal or unparsable move, resigns,
//     declares — each loses that game with its reason, and the match goes on with a fresh process;
//     it also checks that no engine outlives keisei (SIGTERM, process.exit);
//   - Debian's real engines, /usr/games/gpsusi (gpsshogi) and /usr/games/fairy-stockfish: the
//     handshake, matches through runEvaluation and through `keisei evaluate` as a subprocess, every
//     move replayed with keisei's rules, records and Elo rows written.
// With KEISEI_REQUIRE_USI_ENGINES=1 (set by .ci/run) a missing real engine fails the file; elsewhere
// those tests are skipped with the reason printed once. KEISEI_GPSUSI and KEISEI_FAIRY_STOCKFISH
// point them at other binaries.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ReferenceBackend } from "../../src/compute/reference/backend.ts";
import { EloRegistry } from "../../src/evaluation/elo.ts";
import { runEvaluation } from "../../src/evaluation/evaluate.ts";
import { type PlayedGame, playMatch } from "../../src/evaluation/match.ts";
import { heuristicPlayer } from "../../src/evaluation/opponents.ts";
import { renderReport } from "../../src/evaluation/report.ts";
import { randomOpenings } from "../../src/evaluation/openings.ts";
import { liveEnginePids, UsiEngine } from "../../src/evaluation/usi-engine.ts";
import {
  DEFAULT_GO,
  goTimeMs,
  parseUsiSpec,
  positionLine,
  UsiSpecError,
  usiPlayer,
} from "../../src/evaluation/usi-player.ts";
import { saveCheckpoint } from "../../src/models/checkpoint.ts";
import { modelFactory } from "../../src/models/factory.ts";
import { importRecord } from "../../src/shogi/record.ts";
import { Position } from "../../src/shogi/position.ts";
import { gameStatus } from "../../src/shogi/rules.ts";
import { parseUsiMove, START_SFEN } from "../../src/shogi/sfen.ts";
import { BLACK } from "../../src/shogi/types.ts";
import { scratchDir } from "./helpers.ts";

const SRC = join(import.meta.dir, "../../src");
const BUN = process.execPath;

// ---- the fake engine ------------------------------------------------------------------------------

// argv: MODE AFTER [LOG]. It plays the first legal move AFTER times in each game, then does MODE:
// crash (exit 3), hang (never answers), illegal (9a9a), garbage (an unparsable move), resign, win,
// or play (keeps playing). LOG gets one line per start (the restarts are counted). stubborn: it
// ignores the end of its input (an engine that would outlive a dead GUI).
const FAKE = `
import { appendFileSync } from "node:fs";
import { positionFromCommand } from "${SRC}/shogi/position-command.ts";
import { MAX_LEGAL_MOVES } from "${SRC}/shogi/movegen.ts";
import { moveToUsi } from "${SRC}/shogi/sfen.ts";
const [mode, after = "0", log] = process.argv.slice(2);
if (log) appendFileSync(log, process.pid + "\\n");
if (mode === "stubborn") setInterval(() => {}, 1 << 30);
const out = (s) => process.stdout.write(s + "\\n");
const legal = new Uint32Array(MAX_LEGAL_MOVES);
let pos = null, moved = 0;
for await (const line of console) {
  const cmd = line.trim().split(/\\s+/)[0];
  if (cmd === "usi") { out("id name fake " + mode); out("id author keisei tests"); out("option name Style type combo default normal var normal var odd"); out("usiok"); }
  else if (cmd === "isready") out("readyok");
  else if (cmd === "usinewgame") moved = 0;
  else if (cmd === "position") pos = positionFromCommand(line.trim().slice(9));
  else if (cmd === "go") {
    if (moved++ >= Number(after)) {
      if (mode === "crash") { process.stderr.write("fake: crashing on purpose\\n"); process.exit(3); }
      if (mode === "hang") continue;
      if (mode === "illegal") { out("bestmove 9a9a"); continue; }
      if (mode === "garbage") { out("bestmove hello"); continue; }
      if (mode === "resign") { out("bestmove resign"); continue; }
      if (mode === "win") { out("bestmove win"); continue; }
    }
    const n = pos.generateLegal(legal);
    out("info depth 1 score cp 0 pv " + moveToUsi(legal[0]));
    out("bestmove " + moveToUsi(legal[0]));
  } else if (cmd === "quit") process.exit(0);
}
`;

const dir = scratchDir("usi");
const fakePath = join(dir, "fake-engine.ts");
writeFileSync(fakePath, FAKE);
chmodSync(fakePath, 0o755);
/** The spec of a fake engine; its starts are logged to the returned file. */
function fake(mode: string, after = 0, params = "") {
  const log = join(dir, `${mode}-${after}-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, "");
  const spec = `usi:${BUN} ${fakePath} ${mode} ${after} ${log}${params ? `?${params}` : ""}`;
  return { spec, starts: () => readFileSync(log, "utf8").trim().split("\n").filter(Boolean).length };
}

afterAll(() => {
  // Every test closes what it opened: no engine is left behind.
  expect(liveEnginePids()).toEqual([]);
});

/** Replays a game with keisei's rules: every move legal; a rules ending holds at the end. */
function replay(g: PlayedGame, maxMoves: number): Position {
  const pos = Position.fromSfen(g.startSfen);
  for (const usi of g.moves) pos.makeMove(parseUsiMove(pos, usi));
  const status = gameStatus(pos, { maxMovesPerGame: maxMoves, impasse: "csa27" });
  if (["checkmate", "max_moves", "impasse", "repetition", "perpetual_check"].includes(g.reason)) {
    expect(status.over).toBe(true);
    expect<string | null>(status.reason).toBe(g.reason);
    expect(status.winner).toBe(g.winner);
  } else expect(status.over).toBe(false); // resign, declaration, a failure: the game could have gone on
  return pos;
}

// ---- specs ----------------------------------------------------------------------------------------

describe("usi: specs", () => {
  test("command, go line, options in order, reserved keys, %-escapes", () => {
    expect(parseUsiSpec("usi:/usr/games/gpsusi", 2)).toEqual({
      spec: "usi:/usr/games/gpsusi",
      command: ["/usr/games/gpsusi"],
      go: DEFAULT_GO,
      options: [],
      parallel: 2,
      marginMs: 5000,
    });
    const s = parseUsiSpec(
      "usi:/usr/games/fairy-stockfish?go=go nodes 2000&Threads=1&UCI_Variant=shogi&Skill Level=3&parallel=3&margin=250&name=fsf%26co&Path=a%3Db",
    );
    expect(s.command).toEqual(["/usr/games/fairy-stockfish"]);
    expect(s.go).toBe("go nodes 2000");
    expect(s.options).toEqual([
      ["Threads", "1"],
      ["UCI_Variant", "shogi"],
      ["Skill Level", "3"],
      ["Path", "a=b"],
    ]);
    expect([s.parallel, s.marginMs, s.name]).toEqual([3, 250, "fsf&co"]);
    expect(parseUsiSpec("usi:bun engine.ts --fast").command).toEqual(["bun", "engine.ts", "--fast"]);
  });

  test.each([
    ["usi:", /no engine command/],
    ["usi:?go=go nodes 1", /no engine command/],
    ["usi:/e?go=nodes 10", /the go line must start with "go"/],
    ["usi:/e?go=go infinite", /"go infinite" never ends by itself/],
    ["usi:/e?go=go ponder", /"go ponder" never ends/],
    ["usi:/e?go=go fast", /unknown go limit "fast"/],
    ["usi:/e?go=go byoyomi", /go byoyomi needs a whole number/],
    ["usi:/e?parallel=0", /parallel must be a whole number ≥ 1, got "0"/],
    ["usi:/e?margin=-5", /margin must be a whole number ≥ 0/],
    ["usi:/e?Threads", /"Threads" is not Name=Value/],
    ["usi:/e?name=", /name= is empty/],
    ["usi:/e?A=%zz", /broken %-escape/],
  ])("%p is refused with a message naming it", (spec, why) => {
    expect(() => parseUsiSpec(spec)).toThrow(UsiSpecError);
    expect(() => parseUsiSpec(spec)).toThrow(why);
    expect(() => parseUsiSpec(spec)).toThrow(`${spec}: `);
  });

  test("a move's time from the go line; position lines", () => {
    expect(goTimeMs(DEFAULT_GO)).toBe(1000);
    expect(goTimeMs("go btime 30000 wtime 20000 binc 1000 winc 2000")).toBe(32000);
    expect(goTimeMs("go movetime 300")).toBe(300);
    expect(goTimeMs("go nodes 2000")).toBe(0);
    expect(positionLine({ startSfen: START_SFEN, moves: [] })).toBe("position startpos");
    expect(positionLine({ startSfen: START_SFEN, moves: ["7g7f", "3c3d"] })).toBe("position startpos moves 7g7f 3c3d");
    const sfen = randomOpenings(2, 1, 1)[0];
    expect(positionLine({ startSfen: sfen, moves: ["P*5e"] })).toBe(`position sfen ${sfen} moves P*5e`);
  });
});

// ---- the fake engine: protocol, failures, no engine left behind ----------------------------------

describe("USI client against a fake engine", () => {
  test("handshake: id name, options checked against the engine's list; a command that cannot start", async () => {
    const e = await UsiEngine.start([BUN, fakePath, "play"], { options: [["Style", "odd"]] });
    try {
      expect([e.name, e.author, e.optionNames]).toEqual(["fake play", "keisei tests", ["Style"]]);
      await e.newGame();
      expect(await e.bestMove("position startpos", "go nodes 1", 5000)).toEqual({ kind: "move", usi: "9g9f" });
      await e.newGame(); // isready, readyok, usinewgame
      expect(await e.bestMove("position startpos moves 9g9f", "go nodes 1", 5000)).toEqual({
        kind: "move",
        usi: "9a9b",
      });
    } finally {
      await e.quit();
    }
    expect(e.exited).toBe(true);
    await expect(UsiEngine.start([BUN, fakePath, "play"], { options: [["Styel", "odd"]] })).rejects.toThrow(
      'the engine has no option "Styel" (did you mean Style?) (it has Style)',
    );
    await expect(usiPlayer("usi:/nope/engine")).rejects.toThrow(/^usi:\/nope\/engine: cannot start: /);
    await expect(
      runEvaluation({ agent: heuristicPlayer(1), opponents: ["heuristic", "usi:/nope/engine"], games: 2 }),
    ).rejects.toThrow("usi:/nope/engine: cannot start: ");
    expect(liveEnginePids()).toEqual([]);
  });

  test.each([
    ["crash", "engine_crash", /exited with status 3 while waiting for bestmove: fake: crashing on purpose/],
    ["hang", "timeout", /no bestmove within 400 ms/],
    ["illegal", "illegal_move", /^bestmove 9a9a: illegal move 9a9a in position /],
    ["garbage", "illegal_move", /^bestmove hello: malformed USI move "hello"/],
    ["resign", "resign", /^bestmove resign$/],
    ["win", "illegal_declaration", /^bestmove win$/],
  ])("an engine that does %p loses each game (%p), and the match goes on", async (mode, reason, detail) => {
    // Only the hanging engine gets a short margin: the others' legal moves never time out.
    const f = fake(mode, 2, `go=go btime 0 wtime 0 byoyomi 100&parallel=1${mode === "hang" ? "&margin=300" : ""}`);
    const out = join(dir, `games-${mode}`);
    const { report } = await runEvaluation({
      agent: heuristicPlayer(3),
      opponents: [f.spec],
      games: 4,
      maxMoves: 60,
      outDir: out,
      format: "json",
    });
    const m = report.matches[0];
    expect(m.opponent).toBe(`fake ${mode}`);
    expect(m.games.length).toBe(4);
    for (const g of m.games) {
      expect(g.reason).toBe(reason as PlayedGame["reason"]);
      expect(g.outcome).toBe("win"); // the engine lost
      expect(g.detail).toMatch(detail);
      // The engine played its two legal moves; it failed on its third.
      expect(g.moves.length).toBe(g.agentColor === BLACK ? 5 : 4);
      replay(g, 60);
    }
    expect(m.summary.terminations).toEqual({ [reason]: 4 });
    // A failed engine is replaced for the slot's next game; resigning and declaring are not failures.
    const failures = ["crash", "hang", "illegal", "garbage"].includes(mode);
    // parallel=1: two slots, two engines; after a failure the slot's next game (games 2 and 3) restarts it.
    expect(f.starts()).toBe(failures ? 4 : 2);
    // The report keeps the reason; the records write the closest ending (resign or foul) and read back.
    const json = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(json.matches[0].games.map((g: { reason: string }) => g.reason)).toEqual(Array(4).fill(reason));
    expect(json.matches[0].games[0].detail).toMatch(detail);
    expect(renderReport(report, "text")).toContain(
      `endings: ${reason} 4\n  ended by a player: game 1 ${reason} (${m.games[0].detail}); game 2 ${reason}`,
    );
    for (const [i, g] of m.games.entries()) {
      const rec = importRecord(
        readFileSync(join(out, `game000${i + 1}_heuristic_vs_fake_${mode}.csa`), "utf8"),
        `${mode} game ${i + 1}`,
      );
      expect(rec.moves).toEqual(g.moves);
      expect(rec.result?.winner).toBe(g.winner);
      expect(rec.result?.reason).toBe(["illegal", "garbage", "win"].includes(mode) ? "no_legal_moves" : "resignation");
    }
    expect(liveEnginePids()).toEqual([]);
  });

  test("bestmove win where the CSA 27-point rule holds: the engine wins by impasse", async () => {
    // Black: king on 5b, nine tokins, a dragon and a horse in the camp (11 pieces), rook and bishop
    // in hand: 29 points ≥ 28. With impasse "none" keisei does not declare for it; the engine does.
    const declarable = "+P+P+P+P+P+P+P+P+P/4K4/+R+B7/9/9/9/9/9/4k4 b RB 1";
    const p = await usiPlayer(fake("win", 0).spec);
    try {
      const games = await playMatch(heuristicPlayer(1).policy, p.policy, {
        games: 2,
        startSfens: [declarable],
        impasse: "none",
      });
      // Game 0: the heuristic is Black and moves; White (the engine, only a king) declares: refused.
      expect([games[0].reason, games[0].winner, games[0].moves.length]).toEqual(["illegal_declaration", BLACK, 1]);
      // Game 1: the engine is Black and declares at once: valid.
      expect([games[1].reason, games[1].winner, games[1].moves.length]).toEqual(["impasse", BLACK, 0]);
      expect(games[1].outcome).toBe("loss");
    } finally {
      await p.close();
    }
  });

  /** Runs a child bun script that opens a stubborn fake engine, prints its pid, then waits. */
  async function child(ending: string) {
    const script = join(dir, `child-${Math.random().toString(36).slice(2)}.ts`);
    writeFileSync(
      script,
      `import { usiPlayer } from "${SRC}/evaluation/usi-player.ts";
const p = await usiPlayer("usi:${BUN} ${fakePath} stubborn");
console.log((p.policy as any).pids()[0]);
${ending}
await new Promise((r) => setTimeout(r, 60_000));
`,
    );
    const proc = Bun.spawn([BUN, script], { stdout: "pipe", stderr: "pipe" });
    const reader = proc.stdout.getReader();
    const { value } = await reader.read();
    const pid = Number(new TextDecoder().decode(value).trim());
    expect(pid).toBeGreaterThan(0);
    return { proc, pid };
  }
  const alive = (pid: number): boolean => {
    const r = Bun.spawnSync(["ps", "-o", "stat=", "-p", String(pid)]);
    const stat = r.stdout.toString().trim();
    return stat !== "" && !stat.startsWith("Z"); // a zombie waiting for init is dead
  };
  async function gone(pid: number): Promise<boolean> {
    for (let i = 0; i < 50 && alive(pid); i++) await Bun.sleep(100);
    return !alive(pid);
  }

  test("killing keisei with SIGTERM leaves no engine process; keisei still dies of the signal", async () => {
    const { proc, pid } = await child("");
    expect(alive(pid)).toBe(true);
    proc.kill("SIGTERM");
    await proc.exited;
    expect(proc.signalCode).toBe("SIGTERM");
    expect(await gone(pid)).toBe(true);
  });

  test("process.exit and SIGINT leave no engine process either", async () => {
    const exiting = await child("setTimeout(() => process.exit(0), 200);");
    expect(await exiting.proc.exited).toBe(0);
    expect(await gone(exiting.pid)).toBe(true);
    const interrupted = await child("");
    interrupted.proc.kill("SIGINT");
    await interrupted.proc.exited;
    expect(interrupted.proc.signalCode).toBe("SIGINT");
    expect(await gone(interrupted.pid)).toBe(true);
  });
});

// ---- Debian's engines ------------------------------------------------------------------------------

const GPSUSI = process.env.KEISEI_GPSUSI ?? "/usr/games/gpsusi";
const FAIRY = process.env.KEISEI_FAIRY_STOCKFISH ?? "/usr/games/fairy-stockfish";
const requireEngines = process.env.KEISEI_REQUIRE_USI_ENGINES === "1";
const missing = [GPSUSI, FAIRY].filter((p) => !existsSync(p));
if (missing.length > 0) {
  const why = `${missing.join(" and ")} not installed (Debian's gpsshogi and fairy-stockfish: scripts/setup-system.sh)`;
  if (requireEngines) throw new Error(`KEISEI_REQUIRE_USI_ENGINES=1 but ${why}`);
  console.warn(`[USI engine tests skipped] ${why}`);
}
const hasGps = existsSync(GPSUSI);
const hasFairy = existsSync(FAIRY);
// gpsusi's time a move hardly follows the byoyomi (measured: 50 ms to 1.2 s a move at byoyomi 100
// or 1000, varying with LimitDepth and from run to run); LimitDepth=4 kept it to tens of ms, more
// when a mate is near.
// A generous margin: a loaded CI machine must not turn a slow move into a "timeout".
const GPS = `usi:${GPSUSI}?go=go btime 0 wtime 0 byoyomi 100&Thread=1&LimitDepth=4&margin=20000`;
// In USI mode fairy-stockfish plays shogi by default (UCI_Variant's default is shogi once it has read "usi").
const FSF = `usi:${FAIRY}?go=go nodes 200&Threads=1&margin=20000`;

/** Every game ends by mate, resignation, declaration or the move limit, and every move is legal. */
function expectCleanGames(games: readonly PlayedGame[], maxMoves: number) {
  for (const g of games) {
    expect(["checkmate", "resign", "impasse", "max_moves", "repetition", "perpetual_check"]).toContain(g.reason);
    replay(g, maxMoves);
  }
}

describe("Debian's USI engines", () => {
  test.skipIf(!hasGps)("gpsusi: handshake, options, a move from the start position", async () => {
    const e = await UsiEngine.start([GPSUSI], { options: [["Thread", "1"]] });
    try {
      expect(e.name).toMatch(/^gpsshogi/);
      expect(e.optionNames).toContain("Thread");
      await e.newGame();
      const best = await e.bestMove("position startpos moves 7g7f", "go btime 0 wtime 0 byoyomi 100", 10_000);
      expect(best.kind).toBe("move");
      if (best.kind === "move") parseUsiMove(afterMoves(["7g7f"]), best.usi);
    } finally {
      await e.quit();
    }
  });

  test.skipIf(!hasFairy)("fairy-stockfish: USI on receiving usi, shogi by default, go nodes", async () => {
    const e = await UsiEngine.start([FAIRY], { options: [["UCI_Variant", "shogi"]] });
    try {
      expect(e.name).toMatch(/^Fairy-Stockfish/);
      expect(e.optionNames).toEqual(expect.arrayContaining(["UCI_Variant", "Threads", "Skill Level"]));
      await e.newGame();
      const best = await e.bestMove("position startpos moves 7g7f", "go nodes 200", 10_000);
      expect(best.kind).toBe("move");
      if (best.kind === "move") parseUsiMove(afterMoves(["7g7f"]), best.usi);
    } finally {
      await e.quit();
    }
  });

  test.skipIf(!hasGps)(
    "heuristic vs gpsusi through runEvaluation: legal games, KIF/CSA records, Elo rows",
    async () => {
      const out = join(dir, "gps-games");
      const models = join(dir, "gps-models");
      const registry = EloRegistry.open(models);
      try {
        const { report } = await runEvaluation({
          agent: heuristicPlayer(7),
          opponents: [GPS],
          games: 4,
          maxMoves: 40,
          registry,
          outDir: out,
        });
        const m = report.matches[0];
        expect(m.opponent).toMatch(/^gpsshogi/);
        expect(m.games.length).toBe(4);
        expectCleanGames(m.games, 40);
        expect(m.summary.games).toBe(4);
        const files = readdirSync(out);
        expect(files.filter((f) => f.endsWith(".kif")).length).toBe(4);
        expect(files.filter((f) => f.endsWith(".csa")).length).toBe(4);
        expect(files).toContain("report.txt");
        for (const f of files.filter((f) => f.endsWith(".csa")))
          expect(importRecord(readFileSync(join(out, f), "utf8"), f).moves.length).toBeGreaterThan(0);
        expect(registry.ratings().map((r) => [r.id, r.games])).toEqual(
          expect.arrayContaining([
            ["heuristic", 4],
            [m.opponent, 4],
          ]),
        );
        expect(registry.history(m.opponent).length).toBe(1);
      } finally {
        registry.close();
      }
      expect(liveEnginePids()).toEqual([]);
    },
    60_000,
  );

  test.skipIf(!hasFairy)("a tournament and a ladder with fairy-stockfish under two names", async () => {
    const registry = EloRegistry.open(join(dir, "fsf-models"));
    try {
      const { report } = await runEvaluation({
        agent: heuristicPlayer(9),
        opponents: [FSF, `usi:${FAIRY}?go=go nodes 20&margin=20000&name=fsf-20`],
        strategy: "tournament",
        games: 2,
        maxMoves: 60,
        startSfens: randomOpenings(4, 1, 3),
        registry,
      });
      expect(report.matches.map((m) => `${m.agent} | ${m.opponent}`)).toEqual([
        `heuristic | ${report.opponents[0]}`,
        "heuristic | fsf-20",
        `${report.opponents[0]} | fsf-20`,
      ]);
      for (const m of report.matches) expectCleanGames(m.games, 60);
      const ladder = await runEvaluation({
        agent: heuristicPlayer(9),
        opponents: [FSF],
        strategy: "ladder",
        games: 2,
        maxMoves: 60,
        registry,
        ladder: { window: 10_000 },
      });
      expect(ladder.report.ladder?.rounds.length).toBe(1);
    } finally {
      registry.close();
    }
    expect(liveEnginePids()).toEqual([]);
  });

  test.skipIf(!hasFairy)(
    "keisei evaluate --opponent usi:… --openings random:4: report, records, Elo rows; bad specs exit 2",
    async () => {
      const ck = join(dir, "tiny.safetensors");
      const net = modelFactory(
        new ReferenceBackend(),
        "resnet",
        { depth: 1, width: 16, seRatio: 0.25, policyHead: "conv" },
        { seed: 7 },
      );
      await saveCheckpoint(ck, net);
      const out = join(dir, "cli-games");
      const models = join(dir, "cli-models");
      const keisei = (...args: string[]) => {
        const r = Bun.spawnSync([BUN, join(SRC, "cli.ts"), "evaluate", ...args], {
          env: { ...process.env, XDG_RUNTIME_DIR: "/tmp" },
        });
        return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
      };
      const r = keisei(
        "--agent",
        ck,
        "--opponent",
        FSF,
        "--games",
        "4",
        "--max-moves",
        "50",
        "--openings",
        "random:4",
        "--device",
        "cpu",
        "--format",
        "json",
        "--save-games",
        out,
        "--savedir",
        models,
      );
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      const report = JSON.parse(r.out);
      const games = report.matches[0].games;
      expect(report.matches[0].opponent).toMatch(/^Fairy-Stockfish/);
      expect(games.length).toBe(4);
      expect(games[0].startSfen).toBe(games[1].startSfen);
      expect(games[0].startSfen).not.toBe(START_SFEN);
      expect(games.map((g: { agentColor: string }) => g.agentColor)).toEqual(["black", "white", "black", "white"]);
      for (const g of games) expect(["checkmate", "resign", "impasse", "max_moves", "repetition"]).toContain(g.reason);
      const records = readdirSync(out).filter((f) => f.endsWith(".csa"));
      expect(records.length).toBe(4);
      for (const f of records) {
        const rec = importRecord(readFileSync(join(out, f), "utf8"), f); // replayed with keisei's rules
        expect(rec.white === "tiny.safetensors" || rec.black === "tiny.safetensors").toBe(true);
      }
      const registry = EloRegistry.open(models);
      try {
        expect(registry.ratings().map((x) => x.games)).toEqual([4, 4]);
        expect(registry.ratings().map((x) => x.id)).toContain(report.matches[0].opponent);
      } finally {
        registry.close();
      }

      for (const [args, message] of [
        [["--opponent", "usi:/nope/engine"], /^keisei: usi:\/nope\/engine: cannot start: /],
        [["--opponent", `usi:${FAIRY}?go=go fast`], /^keisei: --opponent usi:.*unknown go limit "fast"/],
        [["--openings", "random:x"], /^keisei: --openings: openings "random:x": expected random:N/],
        [["--openings", join(dir, "no-such-book.txt")], /^keisei: --openings: no such file/],
      ] as const) {
        const bad = keisei("--agent", ck, "--games", "2", "--device", "cpu", ...args);
        expect(bad.code).toBe(2);
        expect(bad.err).toMatch(message);
        expect(bad.err.trim().split("\n").length).toBe(1);
        expect(bad.out).toBe("");
      }
    },
    60_000,
  );
});

function afterMoves(moves: string[]): Position {
  const pos = Position.startpos();
  for (const m of moves) pos.makeMove(parseUsiMove(pos, m));
  return pos;
}
