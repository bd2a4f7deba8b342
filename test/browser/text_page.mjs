// Browser test of the text page (web/text.html): the streamed text equals
// the CLI's for the same settings, the inspection views fill, bad input is
// refused, the stop button stops, a .gguf opened from disk runs, and the
// postMessage API posts token and done events.
//
// The 32-token CLI-equality run uses the CPU path (backend=cpu): the same Go
// code as the CLI, and fast under SwiftShader; a shorter run checks the
// WebGPU path against the CLI too.
//
//	make wasm build && node test/browser/text_page.mjs
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { withBrowser, check, watch, waitFor, state, outDir, root } from './harness.mjs';

// A prompt and seed after which the default model writes its 32 tokens
// without reaching end-of-text (`genplay generate` says "stopped by length"),
// so the runs below compare whole 32- and 8-token continuations.
const prompt = 'Q: What';
const seed = 3;

// cli returns what `genplay generate` prints after the prompt.
function cli(args) {
  const out = execFileSync(join(root, 'bin', 'genplay'), ['generate', ...args], { cwd: root, encoding: 'utf8' });
  const p = args[args.indexOf('--prompt') + 1];
  assert.ok(out.startsWith(p) && out.endsWith('\n'), `unexpected CLI output ${JSON.stringify(out)}`);
  return out.slice(p.length, -1);
}

const finished = () => ['done', 'stopped', 'error'].includes(document.body.dataset.phase);

await withBrowser(async ({ url, context }) => {
  const page = context.pages()[0] || await context.newPage();
  const errors = watch(page);
  const q = (o) => new URLSearchParams(o).toString();

  await check('32 tokens with a fixed seed equal the CLI (CPU path)', async () => {
    const want = cli(['--model', 'fortunes', '--prompt', prompt, '--seed', String(seed), '-n', '32']);
    const t0 = Date.now();
    await page.goto(`${url}text.html?${q({ model: 'fortunes', prompt, seed, n: 32, backend: 'cpu', autoplay: 1 })}`);
    await waitFor(page, finished, null, { what: 'the run to finish', timeoutS: 300 });
    const st = await state(page);
    console.log(`# CPU path: ${st.steps.length} tokens in ${((Date.now() - t0) / 1000).toFixed(1)} s (page load included)`);
    assert.equal(st.phase, 'done', `phase ${st.phase}: ${st.message || st.error}`);
    assert.equal(st.text, want);
    assert.equal(st.steps.length, 32, 'the run should generate all 32 tokens');
    assert.equal(typeof st.ttftMs, 'number');
    assert.match(await page.locator('#stats').textContent(), /first token after \d+ ms/);
  });

  await check('hovering a token lists its top candidates with probabilities', async () => {
    const st = await state(page);
    await page.locator('#output .tok').first().hover();
    const rows = page.locator('#candidates tr');
    await rows.first().waitFor({ timeout: 5000 });
    const n = await rows.count();
    assert.equal(n, Math.min(10, st.steps[0].cands.length));
    assert.equal(n, 10, 'the default models have more than 10 tokens');
    const ps = st.steps[0].cands.map((c) => c.p);
    assert.ok(ps.every((p, i) => p > 0 && p <= 1 && (i === 0 || p <= ps[i - 1])), `probabilities ${ps}`);
    assert.ok(ps.reduce((a, b) => a + b) <= 1.0001);
    assert.match(await rows.first().textContent(), /%/);
  });

  await check('the attention heatmap covers the prompt and the generated tokens', async () => {
    const st = await state(page);
    assert.equal(st.attention.layer, 0);
    assert.equal(st.attention.head, 0);
    assert.ok(st.attention.n > st.steps.length, `heatmap over ${st.attention.n} positions`);
    await page.locator('#f-head').fill('1');
    await page.locator('#f-head').dispatchEvent('change');
    await waitFor(page, () => window.genplay.attention.head === 1, null, { what: 'head 1', timeoutS: 30 });
    await page.waitForTimeout(300);
    writeFileSync(join(outDir, 'text_page.png'), await page.screenshot());
  });

  await check('sampling parameters out of range are refused with the valid range', async () => {
    await page.locator('#f-temperature').fill('11');
    await page.locator('#f-temperature').dispatchEvent('change');
    await waitFor(page, () => /out of range \[0, 10\]/.test(window.genplay.message || ''), null, { what: 'the refusal', timeoutS: 10 });
    assert.equal(await page.locator('#f-temperature').inputValue(), '0.8', 'the last valid value is put back');
    await page.locator('#f-top_p').fill('1.5');
    await page.locator('#f-top_p').dispatchEvent('change');
    await waitFor(page, () => /top-p 1.5 is out of range \(0, 1\]/.test(window.genplay.message || ''), null, { what: 'the top-p refusal', timeoutS: 10 });
  });

  await check('a prompt longer than the context is truncated with a notice', async () => {
    const ctx = (await state(page)).contextLength;
    await page.locator('#f-prompt').fill('tell me more '.repeat(ctx));
    await page.locator('#f-n').fill('2');
    await page.locator('#generate').click();
    await waitFor(page, () => window.genplay.phase === 'running' || window.genplay.phase === 'done', null, { timeoutS: 10 });
    await waitFor(page, finished, null, { what: 'the long run', timeoutS: 120 });
    const st = await state(page);
    assert.match(st.notice, /the context holds \d+, so only its last \d+ are used/);
  });

  await check('the WebGPU path generates the CLI\'s text', async () => {
    const n = 8;
    const want = cli(['--model', 'fortunes', '--prompt', prompt, '--seed', String(seed), '-n', String(n)]);
    const t0 = Date.now();
    await page.goto(`${url}text.html?${q({ model: 'fortunes', prompt, seed, n, autoplay: 1 })}`);
    await waitFor(page, finished, null, { what: 'the WebGPU run', timeoutS: 300 });
    const st = await state(page);
    console.log(`# ${st.backend}: ${st.steps.length} tokens in ${((Date.now() - t0) / 1000).toFixed(1)} s (page load included)`);
    assert.match(st.backend, /webgpu/);
    assert.ok(st.kernels?.compiled > 0, `kernels compiled while loading: ${JSON.stringify(st.kernels)}`);
    assert.equal(st.phase, 'done', st.message || st.error);
    assert.equal(st.steps.length, n, `the run should generate all ${n} tokens`);
    assert.equal(st.text, want);
  });

  await check('switching to a model with the same kernels compiles none and says so', async () => {
    await page.selectOption('#f-model', 'gocode-q8_0');
    await waitFor(page, () => window.genplay.model === 'gocode-q8_0' && window.genplay.phase === 'ready', null,
      { what: 'gocode loaded', timeoutS: 120 });
    const st = await state(page);
    assert.equal(st.kernels.compiled, 0, `kernels: ${JSON.stringify(st.kernels)}`);
    const line = await page.textContent('#weights-label');
    assert.match(line, /^gocode-q8_0: /);
    assert.doesNotMatch(line, /compil/);
  });

  await check('on a software adapter, a link opens the page on the CPU path with its settings', async () => {
    assert.equal((await state(page)).softwareAdapter, true);
    await page.fill('#f-seed', '77');
    await page.dispatchEvent('#f-seed', 'change');
    await waitFor(page, () => /[?&]seed=77(&|$)/.test(location.search), null, { what: 'the seed in the address', timeoutS: 10 });
    await page.click('#use-cpu');
    await waitFor(page, () => window.genplay.phase === 'ready' && /^cpu/.test(window.genplay.backend || ''), null,
      { what: 'the CPU path', timeoutS: 60 });
    const q = new URL(page.url()).searchParams;
    assert.equal(q.get('backend'), 'cpu');
    assert.equal(q.get('seed'), '77');
    assert.equal((await state(page)).model, 'gocode-q8_0');
  });

  await check('a .gguf opened from disk runs, and the stop button stops', async () => {
    await page.goto(`${url}text.html?${q({ prompt: 'the llama', n: 1000, backend: 'cpu' })}`);
    await waitFor(page, () => window.genplay.phase === 'ready', null, { what: 'ready', timeoutS: 120 });
    await page.locator('#f-file').setInputFiles(join(root, 'models/text/testdata/llama.gguf'));
    await waitFor(page, () => window.genplay.model === 'llama.gguf' && window.genplay.phase === 'ready', null, { what: 'llama.gguf loaded', timeoutS: 60 });
    assert.match(await page.locator('#share-link').inputValue(), /cannot be shared/);
    const max = (await state(page)).contextLength;
    await page.locator('#f-n').fill(String(Math.min(1000, max)));
    await page.locator('#f-n').dispatchEvent('change');
    await page.locator('#generate').click();
    await waitFor(page, () => (window.genplay.steps || []).length >= 3, null, { what: 'three tokens', timeoutS: 60 });
    await page.locator('#stop').click();
    await waitFor(page, finished, null, { what: 'the stop', timeoutS: 30 });
    const st = await state(page);
    assert.equal(st.phase, 'stopped');
    const n = st.steps.length;
    await page.waitForTimeout(1000);
    assert.equal((await state(page)).steps.length, n, 'tokens kept coming after stop');
    assert.ok(n < Math.min(1000, max), `${n} tokens: the run was not stopped`);
  });

  await check('a file that is not a supported model is refused, naming what is supported', async () => {
    await page.locator('#f-file').setInputFiles({ name: 'bad.gguf', mimeType: 'application/octet-stream', buffer: Buffer.from('not a gguf file') });
    await waitFor(page, () => /bad\.gguf/.test(window.genplay.message || ''), null, { what: 'the refusal', timeoutS: 30 });
    const st = await state(page);
    console.log(`# refusal: ${st.message}`);
    assert.equal(st.model, 'llama.gguf', 'the loaded model is kept');
  });

  await check('a GGUF of an unsupported architecture is refused, listing the supported ones', async () => {
    // A minimal GGUF v3: no tensors, one key, general.architecture = gptj.
    const str = (t) => { const b = Buffer.from(t); const n = Buffer.alloc(8); n.writeBigUInt64LE(BigInt(b.length)); return Buffer.concat([n, b]); };
    const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
    const u64 = (v) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };
    const gguf = Buffer.concat([Buffer.from('GGUF'), u32(3), u64(0), u64(1), str('general.architecture'), u32(8), str('gptj')]);
    await page.locator('#f-file').setInputFiles({ name: 'gptj.gguf', mimeType: 'application/octet-stream', buffer: gguf });
    await waitFor(page, () => /gptj\.gguf/.test(window.genplay.message || ''), null, { what: 'the refusal', timeoutS: 30 });
    assert.match((await state(page)).message, /architecture "gptj" is not supported \(supported text architectures: gpt2, llama\)/);
  });

  await check('postMessage: token events then done; an empty prompt starts from BOS', async () => {
    await page.goto(`${url}models/manifest.json`);
    await page.setContent(`<!doctype html><link rel="icon" href="data:,"><body>
      <iframe id="gp" src="${url}text.html?backend=cpu&model=fortunes" width="900" height="500"></iframe>
      <script>window.events = []; addEventListener('message', (e) => { if (e.data && e.data.source === 'genplay') events.push(e.data); });</script></body>`);
    const events = () => page.evaluate(() => window.events.map((e) => ({ ...e })));
    const until = async (pred, what) => {
      for (const end = Date.now() + 120000; Date.now() < end; await page.waitForTimeout(200)) {
        const ev = await events();
        if (pred(ev)) return ev;
      }
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await events())}`);
    };
    await until((e) => e.some((x) => x.type === 'ready'), 'ready');
    await page.evaluate(() => document.getElementById('gp').contentWindow.postMessage({ type: 'generate', settings: { prompt: '', n: 4, seed: 3 } }, '*'));
    const ev = await until((e) => e.some((x) => x.type === 'done' || x.type === 'error'), 'done');
    const tokens = ev.filter((x) => x.type === 'token');
    const done = ev.find((x) => x.type === 'done');
    assert.ok(done, `events ${JSON.stringify(ev)}`);
    assert.ok(tokens.length >= 1 && tokens.length <= 4);
    assert.deepEqual(tokens.map((t) => t.index), tokens.map((_, i) => i));
    assert.equal(done.text, cli(['--model', 'fortunes', '--prompt', '', '--seed', '3', '-n', '4']));
    await page.evaluate(() => document.getElementById('gp').contentWindow.postMessage({ type: 'generate', settings: { top_k: -1 } }, '*'));
    const bad = await until((e) => e.some((x) => x.type === 'error'), 'the error event');
    assert.match(bad.find((x) => x.type === 'error').message, /top-k .* out of range/);
  });

  await check('no page errors', async () => {
    assert.deepEqual(errors, []);
  });
});
