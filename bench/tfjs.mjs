// tfjs.mjs runs tfjs-backend-webgpu's equivalents of genplay's kernels for
// cmd/gpubench, in the same Node process and on the same GPUDevice. Node
// loads it with --import after scripts/dawn-preload.mjs and before the Go
// program (bench/gpubench.sh does this):
//
//	node --import scripts/dawn-preload.mjs --import bench/tfjs.mjs \
//	    "$(go env GOROOT)/lib/wasm/wasm_exec_node.js" bin/gpubench.wasm -tfjs
//
// or, where Go is not installed (a GPU machine with only Node and Dawn), as
// the main script that runs the wasm itself:
//
//	node --import <a navigator.gpu preload> bench/tfjs.mjs bin/gpubench.wasm -tfjs -size large
//
// (wasm_exec.js from $GO_WASM_EXEC, else from `go env GOROOT`, else next to
// the preload in /tmp/gpu-runtime as ../shared/device/h200.sh unpacks it).
//
// It wraps navigator.gpu so that it can see the device the Go backend
// requests; genplayTFJS.init (called by Go after webgpu.New) hands that
// device to a tfjs WebGPUBackend. genplayTFJS.prepare(op, params, inputs)
// uploads the inputs (genplay layouts: NCHW, [N, K] weights), converts them
// to tfjs's preferred layouts outside the timed region, runs the op once for
// the result check and once to warm up; a timed sample runs the op a given
// number of times back to back and is ended by submitting tfjs's command
// encoder and awaiting queue.onSubmittedWorkDone once (what the Go side's
// Sync does).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(new URL('../package.json', import.meta.url));

if (!globalThis.navigator?.gpu) {
  console.error('bench/tfjs.mjs: no navigator.gpu; load scripts/dawn-preload.mjs first');
  process.exit(2);
}

// Record the adapter and the device genplay's backend requests.
let lastAdapter = null;
let lastDevice = null;
const gpu = globalThis.navigator.gpu;
const requestAdapter = gpu.requestAdapter.bind(gpu);
gpu.requestAdapter = async (opts) => {
  const adapter = await requestAdapter(opts);
  if (adapter) {
    const requestDevice = adapter.requestDevice.bind(adapter);
    adapter.requestDevice = async (desc) => {
      const dev = await requestDevice(desc);
      lastAdapter = adapter;
      lastDevice = dev;
      return dev;
    };
  }
  return adapter;
};
// Keep the patched object reachable even if something rebinds navigator.
globalThis.navigator.gpu = gpu;

// Count compute dispatches (ours and tfjs's: the Go binding looks the
// method up after this runs), so prepare can say how many one tfjs op takes.
let dispatches = 0;
const dispatch = GPUComputePassEncoder.prototype.dispatchWorkgroups;
GPUComputePassEncoder.prototype.dispatchWorkgroups = function (...args) {
  dispatches++;
  return dispatch.apply(this, args);
};

let tf = null;
let device = null;

async function init() {
  if (!lastDevice) {
    throw new Error('genplayTFJS.init: no device yet; call it after webgpu.New');
  }
  tf = require('@tensorflow/tfjs-core');
  const tfwebgpu = require('@tensorflow/tfjs-backend-webgpu');
  device = lastDevice;
  // The package registered a 'webgpu' factory that would open its own
  // device; replace it with one on ours (kernels stay registered by name).
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new tfwebgpu.WebGPUBackend(device, lastAdapter.info));
  if (!(await tf.setBackend('webgpu'))) {
    throw new Error('tfjs: setBackend(webgpu) failed');
  }
  await tf.ready();
  const version = require('@tensorflow/tfjs-backend-webgpu/package.json').version;
  return `tfjs-backend-webgpu ${version} on the same GPUDevice`;
}

// flush submits what tfjs has recorded and waits for the device.
async function flush() {
  const be = tf.backend();
  be.endComputePassEncoder();
  be.ensureCommandEncoderReady();
  be.submitQueue();
  await device.queue.onSubmittedWorkDone();
}

// Each builder takes the inputs (tf tensors in genplay layouts) and params
// and returns { prep: tensors made once outside timing, fn: () => output
// tensor, back: output tensor -> genplay layout (untimed) }.
const builders = {
  matmul([a, b], p) {
    return { fn: () => tf.matMul(a, b, false, !!p.transB) };
  },
  conv2d([x, w, bias], p) {
    // tfjs prefers NHWC activations and [kh, kw, in, out] filters.
    const xh = tf.transpose(x, [0, 2, 3, 1]);
    const wh = tf.transpose(w, [2, 3, 1, 0]);
    return {
      prep: [xh, wh],
      fn: () => tf.fused.conv2d({ x: xh, filter: wh, bias, strides: p.stride, pad: p.pad }),
      back: (y) => tf.transpose(y, [0, 3, 1, 2]),
    };
  },
  attention([q, k, v], p) {
    const [bs, l, hd] = q.shape;
    const h = p.heads;
    const d = hd / h;
    const scale = tf.scalar(1 / Math.sqrt(d));
    const prep = [scale];
    let mask = null;
    if (p.causal) {
      const m = new Float32Array(l * l);
      for (let i = 0; i < l; i++) for (let j = i + 1; j < l; j++) m[i * l + j] = -1e9;
      mask = tf.tensor(m, [l, l]);
      prep.push(mask);
    }
    const heads = (t) => tf.transpose(tf.reshape(t, [bs, l, h, d]), [0, 2, 1, 3]);
    return {
      prep,
      fn: () => tf.tidy(() => {
        let s = tf.mul(tf.matMul(heads(q), heads(k), false, true), scale);
        if (mask) s = tf.add(s, mask);
        const o = tf.matMul(tf.softmax(s), heads(v));
        return tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [bs, l, hd]);
      }),
    };
  },
};

// prepare uploads the inputs, runs the op once and returns the result (in
// genplay's layout) for the caller to check, with the number of compute
// dispatches the op took, then warms up. The returned handle's time(reps)
// runs the op reps more times and resolves to their milliseconds;
// release() frees everything. Go interleaves time() with its own runs so
// that both see the same machine load.
async function prepare(op, params, inputs) {
  const build = builders[op];
  if (!build) throw new Error(`genplayTFJS: no op ${op}`);
  const ts = inputs.map((x) => tf.tensor(x.data, x.shape));
  const { prep = [], fn, back } = build(ts, params);
  const release = () => { for (const t of [...ts, ...prep]) t.dispose(); };
  try {
    const d0 = dispatches;
    const y = fn();
    await flush();
    const opDispatches = dispatches - d0;
    const yb = back ? back(y) : y;
    const out = await yb.data();
    if (yb !== y) yb.dispose();
    y.dispose();
    fn().dispose(); // warm-up
    await flush();
    // time(reps) runs the op reps times back to back (tfjs submits every
    // few dispatches on its own; disposing an output still owned by
    // recorded commands is deferred by tfjs until they are submitted),
    // then submits the rest and waits for the queue once: the
    // milliseconds of all reps runs.
    const time = async (reps = 1) => {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) fn().dispose();
      await flush();
      return performance.now() - t0;
    };
    return { out, time, release, dispatches: opDispatches };
  } catch (e) {
    release();
    throw e;
  }
}

globalThis.genplayTFJS = { init, prepare };

// runWasm runs a GOOS=js program (what wasm_exec_node.js does).
async function runWasm(file, args) {
  let exec = process.env.GO_WASM_EXEC;
  if (!exec) {
    try {
      const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
      exec = path.join(goroot, 'lib/wasm/wasm_exec.js');
    } catch {
      exec = '/tmp/gpu-runtime/wasm_exec.js';
    }
  }
  globalThis.require ??= require;
  globalThis.fs ??= fs;
  globalThis.path ??= path;
  await import(pathToFileURL(exec).href);
  const go = new globalThis.Go();
  go.argv = [file, ...args];
  go.env = Object.assign({}, process.env);
  go.exit = process.exit;
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(file), go.importObject);
  await go.run(instance);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.length < 3) {
    console.error('usage: node --import <navigator.gpu preload> bench/tfjs.mjs program.wasm [args...]');
    process.exit(2);
  }
  await runWasm(process.argv[2], process.argv.slice(3));
}
