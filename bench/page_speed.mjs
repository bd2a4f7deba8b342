// page_speed.mjs times the two playground pages as their user sees them,
// on WebGPU (SwiftShader) in headless Chromium, from the pages' own
// statistics over several page loads, medians printed:
//
//   - text.html, fortunes: window.genplay.tokPerS (decoded tokens a second
//     after the first) and ttftMs (the first token, prefill and pipeline
//     compiles included);
//   - index.html, fashion: window.genplay.msPerStep of the last step;
//   - both: window.genplay.kernels.ms, the GPU kernels' compile while the
//     page loads (webgpu Precompile; before it, a first run paid for it).
//
//	make wasm build && node bench/page_speed.mjs [runs] [tokens] [steps] [web dir]
//
// The web dir (default web/) lets two builds of genplay.wasm be compared
// with one command each.
import { join, resolve } from 'node:path';
import { withBrowser, check, waitFor, state, root } from '../test/browser/harness.mjs';

const runs = Number(process.argv[2] || 5);
const tokens = Number(process.argv[3] || 64);
const steps = Number(process.argv[4] || 3);
const dir = resolve(process.argv[5] || join(root, 'web'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const finished = () => ['done', 'stopped', 'error'].includes(document.body.dataset.phase);

// load opens path and waits for its run to finish on WebGPU.
async function load(page, path, what) {
  await page.goto(path);
  await waitFor(page, finished, null, { what, timeoutS: 600 });
  const st = await state(page);
  if (st.phase !== 'done' || !/webgpu/.test(st.backend)) {
    throw new Error(`${what}: ${st.phase} on ${st.backend}: ${st.message || st.error || ''}`);
  }
  return st;
}

await withBrowser(async ({ url, context }) => {
  const page = context.pages()[0] || await context.newPage();
  console.log(`# ${dir}`);
  await check(`text: ${runs} runs of ${tokens} tokens`, async () => {
    const q = new URLSearchParams({ model: 'fortunes', prompt: 'Q: What', seed: 3, n: tokens, autoplay: 1 });
    const rates = [], firsts = [], compiles = [];
    for (let i = 0; i < runs; i++) {
      const st = await load(page, `${url}text.html?${q}`, 'the text run');
      rates.push(st.tokPerS);
      firsts.push(st.ttftMs);
      compiles.push(st.kernels?.ms ?? NaN);
      console.log(`# text run ${i}: ${st.steps.length} tokens, ${st.tokPerS.toFixed(1)} tokens/s after the first, first at ${st.ttftMs.toFixed(0)} ms, kernels ${JSON.stringify(st.kernels)}`);
    }
    console.log(`# text median: ${median(rates).toFixed(1)} tokens/s, first token ${median(firsts).toFixed(0)} ms, kernels compiled in ${median(compiles).toFixed(0)} ms while loading`);
  });
  await check(`diffusion: ${runs} runs of ${steps} steps`, async () => {
    const q = new URLSearchParams({ class: 'sneaker', seed: 42, steps, sampler: 'ddim', guidance: 3, autoplay: 1 });
    const ms = [], compiles = [];
    for (let i = 0; i < runs; i++) {
      const st = await load(page, `${url}?${q}`, 'the diffusion run');
      ms.push(st.msPerStep);
      compiles.push(st.kernels?.ms ?? NaN);
      console.log(`# diffusion run ${i}: last of ${st.total} steps ${st.msPerStep.toFixed(0)} ms, kernels ${JSON.stringify(st.kernels)}`);
    }
    console.log(`# diffusion median: ${median(ms).toFixed(0)} ms a step, kernels compiled in ${median(compiles).toFixed(0)} ms while loading`);
  });
}, { dir });
