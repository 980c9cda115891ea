// `keisei usi` driven as ShogiHome drives it: a real process, its replies and their timing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { mateMove } from "../../src/search/mate.ts";
import { Position } from "../../src/shogi/position.ts";
import { positionFromCommand } from "../../src/shogi/position-command.ts";
import { parseUsiMove } from "../../src/shogi/sfen.ts";
import { OPTIONS } from "../../src/usi/options.ts";
import { EngineProcess, tinyCheckpoint } from "./helpers.ts";

const cli = join(import.meta.dir, "../../src/cli.ts");
let model = "";
beforeAll(async () => {
  model = await tinyCheckpoint();
});

/** Whether every USI move of `moves`, played from `position`, is legal in turn. */
function legalLine(position: string, moves: string[]): boolean {
  const pos = positionFromCommand(position);
  for (const m of moves) {
    let move: number;
    try {
      move = parseUsiMove(pos, m);
    } catch {
      return false;
    }
    if (!pos.isLegal(move)) return false;
    pos.makeMove(move);
  }
  return true;
}

const field = (line: string, name: string) => Number(new RegExp(`\\b${name} (-?\\d+)`).exec(line)?.[1]);

describe("keisei usi, as ShogiHome drives it", () => {
  let e: EngineProcess;
  beforeAll(() => {
    e = new EngineProcess([process.execPath, cli, "usi"]);
  });
  afterAll(() => e.kill());

  test("usi: id, one option line per option, usiok within 1 s of a cold start", async () => {
    const sent = e.send("usi");
    const ok = await e.expect(/^usiok$/, 5000);
    expect(ok.at - e.started).toBeLessThan(1000);
    expect(ok.at - sent).toBeLessThan(1000);
    const text = e.lines.map((l) => l.text);
    expect(text[0]).toMatch(/^id name keisei \d+\.\d+\.\d+/);
    expect(text[1]).toMatch(/^id author /);
    for (const o of OPTIONS)
      expect(text.some((l) => l.startsWith(`option name ${o.name} type ${o.type} default`))).toBe(true);
    expect(text).toContain("option name C_init type spin default 144 min 0 max 10000");
    expect(text).toContain("option name Device type combo default auto var auto var webgpu var cpu");
  });

  test("setoption: good values silently, bad ones named in an info string; the engine keeps running", async () => {
    const from = e.lines.length;
    e.send(`setoption name ModelFile value ${model}`);
    e.send("setoption name USI_Hash value 32"); // every GUI sends it
    e.send("setoption name USI_Ponder value true");
    e.send("setoption name Device value cpu");
    e.send("setoption name Threads value 1");
    e.send("setoption name MultiPV value 99");
    e.send("setoption name C_init value abc");
    e.send("setoption name Device value tpu");
    e.send("setoption name Bogus value 1");
    await e.expect(/^info string unknown option Bogus$/, 5000, from);
    const strings = e.lines.slice(from).map((l) => l.text);
    expect(strings).toEqual([
      'info string option MultiPV: "99" is not a whole number in [1, 32]',
      'info string option C_init: "abc" is not a whole number in [0, 10000]',
      'info string option Device: "tpu" is not one of auto, webgpu, cpu',
      "info string unknown option Bogus",
    ]);
  });

  test("isready loads the model and answers readyok; usinewgame", async () => {
    const from = e.lines.length;
    e.send("isready");
    await e.expect(/^readyok$/, 30_000, from);
    expect(
      e.lines.slice(from).some((l) => /^info string loaded .*tiny\.safetensors: resnet 1×16, cpu/.test(l.text)),
    ).toBe(true);
    e.send("usinewgame");
  });

  test("position … moves …; go btime wtime byoyomi: a legal bestmove inside the byoyomi, info lines before it", async () => {
    const position = "startpos moves 7g7f 3c3d 2g2f";
    e.send(`position ${position}`);
    const from = e.lines.length;
    const sent = e.send("go btime 0 wtime 0 byoyomi 1000");
    const best = await e.expect(/^bestmove /, 5000, from);
    expect(best.at - sent).toBeLessThan(1000); // byoyomi 1 s, margin 500 ms
    const [, move, , ponder] = best.text.split(" ");
    expect(legalLine(position, [move])).toBe(true);
    // USI_Ponder is on: a ponder move, legal after the best move.
    expect(best.text).toMatch(/^bestmove \S+ ponder \S+$/);
    expect(legalLine(position, [move, ponder])).toBe(true);
    const infos = e.lines.slice(from, best.index).filter((l) => l.text.startsWith("info depth"));
    expect(infos.length).toBeGreaterThanOrEqual(1);
    const last = infos[infos.length - 1].text;
    for (const f of ["depth", "seldepth", "nodes", "nps", "time", "hashfull"])
      expect(Number.isFinite(field(last, f))).toBe(true);
    expect(last).toMatch(/ score (cp -?\d+|mate [+-]?\d*) pv /);
    const pv = last.split(" pv ")[1].split(" ");
    expect(pv[0]).toBe(move);
    expect(legalLine(position, pv)).toBe(true);
    expect(field(last, "nodes")).toBeGreaterThan(10);
  });

  test("Fischer clock: go btime … binc …; the move takes a share of the time, not all of it", async () => {
    e.send("position startpos moves 7g7f");
    const from = e.lines.length;
    const sent = e.send("go btime 4000 wtime 4000 binc 500 winc 500");
    const best = await e.expect(/^bestmove /, 5000, from);
    expect(best.at - sent).toBeLessThan(2500);
    expect(legalLine("startpos moves 7g7f", [best.text.split(" ")[1]])).toBe(true);
  });

  test("go ponder: no bestmove until ponderhit, then one within the budget", async () => {
    e.send("position startpos moves 7g7f 3c3d");
    const from = e.lines.length;
    e.send("go ponder btime 0 wtime 0 byoyomi 1000");
    await Bun.sleep(1500); // longer than the byoyomi: pondering is on the opponent's time
    expect(e.lines.slice(from).some((l) => l.text.startsWith("bestmove"))).toBe(false);
    const hit = e.send("ponderhit");
    const best = await e.expect(/^bestmove /, 5000, from);
    expect(best.at - hit).toBeLessThan(1000);
    expect(legalLine("startpos moves 7g7f 3c3d", [best.text.split(" ")[1]])).toBe(true);
  });

  test("early ponder: go ponder without a clock, the clock comes with ponderhit", async () => {
    e.send("position startpos moves 7g7f 3c3d 2g2f");
    const from = e.lines.length;
    e.send("go ponder");
    await Bun.sleep(700);
    expect(e.lines.slice(from).some((l) => l.text.startsWith("bestmove"))).toBe(false);
    const hit = e.send("ponderhit btime 0 wtime 0 byoyomi 1000");
    const best = await e.expect(/^bestmove /, 5000, from);
    expect(best.at - hit).toBeLessThan(1000);
  });

  test("a bare go (no clock, no limit) still ends, after about a second", async () => {
    e.send("position startpos");
    const from = e.lines.length;
    const sent = e.send("go");
    const best = await e.expect(/^bestmove /, 5000, from);
    expect(best.at - sent).toBeGreaterThan(900);
    expect(best.at - sent).toBeLessThan(2000);
  });

  test("go ponder, then stop: still answered by bestmove", async () => {
    e.send("position startpos");
    const from = e.lines.length;
    e.send("go ponder btime 0 wtime 0 byoyomi 1000");
    await Bun.sleep(300);
    const stop = e.send("stop");
    const best = await e.expect(/^bestmove /, 2000, from);
    expect(best.at - stop).toBeLessThan(500);
  });

  test("go infinite runs until stop; stop is answered at once", async () => {
    e.send("position startpos");
    const from = e.lines.length;
    e.send("go infinite");
    await Bun.sleep(1200);
    expect(e.lines.slice(from).some((l) => l.text.startsWith("bestmove"))).toBe(false);
    expect(e.lines.slice(from).filter((l) => l.text.startsWith("info depth")).length).toBeGreaterThanOrEqual(2); // every 500 ms
    const stop = e.send("stop");
    const best = await e.expect(/^bestmove /, 2000, from);
    expect(best.at - stop).toBeLessThan(500);
  });

  test("go nodes N stops at N playouts; the tree is reused on the next move; isready during a search is answered", async () => {
    e.send("usinewgame"); // no tree to reuse
    e.send("position startpos");
    const from = e.lines.length;
    e.send("go nodes 200");
    const best = await e.expect(/^bestmove /, 10_000, from);
    const infos = e.lines.slice(from, best.index).filter((l) => l.text.startsWith("info depth"));
    expect(field(infos[infos.length - 1].text, "nodes")).toBe(200);
    // The opponent plays the expected reply: one more playout stands on the subtree already searched.
    const [, move, , ponder] = best.text.split(" ");
    const after = (reuse: boolean) => {
      e.send(`setoption name ReuseTree value ${reuse}`);
      e.send("usinewgame");
      e.send("position startpos");
      e.send("go nodes 200");
      e.send(`position startpos moves ${move} ${ponder}`);
      e.send("go nodes 1");
    };
    let at = e.lines.length;
    after(true);
    await e.expect(/^bestmove /, 10_000, at);
    let last = await e.expect(/^bestmove /, 10_000, (await e.expect(/^bestmove /, 10_000, at)).index + 1);
    let info =
      e.lines
        .slice(0, last.index)
        .filter((l) => l.text.startsWith("info depth"))
        .pop()?.text ?? "";
    expect(field(info, "nodes")).toBeGreaterThan(2);
    at = e.lines.length;
    after(false);
    last = await e.expect(/^bestmove /, 10_000, (await e.expect(/^bestmove /, 10_000, at)).index + 1);
    info =
      e.lines
        .slice(0, last.index)
        .filter((l) => l.text.startsWith("info depth"))
        .pop()?.text ?? "";
    expect(field(info, "nodes")).toBe(1);
    e.send("setoption name ReuseTree value true");
    const from2 = e.lines.length;
    e.send("go infinite");
    e.send("isready");
    await e.expect(/^readyok$/, 2000, from2);
    e.send("stop");
    await e.expect(/^bestmove /, 2000, from2);
  });

  test("go mate: a mate in 1 and a mate in 3 are answered with their moves, the start position with nomate", async () => {
    e.send("position sfen 4k4/9/4P4/9/9/9/9/9/4K4 b G 1");
    let from = e.lines.length;
    e.send("go mate 5000");
    expect((await e.expect(/^checkmate /, 10_000, from)).text).toBe("checkmate G*5b");
    e.send("position startpos");
    from = e.lines.length;
    e.send("go mate 2000");
    expect((await e.expect(/^checkmate /, 10_000, from)).text).toMatch(/^checkmate (nomate|timeout)$/);
  });

  test("a mate at the root is played at once, with score mate", async () => {
    e.send("position sfen 4k4/9/4P4/9/9/9/9/9/4K4 b G 1");
    const from = e.lines.length;
    e.send("go btime 0 wtime 0 byoyomi 1000");
    const best = await e.expect(/^bestmove /, 5000, from);
    expect(best.text).toBe("bestmove G*5b");
    expect(e.lines.slice(from, best.index).some((l) => / score mate 1 pv G\*5b$/.test(l.text))).toBe(true);
  });

  test("bestmove win when the entering-king declaration holds", async () => {
    e.send("position sfen GGGG5/SSSSK4/+R+B7/9/9/9/9/9/4k4 b 10P4n4l8p 1");
    const from = e.lines.length;
    e.send("go btime 0 wtime 0 byoyomi 1000");
    expect((await e.expect(/^bestmove /, 5000, from)).text).toBe("bestmove win");
  });

  test("a bad position is reported, the engine keeps the last good one and keeps answering", async () => {
    const from = e.lines.length;
    e.send("position startpos moves 7g7f 7g7f");
    await e.expect(/^info string .*7g7f/, 2000, from);
    e.send("isready");
    await e.expect(/^readyok$/, 2000, from);
  });

  test("gameover, then quit: the process exits within 1 s", async () => {
    e.send("gameover win");
    const quit = e.send("quit");
    const code = await e.exitedPromise;
    expect(performance.now() - quit).toBeLessThan(1000);
    expect(code).toBe(0);
  });
});

describe("keisei usi resigns when lost", () => {
  test("every move allows a mate in 1: the tree proves the loss, bestmove resign", async () => {
    const model2 = model;
    const e = new EngineProcess([process.execPath, cli, "usi", "--model", model2]);
    try {
      e.send("usi");
      await e.expect(/^usiok$/, 5000);
      e.send("setoption name Device value cpu");
      e.send("isready");
      await e.expect(/^readyok$/, 30_000);
      // White to move with only its king: its one move, K2a, allows G*2b mate.
      const sfen = "8k/9/7PP/9/9/9/9/9/K8 w 2R2B4G4S4N4L16P 1";
      const pos = Position.fromSfen(sfen);
      const moves = new Uint32Array(600);
      const n = pos.generateLegal(moves, 0);
      expect(n).toBe(1);
      pos.makeMove(moves[0]);
      expect(mateMove(pos, 1)).not.toBe(0);
      e.send(`position sfen ${sfen}`);
      const from = e.lines.length;
      e.send("go btime 0 wtime 0 byoyomi 2000");
      expect((await e.expect(/^bestmove /, 5000, from)).text).toBe("bestmove resign");
    } finally {
      e.kill();
    }
  });
});
