// Shared types of the cpu backend's wasm kernels.

import type { Heap } from "./heap.ts";
import type { Pool } from "./pool.ts";

/** A bound buffer as a fast kernel sees it: a byte address in the heap. */
export interface FastBuf {
  /** Byte address of element 0 in the heap. */
  readonly ptr: number;
  /** Elements. */
  readonly length: number;
  /** Identifies the allocation and view (cache keys). */
  readonly key: string;
  /** Bumped whenever the allocation is written (write() or a kernel's read_write binding). */
  readonly version: number;
}

/** Packed operands kept between calls while their source is unchanged (e.g. a weight matrix transposed). */
export class PackCache {
  private entries = new Map<string, { ptr: number; bytes: number; version: number }>();

  constructor(
    private readonly heap: Heap,
    private readonly capacity = 8,
  ) {}

  /**
   * The region for `key`: fresh when it already holds the packing of this `version` of the
   * source; otherwise (re)allocated, marked as this version, for the caller to fill.
   */
  get(key: string, version: number, bytes: number): { ptr: number; fresh: boolean } | null {
    const e = this.entries.get(key);
    if (e && e.bytes >= bytes) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, e);
      const fresh = e.version === version;
      e.version = version;
      return { ptr: e.ptr, fresh };
    }
    if (e) {
      this.heap.free(e.ptr);
      this.entries.delete(key);
    }
    while (this.entries.size >= this.capacity) {
      const [oldest, v] = this.entries.entries().next().value!;
      this.heap.free(v.ptr);
      this.entries.delete(oldest);
    }
    const ptr = this.heap.alloc(bytes);
    if (ptr === null) return null;
    this.entries.set(key, { ptr, bytes, version });
    return { ptr, fresh: false };
  }

  clear(): void {
    for (const e of this.entries.values()) this.heap.free(e.ptr);
    this.entries.clear();
  }
}

export interface FastContext {
  readonly heap: Heap;
  readonly packCache: PackCache;
  /** Runs jobs of independent units, on a second thread too when there is one. */
  readonly pool: Pool;
}

/** A fast kernel: same bindings and uniforms as the twin; false hands the dispatch back to the twin. */
export type FastKernel = (ctx: FastContext, b: Record<string, FastBuf>, u: Record<string, number>) => boolean;
