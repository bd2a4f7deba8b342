// Browser test of the embed page (web/embed.html) inside an <iframe>, the
// way a tutorial embeds it: the README's snippet, then the postMessage API.
// The iframe runs on the CPU path (backend=cpu) to keep the runs short; the
// WebGPU path is diffusion_page.mjs's.
//
//	make wasm build && node test/browser/embed.mjs
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { withBrowser, check, watch, outDir } from './harness.mjs';
import { decodePNG, colourStats } from './png.mjs';

const steps = 2;

await withBrowser(async ({ url, context }) => {
  const page = context.pages()[0] || await context.newPage();
  const errors = watch(page);
  // The host page: the README's snippet plus a listener that records events.
  const src = `${url}embed.html?class=sneaker&seed=42&steps=${steps}&sampler=ddim&guidance=3&autoplay=1&backend=cpu`;
  await page.goto(`${url}models/manifest.json`); // a same-origin document to replace
  await page.setContent(`<!doctype html><link rel="icon" href="data:,"><body style="margin:0;background:#fff">
    <iframe id="gp" src="${src}" width="640" height="300" style="border:0" title="genplay"></iframe>
    <script>
      window.events = [];
      window.addEventListener('message', (e) => {
        if (e.data && e.data.source === 'genplay') window.events.push(e.data);
      });
    </script></body>`);
  const frame = page.frameLocator('#gp');
  const iframe = await (await page.$('#gp')).contentFrame();

  const events = () => page.evaluate(() => window.events.map((e) => ({ ...e })));
  async function waitEvents(pred, what, timeoutS = 300) {
    const deadline = Date.now() + timeoutS * 1000;
    for (;;) {
      const ev = await events();
      if (pred(ev)) return ev;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(ev)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const post = (msg) => page.evaluate((m) => document.getElementById('gp').contentWindow.postMessage(m, '*'), msg);

  let ev = [];
  await check('autoplay posts ready, a step event per step, then done', async () => {
    ev = await waitEvents((e) => e.some((x) => x.type === 'done' || x.type === 'error'), 'done');
    const types = ev.map((e) => e.type);
    assert.equal(types[0], 'ready', `events: ${types}`);
    assert.ok(ev[0].classes.includes('sneaker'));
    const stepEvents = ev.filter((e) => e.type === 'step');
    assert.deepEqual(stepEvents.map((e) => [e.step, e.total]), [[1, steps], [2, steps]]);
    assert.equal(types[types.length - 1], 'done', `events: ${types}`);
  });

  await check('the iframe shows the canvas and the control strip', async () => {
    await page.waitForTimeout(400);
    const png = await (await page.$('#gp')).screenshot();
    writeFileSync(join(outDir, 'embed.png'), png);
    const stats = colourStats(decodePNG(png), [[255, 255, 255], [0, 0, 0]], 8);
    assert.ok(stats.distinct > 16, `the embed is nearly blank: ${stats.distinct} colours`);
    assert.ok(stats.near[0] + stats.near[1] > 1000, 'no black or white sample pixels');
    assert.equal(await frame.locator('#play').isEnabled(), true);
    assert.match(await frame.locator('#open-link').getAttribute('href'), /^index\.html\?.*class=sneaker/);
  });

  await check('the seek command shows an earlier step', async () => {
    await post({ type: 'seek', step: 1 });
    await iframe.waitForFunction(() => window.genplay.shown === 1, null, { timeout: 10000 });
  });

  await check('the generate command runs with new settings; pause holds it, resume and stop work', async () => {
    const before = (await events()).length;
    // Enough steps that the pause arrives mid-run (a CPU step is ~0.6 s).
    await post({ type: 'generate', settings: { seed: 7, steps: 40 } });
    await waitEvents((e) => e.slice(before).some((x) => x.type === 'step'), 'a step of the new run');
    await post({ type: 'pause' });
    await iframe.waitForFunction(() => document.body.dataset.phase === 'paused', null, { timeout: 30000 });
    await page.waitForTimeout(1000); // a step already under way may still report
    const n = (await events()).length;
    await page.waitForTimeout(2500);
    const later = await events();
    assert.equal(later.length, n, `events while paused: ${JSON.stringify(later.slice(n))}`);
    const settings = await iframe.evaluate(() => window.genplay.settings);
    assert.match(settings, /seed=7/);
    assert.match(settings, /steps=40/);
    await post({ type: 'resume' });
    await waitEvents((e) => e.slice(n).some((x) => x.type === 'step'), 'a step after resume');
    await post({ type: 'stop' });
    await iframe.waitForFunction(() => document.body.dataset.phase === 'stopped', null, { timeout: 30000 });
  });

  await check('a refused command posts an error event and keeps the settings', async () => {
    const before = (await events()).length;
    const settingsBefore = await iframe.evaluate(() => window.genplay.settings);
    await post({ type: 'generate', settings: { class: 'spaceship' } });
    const ev = await waitEvents((e) => e.slice(before).some((x) => x.type === 'error'), 'an error event', 20);
    assert.match(ev.slice(before).find((x) => x.type === 'error').message, /unknown class "spaceship"/);
    assert.equal(await iframe.evaluate(() => window.genplay.settings), settingsBefore);
  });

  await check('no uncaught page errors', () => {
    assert.equal(errors.length, 0, errors.join('\n'));
  });
});
