// Shared by the playground's browser tests: start `bin/genplay serve` on a
// free port, launch Debian's headless Chromium with WebGPU on SwiftShader,
// and count named checks. See selftest_page.mjs for the flags' origin.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const outDir = join(root, 'out');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

// The flags that give headless Chromium a WebGPU adapter on SwiftShader
// (DESIGN.md, "Verified recipes").
export const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let passed = 0, failed = 0;

// check runs one named assertion block and records the outcome.
export async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e && e.message || e).replace(/\n/g, '\n     ')}`);
  }
}

// startServer runs genplay serve on dir and resolves url to its address;
// log collects its request log (one line per request).
export function startServer(dir = join(root, 'web')) {
  const proc = spawn(join(root, 'bin', 'genplay'), ['serve', '-addr', '127.0.0.1:0', '-dir', dir],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  proc.stderr.on('data', (d) => log.push(...String(d).split('\n').filter(Boolean)));
  const url = new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('genplay serve printed no URL in 15 s')), 15000);
    proc.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`genplay serve exited (${code}): ${log.join('\n')}`));
    });
  });
  return { proc, url, log };
}

// withBrowser runs fn({server, url, context}) with a served web/ and a
// fresh Chromium profile, then cleans up and exits with the tally.
export async function withBrowser(fn, { dir } = {}) {
  try {
    for (const f of ['bin/genplay', 'web/genplay.wasm', 'web/wasm_exec.js', 'web/models/manifest.json']) {
      if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run "make build wasm" first`);
    }
    if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: run "make deps"`);
    mkdirSync(outDir, { recursive: true });
    const server = startServer(dir);
    const profile = mkdtempSync(join(tmpdir(), 'genplay-chromium-'));
    let context;
    try {
      const url = await server.url;
      console.log(`# serving ${url}`);
      context = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath,
        headless: true,
        args: chromiumArgs,
        viewport: { width: 1280, height: 800 },
        acceptDownloads: true,
      });
      await fn({ server, url, context });
    } finally {
      if (context) await context.close().catch(() => {});
      server.proc.kill();
      rmSync(profile, { recursive: true, force: true });
    }
  } catch (e) {
    failed++;
    console.log(`FAIL browser test setup\n     ${e && e.stack || e}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

// watch logs page errors and console errors, returning the error list.
export function watch(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.stack || String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`# console.${m.type()}: ${m.text()}`);
  });
  return errors;
}

// waitFor polls fn in the page until it returns a truthy value.
export async function waitFor(page, fn, arg, { timeoutS = 300, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() > deadline) {
      const st = await page.evaluate(() => JSON.stringify(window.genplay || {}, (k, v) => (k === 'wasmBytes' ? undefined : v)));
      throw new Error(`timed out after ${timeoutS} s waiting for ${what}; window.genplay = ${st}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

// state returns a copy of window.genplay.
export function state(page) {
  return page.evaluate(() => JSON.parse(JSON.stringify(window.genplay || {})));
}
