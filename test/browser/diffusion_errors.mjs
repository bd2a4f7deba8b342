// Browser test of the playground's failure paths: a browser without WebGPU
// is told so and offered the CPU path; a corrupt or missing weights file
// says what failed and how to fix it. No image is generated here.
//
//	make wasm build && node test/browser/diffusion_errors.mjs
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { withBrowser, check, watch, waitFor, state, startServer, root, outDir } from './harness.mjs';

const web = join(root, 'web');
const settled = () => ['ready', 'error', 'need-cpu'].includes(document.body.dataset.phase);

// brokenWeb makes a copy of web/ whose manifest lists the default model
// with one byte flipped, and a model whose file is missing.
function brokenWeb() {
  const dir = mkdtempSync(join(tmpdir(), 'genplay-web-'));
  for (const f of ['index.html', 'style.css', 'main.js', 'weights.js', 'wasm_exec.js', 'genplay.wasm', 'genplay.wasm.gz']) {
    symlinkSync(join(web, f), join(dir, f));
  }
  mkdirSync(join(dir, 'models'));
  const manifest = JSON.parse(readFileSync(join(web, 'models', 'manifest.json'), 'utf8'));
  const good = manifest.models.find((m) => m.kind === 'diffusion');
  const bytes = readFileSync(join(web, 'models', good.file));
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(join(dir, 'models', good.file), bytes);
  const missing = { ...good, id: 'missing-q8_0', alias: 'missing', file: 'missing-q8_0.gguf.zst' };
  writeFileSync(join(dir, 'models', 'manifest.json'), JSON.stringify({ models: [good, missing] }));
  return { dir, id: good.id };
}

await withBrowser(async ({ url, context }) => {
  await check('without WebGPU the page says so and offers the CPU path', async () => {
    const page = await context.newPage();
    const errors = watch(page);
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
    await page.goto(`${url}?class=bag&steps=3`);
    await waitFor(page, settled, null, { timeoutS: 120, what: 'the page to settle' });
    assert.equal(await page.evaluate(() => document.body.dataset.phase), 'need-cpu');
    assert.match(await page.textContent('#notice'), /no usable WebGPU.*CPU path gives the same images/s);
    assert.equal(await page.isVisible('#cpu-offer'), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'cpu-offer', 'the CPU button has no focus');
    await page.keyboard.press('Enter');
    await waitFor(page, () => document.body.dataset.phase === 'ready', null, { timeoutS: 60, what: 'ready on the CPU' });
    const s = await state(page);
    assert.match(s.backend, /^cpu/);
    assert.equal(await page.isVisible('#cpu-offer'), false, 'the CPU button is still offered');
    assert.equal(new URLSearchParams(s.settings).get('class'), 'bag', 'the link settings were lost');
    await page.screenshot({ path: join(outDir, 'errors-no-webgpu.png') });
    assert.equal(errors.length, 0, errors.join('\n'));
    await page.close();
  });

  await check('a link with an unknown sampler is refused with a message, keeping the defaults', async () => {
    const page = await context.newPage();
    await page.goto(`${url}?sampler=plms&steps=0&class=sneaker`);
    await waitFor(page, settled, null, { timeoutS: 120, what: 'the page to settle' });
    const s = await state(page);
    assert.match(s.message, /unknown sampler "plms"/);
    assert.match(s.message, /steps must be between 1 and 1000/);
    const q = new URLSearchParams(s.settings);
    assert.equal(q.get('sampler'), 'ddim');
    assert.equal(q.get('steps'), '20');
    await page.close();
  });

  const broken = brokenWeb();
  const server = startServer(broken.dir);
  try {
    const burl = await server.url;
    for (const [model, want] of [[broken.id, /sha256 mismatch/], ['missing', /HTTP 404/]]) {
      await check(`a ${model === 'missing' ? 'missing' : 'corrupt'} weights file shows what failed and how to fix it`, async () => {
        const page = await context.newPage();
        await page.goto(`${burl}?model=${model}`);
        await waitFor(page, settled, null, { timeoutS: 120, what: 'the page to settle' });
        const s = await state(page);
        assert.equal(s.phase, 'error');
        assert.match(s.error, want);
        assert.match(await page.textContent('#error'), want);
        assert.match(await page.textContent('#fix'), /make wasm/);
        await page.screenshot({ path: join(outDir, `errors-${model === 'missing' ? 'missing' : 'corrupt'}.png`) });
        await page.close();
      });
    }
  } finally {
    server.proc.kill();
    rmSync(broken.dir, { recursive: true, force: true });
  }
});
