// The cpu backend: what `env.device: cpu` runs (and `auto` where the only WebGPU adapter is a
// CPU implementation such as lavapipe). Every buffer lives in one wasm memory (fast/heap.ts; at
// most 4 GiB, wasm32's limit: a buffer that does not fit is an error at alloc(), never a silent
// switch to something slower). The hot kernels (fast/index.ts: the GEMM-shaped ones, batch norm,
// squeeze-excitation, reductions, elementwise, Adam, the policy's softmax, sampling and PPO loss)
// run as wasm SIMD128 code on that memory in place, the big ones split over a second thread
// (fast/pool.ts). Every other kernel, and the few shapes a wasm kernel hands back (a FastKernel
// returning false), runs its TypeScript twin (KernelSpec.cpu) on typed-array views of the same
// memory: no copies, and the twin's own numbers. test/compute/cpu-fast.test.ts holds each wasm
// kernel to its twin on the reference backend (src/compute/reference/). Work runs at run() time,
// so submit() has nothing to wait for.

import {
  checkDispatch,
  viewOf,
  type AnyTypedArray,
  type Backend,
  type BackendInfo,
  type Buf,
  type CpuBuffers,
  type DType,
  type TypedArrayOf,
  type KernelSpec,
  type Uniforms,
} from "../backend.ts";
import { FAST_KERNELS } from "./fast/index.ts";
import { type ConvAlgorithm, loadNative, nativeKernels } from "./native/index.ts";
import { HEAP_LIMIT_BYTES, Heap } from "./fast/heap.ts";
import { Pool } from "./fast/pool.ts";
import { PackCache, type FastBuf, type FastContext, type FastKernel } from "./fast/types.ts";
import { availableParallelism } from "node:os";

interface CpuBuf extends Buf {
  /** Byte address of the allocation in the wasm heap. */
  ptr: number;
  /** Bumped on every write to the allocation (the wasm kernels' caches of packed operands key on it). */
  version: number;
}

export interface CpuBackendOptions {
  /**
   * Threads, the main one included: the wasm kernels' big dispatches use 1 or 2 (a Worker sharing
   * the heap), the native convolutions up to this many of their pool. Default: the wasm kernels
   * KEISEI_CPU_THREADS, else 2 when the machine has 2 or more cores; the native ones their whole
   * pool (KEISEI_CPU_THREADS, else every core, at most 16).
   */
  threads?: number;
  /**
   * Run the 3×3 convolutions on the native AVX2/FMA kernels (native/kernels.c) where they are built
   * and the CPU has them. Default: true, unless KEISEI_CPU_KERNELS=wasm.
   */
  native?: boolean;
  /** How the native kernels compute 3×3 convolutions (native/index.ts). Default "auto". */
  convAlgorithm?: ConvAlgorithm;
}

/** Stops the worker of a backend that was dropped without destroy() (it would hold the heap). */
const dropped = new FinalizationRegistry<Pool>((pool) => pool.destroy());

function defaultThreads(): number {
  const env = Number(process.env.KEISEI_CPU_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 2);
  return Math.min(2, availableParallelism());
}

const GiB = 2 ** 30;
/** A byte count for an error message: "1.50 GiB", "12.0 MiB". */
function bytesText(n: number): string {
  return n >= GiB ? `${(n / GiB).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

export class CpuBackend implements Backend {
  readonly info: BackendInfo;
  /** Whether the 3×3 convolutions run on the native kernels (else on wasm SIMD). */
  readonly native: boolean;
  private nextId = 1;
  private roots = new Map<number, CpuBuf>();
  /** The heap, the packed-operand cache and the thread pool the wasm kernels run with. */
  private readonly fast: FastContext;
  /** Kernel name → its fast implementation: the wasm ones, with the native ones over them when loaded. */
  private readonly kernels: Readonly<Record<string, FastKernel>>;

  constructor(fallbackReason?: string, options: CpuBackendOptions = {}) {
    const threads = Math.max(1, Math.min(2, options.threads ?? defaultThreads()));
    const heap = new Heap(threads > 1);
    const pool = new Pool(heap, threads);
    pool.start();
    this.fast = { heap, packCache: new PackCache(heap), pool };
    if (pool.threads > 1) dropped.register(this, pool, this);
    const plural = pool.threads > 1 ? "s" : "";
    const native = options.native === false ? { error: "native kernels off" } : loadNative();
    let what: string;
    if ("lib" in native) {
      // the threads asked for (the USI Threads option, KEISEI_CPU_THREADS), else every thread of the
      // native pool (it may have more than the wasm kernels' 2)
      const nativeThreads = Math.min(options.threads ?? native.threads, native.threads);
      this.kernels = { ...FAST_KERNELS, ...nativeKernels(native.lib, nativeThreads, options.convAlgorithm) };
      what = `native AVX2/FMA convolutions on ${nativeThreads} thread${nativeThreads > 1 ? "s" : ""}, wasm SIMD on ${pool.threads}`;
    } else {
      this.kernels = FAST_KERNELS;
      what = `wasm SIMD, ${pool.threads} thread${plural}; ${native.error}`;
    }
    this.native = "lib" in native;
    this.info = {
      kind: "cpu",
      style: "register",
      description: fallbackReason ? `cpu (${what}; ${fallbackReason})` : `cpu (${what})`,
      fallbackReason,
    };
  }

  alloc<D extends DType = "f32">(label: string, length: number, dtype: D = "f32" as D): Buf<D> {
    if (!Number.isInteger(length) || length < 0) throw new Error(`alloc ${label}: bad length ${length}`);
    if (dtype === "f16")
      throw new Error(
        `alloc ${label}: the cpu backend stores f32 only (f16 storage needs a WebGPU device with shader-f16)`,
      );
    const heap = this.fast.heap;
    const ptr = heap.alloc(length * 4);
    if (ptr === null)
      throw new Error(
        `alloc ${label}: ${length} ${dtype} elements (${bytesText(length * 4)}) do not fit the cpu backend's wasm heap (limit ${bytesText(HEAP_LIMIT_BYTES)}, ${bytesText(heap.used)} in use)`,
      );
    const id = this.nextId++;
    const buf: CpuBuf = { id, label, length, dtype, root: id, offset: 0, ptr, version: 0 };
    this.roots.set(id, buf);
    return buf as CpuBuf & Buf<D>;
  }

  free(buf: Buf): void {
    if (buf.root !== buf.id) throw new Error(`free ${buf.label}: a view; free its allocation instead`);
    const root = this.roots.get(buf.id);
    if (root) this.fast.heap.free(root.ptr);
    this.roots.delete(buf.id);
  }

  view<D extends DType>(buf: Buf<D>, offset: number, length: number, label?: string): Buf<D> {
    return viewOf(buf, offset, length, this.nextId++, label);
  }

  write(buf: Buf, data: AnyTypedArray, offset = 0): void {
    const dst = this.data(buf);
    if (offset + data.length > buf.length)
      throw new Error(`write ${buf.label}: ${data.length} elements at ${offset} overflow length ${buf.length}`);
    if (data.BYTES_PER_ELEMENT !== 4) throw new Error(`write ${buf.label}: 4-byte elements expected`);
    // Copy bits, not values: writing a Float32Array into a u32 buffer keeps its bit pattern, as on the GPU.
    new Uint32Array(dst.buffer, dst.byteOffset + offset * 4, data.length).set(
      new Uint32Array(data.buffer, data.byteOffset, data.length),
    );
    this.roots.get(buf.root)!.version++;
  }

  read<D extends DType>(buf: Buf<D>, offset = 0, length = buf.length - offset): Promise<TypedArrayOf<D>> {
    const src = this.data(buf);
    if (offset < 0 || length < 0 || offset + length > buf.length)
      throw new Error(`read ${buf.label}: range [${offset}, ${offset + length}) outside length ${buf.length}`);
    return Promise.resolve(src.slice(offset, offset + length) as TypedArrayOf<D>); // the allocation's array type is its dtype's
  }

  run(kernel: KernelSpec, buffers: Record<string, Buf>, uniforms: Uniforms = {}): void {
    checkDispatch(kernel, buffers, uniforms);
    for (const b of kernel.bindings) {
      const root = this.roots.get(buffers[b.name].root);
      if (!root) throw new Error(`buffer ${buffers[b.name].label} was freed`);
      if (b.access === "read_write") root.version++;
    }
    const wasmKernel = this.kernels[kernel.name];
    if (wasmKernel) {
      const bufs: Record<string, FastBuf> = {};
      for (const b of kernel.bindings) {
        const buf = buffers[b.name];
        const root = this.roots.get(buf.root)!;
        bufs[b.name] = {
          ptr: root.ptr + buf.offset * 4,
          length: buf.length,
          key: `${buf.root}:${buf.offset}:${buf.length}`,
          version: root.version,
        };
      }
      if (wasmKernel(this.fast, bufs, uniforms)) return;
    }
    // no wasm version (or not for this shape): the twin, on views of the heap
    const views: CpuBuffers = {};
    for (const b of kernel.bindings) views[b.name] = this.data(buffers[b.name]);
    kernel.cpu(views, uniforms);
  }

  /** No pipelines to compile; waits for the second thread to be up. */
  async prepare(_kernels: readonly KernelSpec[]): Promise<void> {
    await this.fast.pool.whenReady();
  }

  /** Threads the wasm kernels run their big dispatches on now (1 until a second thread is up). */
  get threads(): number {
    return this.fast.pool.parallel ? this.fast.pool.threads : 1;
  }

  async submit(): Promise<void> {}

  destroy(): void {
    this.fast.packCache.clear();
    this.fast.pool.destroy();
    dropped.unregister(this);
  }

  /** The elements of `buf`: a view of the heap, valid until the next allocation. */
  private data(buf: Buf): AnyTypedArray {
    const root = this.roots.get(buf.root);
    if (!root) throw new Error(`buffer ${buf.label} was freed`);
    const heap = this.fast.heap;
    const whole = buf.dtype === "f32" ? heap.f32() : buf.dtype === "u32" ? heap.u32() : heap.i32();
    const at = (root.ptr >> 2) + buf.offset;
    return whole.subarray(at, at + buf.length);
  }
}
