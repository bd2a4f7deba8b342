// probe.mjs prints what the GPU run needs to be read against: the adapter
// (features, the limits the kernels pick tile sizes from), where tfjs loads
// from, the queue's round-trip latency, and the device's copy bandwidth,
// the yardstick of issue #5's Q8_0 matrix-vector target (>= 60% of it).
//
//	bash .gpu/h200.sh node bench/device/probe.mjs            # 256 MiB buffers
//	bash .gpu/h200.sh node bench/device/probe.mjs 4          # 4 MiB (SwiftShader)
//
// Bandwidth counts bytes read plus bytes written. It is measured two ways:
// batched (many copies in one submit, so that Node/Dawn's submit-and-wait
// latency is amortized: the hardware's number) and one copy per submit of
// the bytes a Q8_0 4096x4096 weight has, timed as cmd/gpubench times one
// run (submit to onSubmittedWorkDone), so that gpubench's matvec time can be
// set against a copy of the same size measured the same way.
import { createRequire } from 'node:module';

const MiB = 1 << 20;
const sizeMiB = Number(process.argv[2] || 256);
const samples = Number(process.argv[3] || 7);
const q8Bytes = (4096 * 4096 / 32) * 34; // GGML Q8_0: 32 int8 + an f16 scale per block

const gpu = globalThis.navigator?.gpu;
if (!gpu) {
  console.error('probe.mjs: no navigator.gpu; run it through .gpu/h200.sh');
  process.exit(2);
}

function tfjsOrigin() {
  const require = createRequire(new URL('../../package.json', import.meta.url));
  return ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu'].map((p) => {
    try {
      return `${p}: ${require.resolve(p)}`;
    } catch {
      return `${p}: NOT FOUND`;
    }
  });
}

const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
if (!adapter) {
  console.error('probe.mjs: no adapter');
  process.exit(1);
}
const info = adapter.info ?? {};
const subgroups = info.subgroupMinSize ? `; subgroup size ${info.subgroupMinSize}-${info.subgroupMaxSize}` : '';
console.log(`adapter: ${info.vendor} | ${info.architecture} | ${info.device} | ${info.description}${subgroups}`);
console.log(`features: ${[...adapter.features].sort().join(' ')}`);
const limitNames = [
  'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize',
  'maxBufferSize', 'minStorageBufferOffsetAlignment', 'subgroupMinSize', 'subgroupMaxSize',
];
console.log(`limits: ${limitNames.filter((n) => adapter.limits[n] !== undefined).map((n) => `${n}=${adapter.limits[n]}`).join(' ')}`);
for (const line of tfjsOrigin()) console.log(`tfjs: ${line}`);

const bytes = Math.min(sizeMiB * MiB, adapter.limits.maxBufferSize, adapter.limits.maxStorageBufferBindingSize) & ~15;
const device = await adapter.requestDevice({
  requiredLimits: {
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  },
});
device.addEventListener?.('uncapturederror', (e) => console.error('probe.mjs: device error:', e.error?.message));
const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
const src = device.createBuffer({ size: bytes, usage });
const dst = device.createBuffer({ size: bytes, usage });
// Non-zero source data: some drivers shortcut copies of zeroed pages.
{
  const chunk = new Uint32Array(Math.min(bytes, 16 * MiB) / 4);
  for (let i = 0; i < chunk.length; i++) chunk[i] = i * 2654435761;
  for (let off = 0; off < bytes; off += chunk.byteLength) {
    device.queue.writeBuffer(src, off, chunk, 0, Math.min(chunk.length, (bytes - off) / 4));
  }
}

// A grid-stride vec4 copy: a fixed grid of workgroups, each invocation
// looping over the buffer, is how a bandwidth-bound kernel reaches peak.
const module = device.createShaderModule({
  code: `
@group(0) @binding(0) var<storage, read> src: array<vec4u>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4u>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let n = arrayLength(&dst);
  for (var i = g.x; i < n; i += nw.x * 256u) { dst[i] = src[i]; }
}`,
});
const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });

function bindGroup(n) {
  return device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: src, size: n } },
      { binding: 1, resource: { buffer: dst, size: n } },
    ],
  });
}

const copyBuffer = (n) => (enc) => enc.copyBufferToBuffer(src, 0, dst, 0, n);
function copyKernel(n) {
  const bg = bindGroup(n);
  const groups = Math.min(Math.ceil(n / 16 / 256), 8192);
  return (enc) => {
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bg);
    pass.dispatchWorkgroups(groups);
    pass.end();
  };
}

// run encodes reps copies, then times only the submit and the wait.
async function run(encode, reps) {
  const enc = device.createCommandEncoder();
  for (let r = 0; r < reps; r++) encode(enc);
  const cb = enc.finish();
  const t0 = performance.now();
  device.queue.submit([cb]);
  await device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// batched grows the batch until one submit takes 20 ms, then reports the
// median time per copy.
async function batched(encode) {
  await run(encode, 1);
  let reps = 1;
  while (reps < 1024 && (await run(encode, reps)) < 20) reps *= 2;
  const per = [];
  for (let s = 0; s < samples; s++) per.push((await run(encode, reps)) / reps);
  return { ms: median(per), reps };
}

async function single(encode) {
  await run(encode, 1);
  const ts = [];
  for (let s = 0; s < Math.max(samples, 15); s++) ts.push(await run(encode, 1));
  return { ms: median(ts), min: Math.min(...ts) };
}

const gbs = (n, ms) => ((2 * n) / ms / 1e6).toFixed(1);

const empty = [];
await device.queue.onSubmittedWorkDone();
for (let i = 0; i < 50; i++) {
  const t0 = performance.now();
  device.queue.submit([]);
  await device.queue.onSubmittedWorkDone();
  empty.push(performance.now() - t0);
}
console.log(`submit round trip (empty submit to onSubmittedWorkDone): median ${median(empty).toFixed(3)} ms, fastest ${Math.min(...empty).toFixed(3)} ms`);

const mib = (n) => (n / MiB).toFixed(1);
for (const [name, encode] of [['copyBufferToBuffer', copyBuffer(bytes)], ['copy kernel (vec4, grid-stride)', copyKernel(bytes)]]) {
  const r = await batched(encode);
  console.log(`bandwidth, batched: ${name} ${mib(bytes)} MiB x${r.reps} per submit: ${r.ms.toFixed(4)} ms per copy = ${gbs(bytes, r.ms)} GB/s (read+write)`);
}
const n = Math.min(q8Bytes, bytes);
for (const [name, encode] of [['copyBufferToBuffer', copyBuffer(n)], ['copy kernel (vec4, grid-stride)', copyKernel(n)]]) {
  const r = await single(encode);
  console.log(`bandwidth, one copy per submit (as gpubench times a run): ${name} ${mib(n)} MiB${n === q8Bytes ? ' (Q8_0 4096x4096 weight bytes)' : ''}: median ${r.ms.toFixed(4)} ms = ${gbs(n, r.ms)} GB/s, fastest ${r.min.toFixed(4)} ms`);
}
device.destroy();
