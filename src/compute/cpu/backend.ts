// The CPU backend: every kernel runs as its TypeScript twin (KernelSpec.cpu) on typed arrays.
// It is the readable reference the WGSL kernels are tested against, and the fallback where no
// WebGPU adapter exists. Work runs at run() time, so submit() has nothing to wait for.
//
// Fast path (default on; KEISEI_CPU_FAST=0 or `{ fast: false }` turns it off): buffers live in
// one wasm memory (fast/heap.ts) and the hot kernels (fast/index.ts) run as wasm SIMD128 code on
// it in place; every other kernel still runs its twin, on typed-array views of the same memory.
// A buffer that does not fit the heap (wasm32: 4 GiB) is a plain typed array, and kernels that
// touch it run as twins.

import {
  checkDispatch,
  typedArrayFor,
  viewOf,
  type AnyTypedArray,
  type Backend,
  type BackendInfo,
  type Buf,
  type CpuBuffers,
  type DType,
  type KernelSpec,
  type Uniforms,
} from "../backend.ts";
import { FAST_KERNELS } from "./fast/index.ts";
import { Heap } from "./fast/heap.ts";
import { Pool } from "./fast/pool.ts";
import { PackCache, type FastBuf, type FastContext } from "./fast/types.ts";
import { availableParallelism } from "node:os";

interface CpuBuf extends Buf {
  /** A plain typed array (fast path off, or the heap was full) … */
  data: AnyTypedArray | null;
  /** … or the byte address of the allocation in the wasm heap. */
  ptr: number;
  /** Bumped on every write to the allocation (fast-path caches of packed operands key on it). */
  version: number;
}

export interface CpuBackendOptions {
  /** The wasm SIMD fast path for the hot kernels (default: on unless KEISEI_CPU_FAST=0). */
  fast?: boolean;
  /**
   * Threads for the fast path's big kernels, the main one included: 1, or 2 (a Worker sharing
   * the heap). Default: KEISEI_CPU_THREADS, else 2 when the machine has 2 or more cores.
   */
  threads?: number;
}

/** Stops the worker of a backend that was dropped without destroy() (it would hold the heap). */
const dropped = new FinalizationRegistry<Pool>((pool) => pool.destroy());

function defaultThreads(): number {
  const env = Number(process.env.KEISEI_CPU_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 2);
  return Math.min(2, availableParallelism());
}

/** Whether a CpuBackend built without `fast` takes the wasm fast path (KEISEI_CPU_FAST=0 turns it off). */
export function cpuFastPathDefault(): boolean {
  return process.env.KEISEI_CPU_FAST !== "0";
}

export class CpuBackend implements Backend {
  readonly info: BackendInfo;
  private nextId = 1;
  private roots = new Map<number, CpuBuf>();
  private readonly fast: FastContext | null;

  constructor(fallbackReason?: string, options: CpuBackendOptions = {}) {
    const fast = options.fast ?? cpuFastPathDefault();
    let ctx: FastContext | null = null;
    if (fast) {
      const threads = Math.max(1, Math.min(2, options.threads ?? defaultThreads()));
      const heap = new Heap(threads > 1);
      const pool = new Pool(heap, threads);
      pool.start();
      ctx = { heap, packCache: new PackCache(heap), pool };
    }
    this.fast = ctx;
    if (ctx && ctx.pool.threads > 1) dropped.register(this, ctx.pool, this);
    const what = ctx ? `TypeScript kernels, wasm SIMD128 fast path, ${ctx.pool.threads} thread${ctx.pool.threads > 1 ? "s" : ""}` : "TypeScript kernels";
    this.info = {
      kind: "cpu",
      style: "register",
      description: fallbackReason ? `cpu (${what}; ${fallbackReason})` : `cpu (${what})`,
      fallbackReason,
    };
  }

  /** Whether the wasm fast path is on. */
  get fastPath(): boolean {
    return this.fast !== null;
  }

  alloc<D extends DType = "f32">(label: string, length: number, dtype: D = "f32" as D): Buf {
    if (!Number.isInteger(length) || length < 0) throw new Error(`alloc ${label}: bad length ${length}`);
    const id = this.nextId++;
    const ptr = this.fast?.heap.alloc(length * 4) ?? null;
    const buf: CpuBuf = { id, label, length, dtype, root: id, offset: 0, data: ptr === null ? typedArrayFor(dtype, length) : null, ptr: ptr ?? -1, version: 0 };
    this.roots.set(id, buf);
    return buf;
  }

  free(buf: Buf): void {
    if (buf.root !== buf.id) throw new Error(`free ${buf.label}: a view; free its allocation instead`);
    const root = this.roots.get(buf.id);
    if (root && root.data === null) this.fast!.heap.free(root.ptr);
    this.roots.delete(buf.id);
  }

  view(buf: Buf, offset: number, length: number, label?: string): Buf {
    return viewOf(buf, offset, length, this.nextId++, label);
  }

  write(buf: Buf, data: AnyTypedArray, offset = 0): void {
    const dst = this.data(buf);
    if (offset + data.length > buf.length) throw new Error(`write ${buf.label}: ${data.length} elements at ${offset} overflow length ${buf.length}`);
    if (data.BYTES_PER_ELEMENT !== 4) throw new Error(`write ${buf.label}: 4-byte elements expected`);
    // Copy bits, not values: writing a Float32Array into a u32 buffer keeps its bit pattern, as on the GPU.
    new Uint32Array(dst.buffer, dst.byteOffset + offset * 4, data.length).set(new Uint32Array(data.buffer, data.byteOffset, data.length));
    this.roots.get(buf.root)!.version++;
  }

  read(buf: Buf, offset = 0, length = buf.length - offset): Promise<any> {
    const src = this.data(buf);
    if (offset < 0 || length < 0 || offset + length > buf.length) throw new Error(`read ${buf.label}: range [${offset}, ${offset + length}) outside length ${buf.length}`);
    return Promise.resolve(src.slice(offset, offset + length));
  }

  run(kernel: KernelSpec, buffers: Record<string, Buf>, uniforms: Uniforms = {}): void {
    checkDispatch(kernel, buffers, uniforms);
    for (const b of kernel.bindings) if (b.access === "read_write") this.roots.get(buffers[b.name].root)!.version++;
    const fastKernel = this.fast ? FAST_KERNELS[kernel.name] : undefined;
    if (fastKernel) {
      const bufs: Record<string, FastBuf> = {};
      let inHeap = true;
      for (const b of kernel.bindings) {
        const buf = buffers[b.name];
        const root = this.roots.get(buf.root);
        if (!root) throw new Error(`buffer ${buf.label} was freed`);
        if (root.data !== null) inHeap = false;
        bufs[b.name] = { ptr: root.ptr + buf.offset * 4, length: buf.length, key: `${buf.root}:${buf.offset}:${buf.length}`, version: root.version };
      }
      if (inHeap && fastKernel(this.fast!, bufs, uniforms)) return;
    }
    const views: CpuBuffers = {};
    for (const b of kernel.bindings) views[b.name] = this.data(buffers[b.name]);
    kernel.cpu(views, uniforms);
  }

  /** No pipelines to compile; waits for the fast path's second thread to be up. */
  async prepare(_kernels: readonly KernelSpec[]): Promise<void> {
    await this.fast?.pool.whenReady();
  }

  /** Threads the fast path runs its big kernels on now (1 until a second thread is up). */
  get threads(): number {
    return this.fast?.pool.parallel ? this.fast.pool.threads : 1;
  }

  async submit(): Promise<void> {}

  destroy(): void {
    this.fast?.packCache.clear();
    this.fast?.pool.destroy();
    dropped.unregister(this);
  }

  /** The elements of `buf` (a subarray for a view; a view of the heap, valid until the next allocation). */
  private data(buf: Buf): AnyTypedArray {
    const root = this.roots.get(buf.root);
    if (!root) throw new Error(`buffer ${buf.label} was freed`);
    if (root.data !== null) return buf.root === buf.id ? root.data : root.data.subarray(buf.offset, buf.offset + buf.length);
    const heap = this.fast!.heap;
    const whole = buf.dtype === "f32" ? heap.f32() : buf.dtype === "u32" ? heap.u32() : heap.i32();
    const at = (root.ptr >> 2) + buf.offset;
    return whole.subarray(at, at + buf.length);
  }
}
