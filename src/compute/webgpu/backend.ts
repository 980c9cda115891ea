// The WebGPU backend: runs each kernel's WGSL on a Dawn device.
//
// Cost model (Dawn + lavapipe, anchors §4/§5.3): ~19 µs per dispatch inside a compute pass but
// ~96 µs per submit-and-wait, and dawn.node spins a core while any promise is pending. So run()
// only records: dispatches go into ONE open command encoder (one compute pass), and the encoder
// is submitted only when it must be: before a write() (queue writes would overtake the recorded
// work), at read(), at submit(), or when the uniform ring is full.
//
// Uniforms: every dispatch's uniform struct is packed into a host mirror of one uniform "ring"
// buffer at its own aligned offset and bound with a dynamic offset; the mirror is uploaded once,
// just before its command buffer is submitted. So any number of dispatches with different
// uniforms share one bind group per buffer set.
//
// Caches: one shader module per WGSL source, one pipeline + bind-group layout per kernel, one
// bind group per (kernel, buffers) combination (dropped when one of its buffers is freed).
//
// Errors: each command buffer is recorded inside validation and out-of-memory error scopes whose
// results are checked at the next read()/submit(); uncaptured errors and device loss are recorded
// the same way. Nothing is ignored.

import {
  bytesOf,
  checkDispatch,
  packUniforms,
  viewOf,
  uniformBytes,
  type AnyTypedArray,
  type Backend,
  type BackendInfo,
  type Buf,
  type DType,
  type TypedArrayOf,
  type KernelSpec,
  type KernelStyle,
  type Uniforms,
} from "../backend.ts";
import type { OpenedDevice } from "./adapter.ts";

/**
 * KEISEI_KERNELS=tiled|register overrides the kernel style the adapter implies (for tests, or an
 * adapter misjudged either way); unset or empty: no override. Anything else is an error.
 */
export function kernelStyleOverride(value: string | undefined): KernelStyle | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === "tiled" || value === "register") return value;
  throw new Error(
    `KEISEI_KERNELS is "${value}"; it must be "tiled" (workgroup-tiled kernels, for GPUs) or "register" (register-blocked, for CPU adapters), or unset`,
  );
}

export interface WebGpuBackendOptions {
  /** Kernel style; wins over KEISEI_KERNELS and the adapter's own (opened.style). */
  style?: KernelStyle;
}

interface Pipeline {
  spec: KernelSpec;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  uniformSize: number;
}

/** Bytes of the uniform ring; a command buffer holds at most RING_BYTES / stride dispatches. */
const RING_BYTES = 1 << 20;

export class WebGpuBackend implements Backend {
  info: BackendInfo;
  /** The autotuned variant per kernel family (useVariants); none: the style's defaults. */
  variants?: Readonly<Record<string, KernelSpec>>;
  readonly device: GPUDevice;
  private nextId = 1;
  private modules = new Map<string, GPUShaderModule>();
  private pipelines = new Map<string, Pipeline>();
  private bindGroups = new Map<string, GPUBindGroup>();
  private bindGroupsOfRoot = new Map<number, string[]>();
  private roots = new Map<number, GPUBuffer>();
  private rootLength = new Map<number, number>(); // elements of each allocation
  private ring: GPUBuffer;
  private ringMirror = new ArrayBuffer(RING_BYTES);
  private ringView = new DataView(this.ringMirror);
  private ringCursor = 0;
  private ringAlign: number;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private recorded: string[] = []; // kernel names in the open command buffer, for error messages
  private pendingErrors: Promise<string | null>[] = [];
  private lateErrors: string[] = [];
  private lost: GPUDeviceLostInfo | null = null;
  private destroyed = false;
  private staging = new Map<number, GPUBuffer[]>();
  /** Dispatches and submits since creation (for benchmarks and tests). */
  readonly counters = { dispatches: 0, submits: 0 };

  constructor(opened: OpenedDevice, options: WebGpuBackendOptions = {}) {
    const { device, details } = opened;
    const forced = options.style ?? kernelStyleOverride(process.env.KEISEI_KERNELS);
    const style = forced ?? opened.style;
    this.device = device;
    this.info = {
      kind: "webgpu",
      style,
      adapter: details,
      f16: device.features.has("shader-f16"),
      description:
        `webgpu: ${details.vendor || "?"} ${details.architecture || ""} ${details.description || details.device || ""}`
          .replace(/\s+/g, " ")
          .trim() +
        (details.isFallbackAdapter ? " (fallback adapter)" : "") +
        `, ${style} kernels${forced && forced !== opened.style ? ` (forced; the adapter implies ${opened.style})` : ""}`,
    };
    this.ringAlign = Math.max(16, device.limits.minUniformBufferOffsetAlignment);
    this.ring = device.createBuffer({
      label: "uniform ring",
      size: RING_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    device.lost.then((info) => {
      this.lost = info;
      if (!this.destroyed) console.error(`[keisei] WebGPU device lost (${info.reason}): ${info.message}`);
    });
    device.addEventListener("uncapturederror", (ev) => {
      this.lateErrors.push((ev as GPUUncapturedErrorEvent).error.message);
    });
  }

  /** Runs `variants` for their families from now on (autotune's choice); `summary` joins the description. */
  useVariants(variants: Readonly<Record<string, KernelSpec>>, summary: string): void {
    this.variants = variants;
    this.info = { ...this.info, description: `${this.info.description}; ${summary}` };
  }

  // ---------------------------------------------------------------- buffers

  alloc<D extends DType = "f32">(label: string, length: number, dtype: D = "f32" as D): Buf<D> {
    this.alive();
    if (!Number.isInteger(length) || length < 0) throw new Error(`alloc ${label}: bad length ${length}`);
    if (dtype === "f16" && !this.info.f16)
      throw new Error(`alloc ${label}: f16 storage needs shader-f16, which this device was not opened with`);
    // Storage bindings must be non-empty and 4-byte multiples; round tiny buffers up to 16 bytes.
    const size = Math.max(16, Math.ceil((length * bytesOf(dtype)) / 16) * 16);
    const gpu = this.device.createBuffer({
      label,
      size,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    const id = this.nextId++;
    this.roots.set(id, gpu);
    this.rootLength.set(id, length);
    return { id, label, length, dtype, root: id, offset: 0 };
  }

  free(buf: Buf): void {
    if (buf.root !== buf.id) throw new Error(`free ${buf.label}: a view; free its allocation instead`);
    const gpu = this.roots.get(buf.id);
    if (!gpu) return;
    for (const key of this.bindGroupsOfRoot.get(buf.id) ?? []) this.bindGroups.delete(key);
    this.bindGroupsOfRoot.delete(buf.id);
    this.roots.delete(buf.id);
    this.rootLength.delete(buf.id);
    // Recorded work may still use it: destroy only after the open command buffer is sent.
    this.flush();
    gpu.destroy();
  }

  view<D extends DType>(buf: Buf<D>, offset: number, length: number, label?: string): Buf<D> {
    return viewOf(buf, offset, length, this.nextId++, label);
  }

  write(buf: Buf, data: AnyTypedArray, offset = 0): void {
    this.alive();
    const gpu = this.gpuOf(buf);
    if (offset + data.length > buf.length)
      throw new Error(`write ${buf.label}: ${data.length} elements at ${offset} overflow length ${buf.length}`);
    if (data.length === 0) return;
    this.flush(); // queue writes would otherwise overtake dispatches recorded before this call
    if (buf.dtype === "f16") this.writeF16(buf, gpu, data, offset);
    else this.device.queue.writeBuffer(gpu, (buf.offset + offset) * 4, data.buffer, data.byteOffset, data.byteLength);
  }

  /**
   * f32 values into an f16 buffer, rounded to nearest. Queue writes move whole 4-byte words, so the
   * range must start on an even element and end on one, or at the end of its allocation (whose
   * padding takes the odd half-word).
   */
  private writeF16(buf: Buf, gpu: GPUBuffer, data: AnyTypedArray, offset: number): void {
    if (!(data instanceof Float32Array)) throw new Error(`write ${buf.label}: an f16 buffer takes f32 values`);
    const start = buf.offset + offset;
    const end = start + data.length;
    const rootEnd = gpu.size / 2;
    const padded = end % 2 === 1 && end + 1 <= rootEnd && this.isRootEnd(buf, end) ? end + 1 : end;
    if (start % 2 !== 0 || padded % 2 !== 0)
      throw new Error(
        `write ${buf.label}: f16 elements [${start}, ${end}) of its allocation do not start and end on 4-byte boundaries`,
      );
    const half = new Float16Array(padded - start);
    half.set(data);
    this.device.queue.writeBuffer(gpu, start * 2, half.buffer, 0, half.byteLength);
  }

  /** Whether element `end` of `buf`'s allocation is past every element of it (only padding follows). */
  private isRootEnd(buf: Buf, end: number): boolean {
    return end >= (this.rootLength.get(buf.root) ?? Number.POSITIVE_INFINITY);
  }

  async read<D extends DType>(buf: Buf<D>, offset = 0, length = buf.length - offset): Promise<TypedArrayOf<D>> {
    this.alive();
    const src = this.gpuOf(buf);
    if (offset < 0 || length < 0 || offset + length > buf.length)
      throw new Error(`read ${buf.label}: range [${offset}, ${offset + length}) outside length ${buf.length}`);
    // f16: whole 4-byte words are copied (the allocation is padded to 16 bytes), then widened
    const half = buf.dtype === "f16";
    const first = half ? (buf.offset + offset) & ~1 : buf.offset + offset;
    const skip = buf.offset + offset - first;
    const bytes = half ? Math.ceil((skip + length) / 2) * 4 : length * 4;
    const out = (
      buf.dtype === "f32" || half
        ? new Float32Array(length)
        : buf.dtype === "u32"
          ? new Uint32Array(length)
          : new Int32Array(length)
    ) as TypedArrayOf<D>;
    if (length === 0) return out;
    const size = Math.ceil(bytes / 16) * 16;
    const staging =
      this.staging.get(size)?.pop() ??
      this.device.createBuffer({
        label: `staging ${size}`,
        size,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
    this.openEncoder();
    this.endPass();
    this.encoder!.copyBufferToBuffer(src, first * bytesOf(buf.dtype), staging, 0, bytes);
    this.recorded.push(`read(${buf.label})`);
    this.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, size);
    } catch (e) {
      await this.throwErrors();
      this.alive();
      throw new Error(`read ${buf.label}: mapAsync failed: ${(e as Error).message}`);
    }
    if (half) (out as Float32Array).set(new Float16Array(staging.getMappedRange(0, size), skip * 2, length));
    else new Uint8Array(out.buffer).set(new Uint8Array(staging.getMappedRange(0, size), 0, bytes));
    staging.unmap();
    let pool = this.staging.get(size);
    if (!pool) {
      pool = [];
      this.staging.set(size, pool);
    }
    pool.push(staging);
    await this.throwErrors();
    return out;
  }

  // ---------------------------------------------------------------- kernels

  async prepare(kernels: readonly KernelSpec[]): Promise<void> {
    this.alive();
    await Promise.all(
      kernels.map(async (k) => {
        if (this.pipelines.has(k.name)) return;
        this.device.pushErrorScope("validation");
        const module = this.module(k);
        const info = await module.getCompilationInfo();
        await this.device.popErrorScope(); // the same errors as the compilation messages below
        const errors = info.messages.filter((m) => m.type === "error");
        if (errors.length)
          throw new Error(
            `WGSL of kernel ${k.name} does not compile:\n${errors.map((m) => `  line ${m.lineNum}:${m.linePos} ${m.message}`).join("\n")}`,
          );
        const layout = this.bindGroupLayout(k);
        let pipeline: GPUComputePipeline;
        try {
          pipeline = await this.device.createComputePipelineAsync({
            label: k.name,
            layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
            compute: { module, entryPoint: k.entryPoint },
          });
        } catch (e) {
          throw new Error(`kernel ${k.name}: pipeline creation failed: ${(e as Error).message}`);
        }
        this.pipelines.set(k.name, { spec: k, pipeline, layout, uniformSize: uniformBytes(k) });
      }),
    );
  }

  run(kernel: KernelSpec, buffers: Record<string, Buf>, uniforms: Uniforms = {}): void {
    this.alive();
    checkDispatch(kernel, buffers, uniforms);
    const [x, y = 1, z = 1] = kernel.workgroups(uniforms);
    for (const g of [x, y, z]) {
      if (!Number.isInteger(g) || g < 0 || g > this.device.limits.maxComputeWorkgroupsPerDimension)
        throw new Error(`kernel ${kernel.name}: bad workgroup count ${[x, y, z]}`);
    }
    if (x * y * z === 0) return;
    const p = this.pipeline(kernel);
    const stride = Math.ceil(p.uniformSize / this.ringAlign) * this.ringAlign;
    if (this.ringCursor + stride > RING_BYTES) this.flush();
    const offset = this.ringCursor;
    packUniforms(kernel, uniforms, this.ringView, offset);
    this.ringCursor += stride;
    this.openEncoder();
    if (!this.pass) this.pass = this.encoder!.beginComputePass();
    this.pass.setPipeline(p.pipeline);
    this.pass.setBindGroup(0, this.bindGroup(p, buffers), [offset]);
    this.pass.dispatchWorkgroups(x, y, z);
    this.recorded.push(kernel.name);
    this.counters.dispatches++;
  }

  async submit(): Promise<void> {
    this.alive();
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.throwErrors();
    this.alive();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.device.destroy();
  }

  // ---------------------------------------------------------------- internals

  private alive(): void {
    if (this.destroyed) throw new Error("WebGPU backend used after destroy()");
    if (this.lost) throw new Error(`WebGPU device lost (${this.lost.reason}): ${this.lost.message}`);
  }

  /** The GPUBuffer of `buf`'s allocation. */
  private gpuOf(buf: Buf): GPUBuffer {
    const g = this.roots.get(buf.root);
    if (!g) throw new Error(`buffer ${buf.label} was freed`);
    return g;
  }

  private module(k: KernelSpec): GPUShaderModule {
    let m = this.modules.get(k.source);
    if (!m) {
      m = this.device.createShaderModule({ label: k.name, code: k.source });
      this.modules.set(k.source, m);
    }
    return m;
  }

  private bindGroupLayout(k: KernelSpec): GPUBindGroupLayout {
    return this.device.createBindGroupLayout({
      label: k.name,
      entries: [
        {
          binding: 0,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: "uniform", hasDynamicOffset: true, minBindingSize: uniformBytes(k) },
        },
        ...k.bindings.map((b, i) => ({
          binding: i + 1,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: (b.access === "read" ? "read-only-storage" : "storage") as GPUBufferBindingType },
        })),
      ],
    });
  }

  /** The cached pipeline; created synchronously (errors surface at the next read/submit) if prepare() was not called. */
  private pipeline(k: KernelSpec): Pipeline {
    const cached = this.pipelines.get(k.name);
    if (cached) {
      if (cached.spec !== k && (cached.spec.source !== k.source || cached.spec.entryPoint !== k.entryPoint))
        throw new Error(`two different kernels are named ${k.name}`);
      return cached;
    }
    this.device.pushErrorScope("validation");
    const layout = this.bindGroupLayout(k);
    const pipeline = this.device.createComputePipeline({
      label: k.name,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module: this.module(k), entryPoint: k.entryPoint },
    });
    this.pendingErrors.push(
      this.device.popErrorScope().then((e) => (e ? `creating pipeline ${k.name}: ${e.message}` : null)),
    );
    const p = { spec: k, pipeline, layout, uniformSize: uniformBytes(k) };
    this.pipelines.set(k.name, p);
    return p;
  }

  private bindGroup(p: Pipeline, buffers: Record<string, Buf>): GPUBindGroup {
    const bufs = p.spec.bindings.map((b) => buffers[b.name]);
    const key = `${p.spec.name}|${bufs.map((b) => `${b.root}:${b.offset}:${b.length}`).join(",")}`;
    let bg = this.bindGroups.get(key);
    if (!bg) {
      bg = this.device.createBindGroup({
        label: key,
        layout: p.layout,
        entries: [
          { binding: 0, resource: { buffer: this.ring, offset: 0, size: p.uniformSize } },
          ...bufs.map((b, i) => ({
            binding: i + 1,
            resource: {
              buffer: this.gpuOf(b),
              offset: b.offset * bytesOf(b.dtype),
              size: Math.max(4, Math.ceil((b.length * bytesOf(b.dtype)) / 4) * 4),
            },
          })),
        ],
      });
      this.bindGroups.set(key, bg);
      for (const b of bufs) {
        let keys = this.bindGroupsOfRoot.get(b.root);
        if (!keys) {
          keys = [];
          this.bindGroupsOfRoot.set(b.root, keys);
        }
        keys.push(key);
      }
    }
    return bg;
  }

  private openEncoder(): void {
    if (this.encoder) return;
    this.device.pushErrorScope("out-of-memory");
    this.device.pushErrorScope("validation");
    this.encoder = this.device.createCommandEncoder();
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** Sends the open command buffer (uniforms first) without waiting for it. */
  private flush(): void {
    if (!this.encoder) return;
    this.endPass();
    if (this.ringCursor > 0) this.device.queue.writeBuffer(this.ring, 0, this.ringMirror, 0, this.ringCursor);
    this.device.queue.submit([this.encoder.finish()]);
    this.counters.submits++;
    const what =
      this.recorded.length > 8
        ? `${this.recorded.slice(0, 8).join(", ")} … (${this.recorded.length} commands)`
        : this.recorded.join(", ");
    const validation = this.device.popErrorScope();
    const oom = this.device.popErrorScope();
    this.pendingErrors.push(
      Promise.all([validation, oom]).then(([v, o]) => {
        const e = v ?? o;
        return e ? `${e.message}\n  (in the command buffer with: ${what})` : null;
      }),
    );
    this.encoder = null;
    this.ringCursor = 0;
    this.recorded = [];
  }

  private async throwErrors(): Promise<void> {
    const pending = this.pendingErrors;
    this.pendingErrors = [];
    const messages = [...(await Promise.all(pending)).filter((m): m is string => m !== null), ...this.lateErrors];
    this.lateErrors = [];
    if (messages.length) throw new Error(`WebGPU error: ${messages.join("\n")}`);
  }
}
