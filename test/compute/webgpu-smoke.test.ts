// Day-one proof that the GPU path runs: Dawn loads, an adapter answers, a WGSL compute shader runs
// and its result reads back exactly.
import { expect, test } from "bun:test";
import { hasWebGpu, testDevice } from "../helpers/webgpu.ts";

const SHADER = /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i < arrayLength(&out)) { out[i] = a[i] * a[i] + f32(i); }
}`;

test.skipIf(!hasWebGpu)("a WGSL compute shader runs and reads back", async () => {
  const { adapter, device } = (await testDevice())!;
  expect(adapter.info.vendor.length + adapter.info.architecture.length).toBeGreaterThan(0);
  const n = 1000;
  const input = Float32Array.from({ length: n }, (_, i) => (i % 17) - 8.5);
  const a = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const out = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const staging = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(a, 0, input);
  const pipeline = device.createComputePipeline({
    layout: "auto",
    compute: { module: device.createShaderModule({ code: SHADER }), entryPoint: "main" },
  });
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: a } },
      { binding: 1, resource: { buffer: out } },
    ],
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.end();
  enc.copyBufferToBuffer(out, 0, staging, 0, n * 4);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const got = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  for (let i = 0; i < n; i++) expect(got[i]).toBe(Math.fround(input[i] * input[i]) + i);
});
