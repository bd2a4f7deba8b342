// Browser test of the playground's kernel profile (wasm/profiler.go): with
// ?profile=1 a one-step run on WebGPU (SwiftShader) fills the per-kernel
// table with nonzero dispatch counts and times, and says how they were
// taken: GPU timestamps when the adapter offers 'timestamp-query', else the
// queue's round trip per dispatch. One step only: a step takes tens of
// seconds on SwiftShader, more with every dispatch timed alone. The text
// page has the same panel: a profiled 4-token run reports the decoder's
// kernels per token.
//
//	make wasm build && node test/browser/profiler_page.mjs
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { withBrowser, check, watch, waitFor, state, outDir } from './harness.mjs';

await withBrowser(async ({ url, context }) => {
  const page = context.pages()[0] || await context.newPage();
  const errors = watch(page);
  await page.goto(`${url}?class=sneaker&seed=7&steps=1&sampler=ddim&guidance=3&profile=1&autoplay=1`);
  await waitFor(page, () => ['done', 'stopped', 'error', 'need-cpu'].includes(document.body.dataset.phase), null,
    { timeoutS: 600, what: 'the profiled run to finish' });
  const st = await state(page);
  const features = await page.evaluate(async () => {
    const a = await navigator.gpu.requestAdapter();
    return a ? [...a.features] : [];
  });

  await check('a profiled run on WebGPU reports every kernel it dispatched', () => {
    assert.equal(st.phase, 'done', `phase ${st.phase}, error: ${st.error}, message: ${st.message}`);
    assert.match(st.backend, /^webgpu/);
    const p = st.profile;
    assert.ok(p, 'window.genplay.profile is missing');
    assert.equal(p.steps, 1);
    assert.ok(p.dispatches > 0, `dispatches ${p.dispatches}`);
    const names = p.kernels.map((k) => k.kernel);
    for (const k of ['conv2d', 'group_norm', 'attention']) assert.ok(names.includes(k), `kernels: ${names}`);
    assert.equal(p.kernels.reduce((n, k) => n + k.dispatches, 0), p.dispatches);
    // The page's adapter decides the method; either must be named.
    const adapterHasTimestamps = features.includes('timestamp-query');
    console.log(`     timing: ${p.timing} (adapter ${adapterHasTimestamps ? 'has' : 'lacks'} timestamp-query)`);
    if (p.gpuTime) {
      assert.ok(adapterHasTimestamps, 'GPU timestamps without the feature');
      assert.match(p.timing, /GPU timestamps/);
    } else {
      assert.match(p.timing, /wait for the queue/);
    }
    for (const k of p.kernels) {
      assert.ok(k.dispatches > 0, `${k.kernel}: ${k.dispatches} dispatches`);
      assert.ok(k.timed > 0 && k.timed <= k.dispatches, `${k.kernel}: ${k.timed} of ${k.dispatches} timed`);
      // A queue round trip is never 0; a quantized GPU time of a short
      // kernel can be, so with timestamps only the big kernels must show.
      if (!p.gpuTime) assert.ok(k.ms > 0, `${k.kernel}: ${k.ms} ms with timing on`);
    }
    const conv = p.kernels.find((k) => k.kernel === 'conv2d');
    assert.ok(conv.ms > 0 && conv.gflops > 0, `conv2d ${conv.ms} ms, GFLOP/s ${conv.gflops}`);
  });

  await check('the table on the page shows the same kernels', async () => {
    const rows = await page.$$eval('#profile-table tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    assert.equal(rows.length, st.profile.kernels.length + 1, `rows: ${JSON.stringify(rows)}`);
    assert.deepEqual(rows[0].slice(0, 3), ['kernel', 'dispatches', st.profile.gpuTime ? 'GPU ms' : 'ms (queue)']);
    for (const r of rows.slice(1)) assert.ok(Number(r[1]) > 0, `row ${r}`);
    const status = await page.textContent('#profile-status');
    assert.match(status, /dispatches \(\d+ per step\)/);
    assert.ok(status.includes(`timing: ${st.profile.timing}`), `status: ${status}`);
    await page.locator('#profiler').screenshot({ path: join(outDir, 'profiler.png') });
  });

  await check('the text page profiles a generation per token', async () => {
    const q = new URLSearchParams({ model: 'fortunes', prompt: 'Q: What', seed: 3, n: 4, profile: 1, autoplay: 1 });
    await page.goto(`${url}text.html?${q}`);
    await waitFor(page, () => ['done', 'stopped', 'error'].includes(document.body.dataset.phase), null,
      { timeoutS: 300, what: 'the profiled text run to finish' });
    const ts = await state(page);
    assert.equal(ts.phase, 'done', `phase ${ts.phase}: ${ts.message || ts.error}`);
    assert.match(ts.backend, /^webgpu/);
    const p = ts.profile;
    assert.ok(p, 'window.genplay.profile is missing on the text page');
    assert.equal(p.steps, ts.steps.length);
    const names = p.kernels.map((k) => k.kernel);
    for (const k of ['matvec', 'attention', 'split_qkv']) assert.ok(names.includes(k), `kernels: ${names}`);
    assert.equal(p.kernels.reduce((n, k) => n + k.dispatches, 0), p.dispatches);
    const status = await page.textContent('#profile-status');
    assert.match(status, new RegExp(`Last run: ${p.steps} tokens, ${p.dispatches} dispatches \\(\\d+ per token\\)`), `status: ${status}`);
    await page.locator('#profiler').screenshot({ path: join(outDir, 'text-profiler.png') });
  });

  await check('no page errors', () => assert.deepEqual(errors, []));
}, { dir: process.env.GENPLAY_WEB_DIR }); // default: web/
