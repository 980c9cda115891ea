// The dashboard's panels. Each builder turns a frame into content lines no wider than the inner
// width it is given (or null when it has nothing to show there); box() draws the frame around it.
//
// defines: box, Panel, PANELS, progressLines, RenderContext

import type { Config } from "../../config/schema.ts";
import { BOARD_WIDTH, moveListLines, renderBoard } from "./board.ts";
import { fmtCount, fmtDuration, fmtNum, fmtPct, fmtSig } from "./format.ts";
import type { DashboardFrame, WeightStat } from "./frame.ts";
import { TRENDS } from "../metrics.ts";
import { sparkline, trendArrow } from "./sparkline.ts";
import { displayWidth, fitWidth, padStartWidth } from "./width.ts";

export interface RenderContext {
  color: boolean;
  display: Config["display"];
  /** Weight statistics of the previous render, for the direction arrows. */
  prevWeightStats?: readonly WeightStat[];
}

export const sgr = (ctx: RenderContext, code: string, s: string): string =>
  ctx.color ? `\x1b[${code}m${s}\x1b[0m` : s;
const dim = (ctx: RenderContext, s: string) => sgr(ctx, "2", s);
const bold = (ctx: RenderContext, s: string) => sgr(ctx, "1", s);

// ---------------------------------------------------------------------------------------------
// Boxes

/** `lines` inside a box `width` columns wide (content width − 4), padded to `height` lines. */
export function box(
  ctx: RenderContext,
  title: string,
  lines: readonly string[],
  width: number,
  height = lines.length + 2,
): string[] {
  const inner = width - 4;
  const t = ` ${fitWidth(title, Math.min(displayWidth(title), width - 6)).trimEnd()} `;
  const top = dim(ctx, "┌─") + bold(ctx, t) + dim(ctx, `${"─".repeat(Math.max(0, width - 3 - displayWidth(t)))}┐`);
  const out = [top];
  const side = dim(ctx, "│");
  for (let i = 0; i < height - 2; i++) out.push(`${side} ${fitWidth(lines[i] ?? "", inner)} ${side}`);
  out.push(dim(ctx, `└${"─".repeat(width - 2)}┘`));
  return out;
}

/** Lines of `label  segment  segment …`, wrapping segments onto continuation lines under the label. */
function labelled(rows: [string, string[]][], inner: number, labelWidth: number, ctx: RenderContext): string[] {
  const out: string[] = [];
  const valueWidth = inner - labelWidth;
  for (const [label, segments] of rows) {
    let line = "",
      first = true;
    const flush = () => {
      out.push(
        `${dim(ctx, (first ? label : "").padEnd(labelWidth))}${fitWidth(line, Math.max(0, valueWidth)).trimEnd()}`,
      );
      first = false;
      line = "";
    };
    for (const seg of segments.flatMap((s) => wrapWords(s, valueWidth))) {
      if (line !== "" && displayWidth(line) + 2 + displayWidth(seg) > valueWidth) flush();
      line = line === "" ? seg : `${line}  ${seg}`;
    }
    flush();
  }
  return out;
}

/** `s` split at spaces into pieces no wider than `width` (a single longer word is left whole). */
function wrapWords(s: string, width: number): string[] {
  if (displayWidth(s) <= width) return [s];
  const out: string[] = [];
  let cur = "";
  for (const word of s.split(" ")) {
    if (cur !== "" && displayWidth(cur) + 1 + displayWidth(word) > width) {
      out.push(cur);
      cur = word;
    } else cur = cur === "" ? word : `${cur} ${word}`;
  }
  if (cur !== "") out.push(cur);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Header: title line and progress bar

/** The two header lines: run title and the progress bar with steps/s and ETA. */
export function progressLines(frame: DashboardFrame, width: number, ctx: RenderContext): string[] {
  const right = `iteration ${frame.iteration}  elapsed ${fmtDuration(frame.elapsedSeconds)}`;
  const left = `${bold(ctx, "keisei")}  ${frame.runName}`;
  const gap = width - displayWidth(left) - displayWidth(right);
  const title = gap >= 2 ? left + " ".repeat(gap) + dim(ctx, right) : fitWidth(left, width);

  const { timestep, totalTimesteps } = frame;
  const fraction = totalTimesteps > 0 ? Math.min(1, timestep / totalTimesteps) : 0;
  const sps = frame.record["charts/SPS"] ?? (frame.elapsedSeconds > 0 ? timestep / frame.elapsedSeconds : Number.NaN);
  const eta = frame.etaSeconds ?? (sps > 0 ? (totalTimesteps - timestep) / sps : Number.NaN);
  const doing = frame.activity ? `  ${frame.activity}` : "";
  const text = ` ${(fraction * 100).toFixed(1).padStart(5)}%  ${fmtCount(timestep)}/${fmtCount(totalTimesteps)} steps  ${fmtNum(sps)} steps/s  ETA ${frame.etaIsLowerBound ? ">" : ""}${fmtDuration(eta)}${doing}`;
  const barWidth = Math.min(60, width - displayWidth(text) - 2);
  const bar = barWidth >= 10 ? progressBar(fraction, barWidth, ctx) : "";
  return [title, fitWidth(bar + text, width).trimEnd()];
}

const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/** "[█████▌░░░░]" with eighth-block resolution; `width` includes the brackets. */
function progressBar(fraction: number, width: number, ctx: RenderContext): string {
  const cells = width - 2;
  const eighths = Math.round(fraction * cells * 8);
  const full = Math.floor(eighths / 8),
    part = EIGHTHS[eighths % 8];
  const filled = "█".repeat(full) + part;
  const empty = "░".repeat(cells - full - (part ? 1 : 0));
  return `[${sgr(ctx, "32", filled)}${dim(ctx, empty)}]`;
}

// ---------------------------------------------------------------------------------------------
// Panels

export interface Panel {
  id: "board" | "trends" | "stats" | "config" | "weights" | "elo" | "actors";
  /** Lower keeps its place longer when the terminal is too short. */
  priority: number;
  title(frame: DashboardFrame): string;
  /** Content lines for an inner width, or null when the panel has nothing to show at that width. */
  content(frame: DashboardFrame, inner: number, ctx: RenderContext): string[] | null;
}

const MOVES_COLUMN = 12;

const boardPanel: Panel = {
  id: "board",
  priority: 2,
  title(frame) {
    const g = frame.game!;
    const side = g.sfen.split(" ")[1] === "w" ? "White" : "Black";
    return `Self-play game #${g.gameIndex} · ply ${g.ply} · ${side} to move`;
  },
  content(frame, inner, ctx) {
    const g = frame.game;
    if (!g || !ctx.display.enable_board_display) return null;
    const unicode = ctx.display.board_unicode_pieces;
    const boardWidth = unicode ? BOARD_WIDTH.unicode : BOARD_WIDTH.ascii;
    if (inner < boardWidth) return null;
    let lines: string[];
    try {
      lines = renderBoard(g.sfen, { unicode, color: ctx.color }, g.recentMoves[g.recentMoves.length - 1]).lines;
    } catch (e) {
      return [`cannot draw: ${(e as Error).message}`];
    }
    const moveCount = Math.min(ctx.display.move_list_length, 11);
    const moves = moveListLines(g.recentMoves, g.ply, moveCount);
    if (inner >= boardWidth + 2 + MOVES_COLUMN) {
      // Moves beside the board, from the file-label line down (the hand lines span the width).
      const column = [dim(ctx, "Recent moves"), ...moves.map((m, i) => (i === 0 ? bold(ctx, m) : m))];
      for (let i = 0; i < column.length; i++) {
        const at = 1 + i;
        lines[at] = `${fitWidth(lines[at], boardWidth)}  ${column[i]}`;
      }
    } else if (moves.length > 0) {
      lines.push(`${dim(ctx, "Moves:")} ${g.recentMoves.slice(-moveCount).reverse().join(" ")}`);
    }
    return lines.map((l) => fitWidth(l, inner).trimEnd());
  },
};

/** How each kind of trend value reads (the list itself is metrics.ts's TRENDS). */
const TREND_FORMAT: Record<(typeof TRENDS)[number]["kind"], (v: number | undefined) => string> = {
  count: (v) => (v === undefined || !Number.isFinite(v) ? "-" : String(Math.round(v))),
  number: fmtNum,
  rate: (v) => fmtPct(v),
  exponent: (v) => (v === undefined || !Number.isFinite(v) ? "-" : v.toExponential(2)),
};
/** Metric rows of the trends panel: label, record key, value format. */
const TREND_ROWS: [string, string, (v: number | undefined) => string][] = TRENDS.map((t) => [
  t.label,
  t.key,
  TREND_FORMAT[t.kind],
]);
const KNOWN_TREND_KEYS = new Set(TRENDS.map((t) => t.key));

const trendsPanel: Panel = {
  id: "trends",
  priority: 1,
  title(frame) {
    let n = 0;
    for (const s of Object.values(frame.history)) n = Math.max(n, s.length);
    return n > 0 ? `Metric trends · last ${n} iterations` : "Metric trends";
  },
  content(frame, inner, ctx) {
    if (!ctx.display.enable_trend_visualization) return null;
    // Elo has a panel of its own when that is on.
    const eloPanelShown = ctx.display.enable_elo_ratings && frame.elo !== null;
    const rows = TREND_ROWS.filter(
      ([, key]) => (key in frame.history || key in frame.record) && !(eloPanelShown && key === "eval/elo"),
    );
    // History keys this table does not know yet still get a row, under their tag.
    for (const key of Object.keys(frame.history))
      if (!KNOWN_TREND_KEYS.has(key)) rows.push([key.replace(/^[a-z]+\//, ""), key, fmtNum]);
    if (rows.length === 0) return ["waiting for the first iteration"];
    const labelWidth = 14,
      valueWidth = 9;
    const sparkWidth = Math.min(ctx.display.sparkline_width, inner - labelWidth - valueWidth - 4);
    const out: string[] = [];
    for (const [label, key, fmt] of rows) {
      const series = frame.history[key];
      const value = frame.record[key] ?? series?.[series.length - 1];
      let line = `${dim(ctx, fitWidth(label, labelWidth))}${padStartWidth(fmt(value), valueWidth)}`;
      if (sparkWidth >= 4) {
        line += ` ${sgr(ctx, "36", sparkline(series ?? [], sparkWidth))} ${trendArrow(series)}`;
        const room = inner - displayWidth(line) - 2;
        if (series && series.length > 1) {
          let lo = Infinity,
            hi = -Infinity;
          for (const v of series.slice(-sparkWidth))
            if (Number.isFinite(v)) {
              lo = Math.min(lo, v);
              hi = Math.max(hi, v);
            }
          const fr = fmt === fmtNum ? fmtSig : fmt;
          const range = `${fr(lo)}..${fr(hi)}`;
          if (lo <= hi && range.length <= room) line += dim(ctx, `  ${range}`);
        }
      }
      out.push(line);
    }
    return out;
  },
};

const statsPanel: Panel = {
  id: "stats",
  priority: 3,
  title: () => "Game statistics",
  content(frame, inner, ctx) {
    const r = frame.record;
    if (!("game/black_win_rate" in r) && !("charts/episodes" in r)) return ["no finished games yet"];
    const b = r["game/black_win_rate"],
      w = r["game/white_win_rate"],
      d = r["game/draw_rate"];
    const rows: [string, string[]][] = [["wins", [`Black ${fmtPct(b)}`, `White ${fmtPct(w)}`, `draw ${fmtPct(d)}`]]];
    const barWidth = Math.min(40, inner - 10);
    if (barWidth >= 10 && [b, w, d].every(Number.isFinite)) rows.push(["", [outcomeBar(b, w, d, barWidth, ctx)]]);
    rows.push(["length", [`${fmtSig(r["game/mean_length"])} plies/game`]]);
    rows.push([
      "per game",
      [
        `captures ${fmtSig(r["game/captures_per_game"])}`,
        `drops ${fmtSig(r["game/drops_per_game"])}`,
        `promotions ${fmtSig(r["game/promotions_per_game"])}`,
      ],
    ]);
    rows.push(["games", [`${fmtCount(r["charts/episodes"])} played`, `${fmtCount(r["charts/games_per_hour"])}/hour`]]);
    const endings = Object.keys(r).filter((k) => k.startsWith("game/ends_") && r[k] > 0);
    const totalEnds = endings.reduce((s, k) => s + r[k], 0);
    if (totalEnds > 0)
      rows.push([
        "endings",
        endings
          .sort((x, y) => r[y] - r[x])
          .map((k) => `${k.slice(10).replace(/_/g, " ")} ${fmtPct(r[k] / totalEnds, 0)}`),
      ]);
    if ("time/selfplay_s" in r || "time/update_s" in r)
      rows.push([
        "time/iter",
        [
          `self-play ${fmtSig(r["time/selfplay_s"])}s`,
          `(network ${fmtSig(r["time/inference_s"])}s)`,
          `update ${fmtSig(r["time/update_s"])}s`,
        ],
      ]);
    if ("eval/win_rate" in r)
      rows.push(["evaluation", [`win ${fmtPct(r["eval/win_rate"])}`, `draw ${fmtPct(r["eval/draw_rate"])}`]]);
    return labelled(rows, inner, 11, ctx);
  },
};

/** Black's, White's and drawn share of recent games as one bar: █ Black, ▒ White, ░ draw. */
function outcomeBar(b: number, w: number, d: number, width: number, ctx: RenderContext): string {
  const total = b + w + d || 1;
  const nb = Math.round((b / total) * width),
    nw = Math.min(width - nb, Math.round((w / total) * width));
  return sgr(ctx, "1", "█".repeat(nb)) + sgr(ctx, "91", "▒".repeat(nw)) + dim(ctx, "░".repeat(width - nb - nw));
}

const configPanel: Panel = {
  id: "config",
  priority: 5,
  title: () => "Configuration",
  content(frame, inner, ctx) {
    const t = frame.config.training;
    const model = t.model_type === "resnet" ? `resnet ${t.tower_depth}x${t.tower_width}` : t.model_type;
    const schedule = t.lr_schedule_type ? ` (${t.lr_schedule_type})` : "";
    return labelled(
      [
        [
          "model",
          [
            model,
            t.se_ratio > 0 ? `SE ${t.se_ratio}` : "no SE",
            ...(t.policy_head === "conv" ? ["conv policy"] : []),
            t.input_features,
            ...(t.mixed_precision ? ["f16"] : []),
          ],
        ],
        ["optimiser", [`lr ${t.learning_rate}${schedule}`, `clip ${t.clip_epsilon}`, `entropy ${t.entropy_coef}`]],
        ["rollout", [`${fmtCount(t.steps_per_epoch)} steps`, `${t.num_envs} envs`]],
        ["update", [`minibatch ${t.minibatch_size}`, `${t.ppo_epochs} epochs`]],
        ["device", [frame.backend]],
      ],
      inner,
      11,
      ctx,
    );
  },
};

/** A number in at most `width` characters (3 significant digits, else exponent form), so columns never touch. */
function fitNumber(v: number, width: number): string {
  const plain = fmtSig(v);
  if (plain.length <= width) return plain;
  for (let digits = 2; digits >= 0; digits--) {
    const e = v.toExponential(digits).replace("e+", "e");
    if (e.length <= width) return e;
  }
  return v.toExponential(0).slice(0, width);
}

const weightsPanel: Panel = {
  id: "weights",
  priority: 6,
  title: () => "Weight statistics",
  content(frame, inner, ctx) {
    const keys = ctx.display.log_layer_keyword_filters;
    const stats = frame.weightStats.filter((s) => keys.some((k) => s.name.includes(k)));
    if (keys.length === 0 || stats.length === 0) return null;
    const numWidth = 8;
    const nameWidth = inner - 4 * numWidth - 2;
    if (nameWidth < 8) return null;
    const prev = new Map((ctx.prevWeightStats ?? []).map((s) => [s.name, s]));
    const head = `${"parameter".padEnd(nameWidth)}${["mean", "std", "min", "max"].map((h) => h.padStart(numWidth)).join("")}`;
    const out = [dim(ctx, head)];
    for (const s of stats.slice(0, 12)) {
      const name =
        s.name.length > nameWidth ? `..${s.name.slice(s.name.length - nameWidth + 2)}` : s.name.padEnd(nameWidth);
      const p = prev.get(s.name);
      const arrow = p ? trendArrow([p.std, s.std]) : " ";
      out.push(
        `${name}${[s.mean, s.std, s.min, s.max].map((v) => fitNumber(v, numWidth - 1).padStart(numWidth)).join("")} ${arrow}`,
      );
    }
    return out;
  },
};

const eloPanel: Panel = {
  id: "elo",
  priority: 4,
  title: () => "Elo",
  content(frame, inner, ctx) {
    const elo = frame.elo;
    if (!ctx.display.enable_elo_ratings || !elo) return null;
    const h = elo.history;
    const change = h.length > 1 ? elo.rating - h[h.length - 2] : Number.NaN;
    const rows: [string, string[]][] = [
      [
        "rating",
        [
          bold(ctx, elo.rating.toFixed(1)),
          Number.isFinite(change) ? `${trendArrow(h)} ${change >= 0 ? "+" : ""}${change.toFixed(1)}` : "",
          elo.opponent ? `vs ${elo.opponent}` : "",
        ].filter(Boolean),
      ],
    ];
    const sw = Math.min(ctx.display.sparkline_width * 2, h.length, inner - 22);
    if (h.length > 0 && sw >= 1) rows.push(["history", [`${sgr(ctx, "36", sparkline(h, sw))}`, `${h.length} evals`]]);
    if ("eval/win_rate" in frame.record)
      rows.push([
        "last eval",
        [`win ${fmtPct(frame.record["eval/win_rate"])}`, `draw ${fmtPct(frame.record["eval/draw_rate"])}`],
      ]);
    return labelled(rows, inner, 11, ctx);
  },
};

/** The actor processes playing for the learner (parallel.actors, keisei actor): their pace and how far behind their weights are. */
const actorsPanel: Panel = {
  id: "actors",
  priority: 4.5,
  title: (frame) => `Actors · ${frame.actors?.length ?? 0}`,
  content(frame, inner, ctx) {
    const actors = frame.actors;
    if (!actors || actors.length === 0) return null;
    const num = 9;
    const nameWidth = inner - 3 * num - 8;
    if (nameWidth < 8) return null;
    const out = [
      dim(
        ctx,
        `${"actor".padEnd(nameWidth)}${"state".padStart(8)}${"games/s".padStart(num)}${"plies/s".padStart(num)}${"lag".padStart(num)}`,
      ),
    ];
    for (const a of actors.slice(0, 8))
      out.push(
        `${fitWidth(a.name, nameWidth)}${a.state.slice(0, 7).padStart(8)}${fmtSig(a.gamesPerSecond).padStart(num)}${fmtCount(a.stepsPerSecond).padStart(num)}${String(a.lag).padStart(num)}`,
      );
    if (actors.length > 8) out.push(dim(ctx, `… ${actors.length - 8} more`));
    const r = frame.record;
    if ("parallel/policy_lag_mean" in r)
      out.push(
        `${dim(ctx, "trained at lag")} ${fmtSig(r["parallel/policy_lag_mean"])} mean, ${fmtSig(r["parallel/policy_lag_max"])} max · ${dim(ctx, "dropped")} ${fmtCount(r["parallel/dropped_steps_total"])} plies`,
      );
    return out.map((l) => fitWidth(l, inner).trimEnd());
  },
};

export const PANELS = {
  actors: actorsPanel,
  board: boardPanel,
  trends: trendsPanel,
  stats: statsPanel,
  config: configPanel,
  weights: weightsPanel,
  elo: eloPanel,
};
export type PanelId = Panel["id"];
