// Any USI engine as an evaluation player, named by the spec
//
//   usi:CMD[?go=<go line>&parallel=N&margin=MS&name=NAME&Option=Value&…]
//
//   CMD      the engine's executable, with its arguments separated by spaces
//   go       the line sent for every move (default `go btime 0 wtime 0 byoyomi 1000`: one second a
//            move, in the form ShogiHome sends). keisei keeps no clock: every move gets the line as
//            written. `go nodes N` works with fairy-stockfish; gpsusi knows only btime, wtime,
//            byoyomi, binc, winc and aborts on anything else (each game then ends "engine_crash"),
//            and its time a move follows its LimitDepth option more than the byoyomi.
//   parallel searches at once (default: the CPU count); see below
//   margin   ms a move may take beyond the go line's own time (byoyomi + movetime + the larger of
//            btime/wtime + the larger of binc/winc) before it is a "timeout" (default 5000)
//   name     the name it plays under in reports, records and the Elo registry (default the
//            engine's `id name`, else the command's file name); give two configurations of one
//            engine different names
//   anything else is a USI option, sent as `setoption name Option value Value` (checked against the
//   options the engine declares); values may be %-encoded (`%26` for "&").
//
// Concurrency: a match batches all the games in flight where a player is to move into one call, so
// this player runs one engine process per match slot, started when the slot first needs it and
// reused for the slot's next games (`usinewgame` between them). It caps the match's games in flight
// at 2 × parallel: colours alternate from game to game, so about half the games in flight have the
// engine to move at each step, and `parallel` searches (or engine starts) run at once, the rest
// waiting their turn (a move's time starts when its search does). With parallel = the CPU count
// every core searches while a network agent's batch runs beside them (match.ts); more searches than
// cores would only share the cores, and a byoyomi engine then plays weaker in the same time. Engines that search with
// several threads (gpsusi's Thread defaults to 2) want Thread=1 or a smaller parallel.
//
// Failures lose the game, the match goes on: an engine that exits, does not answer within its time,
// or answers an illegal or unparsable move loses that game ("engine_crash", "timeout",
// "illegal_move", with what it did as the game's detail), and the slot's process is killed and
// started afresh for the next game. `bestmove resign` loses ("resign"); `bestmove win` is a
// declaration the match adjudicates with keisei's CSA 27-point rule ("impasse" or
// "illegal_declaration").

import { availableParallelism } from "node:os";
import { basename } from "node:path";
import type { ActBatch } from "../rl/acting.ts";
import { moveToAction } from "../shogi/actions.ts";
import { parseUsiMove, START_SFEN } from "../shogi/sfen.ts";
import type { GamePolicy, Outcome, RowEnd, RowGame } from "./match.ts";
import type { Player } from "./opponents.ts";
import { UsiEngine, UsiEngineError } from "./usi-engine.ts";
import { InputError } from "../util/input-error.ts";

export const USI_PREFIX = "usi:";
export const DEFAULT_GO = "go btime 0 wtime 0 byoyomi 1000";
export const DEFAULT_MARGIN_MS = 5000;

export const isUsiSpec = (spec: string): boolean => spec.startsWith(USI_PREFIX);

export interface UsiSpec {
  /** The spec as written, for messages. */
  spec: string;
  /** The executable and its arguments. */
  command: string[];
  go: string;
  /** `setoption` pairs, in the order written. */
  options: [string, string][];
  /** Searches at once; the match plays up to twice as many games at once, one engine process each. */
  parallel: number;
  marginMs: number;
  name?: string;
}

/** A spec that cannot be read; the message starts with the spec. */
export class UsiSpecError extends InputError {
  override name = "UsiSpecError";
}

const RESERVED = new Set(["go", "parallel", "margin", "name"]);
const GO_LIMITS = ["btime", "wtime", "byoyomi", "binc", "winc", "movetime", "nodes", "depth"];

/** Reads a `usi:` spec; `parallel` defaults to the CPU count. */
export function parseUsiSpec(spec: string, defaultParallel = availableParallelism()): UsiSpec {
  const bad = (why: string) => new UsiSpecError(`${spec}: ${why}`);
  if (!isUsiSpec(spec)) throw bad(`a USI engine spec starts with "${USI_PREFIX}"`);
  const q = spec.indexOf("?");
  const command = spec
    .slice(USI_PREFIX.length, q < 0 ? undefined : q)
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (command.length === 0) throw bad("no engine command (usi:CMD[?go=…&Option=Value])");
  const out: UsiSpec = {
    spec,
    command,
    go: DEFAULT_GO,
    options: [],
    parallel: Math.max(1, defaultParallel),
    marginMs: DEFAULT_MARGIN_MS,
  };
  const params = q < 0 ? [] : spec.slice(q + 1).split("&");
  for (const param of params) {
    if (param === "") continue;
    const eq = param.indexOf("=");
    if (eq <= 0) throw bad(`"${param}" is not Name=Value`);
    let key: string, value: string;
    try {
      key = decodeURIComponent(param.slice(0, eq)).trim();
      value = decodeURIComponent(param.slice(eq + 1)).trim();
    } catch {
      throw bad(`"${param}" has a broken %-escape`);
    }
    if (!RESERVED.has(key)) {
      out.options.push([key, value]);
      continue;
    }
    if (key === "go") out.go = checkGo(value, bad);
    else if (key === "name") {
      if (value === "") throw bad("name= is empty");
      out.name = value;
    } else {
      const n = Number(value);
      const min = key === "parallel" ? 1 : 0;
      if (value === "" || !Number.isInteger(n) || n < min)
        throw bad(`${key} must be a whole number ≥ ${min}, got "${value}"`);
      if (key === "parallel") out.parallel = n;
      else out.marginMs = n;
    }
  }
  return out;
}

function checkGo(line: string, bad: (why: string) => Error): string {
  const words = line.split(/\s+/).filter(Boolean);
  if (words[0] !== "go") throw bad(`the go line must start with "go", got "${line}"`);
  for (const w of ["infinite", "ponder", "mate"])
    if (words.includes(w)) throw bad(`"go ${w}" never ends by itself; give a limit (${GO_LIMITS.join(", ")})`);
  for (let i = 1; i < words.length; i += 2) {
    if (!GO_LIMITS.includes(words[i])) throw bad(`unknown go limit "${words[i]}" (expected ${GO_LIMITS.join(", ")})`);
    const n = Number(words[i + 1]);
    if (!Number.isInteger(n) || n < 0) throw bad(`go ${words[i]} needs a whole number, got "${words[i + 1] ?? ""}"`);
  }
  return words.join(" ");
}

/** The time a go line grants one move, in ms: byoyomi + movetime + max(btime, wtime) + max(binc, winc). */
export function goTimeMs(go: string): number {
  const words = go.split(/\s+/);
  const v = (k: string) => {
    const i = words.indexOf(k);
    return i < 0 ? 0 : Number(words[i + 1]) || 0;
  };
  return v("byoyomi") + v("movetime") + Math.max(v("btime"), v("wtime")) + Math.max(v("binc"), v("winc"));
}

/** The `position` line for a game so far. */
export function positionLine(g: Pick<RowGame, "startSfen" | "moves">): string {
  const start = g.startSfen === START_SFEN ? "position startpos" : `position sfen ${g.startSfen}`;
  return g.moves.length === 0 ? start : `${start} moves ${g.moves.join(" ")}`;
}

/** At most n tasks at once; the others wait in order. */
class Gate {
  private readonly waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((go) => this.waiting.push(go));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/** The engines behind one `usi:` player: one process per match slot, `parallel` searching at once. */
export class UsiPolicy implements GamePolicy {
  readonly maxConcurrency: number;
  private readonly searches: Gate;
  private readonly engines: (UsiEngine | undefined)[] = [];
  /** The game each slot's engine is in (−1: between games). */
  private readonly inGame: number[] = [];
  private readonly moveTimeoutMs: number;

  constructor(
    private readonly spec: UsiSpec,
    first: UsiEngine,
  ) {
    this.maxConcurrency = 2 * spec.parallel;
    this.searches = new Gate(spec.parallel);
    this.engines[0] = first;
    this.moveTimeoutMs = goTimeMs(spec.go) + spec.marginMs;
  }

  act(_: ActBatch): never {
    throw new Error(`${this.spec.spec}: a USI engine plays only in matches, which hand it each game's moves`);
  }

  /** Starts the engines of every slot the match will use, together; a slot that fails retries at its first move. */
  async prepare(slots: number): Promise<void> {
    await Promise.all(
      Array.from({ length: slots }, async (_, slot) => {
        if (this.engines[slot] && !this.engines[slot].exited) return;
        try {
          this.engines[slot] = await this.start();
          this.inGame[slot] = -1;
        } catch {
          // the slot's first move starts it again, and loses its game if it still cannot
        }
      }),
    );
  }

  async actInGames(batch: ActBatch, games: readonly RowGame[]): Promise<(RowEnd | undefined)[]> {
    return Promise.all(games.map((g, r) => this.move(batch, r, g)));
  }

  private async move(b: ActBatch, row: number, g: RowGame): Promise<RowEnd | undefined> {
    let answer: Awaited<ReturnType<UsiEngine["bestMove"]>>;
    try {
      let engine = this.engines[g.slot];
      if (!engine || engine.exited) {
        engine?.kill();
        this.engines[g.slot] = undefined;
        engine = await this.start();
        this.engines[g.slot] = engine;
        this.inGame[g.slot] = -1;
      }
      if (this.inGame[g.slot] !== g.game) {
        await engine.newGame();
        this.inGame[g.slot] = g.game;
      }
      const e = engine;
      answer = await this.searches.run(() => e.bestMove(positionLine(g), this.spec.go, this.moveTimeoutMs));
    } catch (e) {
      if (!(e instanceof UsiEngineError)) throw e;
      this.drop(g.slot);
      return { reason: e.kind === "timeout" ? "timeout" : "engine_crash", detail: e.message };
    }
    if (answer.kind === "resign") return { reason: "resign", detail: "bestmove resign" };
    if (answer.kind === "win") return { reason: "declare", detail: "bestmove win" };
    let action: number;
    try {
      action = moveToAction(parseUsiMove(g.position, answer.usi));
    } catch (e) {
      this.drop(g.slot);
      return { reason: "illegal_move", detail: `bestmove ${answer.usi}: ${(e as Error).message}` };
    }
    const first = b.legalOffsets[row];
    const legal = b.legalActions.subarray(first, b.legalOffsets[row + 1]);
    if (!legal.includes(action)) {
      this.drop(g.slot);
      return { reason: "illegal_move", detail: `bestmove ${answer.usi} is not among the position's legal moves` };
    }
    b.actions[row] = action;
    b.logProbs[row] = 0;
    b.values[row] = 0;
    return undefined;
  }

  /** A fresh engine for a slot whose engine failed (or that has none yet); starting takes a search's turn. */
  private async start(): Promise<UsiEngine> {
    try {
      return await this.searches.run(() => UsiEngine.start(this.spec.command, { options: this.spec.options }));
    } catch (e) {
      throw new UsiEngineError("crash", `cannot start: ${(e as Error).message}`);
    }
  }

  /** Kills a slot's engine: the slot's next game starts a new one. */
  private drop(slot: number): void {
    this.engines[slot]?.kill();
    this.engines[slot] = undefined;
    this.inGame[slot] = -1;
  }

  gameOver(slot: number, outcome: Outcome): void {
    this.engines[slot]?.gameOver(outcome === "win" ? "win" : outcome === "loss" ? "lose" : "draw");
    this.inGame[slot] = -1;
  }

  /** `quit` to every engine; those still running after a second are killed. */
  async close(): Promise<void> {
    const all = this.engines.splice(0);
    await Promise.all(all.map((e) => e?.quit()));
  }

  /** Process ids of this player's engines now. */
  pids(): number[] {
    return this.engines.filter((e): e is UsiEngine => e !== undefined && !e.exited).map((e) => e.pid);
  }
}

/**
 * The player a `usi:` spec names: its first engine is started (and handshaken) at once, to learn
 * its name and to fail early: "usi:/nope: cannot start: …". `close()` ends its engines.
 */
export async function usiPlayer(spec: string | UsiSpec): Promise<Player & { close(): Promise<void> }> {
  const s = typeof spec === "string" ? parseUsiSpec(spec) : spec;
  let first: UsiEngine;
  try {
    first = await UsiEngine.start(s.command, { options: s.options });
  } catch (e) {
    throw new UsiSpecError(`${s.spec}: cannot start: ${(e as Error).message}`);
  }
  const policy = new UsiPolicy(s, first);
  return { name: s.name ?? (first.name || basename(s.command[0])), policy, close: () => policy.close() };
}
