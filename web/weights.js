// Model weights for genplay.wasm: fetched with progress and kept in the
// browser's Cache API, so a second visit needs no download. The Go side
// (wasm/loader.go) verifies the SHA-256 and calls forget() when a copy is bad.
'use strict';

(function () {
  const CACHE = 'genplay-weights-v1';

  // The cache key carries the expected hash: a new model file under the
  // same name is a different entry, never a stale hit.
  function key(url, sha256) {
    return new URL(url, location.href).href + '?sha256=' + encodeURIComponent(sha256 || '');
  }

  async function openCache() {
    // The Cache API exists only in secure contexts (https, localhost).
    if (typeof caches === 'undefined') return null;
    try {
      return await caches.open(CACHE);
    } catch (e) {
      console.warn('genplay: no Cache API:', e);
      return null;
    }
  }

  // load resolves to {bytes: Uint8Array, fromCache: bool}. onProgress gets
  // (bytes done, total) while downloading.
  async function load(url, sha256, expectedBytes, onProgress) {
    const cache = await openCache();
    const k = key(url, sha256);
    if (cache) {
      const hit = await cache.match(k);
      if (hit) {
        const bytes = new Uint8Array(await hit.arrayBuffer());
        onProgress(bytes.length, bytes.length);
        return { bytes, fromCache: true };
      }
    }
    let resp;
    try {
      resp = await fetch(url, { cache: 'no-store' });
    } catch (e) {
      throw new Error(`network error fetching ${url}: ${e && e.message || e}`);
    }
    if (!resp.ok) {
      throw new Error(`${url}: HTTP ${resp.status} ${resp.statusText}` +
        (resp.status === 404 ? ' (the model file is missing on the server)' : ''));
    }
    let total = Number(resp.headers.get('X-Decoded-Content-Length')) || 0;
    if (!total && !resp.headers.get('Content-Encoding')) total = Number(resp.headers.get('Content-Length')) || 0;
    if (!total) total = expectedBytes || 0;
    const chunks = [];
    let done = 0;
    const reader = resp.body.getReader();
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      chunks.push(value);
      done += value.length;
      onProgress(done, total);
    }
    const bytes = new Uint8Array(done);
    let off = 0;
    for (const c of chunks) {
      bytes.set(c, off);
      off += c.length;
    }
    if (cache) {
      try {
        await cache.put(k, new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } }));
      } catch (e) {
        console.warn('genplay: could not cache the weights:', e); // quota: works, just not cached
      }
    }
    return { bytes, fromCache: false };
  }

  async function forget(url, sha256) {
    const cache = await openCache();
    if (cache) await cache.delete(key(url, sha256));
  }

  window.genplayWeights = { load, forget };
})();
