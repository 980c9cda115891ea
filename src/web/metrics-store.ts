// One run's metrics.jsonl, read incrementally into columns: each update() reads only the bytes
// appended since the last one (a 100 MB file is read once, then a record at a time), keeps a
// trailing partial line for the next read, and stores every scalar key as a typed-array column
// (float64 for the axes, float32 for the rest: half the memory, and plots need no more).
//
// A resumed run rewrites the steps after its checkpoint: a record whose timestep is not past the
// last one drops the records from that step on, as TensorBoard purges orphaned events, so steps
// always increase. A file that shrank or was replaced is read again from the start. Either bumps
// `epoch`, which tells clients to fetch the series again rather than append to it.
//
// sample() serves a chart: every point of a range when it has few enough, else the minimum and
// the maximum of each of `points / 2` buckets, so a spike survives the downsampling.

import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";

export type Axis = "step" | "relative" | "wall";

/** The record column each x axis reads: steps, the run's own training clock (s), the wall clock (s since the epoch). */
export const AXIS_KEYS: Record<Axis, string> = { step: "timestep", relative: "time/wall_s", wall: "wall_time" };
/** Columns kept in float64 (exact up to 2^53): the axes and counters. */
const WIDE = new Set(["timestep", "iteration", "wall_time", "time/wall_s", "charts/episodes"]);
const CHUNK = 8 << 20;

type Column = Float32Array | Float64Array;

export interface Sample {
  x: number[];
  y: number[];
  /** Finite points of the key in the range, before downsampling. */
  total: number;
  /** Whether the points are a downsampling of `total`. */
  sampled: boolean;
}

export class MetricsStore {
  /** Records held. */
  rows = 0;
  /** Bumped when held records were dropped (a resume rewound the steps, the file shrank or was replaced). */
  epoch = 0;
  /** Bytes read from the file, over the store's life (tests check reads are incremental). */
  bytesRead = 0;
  /** Lines that were not a JSON object, skipped. */
  skipped = 0;
  /** The newest record, as written (null values kept). */
  last: Record<string, number | null> | null = null;
  private offset = 0;
  private ino = -1;
  private capacity = 0;
  private readonly columns = new Map<string, Column>();
  private buffer = Buffer.allocUnsafe(0);

  constructor(readonly path: string) {}

  /** Keys seen so far, in the order they first appeared. */
  get keys(): string[] {
    return [...this.columns.keys()];
  }

  /** Float cells held (rows × keys): what the cache's memory budget counts. */
  get cells(): number {
    return this.capacity * this.columns.size;
  }

  /** Bytes of the columns. */
  get bytes(): number {
    let n = 0;
    for (const c of this.columns.values()) n += c.byteLength;
    return n;
  }

  /** Whether the last update() stopped at its byte budget with more of the file to read. */
  more = false;

  /**
   * Reads what was appended since the last call, up to about `maxBytes` (then `more` is set, and
   * the next call goes on); true when records were added or dropped.
   */
  update(maxBytes = Number.POSITIVE_INFINITY): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      return false; // not written yet
    }
    try {
      const st = fstatSync(fd);
      let changed = false;
      if (st.size < this.offset || (this.ino !== -1 && st.ino !== this.ino)) {
        this.reset();
        changed = true;
      }
      this.ino = st.ino;
      this.more = false;
      let span = Math.min(CHUNK, Math.max(1 << 16, maxBytes)); // bytes a read asks for
      let consumed = 0;
      while (this.offset < st.size) {
        if (consumed > 0 && consumed + span > maxBytes) {
          this.more = true;
          break;
        }
        const want = Math.min(st.size - this.offset, span);
        if (this.buffer.length < want) this.buffer = Buffer.allocUnsafe(want);
        const got = readSync(fd, this.buffer, 0, want, this.offset);
        if (got <= 0) break;
        this.bytesRead += got;
        const end = this.buffer.lastIndexOf(10, got - 1); // the last newline: lines after it are incomplete
        if (end < 0) {
          if (got < st.size - this.offset) {
            span *= 2; // one line longer than a read: read it whole next time round
            continue;
          }
          break; // a partial last line: wait for its newline
        }
        this.offset += end + 1;
        consumed += end + 1;
        if (this.ingest(this.buffer, end + 1)) changed = true;
      }
      return changed;
    } finally {
      closeSync(fd);
    }
  }

  /** Forgets everything held; the next update() reads the file from the start. */
  reset(): void {
    this.columns.clear();
    this.shape.size = -1;
    this.capacity = 0;
    this.rows = 0;
    this.offset = 0;
    this.ino = -1;
    this.last = null;
    this.epoch++;
  }

  /** Parses the complete lines in buf[0, end) (Bun's JSONL parser reads the bytes in place); a malformed line is skipped. */
  private ingest(buf: Buffer, end: number): boolean {
    let changed = false;
    let pos = 0;
    while (pos < end) {
      const r = Bun.JSONL.parseChunk(buf, pos, end);
      for (const record of r.values) {
        if (record === null || typeof record !== "object" || Array.isArray(record)) {
          this.skipped++;
          continue;
        }
        this.add(record as Record<string, unknown>);
        changed = true;
      }
      if (r.done || r.read >= end) break;
      // A line that is not JSON (parsing stopped at the end of the last good value, or at the bad
      // line's start): skip past the whitespace to the bad line, then to the next one.
      this.skipped++;
      let p = Math.max(r.read, pos);
      while (p < end && (buf[p] === 10 || buf[p] === 13 || buf[p] === 32 || buf[p] === 9)) p++;
      const nl = buf.indexOf(10, p);
      pos = nl < 0 || nl >= end ? end : nl + 1;
    }
    return changed;
  }

  private add(record: Record<string, unknown>): void {
    const step = record.timestep;
    const steps = this.columns.get("timestep");
    if (typeof step === "number" && steps && this.rows > 0 && step <= steps[this.rows - 1]) {
      // A resumed run rewrote from an earlier step: drop the records from that step on.
      this.rows = lowerBound(steps, this.rows, step);
      this.epoch++;
    }
    if (this.rows === this.capacity) this.grow(Math.max(1024, this.capacity * 2));
    const row = this.rows;
    // Records of one run have the same keys in the same order: their columns are looked up once.
    const keys = Object.keys(record);
    if (!this.sameShape(keys)) this.makeShape(keys, record);
    const cols = this.shape.columns;
    for (let i = 0; i < keys.length; i++) {
      const v = record[keys[i]];
      let col = cols[i];
      if (!col) {
        if (typeof v !== "number") continue;
        col = cols[i] = this.column(keys[i]);
      }
      col[row] = typeof v === "number" ? v : Number.NaN;
    }
    // Keys this record lacks are NaN in it (the row may hold a dropped record's values).
    for (const col of this.shape.others) col[row] = Number.NaN;
    this.rows++;
    this.last = record as Record<string, number | null>;
  }

  /** The key order of the previous record, its columns (null: not a scalar), and the columns it lacks. */
  private shape: { keys: string[]; columns: (Column | null)[]; others: Column[]; size: number } = {
    keys: [],
    columns: [],
    others: [],
    size: -1,
  };

  private sameShape(keys: string[]): boolean {
    const s = this.shape;
    if (s.size !== this.columns.size || keys.length !== s.keys.length) return false;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== s.keys[i]) return false;
    return true;
  }

  private makeShape(keys: string[], record: Record<string, unknown>): void {
    const columns = keys.map((k) => {
      const v = record[k];
      return typeof v === "number" || v === null ? this.column(k) : (this.columns.get(k) ?? null);
    });
    const mine = new Set(columns);
    const others = [...this.columns.values()].filter((c) => !mine.has(c));
    this.shape = { keys, columns, others, size: this.columns.size };
  }

  /** The column of `key`, made (NaN up to now) when new. */
  private column(key: string): Column {
    let col = this.columns.get(key);
    if (!col) {
      col = WIDE.has(key) ? new Float64Array(this.capacity) : new Float32Array(this.capacity);
      col.fill(Number.NaN);
      this.columns.set(key, col);
      this.shape.size = -1; // a new column: the shape's "others" must be made again
    }
    return col;
  }

  private grow(capacity: number): void {
    for (const [key, col] of this.columns) {
      const next = col instanceof Float64Array ? new Float64Array(capacity) : new Float32Array(capacity);
      next.set(col.subarray(0, this.rows));
      next.fill(Number.NaN, this.rows);
      this.columns.set(key, next);
    }
    this.capacity = capacity;
    this.shape.size = -1; // the columns are new arrays
  }

  /** The x value of `row` on `axis` (the row number when the records lack that key). */
  private xColumn(axis: Axis): Column | null {
    return this.columns.get(AXIS_KEYS[axis]) ?? null;
  }

  /**
   * The points of `key` against `axis`: rows from `after` on (default 0) whose x lies in
   * [from, to] (default all), at most about `points` of them (min and max per bucket beyond that).
   */
  sample(key: string, axis: Axis, o: { points: number; from?: number; to?: number; after?: number }): Sample {
    const ys = this.columns.get(key);
    const xs = this.xColumn(axis);
    const n = this.rows;
    let lo = Math.max(0, Math.min(n, o.after ?? 0));
    let hi = n;
    if (xs && o.from !== undefined && Number.isFinite(o.from)) lo = Math.max(lo, lowerBound(xs, n, o.from));
    if (xs && o.to !== undefined && Number.isFinite(o.to)) hi = Math.min(hi, upperBound(xs, n, o.to));
    if (!ys || hi <= lo) return { x: [], y: [], total: 0, sampled: false };
    // The training clock to the millisecond: its float64 tails only bloat the JSON.
    const xOf =
      axis === "relative" && xs ? (i: number) => Math.round(xs[i] * 1000) / 1000 : (i: number) => (xs ? xs[i] : i);
    // Rows where both values are finite (v - v is 0 for a finite v, NaN otherwise).
    const valid = new Int32Array(hi - lo);
    let total = 0;
    if (xs) {
      for (let i = lo; i < hi; i++) if (ys[i] - ys[i] === 0 && xs[i] - xs[i] === 0) valid[total++] = i;
    } else for (let i = lo; i < hi; i++) if (ys[i] - ys[i] === 0) valid[total++] = i;
    const narrow = ys instanceof Float32Array;
    const keep = (i: number, x: number[], y: number[]) => {
      x.push(xOf(i));
      y.push(narrow ? round7(ys[i]) : ys[i]);
    };
    const x: number[] = [];
    const y: number[] = [];
    const budget = Math.max(4, Math.floor(o.points));
    if (total <= budget) {
      for (let j = 0; j < total; j++) keep(valid[j], x, y);
      return { x, y, total, sampled: false };
    }
    const buckets = Math.floor(budget / 2);
    for (let b = 0; b < buckets; b++) {
      const j0 = Math.floor((b * total) / buckets);
      const j1 = Math.floor(((b + 1) * total) / buckets);
      if (j1 <= j0) continue;
      let iMin = valid[j0];
      let iMax = valid[j0];
      for (let j = j0 + 1; j < j1; j++) {
        const i = valid[j];
        if (ys[i] < ys[iMin]) iMin = i;
        if (ys[i] > ys[iMax]) iMax = i;
      }
      // The first and last bucket keep the range's ends, so the line spans the whole range.
      const first = b === 0 ? valid[j0] : -1;
      const lastOne = b === buckets - 1 ? valid[j1 - 1] : -1;
      const picks = [first, Math.min(iMin, iMax), Math.max(iMin, iMax), lastOne].filter((i) => i >= 0);
      let prev = -1;
      for (const i of picks.sort((a, c) => a - c)) {
        if (i === prev) continue;
        keep(i, x, y);
        prev = i;
      }
    }
    return { x, y, total, sampled: true };
  }
}

/** A float32 value as 7 significant digits (0.0003, not 0.0003000000142): what float32 holds, in less JSON. */
function round7(v: number): number {
  const a = Math.abs(v);
  if (a >= 1e-15 && a < 1e15) {
    // k / 10^p is one correctly rounded division: the double nearest the 7-digit decimal, printed as it.
    const p = 6 - Math.floor(Math.log10(a));
    return p >= 0 ? Math.round(v * 10 ** p) / 10 ** p : Math.round(v / 10 ** -p) * 10 ** -p;
  }
  return v === 0 || !Number.isFinite(v) ? v : Number(v.toPrecision(7));
}

/** First index in [0, n) whose value is ≥ v (the column is non-decreasing). */
function lowerBound(col: Column, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (col[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [0, n) whose value is > v. */
function upperBound(col: Column, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (col[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The last complete record of a metrics file, read from its tail only (for runs whose columns are not loaded). */
export function tailRecord(path: string, maxBytes = 1 << 16): Record<string, number | null> | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, maxBytes);
    const buf = Buffer.allocUnsafe(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString("utf8").split("\n");
    lines.pop(); // after the last newline: empty, or a line still being written
    for (let i = lines.length - 1; i >= 0; i--) {
      if (i === 0 && len < size) break; // the first line may be cut
      try {
        const r = JSON.parse(lines[i]);
        if (r && typeof r === "object" && !Array.isArray(r)) return r;
      } catch {
        // skip a malformed line
      }
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Size and inode of a file, or null when it does not exist. */
export function fileStamp(path: string): { size: number; mtimeMs: number; ino: number } | null {
  try {
    const s = statSync(path);
    return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
  } catch {
    return null;
  }
}
