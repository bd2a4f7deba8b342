// dawn-preload.mjs gives Node a browser-like navigator.gpu backed by Dawn
// (the `webgpu` npm package), so a GOOS=js program sees the same WebGPU API
// in Node as in a browser. Load it before Go's wasm_exec_node.js:
//
//	node --import scripts/dawn-preload.mjs "$(go env GOROOT)/lib/wasm/wasm_exec_node.js" x.wasm
//
// 'webgpu' is resolved from the repository's node_modules next to this script,
// not from the current directory, because `go test -exec` runs in the package
// directory.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(new URL('../package.json', import.meta.url));
let entry;
try {
  entry = require.resolve('webgpu');
} catch {
  console.error('dawn-preload: the webgpu npm package is missing; run `npm ci` in the repository root');
  process.exit(2);
}
const { create, globals } = await import(pathToFileURL(entry).href);
Object.assign(globalThis, globals);
// Dawn rounds GPU timestamps down to multiples of 65.5 us unless told not
// to, which reads most of a small model's kernels as 0 in the profiler.
// DAWN_FLAGS (space-separated Dawn toggles) replaces this default.
const flags = process.env.DAWN_FLAGS ?? 'disable-dawn-features=timestamp_quantization';
globalThis.navigator = { gpu: create(flags.split(' ').filter(Boolean)) };

// The Go instance's memory, for zero-copy buffer writes.
await import('./wasm-memory.mjs');
