// The compute backend contract: the whole surface a model needs from a device.
//
// Five verbs (tinygrad-sized): alloc / free / write / read buffers, and run a named kernel on
// named buffers with scalar uniforms; plus submit() to wait for what was enqueued. Three
// implementations: `webgpu/` (WGSL from shaders/), `cpu/` (wasm SIMD kernels on one wasm memory:
// what `env.device: cpu` runs) and `reference/` (each kernel's TypeScript twin on plain typed
// arrays: what tests hold the other two to).
//
// Semantics every implementation keeps:
// - run() only enqueues. Work happens in enqueue order; write() and read() see the effect of every
//   run() enqueued before them (WebGPU flushes its open command buffer when it must).
// - read() waits for the work it depends on and returns a copy; it reads back only the range asked.
// - Errors (bad bindings, validation, device loss) are thrown, never swallowed: at the call
//   where they are known, or at the next read()/submit() for errors a GPU reports late.
//
// A kernel is described once by a KernelSpec (see below): WGSL source and entry point, the ordered
// bindings, the uniform struct, the workgroup grid, and its CPU twin. The twin is the readable
// definition of the kernel; tests hold the WGSL to it.

/**
 * Element types of device buffers. "f16" is storage only (training.mixed_precision on a WebGPU
 * device with shader-f16): kernels widen every load to f32 and narrow every store, and the host
 * reads and writes such a buffer as f32 values (kernels/f16.ts).
 */
export type DType = "f32" | "f16" | "u32" | "i32";
export type TypedArrayOf<D extends DType> = D extends "f32" | "f16"
  ? Float32Array
  : D extends "u32"
    ? Uint32Array
    : Int32Array;
export type AnyTypedArray = Float32Array | Uint32Array | Int32Array;

/** Bytes per element of `dtype`. */
export function bytesOf(dtype: DType): number {
  return dtype === "f16" ? 2 : 4;
}

/**
 * A device buffer, or a view of one: `length` elements of `dtype` starting at element `offset` of
 * the allocation `root`. Opaque; only its backend can touch the data. A model keeps its parameters
 * in one allocation and binds each tensor as a view (offsets multiples of VIEW_ALIGN).
 */
export interface Buf<D extends DType = DType> {
  readonly id: number;
  readonly label: string;
  readonly length: number;
  readonly dtype: D;
  /** id of the allocation this buffer is (root === id) or views. */
  readonly root: number;
  /** First element within the root allocation. */
  readonly offset: number;
}

/**
 * View offsets must be multiples of this many 4-byte elements (256 bytes: WebGPU's default
 * minStorageBufferOffsetAlignment); f16 views, of twice as many (viewAlign).
 */
export const VIEW_ALIGN = 64;

/** The element multiple a view's offset into a `dtype` buffer must be: 256 bytes' worth. */
export function viewAlign(dtype: DType): number {
  return (VIEW_ALIGN * 4) / bytesOf(dtype);
}

export function alignUp(n: number, a = VIEW_ALIGN): number {
  return Math.ceil(n / a) * a;
}

/** Checks a view request; returns the view's fields. */
export function viewOf<D extends DType>(
  buf: Buf<D>,
  offset: number,
  length: number,
  id: number,
  label?: string,
): Buf<D> {
  const align = viewAlign(buf.dtype);
  if (!Number.isInteger(offset) || offset % align !== 0)
    throw new Error(`view of ${buf.label}: offset ${offset} is not a multiple of ${align} elements`);
  if (!Number.isInteger(length) || length < 0 || offset + length > buf.length)
    throw new Error(`view of ${buf.label}: [${offset}, ${offset + length}) outside length ${buf.length}`);
  return {
    id,
    label: label ?? `${buf.label}[${offset}:${offset + length}]`,
    length,
    dtype: buf.dtype,
    root: buf.root,
    offset: buf.offset + offset,
  };
}

export interface BindingSpec {
  name: string;
  /** "read": the kernel only loads it; "read_write": the kernel stores into it. */
  access: "read" | "read_write";
  /** Element type; f32 when omitted. Checked against the bound buffer's dtype. */
  type?: DType;
}

export interface UniformSpec {
  name: string;
  type: "u32" | "i32" | "f32";
}

/** The scalar arguments of one dispatch, by uniform name. */
export type Uniforms = Record<string, number>;

/** The typed-array views a CPU twin receives, by binding name. */
export type CpuBuffers = Record<string, AnyTypedArray>;

export interface KernelSpec {
  /** Unique across the program; used in error messages and the pipeline cache. */
  name: string;
  /** WGSL source text (shaders/*.wgsl). Its uniform struct is @group(0) @binding(0). */
  source: string;
  entryPoint: string;
  /** Storage buffers, in binding order: bindings[i] is @binding(i + 1). */
  bindings: readonly BindingSpec[];
  /** The fields of the uniform struct at @binding(0), in declaration order (each 4 bytes). */
  uniforms: readonly UniformSpec[];
  /** Workgroup grid for a dispatch with these uniforms. */
  workgroups(u: Uniforms): [number, number?, number?];
  /** The CPU twin: the same computation on typed arrays. */
  cpu(b: CpuBuffers, u: Uniforms): void;
}

/**
 * How a backend prefers its kernels written. "tiled": workgroup-memory tiles (real GPUs).
 * "register": register-blocked, no workgroup memory (CPU-like adapters such as lavapipe, where a
 * workgroup runs on one thread and shared memory plus barriers is a 4x loss; anchors §4).
 * ops.ts picks the variant of the GEMM-shaped kernels (3×3 conv, its weight gradient, gemm) by
 * it; on webgpu KEISEI_KERNELS=tiled|register overrides what the adapter implies.
 */
export type KernelStyle = "tiled" | "register";

export interface BackendInfo {
  kind: "webgpu" | "cpu" | "reference";
  /** One line for logs: which backend and device this is, or why the CPU was chosen. */
  description: string;
  style: KernelStyle;
  /** WebGPU adapter details (absent on cpu and reference). */
  adapter?: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter: boolean };
  /** When `auto` fell back to the CPU: why. */
  fallbackReason?: string;
  /** Whether buffers may be "f16" (a WebGPU device opened with shader-f16). */
  f16?: boolean;
}

export interface Backend {
  readonly info: BackendInfo;
  /**
   * The variant this backend runs per kernel family (kernels/index.ts FAMILIES: "gemm", "conv",
   * "weightGrad", and "reduce": every kernel with reductions plain or on subgroups), where
   * something chose (webgpu/autotune.ts); a family not named runs its style's default.
   */
  variants?: Readonly<Record<string, KernelSpec>>;
  /** A zero-filled buffer of `length` elements. */
  alloc<D extends DType = "f32">(label: string, length: number, dtype?: D): Buf<D>;
  /** Frees an allocation (not a view); its views die with it. */
  free(buf: Buf): void;
  /** A view of `length` elements of `buf` from element `offset` (a multiple of VIEW_ALIGN); shares memory. */
  view<D extends DType>(buf: Buf<D>, offset: number, length: number, label?: string): Buf<D>;
  /** Copy `data` into `buf` starting at element `offset`. */
  write(buf: Buf, data: AnyTypedArray, offset?: number): void;
  /** Copy `length` elements from element `offset` of `buf` back to the host. */
  read<D extends DType>(buf: Buf<D>, offset?: number, length?: number): Promise<TypedArrayOf<D>>;
  /** Enqueue one dispatch of `kernel` on `buffers` (by binding name) with `uniforms`. */
  run(kernel: KernelSpec, buffers: Record<string, Buf>, uniforms?: Uniforms): void;
  /** Compile pipelines ahead of first use (WebGPU: seconds each on lavapipe; cpu: waits for its second thread). */
  prepare(kernels: readonly KernelSpec[]): Promise<void>;
  /** Send enqueued work and wait until it has finished; throws any error it produced. */
  submit(): Promise<void>;
  /** Release the device; the backend is unusable afterwards. */
  destroy(): void;
}

/** Checks a dispatch against its spec: every binding present with the right dtype, every uniform given. */
export function checkDispatch(kernel: KernelSpec, buffers: Record<string, Buf>, uniforms: Uniforms): void {
  for (const b of kernel.bindings) {
    const buf = buffers[b.name];
    if (!buf) throw new Error(`kernel ${kernel.name}: binding "${b.name}" not given`);
    const want = b.type ?? "f32";
    if (buf.dtype !== want)
      throw new Error(
        `kernel ${kernel.name}: binding "${b.name}" wants ${want}, got ${buf.dtype} buffer "${buf.label}"`,
      );
  }
  // WebGPU forbids one allocation bound both read-only and writable in a dispatch (even disjoint
  // views); two writable bindings must not overlap (a race).
  kernel.bindings.forEach((b, i) => {
    const x = buffers[b.name];
    for (const c of kernel.bindings.slice(i + 1)) {
      const y = buffers[c.name];
      if (x.root !== y.root || (b.access === "read" && c.access === "read")) continue;
      const overlap = x.offset < y.offset + y.length && y.offset < x.offset + x.length;
      if (b.access !== c.access || overlap)
        throw new Error(
          `kernel ${kernel.name}: "${b.name}" (${x.label}) and "${c.name}" (${y.label}) share an allocation and one is written`,
        );
    }
  });
  for (const name of Object.keys(buffers)) {
    if (!kernel.bindings.some((b) => b.name === name))
      throw new Error(`kernel ${kernel.name}: no binding named "${name}"`);
  }
  for (const u of kernel.uniforms) {
    const v = uniforms[u.name];
    if (v === undefined || !Number.isFinite(v))
      throw new Error(`kernel ${kernel.name}: uniform "${u.name}" missing or not finite (${v})`);
    if (u.type !== "f32" && !Number.isInteger(v))
      throw new Error(`kernel ${kernel.name}: uniform "${u.name}" (${u.type}) is not an integer: ${v}`);
  }
}

/** Packs uniforms into the bytes of a WGSL struct of 4-byte scalars. */
export function packUniforms(kernel: KernelSpec, uniforms: Uniforms, view: DataView, byteOffset: number): void {
  kernel.uniforms.forEach((u, i) => {
    const at = byteOffset + 4 * i;
    const v = uniforms[u.name];
    if (u.type === "f32") view.setFloat32(at, v, true);
    else if (u.type === "u32") view.setUint32(at, v, true);
    else view.setInt32(at, v, true);
  });
}

/** Size in bytes of a kernel's uniform struct (WGSL rounds uniform structs up to 16). */
export function uniformBytes(kernel: KernelSpec): number {
  return Math.max(16, Math.ceil((4 * kernel.uniforms.length) / 16) * 16);
}

export function typedArrayFor(dtype: DType, length: number): AnyTypedArray {
  return dtype === "f32" || dtype === "f16"
    ? new Float32Array(length)
    : dtype === "u32"
      ? new Uint32Array(length)
      : new Int32Array(length);
}

/**
 * A 1-D range of `count` invocations in workgroups of `size`, folded into 2-D when it exceeds the
 * 65 535 per-dimension limit. Kernels recover the flat index with `linearId` (see shaders/common).
 */
export function grid1d(count: number, size: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / size));
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}
