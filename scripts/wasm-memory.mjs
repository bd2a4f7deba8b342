// wasm-memory.mjs publishes the Go program's WebAssembly.Memory as
// globalThis.genplayWasmMemory, as the page does in a browser, so that Go
// can hand WebGPU views on its own memory (zero-copy buffer writes,
// kernels/wgpu/queue_js.go; the binding checks the memory is really its
// own and falls back to copying). scripts/dawn-preload.mjs imports it;
// bench/device/h200-run.sh adds it through NODE_OPTIONS=--import, since
// ../shared/device/gpu-preload.mjs does not.
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async function (...args) {
  const result = await instantiate.apply(this, args);
  const instance = result instanceof WebAssembly.Instance ? result : result.instance;
  if (instance && instance.exports.mem instanceof WebAssembly.Memory) {
    globalThis.genplayWasmMemory = instance.exports.mem;
  }
  return result;
};
