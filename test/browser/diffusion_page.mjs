// Browser test of the diffusion playground (web/index.html): the real page,
// the real wasm and weights, WebGPU on SwiftShader in headless Chromium.
//
// A step on SwiftShader takes many seconds, so the run is short
// (GENPLAY_TEST_STEPS, default 2). Checked: bad input is refused and keeps
// the settings; stepping once at a time changes the canvas at every step;
// the exported PNG matches `genplay generate` for the same settings; the
// timeline scrubs back to an earlier frame; branching re-runs from a step;
// the share link reproduces the image (on the CPU path: same result);
// a reload takes the weights from the browser cache.
//
//	make wasm build && node test/browser/diffusion_page.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { withBrowser, check, watch, waitFor, state, root, outDir } from './harness.mjs';
import { decodePNG, compareImages } from './png.mjs';

const steps = Number(process.env.GENPLAY_TEST_STEPS || 2);
const settings = { class: 'sneaker', seed: '42', steps: String(steps), sampler: 'ddim', guidance: '3' };

// Page vs CLI, in 0..255 levels of the 4x-enlarged PNG: WebGPU and the
// native CPU backend round floats differently (summation order, fused
// dequantization), which moves a few pixels by a level or two after a few
// steps; a wrong step or seed moves most pixels by tens of levels.
const TOL_MEAN = 1.5;
const TOL_MAX = 48;

const phase = (page) => page.evaluate(() => document.body.dataset.phase);

// The canvas picture lies left of the panel (wide pages: 58%).
async function canvasShot(page, name) {
  await page.waitForTimeout(400); // a few Ebiten frames to draw the newest state
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 740, height: 800 } });
  writeFileSync(join(outDir, name), png);
  return decodePNG(png);
}

async function download(page, button, name) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.click(button)]);
  const path = join(outDir, name);
  await dl.saveAs(path);
  return path;
}

await withBrowser(async ({ url, context, server }) => {
  const page = context.pages()[0] || await context.newPage();
  const errors = watch(page);
  const query = new URLSearchParams(settings).toString();
  await page.goto(`${url}?${query}`);
  await waitFor(page, () => ['ready', 'error', 'need-cpu'].includes(document.body.dataset.phase), null,
    { timeoutS: 180, what: 'the model to load' });
  const first = await state(page);
  const weightsLine = await page.textContent('#weights-label');
  const cpuLink = await page.getAttribute('#use-cpu', 'href').catch(() => null);

  await check('the model downloads and loads on WebGPU', () => {
    assert.equal(first.phase, 'ready', `phase ${first.phase}, error: ${first.error}`);
    assert.equal(first.weightsFromCache, false, 'a fresh profile had the weights cached');
    assert.match(first.backend, /^webgpu/);
    // The step's kernels compiled while it loaded (webgpu Precompile).
    assert.ok(first.kernels?.compiled > 0, `kernels: ${JSON.stringify(first.kernels)}`);
    assert.match(weightsLine, /\d+ GPU kernels compiled in [\d.]+ s/);
    // SwiftShader is a software adapter: the backend line links to this
    // page, same settings, on the CPU path.
    assert.equal(first.softwareAdapter, true);
    assert.ok(cpuLink && /[?&]backend=cpu(&|$)/.test(cpuLink) && /[?&]class=sneaker(&|$)/.test(cpuLink), `link: ${cpuLink}`);
    assert.ok(first.classes.includes('sneaker'), `classes: ${first.classes}`);
    assert.equal(new URLSearchParams(first.settings).get('class'), 'sneaker');
  });

  await check('bad input is refused with a message, keeping the settings', async () => {
    const before = (await state(page)).settings;
    for (const [field, value, msg] of [
      ['class', 'spaceship', /unknown class "spaceship"/],
      ['steps', '0', /steps must be between 1 and 1000/],
      ['steps', '1001', /steps must be between 1 and 1000/],
      ['seed', 'forty-two', /not a number/],
      ['guidance', '-1', /guidance must be between 0/],
    ]) {
      await page.fill(`#f-${field}`, value);
      await page.dispatchEvent(`#f-${field}`, 'change');
      await waitFor(page, () => window.genplay.message, null, { timeoutS: 10, what: `a refusal of ${field}=${value}` });
      const s = await state(page);
      assert.match(s.message, msg);
      assert.equal(await page.textContent('#message'), s.message);
      assert.equal(s.settings, before, `settings changed after ${field}=${value}`);
      assert.equal(await page.inputValue(`#f-${field}`), settings[field], `the ${field} field was not restored`);
      await page.fill('#f-seed', settings.seed); // a valid change clears the message
      await page.dispatchEvent('#f-seed', 'change');
      await waitFor(page, () => !window.genplay.message, null, { timeoutS: 10, what: 'the message to clear' });
    }
  });

  // Step once at a time (button, then the "s" key): every step must change
  // the canvas.
  const shots = [await canvasShot(page, 'page-step0.png')];
  await check(`every step changes the canvas (${steps} steps, one at a time)`, async () => {
    for (let k = 1; k <= steps; k++) {
      if (k === 1) await page.click('#step');
      else {
        await page.focus('#run-label').catch(() => {});
        await page.evaluate(() => document.activeElement && document.activeElement.blur());
        await page.keyboard.press('s');
      }
      await waitFor(page, (k) => window.genplay.shown === k && ['paused', 'done'].includes(document.body.dataset.phase), k,
        { timeoutS: 300, what: `step ${k}` });
      const s = await state(page);
      console.log(`#    step ${s.step}/${s.total}: ${Math.round(s.msPerStep)} ms/step, phase ${s.phase}`);
      assert.match(await page.textContent('#run-label'), new RegExp(`^step ${k}/${steps} · \\d+ ms/step$`));
      shots.push(await canvasShot(page, `page-step${k}.png`));
      const d = compareImages(shots[k - 1], shots[k]);
      assert.ok(d.mean > 1, `the canvas did not change at step ${k} (mean difference ${d.mean.toFixed(2)})`);
    }
    assert.equal(await phase(page), 'done');
    // The canvas takes no pointer input: in Ebiten's draw-on-change mode
    // each mouse event on it would force a present (web/style.css).
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('body > canvas')).pointerEvents), 'none');
  });

  const pagePNG = join(outDir, 'page.png');
  await check('the exported PNG matches the CLI for the same settings', async () => {
    await download(page, '#export-png', 'page.png');
    const model = (await state(page)).model;
    const cliPNG = join(outDir, 'cli.png');
    execFileSync(join(root, 'bin', 'genplay'), ['generate', '--model', join(root, 'web', 'models', manifestFile(model)),
      '--class', settings.class, '--seed', settings.seed, '--steps', settings.steps, '--sampler', settings.sampler,
      '--guidance', settings.guidance, '-q', '-o', cliPNG], { cwd: root, stdio: 'inherit' });
    const d = compareImages(decodePNG(readFileSync(pagePNG)), decodePNG(readFileSync(cliPNG)));
    console.log(`#    page vs CLI: mean ${d.mean.toFixed(3)}, max ${d.max} levels (tolerance ${TOL_MEAN}, ${TOL_MAX})`);
    assert.ok(d.mean <= TOL_MEAN && d.max <= TOL_MAX, `page.png and cli.png differ: mean ${d.mean}, max ${d.max}`);
  });

  await check('the timeline scrubs back to an earlier frame', async () => {
    await page.focus('#timeline');
    await page.keyboard.press('Home');
    await waitFor(page, () => window.genplay.shown === 1, null, { timeoutS: 10, what: 'the scrub to step 1' });
    const back = await canvasShot(page, 'page-scrubbed.png');
    const toFirst = compareImages(back, shots[1]);
    const toLast = compareImages(back, shots[steps]);
    assert.ok(toFirst.mean < 0.5, `step 1 looks different when scrubbed back (mean ${toFirst.mean.toFixed(2)})`);
    assert.ok(toLast.mean > 1, 'the canvas still shows the last step');
    assert.match(await page.textContent('#timeline-label'), /showing step 1 of/);
  });

  await check('the trajectory exports as an animated GIF', async () => {
    const gif = readFileSync(await download(page, '#export-gif', 'page.gif'));
    assert.equal(gif.subarray(0, 6).toString('latin1'), 'GIF89a');
    const frames = gif.filter((b, i) => b === 0x2c && gif[i - 1] === 0x00).length; // image descriptors
    assert.ok(frames >= steps, `${frames} image descriptors for ${steps} steps`);
  });

  let branchLink = '';
  await check('"branch from here" re-runs from the shown x_t with a new seed, sampler and guidance', async () => {
    // With few steps the last one lands on x0 whatever the sampler or
    // seed, so the branch also changes the guidance.
    await page.fill('#f-bseed', '7');
    await page.selectOption('#f-bsampler', 'ddpm');
    await page.fill('#f-bguidance', '0');
    await page.click('#branch');
    await waitFor(page, () => document.body.dataset.phase === 'done' && window.genplay.settings.includes('branch='), null,
      { timeoutS: 300, what: 'the branch run' });
    const s = await state(page);
    const q = new URLSearchParams(s.settings);
    assert.equal(q.get('branch'), '1');
    assert.equal(q.get('bseed'), '7');
    assert.equal(q.get('bsampler'), 'ddpm');
    assert.equal(q.get('bguidance'), '0');
    assert.equal(s.frames, steps, 'the branch keeps step 1 and adds the rest');
    await download(page, '#export-png', 'page-branch.png');
    const d = compareImages(decodePNG(readFileSync(join(outDir, 'page-branch.png'))), decodePNG(readFileSync(pagePNG)));
    // Two steps leave most pixels saturated, so only some change.
    assert.ok(d.max > 0, 'the branch ended on the same image as the base run');
    branchLink = await page.inputValue('#share-link');
    assert.ok(branchLink.includes('branch=1'), branchLink);
  });

  await check('share links reproduce the image (opened on the CPU path)', async () => {
    for (const [link, png] of [[`${url}?${query}&autoplay=1`, pagePNG], [branchLink, join(outDir, 'page-branch.png')]]) {
      const other = await context.newPage();
      const errs = watch(other);
      await other.goto(link + '&backend=cpu');
      await waitFor(other, () => ['done', 'error', 'stopped'].includes(document.body.dataset.phase), null,
        { timeoutS: 300, what: `the shared image ${link}` });
      const s = await state(other);
      assert.equal(s.phase, 'done', `phase ${s.phase}: ${s.error || s.message}`);
      assert.equal(s.weightsFromCache, true, 'the second visit downloaded the weights again');
      const name = png.replace(/\.png$/, '-shared.png');
      await download(other, '#export-png', name.slice(outDir.length + 1));
      const d = compareImages(decodePNG(readFileSync(name)), decodePNG(readFileSync(png)));
      console.log(`#    shared ${link.includes('branch') ? 'branch' : 'image'} (CPU) vs page (WebGPU): mean ${d.mean.toFixed(3)}, max ${d.max}`);
      assert.ok(d.mean <= TOL_MEAN && d.max <= TOL_MAX, `the shared link gave another image: mean ${d.mean}, max ${d.max}`);
      assert.equal(errs.length, 0, errs.join('\n'));
      await other.close();
    }
  });

  await check('the weights were downloaded once and then came from the Cache API', () => {
    const gets = server.log.filter((l) => / GET \/models\/.*\.gguf/.test(l));
    assert.equal(gets.length, 1, `model requests:\n${gets.join('\n')}`);
  });

  await page.screenshot({ path: join(outDir, 'page.png.screenshot.png') });
  await check('no uncaught page errors', () => {
    assert.equal(errors.length, 0, errors.join('\n'));
  });
});

// manifestFile returns the file name of a manifest model id.
function manifestFile(id) {
  const m = JSON.parse(readFileSync(join(root, 'web', 'models', 'manifest.json'), 'utf8'));
  const e = m.models.find((x) => x.id === id) || m.models[0];
  return e.file;
}
