// Browser test of the playground's kernel profile (wasm/profiler.go): with
// ?profile=1 a one-step run on WebGPU (SwiftShader) fills the per-kernel
// table with nonzero dispatch counts and times. One step only: a step takes
// tens of seconds on SwiftShader, more with every dispatch timed alone.
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
    for (const k of p.kernels) {
      assert.ok(k.dispatches > 0, `${k.kernel}: ${k.dispatches} dispatches`);
      assert.ok(k.ms > 0, `${k.kernel}: ${k.ms} ms with timing on`);
    }
    const conv = p.kernels.find((k) => k.kernel === 'conv2d');
    assert.ok(conv.gflops > 0, `conv2d GFLOP/s ${conv.gflops}`);
  });

  await check('the table on the page shows the same kernels', async () => {
    const rows = await page.$$eval('#profile-table tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    assert.equal(rows.length, st.profile.kernels.length + 1, `rows: ${JSON.stringify(rows)}`);
    assert.deepEqual(rows[0].slice(0, 2), ['kernel', 'dispatches']);
    for (const r of rows.slice(1)) assert.ok(Number(r[1]) > 0, `row ${r}`);
    const status = await page.textContent('#profile-status');
    assert.match(status, /dispatches \(\d+ per step\)/);
    await page.locator('#profiler').screenshot({ path: join(outDir, 'profiler.png') });
  });

  await check('no page errors', () => assert.deepEqual(errors, []));
}, { dir: process.env.GENPLAY_WEB_DIR }); // default: web/
