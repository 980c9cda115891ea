// The dashboard page: plain DOM and uPlot (loaded before this script as the global `uPlot`). Served
// as JavaScript, transpiled from this file at server start-up (assets.ts); type-checked with the
// rest of keisei, importing the server's types only.
//
// Four tabs over one run selection (the sidebar): Charts (every scalar of metrics.jsonl, one chart
// per key, the selected runs overlaid; x by step, training time or wall clock; EMA smoothing;
// drag to zoom, double-click to reset, all charts together), Runs (the table), Games (the live
// self-play boards and saved KIF/CSA records replayed move by move) and Sweeps (trials, the best
// one, parameter against metric). Server-sent events keep everything current without a reload.
//
// State that a link should keep (tab, selected runs, axis, smoothing, filter, study) lives in the
// address's #fragment.

import type uPlot from "uplot";
import type {
  Axis,
  BoardView,
  GamesResponse,
  InfoResponse,
  LiveBoard,
  Replay,
  RunSummary,
  RunsEvent,
  Sample,
  ScalarsResponse,
  StudyView,
  SweepsResponse,
  TrialView,
} from "../api.ts";

const UPlot = (globalThis as unknown as { uPlot: typeof uPlot }).uPlot;

type Tab = "charts" | "runs" | "games" | "sweeps";
const TABS: Tab[] = ["charts", "runs", "games", "sweeps"];

// Tableau 10: distinct on light and dark backgrounds.
const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];
/** Runs selected when the page opens (the most recently updated), unless the address names them. */
const DEFAULT_SELECTED = 10;
/** Group order of metric keys by prefix; groups not listed come after, alphabetically. */
const GROUP_ORDER = ["losses", "eval", "game", "charts", "time"];
/** Keys drawn first in their group, in this order (the terminal dashboard's trends). */
const KEY_ORDER = [
  "charts/SPS",
  "losses/policy_loss",
  "losses/value_loss",
  "losses/entropy",
  "losses/approx_kl",
  "losses/clipfrac",
  "losses/explained_variance",
  "losses/grad_norm",
  "charts/learning_rate",
  "game/black_win_rate",
  "game/white_win_rate",
  "game/draw_rate",
  "game/mean_length",
  "eval/win_rate",
  "eval/elo",
];
const HIDDEN_KEYS = new Set(["timestep", "iteration", "wall_time"]);

// ---- small helpers -----------------------------------------------------------------------------

type Child = Node | string | number | null | undefined | false;

/** An element with attributes (on* are listeners) and children. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, unknown> = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v as EventListener);
    else if (k === "class") el.className = String(v);
    else if (k === "style") el.setAttribute("style", String(v));
    else if (k in el && typeof v !== "string") (el as unknown as Record<string, unknown>)[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat())
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const $ = (id: string) => document.getElementById(id) as HTMLElement;

async function api<T>(path: string, params: Record<string, string | number | string[] | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, x);
    else q.set(k, String(v));
  }
  const url = `${path}${q.size > 0 ? `?${q}` : ""}`;
  const r = await fetch(url, { credentials: "same-origin" });
  if (!r.ok) {
    let message = `${r.status} ${r.statusText}`;
    try {
      message = ((await r.json()) as { error?: string }).error ?? message;
    } catch {
      // not JSON
    }
    throw new Error(message);
  }
  const type = r.headers.get("content-type") ?? "";
  return (type.includes("json") ? await r.json() : await r.text()) as T;
}

/** 1234567 → "1.23M", 0.000123 → "1.23e-4". */
function fmtNum(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(digits)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(digits)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(digits)}k`;
  if (a >= 1e-3) return String(+v.toPrecision(digits));
  const [mantissa, exponent] = v.toExponential(digits - 1).split("e");
  return `${+mantissa}e${exponent}`;
}

/** uPlot axis size that fits its longest tick label. */
function axisSize(_u: uPlot, values: string[] | null): number {
  const longest = values ? Math.max(0, ...values.map((v) => String(v).length)) : 4;
  return Math.max(36, longest * 7 + 16);
}

function fmtCount(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return v >= 1e4 ? fmtNum(v) : String(Math.round(v));
}

/** Seconds as "1h 02m", "3m 05s", "42s". */
function fmtDuration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return "—";
  s = Math.max(0, s);
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return `${hrs}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(hrs / 24)}d ${hrs % 24}h`;
}

function fmtAgo(ms: number | null | undefined): string {
  if (!ms) return "—";
  return `${fmtDuration((Date.now() - ms) / 1000)} ago`;
}

function fmtDate(ms: number | null | undefined): string {
  if (!ms) return "—";
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function fmtValue(v: unknown): string {
  if (typeof v === "number") return fmtNum(v, 4);
  return JSON.stringify(v);
}

/** TensorBoard's smoothing: an exponential moving average, debiased at the start; gaps stay gaps. */
function smooth(ys: number[], weight: number): number[] {
  const out = new Array<number>(ys.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * weight + (1 - weight) * y;
    n++;
    out[i] = last / (1 - weight ** n);
  }
  return out;
}

function debounce(fn: () => void, ms: number): () => void {
  let t: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (t) clearTimeout(t);
    t = setTimeout(() => {
      t = null;
      fn();
    }, ms);
  };
}

// ---- state -------------------------------------------------------------------------------------

interface RunData {
  epoch: number;
  rows: number;
  axis: Axis;
  series: Map<string, Sample>;
  /** Full-resolution series of the zoomed range (when the overview was downsampled). */
  zoom: { from: number; to: number; series: Map<string, Sample> } | null;
  loading: Promise<void> | null;
  /** Records appended since the last full fetch (a full fetch again past a share of the points). */
  appended: number;
}

const state = {
  info: null as InfoResponse | null,
  runs: new Map<string, RunSummary>(),
  selected: new Set<string>(),
  /** Set once the selection came from the address or the user: new runs are then not added by themselves. */
  selectionFixed: false,
  colors: new Map<string, string>(),
  tab: "charts" as Tab,
  axis: "step" as Axis,
  smoothing: 0.6,
  filter: "",
  runFilter: "",
  zoom: null as [number, number] | null,
  collapsed: new Set<string>(["time"]),
  study: null as string | null,
  sweepParam: null as string | null,
  game: null as string | null,
  focusDone: false,
  /** Points a chart asks for (#points=N; default: twice its width in pixels, as min and max pairs). */
  points: null as number | null,
};
const runData = new Map<string, RunData>();
const liveBoards = new Map<string, LiveBoard>();

/** For tests and the bench: the charts by key, and when they were first drawn. */
interface DashboardHandle {
  charts: Map<string, { plot: uPlot; key: string }>;
  firstChartsMs: number | null;
  state: typeof state;
}
const handle: DashboardHandle = { charts: new Map(), firstChartsMs: null, state };
(window as unknown as { keiseiDashboard: DashboardHandle }).keiseiDashboard = handle;

function readHash(): void {
  const p = new URLSearchParams(location.hash.slice(1));
  const tab = p.get("tab");
  if (tab && (TABS as string[]).includes(tab)) state.tab = tab as Tab;
  const runs = p.get("runs");
  if (runs !== null) {
    state.selected = new Set(runs.split(",").filter(Boolean));
    state.selectionFixed = true;
  }
  const axis = p.get("axis");
  if (axis === "step" || axis === "relative" || axis === "wall") state.axis = axis;
  const sm = p.get("smoothing");
  if (sm !== null && Number.isFinite(Number(sm))) state.smoothing = Math.min(0.99, Math.max(0, Number(sm)));
  state.filter = p.get("filter") ?? state.filter;
  state.study = p.get("study") ?? state.study;
  state.game = p.get("game") ?? state.game;
  const points = Number(p.get("points"));
  if (Number.isInteger(points) && points >= 16) state.points = points;
}

const writeHash = debounce(() => {
  const p = new URLSearchParams();
  p.set("tab", state.tab);
  if (state.selectionFixed) p.set("runs", [...state.selected].join(","));
  if (state.axis !== "step") p.set("axis", state.axis);
  if (state.smoothing !== 0.6) p.set("smoothing", String(state.smoothing));
  if (state.filter) p.set("filter", state.filter);
  if (state.study) p.set("study", state.study);
  if (state.game) p.set("game", state.game);
  if (state.points) p.set("points", String(state.points));
  history.replaceState(null, "", `#${p}`);
}, 100);

function colorOf(run: string): string {
  let c = state.colors.get(run);
  if (!c) {
    const used = new Set([...state.selected].map((r) => state.colors.get(r)));
    c = PALETTE.find((p) => !used.has(p)) ?? PALETTE[state.colors.size % PALETTE.length];
    state.colors.set(run, c);
    try {
      localStorage.setItem("keisei.colors", JSON.stringify([...state.colors]));
    } catch {
      // storage off
    }
  }
  return c;
}

function loadColors(): void {
  try {
    const saved = JSON.parse(localStorage.getItem("keisei.colors") ?? "[]") as [string, string][];
    for (const [k, v] of saved) state.colors.set(k, v);
  } catch {
    // nothing saved
  }
}

/** Runs in display order: running first, then the most recently updated. */
function orderedRuns(): RunSummary[] {
  const rank = { running: 0, stopped: 1, crashed: 1, finished: 1 } as const;
  return [...state.runs.values()].sort(
    (a, b) => rank[a.status] - rank[b.status] || b.updatedAt - a.updatedAt || a.name.localeCompare(b.name),
  );
}

function selectedRuns(): string[] {
  return [...state.selected].filter((r) => state.runs.has(r)).sort();
}

// ---- tabs --------------------------------------------------------------------------------------

function showTab(tab: Tab): void {
  state.tab = tab;
  for (const t of TABS) {
    $(`tab-${t}`).classList.toggle("active", t === tab);
    document.querySelector(`.tabs a[data-tab="${t}"]`)?.classList.toggle("active", t === tab);
  }
  writeHash();
  if (tab === "charts") void renderCharts();
  if (tab === "runs") renderRunsTable();
  if (tab === "games") void renderGames();
  if (tab === "sweeps") void renderSweeps();
}

// ---- sidebar: the run list ---------------------------------------------------------------------

function statusBadge(s: RunSummary, dotOnly = false): HTMLElement {
  return h("span", { class: `status ${s.status}${dotOnly ? " dot-only" : ""}`, title: s.statusReason }, s.status);
}

function progressText(s: RunSummary): string {
  return s.totalTimesteps ? `${fmtCount(s.timestep)}/${fmtCount(s.totalTimesteps)}` : fmtCount(s.timestep);
}

function setSelected(next: Set<string>): void {
  state.selected = next;
  state.selectionFixed = true;
  writeHash();
  renderSidebar();
  onSelectionChanged();
}

function renderSidebar(): void {
  const side = $("sidebar");
  const filter = state.runFilter.toLowerCase();
  const runs = orderedRuns().filter((r) => !filter || r.name.toLowerCase().includes(filter));
  const items = runs.map((r) => {
    const on = state.selected.has(r.name);
    return h(
      "div",
      {
        class: "run-item",
        "data-run": r.name,
        title: `${r.name}\n${r.status}: ${r.statusReason}`,
        onclick: (e: MouseEvent) => {
          const next = new Set(state.selected);
          if (e.altKey || e.metaKey) {
            setSelected(new Set([r.name]));
            return;
          }
          if (next.has(r.name)) next.delete(r.name);
          else next.add(r.name);
          setSelected(next);
        },
      },
      h("input", { type: "checkbox", checked: on, tabindex: -1 }),
      h("span", { class: "swatch", style: on ? `background:${colorOf(r.name)}` : undefined }),
      h("span", { class: "run-name" }, r.name),
      h("span", { class: "progress-text" }, statusBadge(r, true), " ", progressText(r)),
    );
  });
  const focus = document.activeElement === side.querySelector(".run-filter");
  side.replaceChildren(
    h(
      "h3",
      {},
      h("span", {}, `Runs (${state.runs.size})`),
      h(
        "span",
        {},
        h(
          "button",
          {
            class: "mini",
            onclick: () => setSelected(new Set(runs.map((r) => r.name))),
            title: "Select every listed run",
          },
          "all",
        ),
        " ",
        h("button", { class: "mini", onclick: () => setSelected(new Set()), title: "Select none" }, "none"),
      ),
    ),
    h("input", {
      class: "run-filter",
      type: "search",
      placeholder: "filter runs",
      value: state.runFilter,
      oninput: (e: Event) => {
        state.runFilter = (e.target as HTMLInputElement).value;
        renderSidebar();
      },
    }),
    ...(items.length > 0
      ? items
      : [
          h("div", { class: "empty" }, state.runs.size === 0 ? "No runs in the log directory yet." : "No run matches."),
        ]),
    h(
      "p",
      { class: "muted", style: "font-size:11px;margin-top:10px" },
      "Click a run to show or hide it; Alt-click to show it alone.",
    ),
  );
  if (focus) {
    const input = side.querySelector(".run-filter") as HTMLInputElement;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }
}

// ---- data --------------------------------------------------------------------------------------

function pointsWanted(): number {
  if (state.points) return state.points;
  const width = Math.max(300, Math.min(2400, ($("main").clientWidth || 900) / 2));
  return Math.round(width * 2);
}

/** Fetches the whole series of `run` (all keys, downsampled to the chart width). */
async function loadRun(run: string): Promise<void> {
  const d = runData.get(run);
  if (d?.loading) return d.loading;
  const entry: RunData = d ?? {
    epoch: -1,
    rows: 0,
    axis: state.axis,
    series: new Map(),
    zoom: null,
    loading: null,
    appended: 0,
  };
  runData.set(run, entry);
  entry.loading = (async () => {
    try {
      const axis = state.axis;
      const r = await api<ScalarsResponse>("/api/scalars", { run, axis, points: pointsWanted() });
      entry.epoch = r.epoch;
      entry.rows = r.rows;
      entry.axis = axis;
      entry.series = new Map(Object.entries(r.series));
      entry.zoom = null;
      entry.appended = 0;
      performance.mark(`keisei:data:${run}`);
    } finally {
      entry.loading = null;
    }
  })();
  return entry.loading;
}

/** Appends the records a run wrote since our copy (or fetches it again when the server's epoch moved on). */
async function appendRun(run: string, summary: RunSummary): Promise<boolean> {
  const d = runData.get(run);
  if (!d || d.loading) return false;
  if (summary.records === null || summary.records === d.rows) return false;
  if (summary.epoch !== d.epoch || summary.records < d.rows || d.axis !== state.axis) {
    await loadRun(run);
    return true;
  }
  const r = await api<ScalarsResponse>("/api/scalars", {
    run,
    axis: d.axis,
    after: d.rows,
    epoch: d.epoch,
    points: 20000,
  });
  if (r.epoch !== d.epoch) {
    await loadRun(run);
    return true;
  }
  for (const [key, s] of Object.entries(r.series)) {
    const mine = d.series.get(key);
    if (!mine) d.series.set(key, s);
    else {
      mine.x.push(...s.x);
      mine.y.push(...s.y);
      mine.total += s.total;
    }
  }
  d.appended += r.rows - d.rows;
  d.rows = r.rows;
  if (d.appended > pointsWanted() / 2 && [...d.series.values()].some((s) => s.sampled)) await loadRun(run);
  return true;
}

// ---- charts ------------------------------------------------------------------------------------

interface ChartCard {
  key: string;
  el: HTMLElement;
  host: HTMLElement;
  count: HTMLElement;
  plot: uPlot | null;
  /** Runs and smoothing the plot's series were built for. */
  signature: string;
  /** Its plot lags the data (it was off screen); drawn when it scrolls into view. */
  stale: boolean;
}
const cards = new Map<string, ChartCard>();
let syncing = false;

function groupOf(key: string): string {
  const i = key.indexOf("/");
  return i < 0 ? "other" : key.slice(0, i);
}

function keyRank(key: string): number {
  const i = KEY_ORDER.indexOf(key);
  return i < 0 ? KEY_ORDER.length : i;
}

/** Every scalar key of the selected runs, by group, in display order, filtered. */
function chartKeys(): Map<string, string[]> {
  const keys = new Set<string>();
  for (const run of selectedRuns()) {
    const d = runData.get(run);
    const list = d && d.series.size > 0 ? [...d.series.keys()] : (state.runs.get(run)?.keys ?? []);
    for (const k of list) if (!HIDDEN_KEYS.has(k)) keys.add(k);
  }
  let re: RegExp | null = null;
  try {
    re = state.filter ? new RegExp(state.filter, "i") : null;
  } catch {
    re = null;
  }
  const groups = new Map<string, string[]>();
  for (const k of [...keys].sort((a, b) => keyRank(a) - keyRank(b) || a.localeCompare(b))) {
    if (re && !re.test(k)) continue;
    const g = groupOf(k);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(k);
  }
  const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);
  return new Map([...groups].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)));
}

/** Tick steps of the training-time axis (seconds): whole seconds, minutes, hours, days. */
const CLOCK_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
];

/** Seconds of training as a tick label: 45s, 5m, 1h30, 2d. */
function clockLabel(v: number): string {
  if (v === 0) return "0";
  if (v % 86400 === 0) return `${v / 86400}d`;
  if (v >= 3600)
    return `${Math.floor(v / 3600)}h${v % 3600 ? String(Math.round((v % 3600) / 60)).padStart(2, "0") : ""}`;
  if (v >= 60) return `${Math.floor(v / 60)}m${v % 60 ? String(Math.round(v % 60)).padStart(2, "0") : ""}`;
  return `${+v.toFixed(1)}s`;
}

function xAxisFormatter(): (u: uPlot, splits: number[]) => string[] {
  if (state.axis === "relative") return (_u, splits) => splits.map(clockLabel);
  return (_u, splits) => splits.map((v) => fmtNum(v));
}

function seriesOf(run: string, key: string): Sample | null {
  const d = runData.get(run);
  if (!d) return null;
  return d.zoom?.series.get(key) ?? d.series.get(key) ?? null;
}

/** The chart's data: one raw (and, when smoothing, one smoothed) series per selected run, on one x. */
function chartData(key: string, runs: string[]): uPlot.AlignedData {
  const tables: uPlot.AlignedData[] = runs.map((run) => {
    const s = seriesOf(run, key);
    if (!s) return state.smoothing > 0 ? [[], [], []] : [[], []];
    return state.smoothing > 0 ? [s.x, s.y, smooth(s.y, state.smoothing)] : [s.x, s.y];
  });
  if (tables.length === 1) return tables[0];
  return UPlot.join(tables);
}

function chartOptions(runs: string[], width: number): uPlot.Options {
  const series: uPlot.Series[] = [
    state.axis === "wall"
      ? { label: "time" } // uPlot's own date and time
      : {
          label: state.axis === "step" ? "step" : "training time",
          value: (_u, v) =>
            v === null || v === undefined ? "--" : state.axis === "step" ? v.toLocaleString("en-US") : fmtDuration(v),
        },
  ];
  for (const run of runs) {
    const color = colorOf(run);
    if (state.smoothing > 0) {
      series.push({
        label: `${run} (raw)`,
        stroke: `${color}44`,
        width: 1,
        spanGaps: true,
        class: "raw",
        points: { show: false },
      });
      series.push({ label: run, stroke: color, width: 1.6, spanGaps: true, value: (_u, v) => fmtNum(v, 4) });
    } else series.push({ label: run, stroke: color, width: 1.6, spanGaps: true, value: (_u, v) => fmtNum(v, 4) });
  }
  return {
    width,
    height: 200,
    series,
    scales: { x: { time: state.axis === "wall" } },
    axes: [
      {
        values: state.axis === "wall" ? undefined : xAxisFormatter(),
        incrs: state.axis === "relative" ? CLOCK_STEPS : undefined,
        stroke: "#8a92a3",
        grid: { stroke: "#8a92a322" },
      },
      {
        values: (_u, splits) => splits.map((v) => fmtNum(v)),
        size: axisSize,
        stroke: "#8a92a3",
        grid: { stroke: "#8a92a322" },
      },
    ],
    cursor: { sync: { key: "keisei-x" }, drag: { x: true, y: false } },
    legend: { live: true },
    hooks: {
      setScale: [(u, scaleKey) => onScale(u, scaleKey)],
    },
  };
}

/** A zoom on one chart: the same x range on every chart, and full-resolution data for it. */
function onScale(u: uPlot, scaleKey: string): void {
  if (scaleKey !== "x" || syncing) return;
  const { min, max } = u.scales.x;
  if (min === undefined || max === undefined || min === null || max === null) return;
  const xs = u.data[0];
  const full = xs.length === 0 || (min <= (xs[0] as number) && max >= (xs[xs.length - 1] as number));
  const zoom: [number, number] | null = full ? null : [min, max];
  if (JSON.stringify(zoom) === JSON.stringify(state.zoom)) return;
  state.zoom = zoom;
  syncing = true;
  try {
    for (const c of cards.values())
      if (c.plot && c.plot !== u) {
        if (zoom) c.plot.setScale("x", { min: zoom[0], max: zoom[1] });
        else c.plot.setData(c.plot.data, true);
      }
  } finally {
    syncing = false;
  }
  loadZoom();
}

const loadZoom = debounce(async () => {
  const zoom = state.zoom;
  let changed = false;
  for (const run of selectedRuns()) {
    const d = runData.get(run);
    if (!d) continue;
    if (!zoom) {
      if (d.zoom) {
        d.zoom = null;
        changed = true;
      }
      continue;
    }
    if (![...d.series.values()].some((s) => s.sampled)) continue;
    const r = await api<ScalarsResponse>("/api/scalars", {
      run,
      axis: d.axis,
      from: zoom[0],
      to: zoom[1],
      points: pointsWanted(),
    });
    d.zoom = { from: zoom[0], to: zoom[1], series: new Map(Object.entries(r.series)) };
    changed = true;
  }
  if (changed) updateChartData(false);
}, 250);

function chartWidth(card: ChartCard): number {
  return Math.max(240, card.host.clientWidth || 400);
}

/** Rebuilds the charts tab: groups, cards, and a plot per card (made again when its runs or smoothing changed). */
async function renderCharts(): Promise<void> {
  const root = $("tab-charts");
  if (!root.querySelector(".toolbar")) root.append(toolbar(), h("div", { id: "chart-groups" }));
  const runs = selectedRuns();
  await Promise.all(
    runs
      .filter((r) => {
        const d = runData.get(r);
        return !d || d.loading !== null || d.epoch === -1 || d.axis !== state.axis;
      })
      .map((r) => loadRun(r).catch(() => undefined)),
  );
  if (state.tab !== "charts") return;
  const groupsEl = $("chart-groups");
  const groups = chartKeys();
  if (runs.length === 0) {
    groupsEl.replaceChildren(
      h(
        "div",
        { class: "empty" },
        state.runs.size === 0 ? "No runs yet: start one with keisei train." : "Select runs in the list to plot them.",
      ),
    );
    for (const c of cards.values()) {
      c.plot?.destroy();
      observer?.unobserve(c.el);
    }
    cards.clear();
    handle.charts.clear();
    return;
  }
  const wanted = new Set([...groups.values()].flat());
  for (const [key, c] of cards)
    if (!wanted.has(key)) {
      c.plot?.destroy();
      observer?.unobserve(c.el);
      cards.delete(key);
      handle.charts.delete(key);
    }
  const sections: HTMLElement[] = [];
  for (const [group, keys] of groups) {
    const grid = h("div", { class: "grid" });
    for (const key of keys) {
      let card = cards.get(key);
      if (!card) {
        const host = h("div", { class: "chart" });
        const count = h("span", { class: "muted" });
        const el = h("div", { class: "card", "data-key": key }, h("h4", {}, h("span", {}, key), count), host);
        card = { key, el, host, count, plot: null, signature: "", stale: true };
        cards.set(key, card);
        watch(card);
      }
      grid.append(card.el);
    }
    const details = h(
      "details",
      { class: "group", open: !state.collapsed.has(group), "data-group": group },
      h("summary", {}, group, " ", h("span", { class: "muted" }, `(${keys.length})`)),
      grid,
    );
    details.addEventListener("toggle", () => {
      if (details.open) state.collapsed.delete(group);
      else state.collapsed.add(group);
      if (details.open) drawCharts();
    });
    sections.push(details);
  }
  groupsEl.replaceChildren(
    ...(sections.length > 0 ? sections : [h("div", { class: "empty" }, "No metric matches the filter.")]),
  );
  drawCharts();
}

/** The runs, colours, smoothing and axis a plot's series were made for. */
function plotSignature(runs: string[]): string {
  return JSON.stringify([runs, runs.map(colorOf), state.smoothing > 0, state.axis]);
}

/** Whether a card is on screen or near it (charts further away are drawn when scrolled to). */
function nearViewport(el: HTMLElement): boolean {
  const r = el.getBoundingClientRect();
  return r.height > 0 && r.bottom > -400 && r.top < window.innerHeight + 400;
}

let observer: IntersectionObserver | null = null;

/** Draws a card's plot when it scrolls into view. */
function watch(card: ChartCard): void {
  observer ??= new IntersectionObserver(
    (entries) => {
      const runs = selectedRuns();
      for (const e of entries) {
        const c = cards.get((e.target as HTMLElement).dataset.key ?? "");
        if (e.isIntersecting && c?.stale) drawCard(c, runs, plotSignature(runs));
      }
    },
    { rootMargin: "400px 0px" },
  );
  observer.observe(card.el);
}

/** Makes the card's plot (again, when its runs or smoothing changed) or gives it the current data. */
function drawCard(card: ChartCard, runs: string[], signature: string): void {
  card.stale = false;
  const data = chartData(card.key, runs);
  if (!card.plot || card.signature !== signature) {
    card.plot?.destroy();
    card.plot = new UPlot(chartOptions(runs, chartWidth(card)), data, card.host);
    card.signature = signature;
    handle.charts.set(card.key, { plot: card.plot, key: card.key });
    if (state.zoom) {
      syncing = true;
      card.plot.setScale("x", { min: state.zoom[0], max: state.zoom[1] });
      syncing = false;
    }
    return;
  }
  syncing = true;
  try {
    card.plot.setData(data, !state.zoom);
    if (state.zoom) card.plot.setScale("x", { min: state.zoom[0], max: state.zoom[1] });
  } finally {
    syncing = false;
  }
}

let firstMarked = false;

/** Draws the cards on screen; the others are marked stale and drawn when they scroll into view. */
function drawCharts(): void {
  const runs = selectedRuns();
  const signature = plotSignature(runs);
  let drawn = 0;
  for (const card of cards.values()) {
    updateCount(card, runs);
    if (!card.el.isConnected || !nearViewport(card.el)) {
      card.stale = true;
      continue;
    }
    drawCard(card, runs, signature);
    drawn++;
  }
  if (!firstMarked && drawn > 0 && runs.some((r) => runData.get(r)?.series.size)) {
    firstMarked = true;
    performance.mark("keisei:charts-built");
    requestAnimationFrame(() => {
      if (handle.firstChartsMs !== null) return;
      handle.firstChartsMs = performance.now();
      document.documentElement.dataset.chartsReady = "1";
    });
  }
}

function updateCount(card: ChartCard, runs: string[]): void {
  let shown = 0;
  let total = 0;
  for (const run of runs) {
    const s = seriesOf(run, card.key);
    if (!s) continue;
    shown += s.x.length;
    total += s.total;
  }
  card.count.textContent =
    runs.length === 0 ? "" : shown === total ? `${total} points` : `${shown} of ${fmtCount(total)} points`;
}

/** New data for the plots (their series unchanged): now for those on screen, on scrolling for the others. */
function updateChartData(resetScales = true): void {
  const runs = selectedRuns();
  for (const card of cards.values()) {
    updateCount(card, runs);
    if (!card.plot) continue;
    if (!nearViewport(card.el)) {
      card.stale = true;
      continue;
    }
    card.stale = false;
    syncing = true;
    try {
      card.plot.setData(chartData(card.key, runs), resetScales && !state.zoom);
      if (state.zoom) card.plot.setScale("x", { min: state.zoom[0], max: state.zoom[1] });
    } finally {
      syncing = false;
    }
  }
}

function toolbar(): HTMLElement {
  const smoothingValue = h("input", {
    type: "number",
    min: 0,
    max: 0.99,
    step: 0.01,
    value: String(state.smoothing),
    style: "width:64px",
  });
  const slider = h("input", { type: "range", min: 0, max: 0.99, step: 0.01, value: String(state.smoothing) });
  const setSmoothing = (v: number) => {
    state.smoothing = Math.min(0.99, Math.max(0, Number.isFinite(v) ? v : 0));
    slider.value = String(state.smoothing);
    smoothingValue.value = String(state.smoothing);
    writeHash();
    drawCharts();
  };
  slider.addEventListener("input", () => setSmoothing(Number(slider.value)));
  smoothingValue.addEventListener("change", () => setSmoothing(Number(smoothingValue.value)));
  const axis = h(
    "select",
    {
      id: "axis",
      onchange: (e: Event) => {
        state.axis = (e.target as HTMLSelectElement).value as Axis;
        state.zoom = null;
        writeHash();
        void renderCharts();
      },
    },
    h("option", { value: "step", selected: state.axis === "step" }, "Step"),
    h("option", { value: "relative", selected: state.axis === "relative" }, "Training time"),
    h("option", { value: "wall", selected: state.axis === "wall" }, "Wall clock"),
  );
  const filter = h("input", {
    type: "search",
    placeholder: "filter metrics (regex)",
    value: state.filter,
    style: "width:200px",
    oninput: debounce(() => {
      state.filter = filter.value;
      writeHash();
      void renderCharts();
    }, 200),
  });
  return h(
    "div",
    { class: "toolbar" },
    h("label", {}, "X axis", axis),
    h("label", { title: "Exponential moving average, as TensorBoard smooths" }, "Smoothing", slider, smoothingValue),
    h("label", {}, filter),
    h("span", { class: "grow" }),
    h(
      "button",
      {
        onclick: () => {
          state.zoom = null;
          for (const d of runData.values()) d.zoom = null;
          updateChartData(true);
        },
        title: "Or double-click a chart",
      },
      "Reset zoom",
    ),
    h("span", { class: "muted" }, "drag to zoom"),
  );
}

function onSelectionChanged(): void {
  if (state.tab === "charts") void renderCharts();
  if (state.tab === "runs") renderRunsTable();
  if (state.tab === "games") renderLiveBoards();
}

// ---- runs table --------------------------------------------------------------------------------

let runsSort: { key: string; dir: 1 | -1 } = { key: "updated", dir: -1 };
let runDetails: string | null = null;

function renderRunsTable(): void {
  const root = $("tab-runs");
  const runs = [...state.runs.values()];
  const cols: {
    key: string;
    label: string;
    num?: boolean;
    value: (r: RunSummary) => number | string;
    cell: (r: RunSummary) => Child | Child[];
  }[] = [
    { key: "name", label: "Run", value: (r) => r.name, cell: (r) => h("span", { class: "run-name" }, r.name) },
    { key: "status", label: "Status", value: (r) => r.status, cell: (r) => statusBadge(r) },
    {
      key: "steps",
      label: "Steps",
      num: true,
      value: (r) => r.timestep,
      cell: (r) => [
        r.totalTimesteps
          ? h(
              "span",
              { class: "bar" },
              h("span", { style: `width:${Math.min(100, (100 * r.timestep) / r.totalTimesteps).toFixed(1)}%` }),
            )
          : null,
        progressText(r),
      ],
    },
    { key: "iteration", label: "Iterations", num: true, value: (r) => r.iteration, cell: (r) => fmtCount(r.iteration) },
    {
      key: "wall",
      label: "Wall time",
      num: true,
      value: (r) => r.wallSeconds ?? 0,
      cell: (r) => fmtDuration(r.wallSeconds),
    },
    { key: "sps", label: "Steps/s", num: true, value: (r) => r.sps ?? 0, cell: (r) => fmtNum(r.sps) },
    {
      key: "checkpoint",
      label: "Last checkpoint",
      value: (r) => r.lastCheckpoint?.timestep ?? -1,
      cell: (r) =>
        r.lastCheckpoint
          ? h(
              "span",
              { title: fmtDate(r.lastCheckpoint.mtime) },
              r.lastCheckpoint.file,
              h("span", { class: "muted" }, ` ${fmtAgo(r.lastCheckpoint.mtime)}`),
            )
          : "—",
    },
    {
      key: "model",
      label: "Model",
      value: (r) => (r.config ? `${r.config.model} ${r.config.depth}×${r.config.width}` : ""),
      cell: (r) =>
        r.config
          ? `${r.config.model} ${r.config.depth ?? "?"}×${r.config.width ?? "?"}${r.config.policyHead ? ` ${r.config.policyHead}` : ""}`
          : "—",
    },
    {
      key: "lr",
      label: "LR",
      num: true,
      value: (r) => r.config?.learningRate ?? 0,
      cell: (r) => fmtNum(r.config?.learningRate ?? null),
    },
    {
      key: "envs",
      label: "Envs",
      num: true,
      value: (r) => r.config?.numEnvs ?? 0,
      cell: (r) => fmtCount(r.config?.numEnvs ?? null),
    },
    { key: "device", label: "Device", value: (r) => r.config?.device ?? "", cell: (r) => r.config?.device ?? "—" },
    { key: "started", label: "Started", value: (r) => r.startedAt, cell: (r) => fmtDate(r.startedAt) },
    { key: "updated", label: "Updated", value: (r) => r.updatedAt, cell: (r) => fmtAgo(r.updatedAt) },
  ];
  const col = cols.find((c) => c.key === runsSort.key) ?? cols[0];
  runs.sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    return (x < y ? -1 : x > y ? 1 : 0) * runsSort.dir;
  });
  const head = h(
    "tr",
    {},
    h("th", {}, ""),
    ...cols.map((c) =>
      h(
        "th",
        {
          class: `sortable${c.num ? " num" : ""}`,
          onclick: () => {
            runsSort = { key: c.key, dir: runsSort.key === c.key ? (-runsSort.dir as 1 | -1) : c.num ? -1 : 1 };
            renderRunsTable();
          },
        },
        c.label,
        runsSort.key === c.key ? (runsSort.dir > 0 ? " ▲" : " ▼") : "",
      ),
    ),
  );
  const rows = runs.map((r) =>
    h(
      "tr",
      {
        class: `selectable${runDetails === r.name ? " current" : ""}`,
        "data-run": r.name,
        onclick: () => {
          runDetails = runDetails === r.name ? null : r.name;
          renderRunsTable();
        },
      },
      h(
        "td",
        {},
        h("input", {
          type: "checkbox",
          checked: state.selected.has(r.name),
          title: "Show on the charts",
          onclick: (e: Event) => {
            e.stopPropagation();
            const next = new Set(state.selected);
            if ((e.target as HTMLInputElement).checked) next.add(r.name);
            else next.delete(r.name);
            setSelected(next);
          },
        }),
      ),
      ...cols.map((c) => h("td", { class: c.num ? "num" : "" }, c.cell(r))),
    ),
  );
  const table =
    runs.length > 0
      ? h(
          "div",
          { class: "scroll-x" },
          h("table", { class: "data", id: "runs-table" }, h("thead", {}, head), h("tbody", {}, rows)),
        )
      : h(
          "div",
          { class: "empty" },
          "No runs in the log directory yet: keisei train --savedir ",
          state.info?.logdir ?? "",
          " writes one.",
        );
  const details = h("div", { id: "run-details" });
  root.replaceChildren(table, details);
  if (runDetails && state.runs.has(runDetails)) void renderRunDetails(runDetails, details);
}

async function renderRunDetails(run: string, el: HTMLElement): Promise<void> {
  const s = state.runs.get(run)!;
  el.replaceChildren(h("h3", { class: "section-title" }, run), h("div", { class: "muted" }, "loading…"));
  try {
    const [config, log] = await Promise.all([
      api<string>("/api/run/config", { run }).catch(() => "(no effective_config.yaml)"),
      api<string>("/api/run/log", { run, lines: 60 }).catch(() => "(no training_log.txt)"),
    ]);
    const latest = Object.entries(s.latest)
      .filter(([k]) => !HIDDEN_KEYS.has(k))
      .flatMap(([k, v]) => [h("span", { class: "muted" }, k), h("span", { class: "num" }, fmtNum(v, 5))]);
    el.replaceChildren(
      h(
        "h3",
        { class: "section-title" },
        run,
        " ",
        statusBadge(s),
        h("span", { class: "muted" }, ` — ${s.statusReason}`),
      ),
      h(
        "div",
        { class: "details" },
        h(
          "div",
          { class: "card" },
          h("h4", {}, `Latest record (iteration ${s.iteration})`),
          h("div", { class: "kv" }, latest),
        ),
        h("div", { class: "card" }, h("h4", {}, "training_log.txt (last lines)"), h("pre", {}, log)),
        h(
          "div",
          { class: "card", style: "grid-column: 1 / -1" },
          h("h4", {}, "effective_config.yaml"),
          h("pre", {}, config),
        ),
      ),
    );
  } catch (e) {
    el.replaceChildren(h("div", { class: "error" }, (e as Error).message));
  }
}

// ---- boards and games --------------------------------------------------------------------------

const FILES = "９８７６５４３２１";
const RANKS = "一二三四五六七八九";
const PROMOTED = new Set(["と", "杏", "圭", "全", "馬", "龍"]);

/** The destination square index (0..80, rank 一 first, file 9 first) of a USI move. */
function destination(usi: string | null): number {
  if (!usi) return -1;
  const m = /^(?:[1-9][a-i]|[PLNSGBR]\*)([1-9])([a-i])/.exec(usi);
  if (!m) return -1;
  return (m[2].charCodeAt(0) - 97) * 9 + (9 - Number(m[1]));
}

function boardEl(b: BoardView): HTMLElement {
  const dest = destination(b.lastMove);
  const grid = h("div", { class: "board" });
  for (let f = 0; f < 9; f++) grid.append(h("div", { class: "label" }, FILES[f]));
  grid.append(h("div", {}));
  for (let r = 0; r < 9; r++) {
    for (let f = 0; f < 9; f++) {
      const i = r * 9 + f;
      const c = b.cells[i];
      const white = c.startsWith("v");
      const piece = white ? c.slice(1) : c;
      grid.append(
        h(
          "div",
          { class: `cell r${r} c${f}${i === dest ? " last" : ""}`, "data-sq": `${9 - f}${RANKS[r]}` },
          piece
            ? h("span", { class: `${white ? "white" : "black"}${PROMOTED.has(piece) ? " promoted" : ""}` }, piece)
            : null,
        ),
      );
    }
    grid.append(h("div", { class: "label" }, RANKS[r]));
  }
  const toMove = (side: "black" | "white") => (b.sideToMove === side ? " ◀ to move" : "");
  return h(
    "div",
    { class: "board-wrap" },
    h("div", { class: "hand white" }, h("span", { class: "who" }, `☖ White${toMove("white")}`), b.hands.white || "—"),
    grid,
    h("div", { class: "hand black" }, h("span", { class: "who" }, `☗ Black${toMove("black")}`), b.hands.black || "—"),
  );
}

function renderLiveBoards(): void {
  const el = document.getElementById("live-boards");
  if (!el) return;
  const running = orderedRuns().filter((r) => r.status === "running" && r.live?.game);
  const sel = running.filter((r) => state.selected.has(r.name));
  const shown = (sel.length > 0 ? sel : running).slice(0, 4);
  if (shown.length === 0) {
    el.replaceChildren(
      h(
        "div",
        { class: "empty" },
        "No run is training right now (a running `keisei train` shows its self-play game here).",
      ),
    );
    return;
  }
  el.replaceChildren(
    ...shown.map((r) => {
      const b = liveBoards.get(r.name);
      if (!b) {
        void api<LiveBoard>("/api/live", { run: r.name })
          .then((lb) => {
            liveBoards.set(r.name, lb);
            renderLiveBoards();
          })
          .catch(() => undefined);
        return h(
          "div",
          { class: "board-card", "data-live": r.name },
          h("div", { class: "muted" }, `${r.name}: loading…`),
        );
      }
      return h(
        "div",
        { class: "board-card card", "data-live": r.name },
        h("h4", {}, h("span", {}, r.name), h("span", { class: "muted" }, `game ${b.gameIndex}, ply ${b.ply}`)),
        boardEl(b.board),
        h(
          "div",
          { class: "board-meta" },
          `step ${fmtCount(b.timestep)}/${fmtCount(b.totalTimesteps)} · iteration ${b.iteration} · updated ${fmtAgo(b.updatedAt)}`,
        ),
        h("div", { class: "board-meta mono" }, `recent: ${b.recentMoves.join(" ") || "—"}`),
        b.actors.length > 0 &&
          h(
            "table",
            { class: "actors board-meta" },
            h(
              "tr",
              { class: "actor-head" },
              ...["actor", "state", "games/s", "plies/s", "lag"].map((c, i) =>
                h("th", { class: i === 0 ? "actor-cell actor-name" : "actor-cell" }, c),
              ),
            ),
            ...b.actors.map((a) =>
              h(
                "tr",
                {},
                h("td", { class: "actor-cell actor-name mono" }, a.name),
                h("td", { class: "actor-cell" }, a.state),
                h("td", { class: "actor-cell" }, Number(a.gamesPerSecond).toFixed(2)),
                h("td", { class: "actor-cell" }, fmtCount(a.stepsPerSecond)),
                h("td", { class: "actor-cell" }, String(a.lag)),
              ),
            ),
          ),
      );
    }),
  );
}

let gamesList: GamesResponse | null = null;
let replay: { path: string; data: Replay; ply: number } | null = null;
let playTimer: ReturnType<typeof setInterval> | null = null;

async function renderGames(): Promise<void> {
  const root = $("tab-games");
  if (!document.getElementById("live-boards")) {
    root.replaceChildren(
      h("h3", { class: "section-title" }, "Live self-play"),
      h("div", { id: "live-boards", class: "live-boards" }),
      h("h3", { class: "section-title" }, "Saved games"),
      h("div", { id: "replay" }),
      h("div", { id: "game-list" }),
    );
  }
  renderLiveBoards();
  try {
    gamesList = await api<GamesResponse>("/api/games");
  } catch (e) {
    $("game-list").replaceChildren(h("div", { class: "error" }, (e as Error).message));
    return;
  }
  renderGameList();
  if (state.game && replay?.path !== state.game) void openGame(state.game);
}

function renderGameList(): void {
  const list = gamesList?.games ?? [];
  const rows = list.map((g) =>
    h(
      "tr",
      {
        class: `selectable${replay?.path === g.path ? " current" : ""}`,
        "data-path": g.path,
        onclick: () => void openGame(g.path),
      },
      h("td", {}, g.path.split("/").pop()),
      h("td", {}, g.run ?? "—"),
      h("td", { class: "num" }, `${(g.bytes / 1024).toFixed(1)} KiB`),
      h("td", {}, fmtDate(g.mtime)),
      h(
        "td",
        {},
        h(
          "a",
          { href: `/api/file?path=${encodeURIComponent(g.path)}`, onclick: (e: Event) => e.stopPropagation() },
          "download",
        ),
      ),
    ),
  );
  $("game-list").replaceChildren(
    list.length > 0
      ? h(
          "table",
          { class: "data", id: "games-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", {}, "Record"),
              h("th", {}, "Run"),
              h("th", { class: "num" }, "Size"),
              h("th", {}, "Modified"),
              h("th", {}, ""),
            ),
          ),
          h("tbody", {}, rows),
        )
      : h(
          "div",
          { class: "empty" },
          "No KIF or CSA records under the log directory (keisei evaluate --save-games DIR writes them).",
        ),
    gamesList?.truncated ? h("div", { class: "muted" }, "(the list stops at 5000 records)") : "",
  );
}

async function openGame(path: string): Promise<void> {
  state.game = path;
  writeHash();
  try {
    const data = await api<Replay>("/api/game", { path });
    replay = { path, data, ply: 0 };
    renderReplay();
    renderGameList();
  } catch (e) {
    $("replay").replaceChildren(h("div", { class: "error" }, `${path}: ${(e as Error).message}`));
  }
}

function setPly(ply: number): void {
  if (!replay) return;
  replay.ply = Math.max(0, Math.min(replay.data.moves.length, ply));
  renderReplay();
}

function renderReplay(): void {
  const el = $("replay");
  if (!replay) {
    el.replaceChildren();
    return;
  }
  const { data, ply, path } = replay;
  const moves = h(
    "div",
    { class: "moves", id: "move-list" },
    h(
      "div",
      { class: ply === 0 ? "current" : "", onclick: () => setPly(0) },
      h("span", { class: "n" }, "0"),
      "開始局面",
    ),
    ...data.moves.map((m, i) =>
      h(
        "div",
        { class: ply === i + 1 ? "current" : "", onclick: () => setPly(i + 1), title: m.usi },
        h("span", { class: "n" }, String(i + 1)),
        m.text,
      ),
    ),
  );
  const slider = h("input", {
    type: "range",
    min: 0,
    max: data.moves.length,
    value: String(ply),
    oninput: (e: Event) => setPly(Number((e.target as HTMLInputElement).value)),
  });
  const play = () => {
    if (playTimer) {
      clearInterval(playTimer);
      playTimer = null;
      renderReplay();
      return;
    }
    playTimer = setInterval(() => {
      if (!replay || replay.ply >= replay.data.moves.length) {
        if (playTimer) clearInterval(playTimer);
        playTimer = null;
      }
      setPly((replay?.ply ?? 0) + 1);
    }, 600);
    renderReplay();
  };
  el.replaceChildren(
    h(
      "div",
      { class: "card", id: "replay-card", "data-ply": ply },
      h(
        "h4",
        {},
        h("span", {}, path),
        h("span", { class: "muted" }, `☗ ${data.black ?? "?"} vs ☖ ${data.white ?? "?"} — ${data.result}`),
      ),
      h(
        "div",
        { class: "replay" },
        h(
          "div",
          {},
          boardEl(data.positions[ply]),
          h(
            "div",
            { class: "controls" },
            h("button", { onclick: () => setPly(0), title: "Start (Home)" }, "«"),
            h("button", { onclick: () => setPly(ply - 1), title: "Back (←)", id: "ply-back" }, "‹"),
            h("button", { onclick: () => setPly(ply + 1), title: "Forward (→)", id: "ply-forward" }, "›"),
            h("button", { onclick: () => setPly(data.moves.length), title: "End (End)" }, "»"),
            h("button", { onclick: play, title: "Play the moves" }, playTimer ? "pause" : "play"),
            slider,
            h("span", { class: "muted", id: "ply-text" }, `${ply}/${data.moves.length}`),
          ),
        ),
        moves,
      ),
    ),
  );
  el.querySelector("#move-list .current")?.scrollIntoView({ block: "nearest" });
}

document.addEventListener("keydown", (e) => {
  if (state.tab !== "games" || !replay) return;
  if ((e.target as HTMLElement).tagName === "INPUT" && (e.target as HTMLInputElement).type !== "range") return;
  if (e.key === "ArrowLeft") setPly(replay.ply - 1);
  else if (e.key === "ArrowRight") setPly(replay.ply + 1);
  else if (e.key === "Home") setPly(0);
  else if (e.key === "End") setPly(replay.data.moves.length);
  else return;
  e.preventDefault();
});

// ---- sweeps ------------------------------------------------------------------------------------

let sweeps: SweepsResponse | null = null;
const sweepPlots: uPlot[] = [];

async function renderSweeps(): Promise<void> {
  const root = $("tab-sweeps");
  try {
    sweeps ??= await api<SweepsResponse>("/api/sweeps");
  } catch (e) {
    root.replaceChildren(h("div", { class: "error" }, (e as Error).message));
    return;
  }
  if (sweeps.error) {
    root.replaceChildren(h("div", { class: "error" }, `study database ${sweeps.storage ?? ""}: ${sweeps.error}`));
    return;
  }
  if (sweeps.studies.length === 0) {
    root.replaceChildren(
      h(
        "div",
        { class: "empty" },
        sweeps.storage
          ? `No study in ${sweeps.storage} yet.`
          : "No study database: `keisei train --sweep` writes <logdir>/sweeps.sqlite (or give keisei dashboard --storage URL).",
      ),
    );
    return;
  }
  const name =
    state.study && sweeps.studies.some((s) => s.name === state.study) ? state.study : sweeps.studies.at(-1)!.name;
  let view: StudyView;
  try {
    view = await api<StudyView>("/api/sweep", { name });
  } catch (e) {
    root.replaceChildren(h("div", { class: "error" }, (e as Error).message));
    return;
  }
  const picker = h(
    "select",
    {
      id: "study",
      onchange: (e: Event) => {
        state.study = (e.target as HTMLSelectElement).value;
        writeHash();
        void renderSweeps();
      },
    },
    ...sweeps.studies.map((s) =>
      h("option", { value: s.name, selected: s.name === name }, `${s.name} (${s.trials} trials)`),
    ),
  );
  const metric = view.metric ? `${view.metric.goal} ${view.metric.name}` : "no metric";
  const states = Object.entries(view.states).map(([s, n]) => h("span", { class: `pill ${s}` }, `${n} ${s}`));
  const best = view.best
    ? h(
        "div",
        { class: "best", id: "best-trial" },
        h("b", {}, `Best so far: trial ${view.best.number}`),
        ` — ${view.metric?.name ?? "value"} = ${fmtNum(view.best.value, 5)} — `,
        h(
          "span",
          { class: "mono" },
          Object.entries(view.best.params)
            .map(([k, v]) => `${k}=${fmtValue(v)}`)
            .join("  "),
        ),
      )
    : h("div", { class: "best muted" }, "No complete trial yet.");
  for (const p of sweepPlots.splice(0)) p.destroy();
  const paramNames = view.parameters.map((p) => p.name);
  const param = state.sweepParam && paramNames.includes(state.sweepParam) ? state.sweepParam : (paramNames[0] ?? null);
  const paramPicker = h(
    "select",
    {
      id: "sweep-param",
      onchange: (e: Event) => {
        state.sweepParam = (e.target as HTMLSelectElement).value;
        void renderSweeps();
      },
    },
    ...paramNames.map((p) => h("option", { value: p, selected: p === param }, p)),
  );
  const scatterHost = h("div", { class: "chart", id: "sweep-scatter" });
  const curvesHost = h("div", { class: "chart", id: "sweep-curves" });
  root.replaceChildren(
    h(
      "div",
      { class: "study-head" },
      picker,
      h("span", {}, `${view.method} search, ${metric}`),
      ...states,
      sweeps.storage ? h("span", { class: "muted" }, sweeps.storage) : null,
    ),
    best,
    h(
      "div",
      { class: "two" },
      h("div", { class: "card" }, h("h4", {}, h("span", {}, "Parameter vs metric"), paramPicker), scatterHost),
      h(
        "div",
        { class: "card" },
        h("h4", {}, h("span", {}, `${view.metric?.name ?? "value"} reported by step`)),
        curvesHost,
      ),
    ),
    trialsTable(view),
  );
  if (param) drawScatter(view, param, scatterHost);
  drawCurves(view, curvesHost);
}

function trialsTable(view: StudyView): HTMLElement {
  const params = view.parameters.map((p) => p.name);
  const head = h(
    "tr",
    {},
    h("th", { class: "num" }, "#"),
    h("th", {}, "State"),
    h("th", { class: "num" }, view.metric?.name ?? "value"),
    ...params.map((p) => h("th", { class: "num" }, p)),
    h("th", { class: "num" }, "Steps"),
    h("th", {}, "Worker"),
    h("th", {}, "Run"),
    h("th", {}, "Duration"),
    h("th", {}, "Message"),
  );
  const rows = view.trialsList.map((t: TrialView) =>
    h(
      "tr",
      { "data-trial": t.number, class: view.best?.number === t.number ? "current" : "" },
      h("td", { class: "num" }, t.number),
      h("td", {}, h("span", { class: `pill ${t.state}` }, t.state)),
      h("td", { class: "num" }, fmtNum(t.value, 5)),
      ...params.map((p) => h("td", { class: "num" }, p in t.params ? fmtValue(t.params[p]) : "—")),
      h("td", { class: "num" }, t.values.length),
      h("td", {}, t.worker ?? "—"),
      h(
        "td",
        {},
        t.run && state.runs.has(t.run)
          ? h(
              "a",
              {
                href: "#",
                onclick: (e: Event) => {
                  e.preventDefault();
                  setSelected(new Set([t.run!]));
                  showTab("charts");
                },
              },
              t.run,
            )
          : (t.run ?? "—"),
      ),
      h("td", {}, t.startedAt ? fmtDuration(((t.finishedAt ?? Date.now()) - t.startedAt) / 1000) : "—"),
      h("td", { class: "muted", title: t.message ?? "" }, (t.message ?? "").split("\n")[0].slice(0, 80)),
    ),
  );
  return h("table", { class: "data", id: "trials-table" }, h("thead", {}, head), h("tbody", {}, rows));
}

const STATE_COLORS: Record<string, string> = {
  complete: "#4e79a7",
  pruned: "#f28e2b",
  running: "#59a14f",
  failed: "#e15759",
  waiting: "#bab0ac",
};

/** A scale's range with room around the points (a factor on a log scale). */
function padded(min: number, max: number, log: boolean): uPlot.Range.MinMax {
  if (log) {
    const f = min === max ? 2 : (max / min) ** 0.08;
    return [min / f, max * f];
  }
  const span = max - min || Math.abs(max) || 1;
  return [min - span * 0.08, max + span * 0.08];
}

/** Trials as points: the parameter across, the metric up, one colour per state (uPlot's faceted mode). */
function drawScatter(view: StudyView, param: string, host: HTMLElement): void {
  const spec = view.parameters.find((p) => p.name === param)!;
  const categorical = view.trialsList.some((t) => typeof t.params[param] !== "number");
  const cats = categorical ? [...new Set(view.trialsList.map((t) => JSON.stringify(t.params[param])))] : [];
  const xOf = (t: TrialView): number | null => {
    const v = t.params[param];
    if (v === undefined) return null;
    return categorical ? cats.indexOf(JSON.stringify(v)) : (v as number);
  };
  const byState = new Map<string, { xs: number[]; ys: number[]; n: number[] }>();
  for (const t of view.trialsList) {
    const x = xOf(t);
    const y = t.value ?? t.values.at(-1)?.[1] ?? null;
    if (x === null || y === null || !Number.isFinite(y)) continue;
    if (!byState.has(t.state)) byState.set(t.state, { xs: [], ys: [], n: [] });
    const s = byState.get(t.state)!;
    s.xs.push(x);
    s.ys.push(y);
    s.n.push(t.number);
  }
  if (byState.size === 0) {
    host.replaceChildren(h("div", { class: "empty" }, "No trial has a value yet."));
    return;
  }
  const states = [...byState.keys()];
  const log = spec.log && !categorical && states.every((s) => byState.get(s)!.xs.every((x) => x > 0));
  const drawPoints: uPlot.Series.PathBuilder = (u, seriesIdx) => {
    const [xs, ys] = u.data[seriesIdx] as unknown as [number[], number[]];
    const p = new Path2D();
    const r = 5 * devicePixelRatio;
    for (let i = 0; i < xs.length; i++) {
      const cx = u.valToPos(xs[i], "x", true);
      const cy = u.valToPos(ys[i], "y", true);
      p.moveTo(cx + r, cy);
      p.arc(cx, cy, r, 0, 2 * Math.PI);
    }
    return { stroke: p, fill: p };
  };
  const opts: uPlot.Options = {
    mode: 2,
    width: Math.max(300, host.clientWidth || 420),
    height: 240,
    legend: { live: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: {
        time: false,
        distr: log ? 3 : 1,
        auto: true,
        range: categorical ? () => [-0.5, cats.length - 0.5] : (_u, min, max) => padded(min, max, log),
      },
      y: { auto: true, range: (_u, min, max) => padded(min, max, false) },
    },
    axes: [
      {
        label: param,
        values: categorical
          ? (_u, splits) => splits.map((v) => (Number.isInteger(v) ? (cats[v] ?? "") : ""))
          : (_u, s) => s.map((v) => fmtNum(v)),
        stroke: "#8a92a3",
        grid: { stroke: "#8a92a322" },
      },
      {
        label: view.metric?.name ?? "value",
        values: (_u, s) => s.map((v) => fmtNum(v)),
        size: (u, v) => axisSize(u, v) + 14,
        stroke: "#8a92a3",
        grid: { stroke: "#8a92a322" },
      },
    ],
    series: [
      {},
      ...states.map((s) => ({
        label: `${s} (${byState.get(s)!.xs.length})`,
        stroke: STATE_COLORS[s] ?? "#888",
        fill: `${STATE_COLORS[s] ?? "#888888"}88`,
        paths: drawPoints,
        points: { show: false },
      })),
    ],
  };
  const data = [null, ...states.map((s) => [byState.get(s)!.xs, byState.get(s)!.ys])] as unknown as uPlot.AlignedData;
  const plot = new UPlot(opts, data, host);
  host.dataset.points = String(states.reduce((n, s) => n + byState.get(s)!.xs.length, 0));
  sweepPlots.push(plot);
}

/** Each trial's reported metric against its step. */
function drawCurves(view: StudyView, host: HTMLElement): void {
  const trials = view.trialsList.filter((t) => t.values.length > 0);
  if (trials.length === 0) {
    host.replaceChildren(h("div", { class: "empty" }, "No intermediate values reported yet."));
    return;
  }
  const tables = trials.map((t) => [t.values.map((v) => v[0]), t.values.map((v) => v[1])] as uPlot.AlignedData);
  const data = tables.length === 1 ? tables[0] : UPlot.join(tables);
  const plot = new UPlot(
    {
      width: Math.max(300, host.clientWidth || 420),
      height: 240,
      scales: { x: { time: false } },
      axes: [
        { values: (_u, s) => s.map((v) => fmtNum(v)), stroke: "#8a92a3", grid: { stroke: "#8a92a322" } },
        {
          values: (_u, s) => s.map((v) => fmtNum(v)),
          size: axisSize,
          stroke: "#8a92a3",
          grid: { stroke: "#8a92a322" },
        },
      ],
      series: [
        { label: "step" },
        ...trials.map((t, i) => ({
          label: `trial ${t.number}`,
          stroke: STATE_COLORS[t.state] ? PALETTE[i % PALETTE.length] : "#888",
          width: view.best?.number === t.number ? 2.5 : 1.2,
          spanGaps: true,
          value: (_u: uPlot, v: number) => fmtNum(v, 4),
        })),
      ],
    },
    data,
    host,
  );
  sweepPlots.push(plot);
}

// ---- live updates ------------------------------------------------------------------------------

const rerenderLists = debounce(() => {
  renderSidebar();
  if (state.tab === "runs") renderRunsTable();
  if (state.tab === "games") renderLiveBoards();
}, 150);

let appending = false;
let appendAgain = false;

function onRuns(ev: RunsEvent): void {
  const isNew: string[] = [];
  for (const name of ev.removed) state.runs.delete(name);
  for (const s of ev.changed) {
    if (!state.runs.has(s.name)) isNew.push(s.name);
    state.runs.set(s.name, s);
  }
  if (!state.focusDone && state.info?.focusPid) {
    const mine = [...state.runs.values()].find((r) => r.live?.pid === state.info?.focusPid);
    if (mine) {
      state.focusDone = true;
      if (!state.selectionFixed) {
        state.selected = new Set([mine.name]);
        state.selectionFixed = true;
        writeHash();
      }
    }
  }
  // Until a selection is made (by a click, or in the address), new runs join the charts, up to ten.
  if (!state.selectionFixed && isNew.length > 0) {
    const before = state.selected.size;
    for (const r of orderedRuns()) if (state.selected.size < DEFAULT_SELECTED) state.selected.add(r.name);
    if (state.selected.size !== before && state.tab === "charts") void renderCharts();
  }
  rerenderLists();
  void followAppends();
}

/** Fetches the records the charted runs appended; an event during a fetch makes it go round again. */
async function followAppends(): Promise<void> {
  if (appending) {
    appendAgain = true;
    return;
  }
  appending = true;
  try {
    do {
      appendAgain = false;
      let any = false;
      for (const run of selectedRuns()) {
        const s = state.runs.get(run);
        if (s && (await appendRun(run, s))) any = true;
      }
      if (any && state.tab === "charts") {
        const keysBefore = cards.size;
        const keysNow = [...chartKeys().values()].flat().length;
        if (keysNow !== keysBefore) void renderCharts();
        else updateChartData(true);
      }
    } while (appendAgain);
  } catch {
    // the next event retries
  } finally {
    appending = false;
  }
}

function connect(): void {
  const conn = $("conn");
  const es = new EventSource("/api/events");
  es.addEventListener("open", () => {
    conn.dataset.state = "live";
    conn.textContent = "live";
  });
  es.addEventListener("error", () => {
    conn.dataset.state = "offline";
    conn.textContent = "reconnecting";
  });
  es.addEventListener("runs", (e) => onRuns(JSON.parse((e as MessageEvent).data) as RunsEvent));
  es.addEventListener("live", (e) => {
    const b = JSON.parse((e as MessageEvent).data) as LiveBoard;
    liveBoards.set(b.run, b);
    if (state.tab === "games") renderLiveBoards();
  });
  es.addEventListener("sweeps", (e) => {
    sweeps = JSON.parse((e as MessageEvent).data) as SweepsResponse;
    if (state.tab === "sweeps") void renderSweeps();
  });
}

// ---- start -------------------------------------------------------------------------------------

async function start(): Promise<void> {
  loadColors();
  readHash();
  document.querySelectorAll<HTMLAnchorElement>(".tabs a").forEach((a) => {
    a.addEventListener("click", (e) => {
      e.preventDefault();
      showTab(a.dataset.tab as Tab);
    });
  });
  window.addEventListener(
    "resize",
    debounce(() => {
      for (const c of cards.values()) c.plot?.setSize({ width: chartWidth(c), height: 200 });
    }, 150),
  );
  // The runs the address names are fetched at once, beside the info and the list.
  for (const run of state.selectionFixed ? state.selected : []) void loadRun(run).catch(() => undefined);
  const [info, { runs }] = await Promise.all([
    api<InfoResponse>("/api/info"),
    api<{ runs: RunSummary[] }>("/api/runs"),
  ]);
  state.info = info;
  $("logdir").textContent = info.logdir;
  $("logdir").title = `log directory ${info.logdir}${info.version ? ` · keisei ${info.version}` : ""}`;
  for (const r of runs) state.runs.set(r.name, r);
  if (state.info.focusPid) {
    const mine = runs.find((r) => r.live?.pid === state.info?.focusPid);
    if (mine && !state.selectionFixed) {
      state.selected = new Set([mine.name]);
      state.selectionFixed = true;
      state.focusDone = true;
    }
  }
  if (!state.selectionFixed) for (const r of orderedRuns().slice(0, DEFAULT_SELECTED)) state.selected.add(r.name);
  renderSidebar();
  showTab(state.tab);
  connect();
}

void start();
