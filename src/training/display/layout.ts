// Panels placed for the terminal: three columns from 150 columns, two from 100, the board beside
// the game statistics from 80, one stacked column below that. When the screen is too short the
// least important panel whose removal shortens the dashboard goes first (weights, config, Elo,
// statistics, board, trends), until it fits.
//
// defines: renderDashboard, RenderOptions

import type { Config } from "../../config/schema.ts";
import { BOARD_WIDTH } from "./board.ts";
import type { DashboardFrame, WeightStat } from "./frame.ts";
import { box, PANELS, type PanelId, progressLines, type RenderContext, sgr } from "./panels.ts";
import { fitWidth } from "./width.ts";

export interface RenderOptions {
  /** ANSI colours (default false: plain text). */
  color?: boolean;
  /** Display settings (default: frame.config.display). */
  display?: Config["display"];
  /** Weight statistics of the previous render, for the direction arrows. */
  prevWeightStats?: readonly WeightStat[];
}

interface Column {
  width: number;
  panels: PanelId[];
}
type Row = Column[];

const GAP = 1;
/** Board, two spaces, the recent-moves column, and the box around them. */
const boardPanelWidth = (unicode: boolean) => (unicode ? BOARD_WIDTH.unicode : BOARD_WIDTH.ascii) + 2 + 12 + 4;

function chooseLayout(width: number, unicode: boolean): Row[] {
  const bw = boardPanelWidth(unicode);
  if (width >= 150) {
    const rest = width - bw - 2 * GAP,
      b = Math.ceil(rest / 2);
    return [
      [
        { width: bw, panels: ["board", "elo", "actors"] },
        { width: b, panels: ["trends", "stats"] },
        { width: rest - b, panels: ["config", "weights"] },
      ],
    ];
  }
  if (width >= 100) {
    const left = Math.max(bw, Math.floor((width - GAP) / 2));
    return [
      [
        { width: left, panels: ["board", "stats", "elo", "actors"] },
        { width: width - GAP - left, panels: ["trends", "config", "weights"] },
      ],
    ];
  }
  if (width >= 80) {
    return [
      [
        { width: bw, panels: ["board"] },
        { width: width - GAP - bw, panels: ["stats"] },
      ],
      [{ width, panels: ["trends"] }],
      [{ width, panels: ["elo"] }],
      [{ width, panels: ["actors"] }],
      [{ width, panels: ["config"] }],
      [{ width, panels: ["weights"] }],
    ];
  }
  return (["trends", "board", "stats", "elo", "actors", "config", "weights"] as PanelId[]).map((id) => [
    { width, panels: [id] },
  ]);
}

/**
 * The dashboard as screen lines, each at most `width` columns wide, at most `height` lines. Pure:
 * the same frame and options give the same lines.
 */
export function renderDashboard(
  frame: DashboardFrame,
  width: number,
  height: number,
  opts: RenderOptions = {},
): string[] {
  width = Math.max(1, Math.floor(width));
  height = Math.max(1, Math.floor(height));
  const ctx: RenderContext = {
    color: opts.color ?? false,
    display: opts.display ?? frame.config.display,
    prevWeightStats: opts.prevWeightStats,
  };
  const header = progressLines(frame, width, ctx);
  const footer = frame.message ? [fitWidth(sgr(ctx, "33", `> ${frame.message}`), width).trimEnd()] : [];
  const room = height - header.length - footer.length;

  // Content per (panel, inner width), computed once per render.
  const cache = new Map<string, string[] | null>();
  const content = (id: PanelId, inner: number) => {
    const key = `${id}:${inner}`;
    if (!cache.has(key)) cache.set(key, inner >= 8 ? PANELS[id].content(frame, inner, ctx) : null);
    return cache.get(key)!;
  };

  const layout = chooseLayout(width, ctx.display.board_unicode_pieces);
  // The rows for a set of panels: panels with nothing to show at their width go, and so do
  // columns left empty (the row's last remaining column takes their space).
  const place = (ids: ReadonlySet<PanelId>): Row[] =>
    layout
      .map((row) => {
        const cols = row.map((c) => ({
          width: c.width,
          panels: c.panels.filter((id) => ids.has(id) && content(id, c.width - 4) !== null),
        }));
        const kept = cols.filter((c) => c.panels.length > 0);
        if (kept.length > 0 && kept.length < cols.length) {
          const spare = cols.filter((c) => c.panels.length === 0).reduce((s, c) => s + c.width + GAP, 0);
          const last = kept[kept.length - 1];
          const wider = {
            width: last.width + spare,
            panels: last.panels.filter((id) => content(id, last.width + spare - 4) !== null),
          };
          kept[kept.length - 1] = wider;
        }
        return kept.filter((c) => c.panels.length > 0);
      })
      .filter((row) => row.length > 0);

  const columnHeight = (c: Column) => c.panels.reduce((s, id) => s + content(id, c.width - 4)!.length + 2, 0);
  const rowHeight = (row: Row) => Math.max(...row.map(columnHeight));
  const total = (rs: Row[]) => rs.reduce((s, r) => s + rowHeight(r), 0);

  // Too tall: take panels away, least important first, until it fits; then put back, most
  // important first, each one that still fits.
  const byImportance = (Object.keys(PANELS) as PanelId[]).sort((a, b) => PANELS[a].priority - PANELS[b].priority);
  const shown = new Set(byImportance);
  const removed: PanelId[] = [];
  for (let i = byImportance.length - 1; i >= 0 && total(place(shown)) > room; i--) {
    shown.delete(byImportance[i]);
    removed.push(byImportance[i]);
  }
  for (const id of removed.reverse()) {
    shown.add(id);
    if (total(place(shown)) > room) shown.delete(id);
  }
  const rows = place(shown);

  const lines = [...header];
  for (const row of rows) {
    const h = rowHeight(row);
    const blocks = row.map((c) => {
      const out: string[] = [];
      c.panels.forEach((id, i) => {
        const body = content(id, c.width - 4)!;
        const last = i === c.panels.length - 1;
        out.push(...box(ctx, PANELS[id].title(frame), body, c.width, last ? h - out.length : body.length + 2));
      });
      return out;
    });
    for (let i = 0; i < h; i++)
      lines.push(
        blocks
          .map((b) => b[i])
          .join(" ".repeat(GAP))
          .trimEnd(),
      );
  }
  lines.push(...footer);
  return lines.slice(0, height).map((l) => fitWidth(l, width).trimEnd());
}
