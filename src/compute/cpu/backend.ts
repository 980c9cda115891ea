// The CPU backend: every kernel runs as its TypeScript twin (KernelSpec.cpu) on typed arrays.
// It is the readable reference the WGSL kernels are tested against, and the fallback where no
// WebGPU adapter exists. Work runs at run() time, so submit() has nothing to wait for.

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

interface CpuBuf extends Buf {
  data: AnyTypedArray;
}

export class CpuBackend implements Backend {
  readonly info: BackendInfo;
  private nextId = 1;
  private roots = new Map<number, CpuBuf>();

  constructor(fallbackReason?: string) {
    this.info = {
      kind: "cpu",
      style: "register",
      description: fallbackReason ? `cpu (TypeScript kernels; no WebGPU: ${fallbackReason})` : "cpu (TypeScript kernels)",
      fallbackReason,
    };
  }

  alloc<D extends DType = "f32">(label: string, length: number, dtype: D = "f32" as D): Buf {
    if (!Number.isInteger(length) || length < 0) throw new Error(`alloc ${label}: bad length ${length}`);
    const id = this.nextId++;
    const buf: CpuBuf = { id, label, length, dtype, root: id, offset: 0, data: typedArrayFor(dtype, length) };
    this.roots.set(id, buf);
    return buf;
  }

  free(buf: Buf): void {
    if (buf.root !== buf.id) throw new Error(`free ${buf.label}: a view; free its allocation instead`);
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
  }

  read(buf: Buf, offset = 0, length = buf.length - offset): Promise<any> {
    const src = this.data(buf);
    if (offset < 0 || length < 0 || offset + length > buf.length) throw new Error(`read ${buf.label}: range [${offset}, ${offset + length}) outside length ${buf.length}`);
    return Promise.resolve(src.slice(offset, offset + length));
  }

  run(kernel: KernelSpec, buffers: Record<string, Buf>, uniforms: Uniforms = {}): void {
    checkDispatch(kernel, buffers, uniforms);
    const views: CpuBuffers = {};
    for (const b of kernel.bindings) views[b.name] = this.data(buffers[b.name]);
    kernel.cpu(views, uniforms);
  }

  async prepare(_kernels: readonly KernelSpec[]): Promise<void> {}

  async submit(): Promise<void> {}

  destroy(): void {}

  /** The elements of `buf` (a subarray for a view). */
  private data(buf: Buf): AnyTypedArray {
    const root = this.roots.get(buf.root);
    if (!root) throw new Error(`buffer ${buf.label} was freed`);
    return buf.root === buf.id ? root.data : root.data.subarray(buf.offset, buf.offset + buf.length);
  }
}
