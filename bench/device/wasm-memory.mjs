// wasm-memory.mjs publishes the Go program's WebAssembly.Memory as
// globalThis.genplayWasmMemory, as scripts/dawn-preload.mjs does here and
// the page does in a browser, so that the GPU run takes the same zero-copy
// upload path (kernels/wgpu/queue_js.go) as the numbers it is compared
// with. ../shared/device/gpu-preload.mjs does not; h200-run.sh adds this
// file through NODE_OPTIONS=--import.
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async function (...args) {
  const result = await instantiate.apply(this, args);
  const instance = result instanceof WebAssembly.Instance ? result : result.instance;
  if (instance && instance.exports.mem instanceof WebAssembly.Memory) {
    globalThis.genplayWasmMemory = instance.exports.mem;
  }
  return result;
};
