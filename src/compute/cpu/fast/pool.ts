// A second thread for the cpu backend's wasm kernels: one Worker sharing the wasm heap (a shared
// WebAssembly.Memory) and its own instance of the same kernels module.
//
// A job is a list of independent units; a unit is a list of wasm calls (export index + numeric
// arguments) recorded in the heap. The main thread and the worker claim units one at a time from
// a shared counter (compare-and-swap on gen:index, so a late worker can never claim a unit of an
// older or newer job), so a descheduled worker costs at most the unit it holds: the main thread
// simply runs the rest. Arguments at or above REF encode a per-thread scratch address
// (REF·(slot + 1) + offset), so one unit list serves whichever thread claims each unit.
//
// The worker is created from a Blob URL (it works inside `bun build --compile` binaries); its
// loop is `runUnits` below, sent as source text, so it must not refer to anything outside itself.

import type { Heap } from "./heap.ts";

/** Thread-relative scratch references: REF·(slot + 1) + byte offset. */
export const REF = 2 ** 40;
const SLOTS = 8;

// control words (Int32 indices from the control block)
const GEN = 0;
const NEXT = 1;
const UNITS = 2;
const ACTIVE = 3;
const STOP = 4;
const RECS = 5; // byte address of the record area (8-aligned)
const FAILED = 6; // set by the worker when a unit threw
const CTL_BYTES = 64;

/**
 * Claims and runs units of job `gen` until none is left. Record area (f64): [0, 8·threads) the
 * scratch slot bases per thread, [64, 64 + units + 1) the start of each unit, then the calls
 * (export index, argument count, arguments).
 */
export function runUnits(
  mem: WebAssembly.Memory,
  ctlAt: number,
  fns: ((...a: number[]) => void)[],
  thread: number,
  gen: number,
): void {
  const ctl = new Int32Array(mem.buffer, ctlAt, 16);
  const recs = new Float64Array(mem.buffer, ctl[5], (mem.buffer.byteLength - ctl[5]) >> 3);
  const args: number[] = [];
  const ref = 2 ** 40;
  for (;;) {
    const v = Atomics.load(ctl, 1);
    if (v >>> 16 !== (gen & 0xffff)) return;
    const i = v & 0xffff;
    if (i >= Atomics.load(ctl, 2)) return;
    if (Atomics.compareExchange(ctl, 1, v, v + 1) !== v) continue;
    Atomics.add(ctl, 8 + thread, 1); // units run per thread (statistics)
    let r = recs[64 + i];
    const end = recs[65 + i];
    while (r < end) {
      const fn = recs[r];
      const n = recs[r + 1];
      r += 2;
      args.length = n;
      for (let a = 0; a < n; a++) {
        const x = recs[r + a];
        if (x < ref) args[a] = x;
        else {
          const slot = Math.floor(x / ref) - 1;
          args[a] = recs[thread * 8 + slot] + (x - (slot + 1) * ref);
        }
      }
      r += n;
      fns[fn].apply(null, args);
    }
  }
}

const workerSource = (names: string[]) => `
const runUnits = ${runUnits.toString()};
onmessage = (e) => {
  const { module, memory, ctlAt } = e.data;
  const inst = new WebAssembly.Instance(module, { env: { memory } });
  const fns = ${JSON.stringify(names)}.map((n) => inst.exports[n]);
  const ctl = new Int32Array(memory.buffer, ctlAt, 16);
  postMessage("ready");
  let seen = Atomics.load(ctl, ${GEN});
  for (;;) {
    Atomics.wait(ctl, ${GEN}, seen);
    if (Atomics.load(ctl, ${STOP})) break;
    seen = Atomics.load(ctl, ${GEN});
    Atomics.add(ctl, ${ACTIVE}, 1);
    try {
      runUnits(memory, ctlAt, fns, 1, seen);
    } catch (err) {
      Atomics.store(ctl, ${FAILED}, 1);
      postMessage({ error: String(err && err.stack || err) });
    } finally {
      if (Atomics.sub(ctl, ${ACTIVE}, 1) === 1) Atomics.notify(ctl, ${ACTIVE});
    }
  }
};`;

/** Records the units of one job. Call `unit()` before each unit's calls. */
export class Job {
  readonly calls: number[] = [];
  readonly starts: number[] = [];
  constructor(private readonly index: Map<string, number>) {}
  unit(): this {
    this.starts.push(this.calls.length);
    return this;
  }
  call(name: string, ...args: number[]): this {
    const fn = this.index.get(name);
    if (fn === undefined) throw new Error(`pool: no kernel ${name}`);
    for (const a of args)
      if (!(a >= 0) || !Number.isFinite(a))
        throw new Error(`pool: ${name} argument ${a} (jobs take non-negative numbers)`);
    this.calls.push(fn, args.length, ...args);
    return this;
  }
  get units(): number {
    return this.starts.length;
  }
}

export class Pool {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private live = false;
  private failure = "";
  private readonly ctlAt: number;
  private gen = 0;
  private readonly fns: ((...a: number[]) => void)[];
  private readonly index: Map<string, number>;
  /** Scratch slot addresses per thread, by name. */
  private slots = new Map<string, { slot: number; bytes: number; at: number[] }>();
  private bySlot: { slot: number; bytes: number; at: number[] }[] = [];

  constructor(
    private readonly heap: Heap,
    /** Threads in all, the main one included (1 or 2). */
    readonly threads: number,
  ) {
    const at = heap.alloc(CTL_BYTES);
    if (at === null) throw new Error("pool: no room for the control block");
    this.ctlAt = at;
    const names = Object.keys(heap.k);
    this.index = new Map(names.map((n, i) => [n, i]));
    this.fns = names.map((n) => (heap.k as unknown as Record<string, (...a: number[]) => void>)[n]);
  }

  /** Starts the worker (once; asynchronously). Jobs run on the main thread alone until it is ready. */
  start(): void {
    if (this.threads < 2 || this.ready) return;
    const blob = new Blob([workerSource([...this.index.keys()])], { type: "application/javascript" });
    const url = URL.createObjectURL(blob);
    let w: Worker;
    try {
      w = new Worker(url);
    } catch {
      this.ready = Promise.resolve(); // no workers here: the main thread runs every job
      return;
    }
    (w as unknown as { unref?: () => void }).unref?.();
    this.worker = w;
    this.ready = new Promise<void>((resolve, reject) => {
      w.onmessage = (e) => {
        if (e.data && typeof e.data === "object" && "error" in e.data) {
          this.failure = String(e.data.error);
          return;
        }
        this.live = true;
        URL.revokeObjectURL(url);
        resolve();
      };
      w.onerror = (e) => {
        this.live = false; // (a worker that dies later leaves every job to the main thread)
        reject(e);
      };
    });
    this.ready.catch(() => {
      this.live = false;
    });
    w.postMessage({ module: this.heap.module, memory: this.heap.memory, ctlAt: this.ctlAt });
  }

  /** Resolves once the worker is running (or failed to start: jobs then stay on the main thread). */
  async whenReady(): Promise<void> {
    await this.ready?.catch(() => {});
  }

  /** Units run so far by each thread (the worker's share says whether the second core helps). */
  unitsRun(): number[] {
    const ctl = new Int32Array(this.heap.memory.buffer, this.ctlAt, 16);
    return Array.from({ length: this.threads }, (_, t) => ctl[8 + t]);
  }

  /** Whether a second thread takes part in jobs. */
  get parallel(): boolean {
    return this.live;
  }

  /**
   * A per-thread scratch slot of at least `bytes` for `name`: in a job, the returned reference
   * (REF·(slot + 1)) plus an offset is that thread's address; `address(ref, thread)` resolves it.
   */
  scratch(name: string, bytes: number): number {
    let s = this.slots.get(name);
    if (!s || s.bytes < bytes) {
      const slot = s?.slot ?? this.slots.size;
      if (slot >= SLOTS) throw new Error("pool: too many scratch slots");
      const at = Array.from({ length: this.threads }, (_, t) => this.heap.scratch(`${name}#${t}`, bytes));
      s = { slot, bytes, at };
      this.slots.set(name, s);
      this.bySlot[slot] = s;
    }
    return REF * (s.slot + 1);
  }

  /** The address a reference stands for on `thread`. */
  address(ref: number, thread: number): number {
    if (ref < REF) return ref;
    const slot = Math.floor(ref / REF) - 1;
    return this.bySlot[slot].at[thread] + (ref - (slot + 1) * REF);
  }

  job(): Job {
    return new Job(this.index);
  }

  /** Runs every unit of `job` (on both threads when the worker is live) and returns when all are done. */
  run(job: Job): void {
    const n = job.units;
    if (n === 0) return;
    if (n === 1 || !this.live) {
      this.runHere(job);
      return;
    }
    if (n > 0xffff) throw new Error(`pool: ${n} units in one job`);
    // records: [slots of each thread | unit starts | calls], f64, in a heap scratch region
    const head = 64 + n + 1;
    const recsAt = this.heap.scratch("pool.records", (head + job.calls.length) * 8 + 8);
    const f64 = new Float64Array(this.heap.memory.buffer, recsAt, head + job.calls.length);
    for (const s of this.slots.values()) for (let t = 0; t < this.threads; t++) f64[t * 8 + s.slot] = s.at[t];
    for (let u = 0; u < n; u++) f64[64 + u] = head + job.starts[u];
    f64[64 + n] = head + job.calls.length;
    f64.set(job.calls, head);
    const ctl = new Int32Array(this.heap.memory.buffer, this.ctlAt, 16);
    this.gen = (this.gen + 1) & 0x7fffffff;
    Atomics.store(ctl, RECS, recsAt);
    Atomics.store(ctl, UNITS, n);
    Atomics.store(ctl, NEXT, ((this.gen & 0xffff) << 16) | 0);
    if (this.live) {
      Atomics.store(ctl, GEN, this.gen);
      Atomics.notify(ctl, GEN);
    }
    runUnits(this.heap.memory, this.ctlAt, this.fns, 0, this.gen);
    // wait for the unit the worker may still hold
    for (;;) {
      const active = Atomics.load(ctl, ACTIVE);
      if (active === 0) break;
      Atomics.wait(ctl, ACTIVE, active, 5);
    }
    if (Atomics.load(ctl, FAILED)) {
      // A unit threw on the worker (its share of the job is missing): stop using it, and fail this job.
      this.live = false;
      throw new Error(
        `cpu backend: a kernel failed on the worker thread${this.failure ? `: ${this.failure}` : ""}; later jobs run on the main thread`,
      );
    }
  }

  /** The job's calls in order on this thread (no records, no worker). */
  private runHere(job: Job): void {
    const c = job.calls;
    const args: number[] = [];
    for (let r = 0; r < c.length; ) {
      const fn = c[r];
      const n = c[r + 1];
      r += 2;
      args.length = n;
      for (let a = 0; a < n; a++) args[a] = this.address(c[r + a], 0);
      r += n;
      this.fns[fn].apply(null, args);
    }
  }

  destroy(): void {
    if (!this.worker) return;
    const ctl = new Int32Array(this.heap.memory.buffer, this.ctlAt, 16);
    Atomics.store(ctl, STOP, 1);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    this.worker.terminate();
    this.worker = null;
    this.live = false;
  }
}
