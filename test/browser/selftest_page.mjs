// Browser test: the real page, the real wasm, the real canvas, in Debian's
// headless Chromium with WebGPU on SwiftShader (the CPU Vulkan it ships).
//
// It serves web/ with `bin/genplay serve`, opens the kernel self-test page,
// waits for the self-test to finish, and checks the results table, the Ebiten
// canvas (decoding a screenshot of it) and the absence of page errors.
//
//	make wasm build && node test/browser/selftest_page.mjs
//
// Screenshots go to out/. Exits non-zero when a check fails; the last line is
// "N passed, M failed".
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { check, outDir, watch, withBrowser } from './harness.mjs';
import { decodePNG, colourStats } from './png.mjs';

const timeoutS = Number(process.env.GENPLAY_BROWSER_TIMEOUT_S || 600);

// Colours of the canvas cells (wasm/selftest_game.go).
const PASS_RGB = [0x2e, 0xc2, 0x7e];
const FAIL_RGB = [0xe0, 0x4f, 0x4f];
const CELL_PIXELS = 7 * 7; // the smallest drawn cell
const SWATCH_PIXELS = 20 * 20; // one legend swatch per colour, drawn at 2x

async function main({ url, context }) {
  const page = context.pages()[0] || await context.newPage();
  const pageErrors = watch(page);

  await page.goto(url + 'selftest.html', { waitUntil: 'load' });
  const state = await waitForSelfTest(page);

  await check('genplay.wasm loaded and started', () => {
    assert.equal(state.started, true, `the Go program did not start (body data-selftest=${state.phase}, error: ${state.error})`);
    assert.ok(state.wasmBytes > 0, 'no wasm bytes were fetched');
    console.log(`#    genplay.wasm: ${(state.wasmBytes / 1048576).toFixed(1)} MiB`);
  });

  await check('a WebGPU adapter was found', () => {
    console.log(`#    adapter: ${state.adapter || '(none)'}; backend: ${state.backend}`);
    assert.equal(state.webgpu, true, `no WebGPU adapter (error: ${state.error || 'none'})`);
    assert.ok(state.adapter, 'the adapter info is empty');
  });

  const rows = await page.$$eval('#selftest tbody tr', (trs) =>
    trs.map((tr) => ({ cls: tr.className, cells: [...tr.children].map((td) => td.textContent) })));

  await check('the self-test finished with a table row per case', () => {
    assert.equal(state.phase, 'done', `the self-test did not finish (data-selftest=${state.phase}, error: ${state.error})`);
    assert.ok(state.cases > 0, 'no self-test cases');
    assert.equal(rows.length, state.cases, 'table rows vs cases');
    assert.equal(state.results.length, state.cases, 'window.genplay.results vs cases');
  });

  await check('every self-test case passes on WebGPU', () => {
    for (const r of rows) console.log(`#    ${r.cells.filter((c, i) => i < 7 || c).join(' | ')}`); // op | shape | result | nmse | maxabs | tol | ms [| error]
    const bad = rows.filter((r) => r.cls !== 'pass');
    assert.ok(rows.length > 0, 'no rows');
    assert.equal(bad.length, 0, `not passing:\n${bad.map((r) => r.cells.join(' | ')).join('\n')}`);
  });

  await check('the summary line agrees with the table', async () => {
    const summary = await page.textContent('#summary');
    const nPass = rows.filter((r) => r.cls === 'pass').length;
    assert.equal(summary, `${nPass} passed, ${rows.length - nPass} failed`);
  });

  await check('the Ebiten canvas draws the results', async () => {
    const canvas = await page.$('canvas');
    assert.ok(canvas, 'no <canvas> in the page');
    const box = await canvas.boundingBox();
    assert.ok(box && box.width >= 100 && box.height >= 100, `canvas too small: ${JSON.stringify(box)}`);
    // Hide the HTML panel so the screenshot shows the canvas alone.
    await page.evaluate(() => { document.getElementById('panel').style.visibility = 'hidden'; });
    const png = await canvas.screenshot();
    await page.evaluate(() => { document.getElementById('panel').style.visibility = ''; });
    writeFileSync(join(outDir, 'browser-canvas.png'), png);
    const img = decodePNG(png);
    const stats = colourStats(img, [PASS_RGB, FAIL_RGB]);
    const nPass = state.results.filter((r) => r.pass).length;
    const nFail = state.results.length - nPass;
    console.log(`#    canvas ${img.width}x${img.height}: ${stats.distinct} colours, ` +
      `${stats.near[0]} pass-green and ${stats.near[1]} fail-red pixels (out/browser-canvas.png)`);
    assert.ok(stats.distinct >= 8, `the canvas is nearly blank: ${stats.distinct} distinct colours`);
    assert.ok(stats.near[0] >= SWATCH_PIXELS + nPass * CELL_PIXELS, `${nPass} passed cases but only ${stats.near[0]} green pixels`);
    assert.ok(stats.near[1] >= SWATCH_PIXELS + nFail * CELL_PIXELS, `${nFail} failed cases but only ${stats.near[1]} red pixels`);
    if (nFail === 0) assert.equal(stats.near[1], SWATCH_PIXELS, 'red pixels beyond the legend although every case passed');
  });

  await page.screenshot({ path: join(outDir, 'browser-page.png') });

  await check('no uncaught page errors', () => {
    assert.equal(pageErrors.length, 0, pageErrors.join('\n'));
    assert.ok(!state.error, `window.genplay.error: ${state.error}`);
  });
}

// waitForSelfTest polls the page until the self-test is done (or the page
// reports an error), printing progress, and returns window.genplay's state.
async function waitForSelfTest(page) {
  const deadline = Date.now() + timeoutS * 1000;
  let lastReported = -1, lastReportTime = 0, midRunShot = false;
  for (;;) {
    const s = await page.evaluate(() => {
      const g = window.genplay || {};
      return {
        phase: document.body.dataset.selftest,
        started: g.started, wasmBytes: g.wasmBytes, webgpu: g.webgpu, adapter: g.adapter,
        backend: g.backend, cases: g.cases, error: g.error,
        results: (g.results || []).map((r) => ({ ...r })),
      };
    });
    // Report progress every 10 s at most, so a slow run shows it is alive.
    if (s.results.length !== lastReported && Date.now() - lastReportTime >= 10000) {
      lastReported = s.results.length;
      lastReportTime = Date.now();
      console.log(`# [${s.phase}] ${s.results.length}/${s.cases ?? '?'} cases`);
    }
    // A picture of the canvas mid-run (pending and running cells), for people.
    if (!midRunShot && s.phase === 'running' && s.results.length > 0) {
      midRunShot = true;
      await page.screenshot({ path: join(outDir, 'browser-running.png') });
    }
    if (s.phase === 'done' || s.phase === 'error' || Date.now() > deadline) {
      if (Date.now() > deadline) console.log(`# gave up waiting after ${timeoutS} s`);
      return s;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

await withBrowser(main);
