// `keisei usi`: the USI protocol around the PUCT search (reference/usi-and-search.md §1–2, §6).
//
// `usi` is answered at once (nothing is loaded before `usiok`: ShogiHome gives an engine 10 s);
// `isready` loads the model, opens the backend and warms the network up, then `readyok`. `go`
// starts a search that runs while further commands arrive: `stop` and `ponderhit` act on it at
// once, every other command waits until it has ended. `stop` is always answered by `bestmove`.

import { CpuBackend } from "../compute/cpu/backend.ts";
import { createBackend } from "../compute/device.ts";
import type { Backend } from "../compute/backend.ts";
import { loadCheckpoint, valueShapingOf } from "../models/checkpoint.ts";
import type { Network } from "../models/network.ts";
import type { Position } from "../shogi/position.ts";
import { positionFromCommand } from "../shogi/position-command.ts";
import { canDeclareImpasse } from "../shogi/rules.ts";
import { moveToUsi } from "../shogi/sfen.ts";
import { matePv } from "../search/mate.ts";
import { NetworkEvaluator } from "../search/network-evaluator.ts";
import { DEFAULT_SEARCH, LOSS, type Node, rankedMoves, Search, WIN, winRateToCp } from "../search/puct.ts";
import { type Budget, moveBudget, shouldStop } from "../search/time.ts";
import { OPTIONS, optionLine, Options } from "./options.ts";

/** Nodes the tree may hold (dlshogi's UCT_NodeLimit): `hashfull` is the share used, and the search stops when full. */
export const NODE_LIMIT = 10_000_000;
/** At most this long between `info` lines while searching. */
export const INFO_INTERVAL_MS = 500;

/** The `go` command's parameters. */
export interface Go {
  btime: number;
  wtime: number;
  byoyomi: number;
  binc: number;
  winc: number;
  nodes: number;
  infinite: boolean;
  ponder: boolean;
  /** `go mate <ms>`: -1 when not a mate search; Infinity for `go mate infinite`. */
  mate: number;
}

export function parseGo(words: readonly string[]): Go {
  const go: Go = {
    btime: 0,
    wtime: 0,
    byoyomi: 0,
    binc: 0,
    winc: 0,
    nodes: 0,
    infinite: false,
    ponder: false,
    mate: -1,
  };
  for (let k = 1; k < words.length; k++) {
    const w = words[k];
    const next = () => Number(words[++k]);
    if (w === "infinite") go.infinite = true;
    else if (w === "ponder") go.ponder = true;
    else if (w === "mate") {
      const v = words[k + 1];
      go.mate = v === "infinite" ? Infinity : Number(v);
      k++;
    } else if (w === "btime" || w === "wtime" || w === "byoyomi" || w === "binc" || w === "winc" || w === "nodes") {
      const n = next();
      go[w] = Number.isFinite(n) ? Math.max(0, n) : 0;
    }
  }
  return go;
}

interface Loaded {
  backend: Backend;
  net: Network;
  evaluator: NetworkEvaluator;
  model: string;
}

export class UsiEngine {
  readonly options = new Options();
  private loaded: Loaded | null = null;
  private search: Search | null = null;
  private position: Position | null = null;
  private positionKey: { start: string; moves: string[] } = { start: "startpos", moves: [] };
  /** The running search: `stop` / `ponderhit` steer it; other commands wait for it. */
  private thinking: Promise<void> | null = null;
  private stopRequested = false;
  private pondering = false;
  private ponderhitAt = 0;
  private ponderhitClock: Go | null = null;
  /** Commands other than stop/ponderhit/quit run one after another. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (line: string) => void,
    private readonly version: string,
    defaults: { model?: string } = {},
  ) {
    if (defaults.model) this.options.set("ModelFile", defaults.model);
  }

  /** Handles one line from the GUI. Returns true on `quit`. */
  handle(line: string): boolean {
    const words = line.trim().split(/\s+/).filter(Boolean);
    const cmd = words[0];
    if (!cmd) return false;
    switch (cmd) {
      case "stop":
        this.stopRequested = true;
        this.pondering = false;
        return false;
      case "ponderhit":
        if (this.pondering) {
          this.pondering = false;
          this.ponderhitAt = performance.now();
          // "Early ponder" GUIs send the clock with ponderhit instead of with `go ponder`.
          this.ponderhitClock = words.length > 1 ? parseGo(["go", ...words.slice(1)]) : null;
        }
        return false;
      case "quit":
        this.stopRequested = true;
        this.pondering = false;
        return true;
    }
    this.chain = this.chain
      .then(() => this.run(words))
      .catch((e: Error) => this.write(`info string error: ${e.message}`));
    return false;
  }

  /** Waits for queued commands and the running search (tests, and `quit`). */
  async idle(): Promise<void> {
    await this.chain;
    await this.thinking;
  }

  close(): void {
    this.unload();
  }

  private async run(words: string[]): Promise<void> {
    const cmd = words[0];
    // A search in progress: isready is answered at once (the model is loaded), setoption applies
    // to the next search; every other command waits for the search's bestmove.
    if (this.thinking && cmd === "isready" && this.loaded) return this.write("readyok");
    if (this.thinking && cmd !== "setoption") await this.thinking;
    switch (cmd) {
      case "usi":
        this.write(`id name keisei ${this.version}`);
        this.write("id author the keisei authors");
        for (const spec of OPTIONS) this.write(optionLine(spec));
        this.write("usiok");
        return;
      case "setoption":
        return this.setOption(words);
      case "isready":
        await this.ready();
        this.write("readyok");
        return;
      case "usinewgame":
        this.search = null; // a new game: no tree to reuse
        return;
      case "position":
        return this.setPosition(words);
      case "go":
        this.startGo(parseGo(words));
        return;
      case "gameover":
        return;
      default:
        this.write(`info string unknown command ${cmd}`);
    }
  }

  private setOption(words: string[]): void {
    const at = words.indexOf("name");
    const valueAt = words.indexOf("value");
    if (at < 0) {
      this.write("info string setoption: expected setoption name <id> [value <x>]");
      return;
    }
    const name = words.slice(at + 1, valueAt < 0 ? undefined : valueAt).join(" ");
    const value = valueAt < 0 ? "" : words.slice(valueAt + 1).join(" ");
    const problem = this.options.set(name, value);
    if (problem) this.write(`info string ${problem}`);
    else if (["ModelFile", "Device", "Threads", "BatchSize"].includes(name) && this.loaded) this.unload(); // reloaded at the next isready
  }

  /** Loads the model, opens the backend and runs one warm-up evaluation (a missing model is reported, not fatal). */
  private async ready(): Promise<void> {
    const model = this.options.str("ModelFile");
    if (this.loaded && this.loaded.model === model) return;
    this.unload();
    if (!model) {
      this.write(
        "info string ModelFile is not set: setoption name ModelFile value <checkpoint.safetensors> (or keisei usi --model FILE)",
      );
      return;
    }
    const device = this.options.str("Device") as "auto" | "webgpu" | "cpu";
    const backend =
      device === "cpu"
        ? new CpuBackend(undefined, { threads: this.options.num("Threads") })
        : await createBackend(device);
    try {
      const { net, metadata } = loadCheckpoint(backend, model);
      await net.prepare();
      const shaping = valueShapingOf(model, metadata);
      const batch =
        this.options.num("BatchSize") ||
        (backend.info.kind === "webgpu" && !backend.info.adapter?.isFallbackAdapter ? 256 : 64);
      const evaluator = new NetworkEvaluator(net, batch, 1, shaping);
      this.loaded = { backend, net, evaluator, model };
      // Warm-up: compile and touch every plan size once.
      for (let n = 1; n <= batch; n *= 2) await this.warm(evaluator, n);
      this.write(
        `info string loaded ${model}: ${net.arch.type} ${net.arch.depth}×${net.arch.width}, ${backend.info.description}, batch ${batch}${shaping > 0 ? `, value + ${shaping} × material (trained with material shaping)` : ""}`,
      );
    } catch (e) {
      this.unload();
      backend.destroy();
      this.write(`info string cannot load ${model}: ${(e as Error).message}`);
    }
  }

  private async warm(evaluator: NetworkEvaluator, n: number): Promise<void> {
    const pos = positionFromCommand("startpos");
    const s = new Search(evaluator, DEFAULT_SEARCH);
    s.setRoot("warm", [String(n)], false);
    await s.prepareRoot(pos);
  }

  private unload(): void {
    if (!this.loaded) return;
    this.loaded.evaluator.destroy();
    this.loaded.net.destroy();
    this.loaded.backend.destroy();
    this.loaded = null;
    this.search = null;
  }

  private setPosition(words: string[]): void {
    const spec = words.slice(1).join(" ");
    try {
      this.position = positionFromCommand(spec);
    } catch (e) {
      this.write(`info string ${(e as Error).message}`);
      return;
    }
    const m = words.indexOf("moves");
    const head = words.slice(1, m < 0 ? undefined : m).join(" ");
    this.positionKey = { start: head, moves: m < 0 ? [] : words.slice(m + 1) };
  }

  private startGo(go: Go): void {
    this.stopRequested = false;
    this.pondering = go.ponder;
    this.ponderhitAt = 0;
    const started = performance.now();
    this.thinking = this.think(go, started)
      .catch((e: Error) => {
        this.write(`info string error: ${e.message}`);
        this.write("bestmove resign");
      })
      .finally(() => {
        this.thinking = null;
      });
  }

  private settings() {
    const o = this.options;
    return {
      ...DEFAULT_SEARCH,
      cInit: o.num("C_init") / 100,
      cBase: o.num("C_base"),
      fpuReduction: o.num("FPU_Reduction") / 100,
      drawValue: o.num("DrawValue") / 1000,
      leafMatePly: o.num("MateSearchPly"),
      rules: { maxMovesPerGame: o.num("MaxMovesToDraw"), impasse: "csa27" as const },
    };
  }

  private async think(go: Go, started: number): Promise<void> {
    const pos = this.position ?? positionFromCommand("startpos");
    if (go.mate >= 0) return this.mateSearch(pos, go.mate);
    const bestmove = (move: string, ponder?: string) => {
      // A `go ponder` ends only by stop or ponderhit; its bestmove waits for one of them.
      this.write(ponder ? `bestmove ${move} ponder ${ponder}` : `bestmove ${move}`);
    };
    if (canDeclareImpasse(pos, pos.sideToMove)) {
      this.write("info string the entering-king declaration (CSA 27 points) holds");
      await this.waitWhilePondering();
      return bestmove("win");
    }
    if (!this.loaded) {
      this.write("info string no model loaded: resigning");
      await this.waitWhilePondering();
      return bestmove("resign");
    }
    // A short mate search before any network evaluation.
    const rootPly = this.options.num("RootMateSearchPly");
    if (rootPly > 0) {
      const pv = matePv(pos, rootPly);
      if (pv && pv.length > 0) {
        this.write(
          `info depth ${pv.length} nodes 1 time ${Math.round(performance.now() - started)} score mate ${pv.length} pv ${pv.map(moveToUsi).join(" ")}`,
        );
        await this.waitWhilePondering();
        return bestmove(moveToUsi(pv[0]), pv.length > 1 ? moveToUsi(pv[1]) : undefined);
      }
    }

    const { evaluator } = this.loaded;
    evaluator.temperature = this.options.num("Temperature") / 100;
    const settings = this.settings();
    if (!this.search || this.search.evaluator !== evaluator) this.search = new Search(evaluator, settings);
    const search = this.search;
    Object.assign(search.settings, settings);
    search.setRoot(this.positionKey.start, this.positionKey.moves, this.options.bool("ReuseTree"));
    const root = await search.prepareRoot(pos);

    const limits = [this.options.num("Playouts"), this.options.num("NodesLimit"), go.nodes].filter((n) => n > 0);
    const playoutLimit = limits.length ? Math.min(...limits) : Infinity;
    const mover = pos.sideToMove === 0;
    const clock = { time: mover ? go.btime : go.wtime, byoyomi: go.byoyomi, increment: mover ? go.binc : go.winc };
    const timed = !go.infinite && (clock.time > 0 || clock.byoyomi > 0 || clock.increment > 0);
    let budget: Budget | null = timed ? moveBudget(clock, pos.ply, this.options.num("TimeMargin")) : null;
    // A `go` with no clock, no playout limit and not `infinite` would never end by itself: one second.
    if (!budget && !go.infinite && !go.ponder && playoutLimit === Infinity) budget = { soft: 1000, hard: 1000 };

    let lastInfo = started;
    let bestIndex = search.bestIndex(root);
    let bestChangedAt = started;
    const playoutsBefore = root.n;
    for (;;) {
      const now = performance.now();
      if (this.ponderhitAt > 0) {
        // The clock starts at ponderhit: the time pondered was the opponent's.
        const c = this.ponderhitClock;
        const own = c
          ? { time: mover ? c.btime : c.wtime, byoyomi: c.byoyomi, increment: mover ? c.binc : c.winc }
          : null;
        const base =
          own && (own.time > 0 || own.byoyomi > 0 || own.increment > 0)
            ? moveBudget(own, pos.ply, this.options.num("TimeMargin"))
            : (budget ?? (playoutLimit === Infinity ? { soft: 1000, hard: 1000 } : null));
        const offset = this.ponderhitAt - started;
        budget = base && { soft: base.soft + offset, hard: base.hard + offset };
        this.ponderhitAt = 0;
      }
      const elapsed = now - started;
      if (this.stopRequested) break;
      const playouts = root.n - playoutsBefore;
      if (!this.pondering) {
        if (root.proof !== 0 || root.moves.length === 0) break;
        if (playouts >= playoutLimit) break;
        if (this.search.stats.evaluations >= NODE_LIMIT) break;
        if (budget) {
          const [best, second] = topVisits(root);
          if (
            shouldStop({
              elapsed,
              budget,
              best,
              second,
              rate: playouts / Math.max(1, elapsed),
              sinceBestChanged: now - bestChangedAt,
            })
          )
            break;
        }
      } else if (root.proof !== 0 || playouts >= playoutLimit) {
        // Pondering on a settled position: wait for ponderhit or stop.
        await sleep(5);
        continue;
      }
      const remaining = playoutLimit - playouts;
      await search.round(
        pos,
        Math.max(1, Math.min(evaluator.batchSize, Number.isFinite(remaining) ? remaining : evaluator.batchSize)),
      );
      // Let stdin be read between rounds (on the cpu backend every await above is a microtask).
      await new Promise<void>((resolve) => setImmediate(resolve));
      const b = search.bestIndex(root);
      if (b !== bestIndex) {
        bestIndex = b;
        bestChangedAt = performance.now();
      }
      if (performance.now() - lastInfo >= INFO_INTERVAL_MS) {
        lastInfo = performance.now();
        this.info(search, started);
      }
    }
    this.info(search, started);
    await this.waitWhilePondering();
    const best = search.bestIndex(root);
    if (best < 0) return bestmove("resign");
    const q = root.visits[best] > 0 ? root.q(best) : 1 - (root.children[best]?.value ?? 0.5);
    const threshold = this.options.num("ResignThreshold") / 1000;
    if (root.proof === LOSS || (threshold > 0 && q < threshold && root.proof !== WIN)) return bestmove("resign");
    const pv = search.pv();
    const ponder = this.options.bool("USI_Ponder") && pv.length > 1 ? moveToUsi(pv[1]) : undefined;
    bestmove(moveToUsi(root.moves[best]), ponder);
  }

  /** A `go ponder` search that has finished still waits for ponderhit or stop before its bestmove. */
  private async waitWhilePondering(): Promise<void> {
    while (this.pondering && !this.stopRequested) await sleep(5);
  }

  /** `info` lines: one per principal variation (MultiPV), best first. */
  private info(search: Search, started: number): void {
    const root = search.root;
    if (!root) return;
    const ms = Math.max(1, Math.round(performance.now() - started));
    const nodes = root.n;
    const nps = Math.round((search.stats.playouts * 1000) / ms);
    const hashfull = Math.min(1000, Math.round((search.stats.evaluations * 1000) / NODE_LIMIT));
    const order = rankedMoves(root);
    const multi = Math.min(this.options.num("MultiPV"), Math.max(1, order.length));
    for (let k = 0; k < multi && k < order.length; k++) {
      const i = order[k];
      const line = [root.moves[i], ...subtreePv(search, root.children[i])];
      const child = root.children[i];
      const q = root.visits[i] > 0 ? root.q(i) : 1;
      const score = child?.proof === LOSS ? "mate +" : child?.proof === WIN ? "mate -" : `cp ${winRateToCp(q)}`;
      const multipv = this.options.num("MultiPV") > 1 ? ` multipv ${k + 1}` : "";
      this.write(
        `info depth ${line.length} seldepth ${search.stats.selDepth} nodes ${nodes} nps ${nps} time ${ms} hashfull ${hashfull}${multipv} score ${score} pv ${line.map(moveToUsi).join(" ")}`,
      );
    }
  }

  /** `go mate`: the shortest forced mate within the time, by iterative deepening (up to 7 plies). */
  private async mateSearch(pos: Position, ms: number): Promise<void> {
    const started = performance.now();
    for (let plies = 1; plies <= 7; plies += 2) {
      if (this.stopRequested || performance.now() - started > ms) return this.write("checkmate timeout");
      const pv = matePv(pos, plies);
      if (pv && pv.length > 0) return this.write(`checkmate ${pv.map(moveToUsi).join(" ")}`);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.write("checkmate nomate");
  }
}

function subtreePv(search: Search, node: Node | null): number[] {
  const out: number[] = [];
  while (node && out.length < 63) {
    const i = search.bestIndex(node);
    if (i < 0 || node.visits[i] === 0) break;
    out.push(node.moves[i]);
    node = node.children[i];
  }
  return out;
}

function topVisits(node: Node): [number, number] {
  let a = 0;
  let b = 0;
  for (let i = 0; i < node.moves.length; i++) {
    const v = node.visits[i];
    if (v > a) {
      b = a;
      a = v;
    } else if (v > b) b = v;
  }
  return [a, b];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
