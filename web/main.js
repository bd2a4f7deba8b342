// Loads genplay.wasm with a progress bar and starts it (every page: the
// Go program picks its app from <body data-app>). Everything after
// start-up is done by the Go program (wasm/); this file only fetches, reports
// errors, and sets up window.genplay, the state object the program fills.
'use strict';

(function () {
  const state = (window.genplay = window.genplay || {});
  const $ = (id) => document.getElementById(id);

  function showError(msg) {
    state.error = String(msg);
    const data = document.body.dataset;
    data.wasm = 'error';
    if ('phase' in data) data.phase = 'error';
    if ('selftest' in data) data.selftest = 'error';
    $('error').textContent = String(msg);
    console.error('genplay:', msg);
  }

  window.addEventListener('error', (e) => showError(e.message || e.error));
  window.addEventListener('unhandledrejection', (e) => showError(e.reason && e.reason.stack || e.reason));

  function mib(n) {
    return (n / 1048576).toFixed(1) + ' MiB';
  }

  // fetchWithProgress reads the body as a stream to report progress. When the
  // server sends a precompressed file, Content-Length is the compressed size
  // but the stream yields decoded bytes, so genplay serve also sends the
  // decoded size in X-Decoded-Content-Length.
  async function fetchWithProgress(url, onProgress) {
    const resp = await fetch(url);
    if (!resp.ok) {
      throw new Error(`${url}: HTTP ${resp.status} ${resp.statusText}` +
        (resp.status === 404 ? ' (build it with "make wasm")' : ''));
    }
    let total = Number(resp.headers.get('X-Decoded-Content-Length')) || 0;
    if (!total && !resp.headers.get('Content-Encoding')) {
      total = Number(resp.headers.get('Content-Length')) || 0;
    }
    if (!resp.body) {
      const buf = new Uint8Array(await resp.arrayBuffer());
      onProgress(buf.length, buf.length);
      return buf;
    }
    const reader = resp.body.getReader();
    const chunks = [];
    let done = 0;
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      chunks.push(value);
      done += value.length;
      onProgress(done, total);
    }
    const out = new Uint8Array(done);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }

  async function start() {
    if (typeof WebAssembly !== 'object') {
      throw new Error('this browser has no WebAssembly');
    }
    if (typeof Go !== 'function') {
      throw new Error('wasm_exec.js did not load (build it with "make wasm")');
    }
    const bar = $('load-progress');
    const label = $('load-label');
    const bytes = await fetchWithProgress('genplay.wasm', (done, total) => {
      if (total > 0) {
        bar.value = Math.min(done / total, 1);
        label.textContent = `Loading genplay.wasm: ${mib(done)} of ${mib(total)}`;
      } else {
        bar.removeAttribute('value'); // indeterminate
        label.textContent = `Loading genplay.wasm: ${mib(done)}`;
      }
    });
    label.textContent = 'Starting genplay.wasm…';
    state.wasmBytes = bytes.length;
    const go = new Go();
    const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
    document.body.dataset.wasm = 'started';
    await go.run(instance);
    // The program runs for as long as the page is open; getting here means it exited.
    showError('genplay.wasm exited' + (state.error ? ': ' + state.error : ''));
  }

  start().catch((e) => showError(e && e.stack || e));
})();
