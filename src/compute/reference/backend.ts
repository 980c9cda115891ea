// The reference backend: every kernel runs as its TypeScript twin (KernelSpec.cpu), on one plain
// typed array per allocation. Nothing in it is tuned: no wasm, no threads, no environment
// variables, no caches. It is the readable definition the other two backends are tested against
// (webgpu/: the WGSL kernels; cpu/: the wasm SIMD kernels `env.device: cpu` runs), and finite
// differences check its backward passes. Work runs at run() time, so submit() has nothing to wait for.

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
  type TypedArrayOf,
  type KernelSpec,
  type Uniforms,
} from "../backend.ts";

export class ReferenceBackend implements Backend {
  // ops.ts picks kernel variants by style; the tiled and register variants share one twin.
  // f16 buffers hold f16 values in a Float32Array: rounded on write, and by an f16 variant's twin on store.
  readonly info: BackendInfo = {
    kind: "reference",
    style: "register",
    description: "reference (TypeScript twins)",
    f16: true,
  };
  private nextId = 1;
  /** The elements of each live allocation, by its id. */
  private readonly roots = new Map<number, AnyTypedArray>();

  alloc<D extends DType = "f32">(label: string, length: number, dtype: D = "f32" as D): Buf<D> {
    if (!Number.isInteger(length) || length < 0) throw new Error(`alloc ${label}: bad length ${length}`);
    const id = this.nextId++;
    this.roots.set(id, typedArrayFor(dtype, length));
    return { id, label, length, dtype, root: id, offset: 0 };
  }

  free(buf: Buf): void {
    if (buf.root !== buf.id) throw new Error(`free ${buf.label}: a view; free its allocation instead`);
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
    if (buf.dtype === "f16") {
      if (!(data instanceof Float32Array)) throw new Error(`write ${buf.label}: an f16 buffer takes f32 values`);
      dst.set(Float16Array.from(data), offset);
      return;
    }
    // Copy bits, not values: writing a Float32Array into a u32 buffer keeps its bit pattern, as on the GPU.
    new Uint32Array(dst.buffer, dst.byteOffset + offset * 4, data.length).set(
      new Uint32Array(data.buffer, data.byteOffset, data.length),
    );
  }

  read<D extends DType>(buf: Buf<D>, offset = 0, length = buf.length - offset): Promise<TypedArrayOf<D>> {
    const src = this.data(buf);
    if (offset < 0 || length < 0 || offset + length > buf.length)
      throw new Error(`read ${buf.label}: range [${offset}, ${offset + length}) outside length ${buf.length}`);
    return Promise.resolve(src.slice(offset, offset + length) as TypedArrayOf<D>); // the allocation's array type is its dtype's
  }

  run(kernel: KernelSpec, buffers: Record<string, Buf>, uniforms: Uniforms = {}): void {
    checkDispatch(kernel, buffers, uniforms);
    const views: CpuBuffers = {};
    for (const b of kernel.bindings) views[b.name] = this.data(buffers[b.name]);
    kernel.cpu(views, uniforms);
  }

  /** No pipelines to compile. */
  async prepare(_kernels: readonly KernelSpec[]): Promise<void> {}

  async submit(): Promise<void> {}

  destroy(): void {
    this.roots.clear();
  }

  /** The elements of `buf`: its allocation's array, or a subarray of it for a view. */
  private data(buf: Buf): AnyTypedArray {
    const root = this.roots.get(buf.root);
    if (!root) throw new Error(`buffer ${buf.label} was freed`);
    return buf.root === buf.id ? root : root.subarray(buf.offset, buf.offset + buf.length);
  }
}
