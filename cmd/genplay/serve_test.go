package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeFile writes content to dir/name and sets its modification time, so
// tests control which precompressed siblings count as fresh.
func writeFile(t *testing.T, dir, name, content string, mod time.Time) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mod, mod); err != nil {
		t.Fatal(err)
	}
}

func newTestSite(t *testing.T) string {
	t.Helper()
	// The site is a subdirectory, next to a file it must never serve.
	parent := t.TempDir()
	dir := filepath.Join(parent, "site")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	writeFile(t, parent, "secret.txt", "secret", t0)
	writeFile(t, dir, "index.html", "<!doctype html><title>x</title>", t0)
	writeFile(t, dir, "genplay.wasm", "\x00asm plain", t0)
	writeFile(t, dir, "genplay.wasm.gz", "GZIP-BYTES", t0.Add(time.Second))
	writeFile(t, dir, "genplay.wasm.br", "BROTLI-BYTES", t0.Add(time.Second))
	writeFile(t, dir, "main.js", "console.log(1)", t0)
	writeFile(t, dir, "lib.mjs", "export {}", t0)
	writeFile(t, dir, "manifest.json", "{}", t0)
	writeFile(t, dir, "model.gguf", "GGUF", t0)
	writeFile(t, dir, "model.gguf.zst", "ZSTD", t0)
	// style.css has a gzip sibling that is older than itself: a stale build.
	writeFile(t, dir, "style.css", "body{}", t0.Add(time.Hour))
	writeFile(t, dir, "style.css.gz", "STALE", t0)
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

type response struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, h http.Handler, method, url, acceptEncoding string) response {
	t.Helper()
	req := httptest.NewRequest(method, url, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return response{rec.Code, rec.Result().Header, string(body)}
}

func TestServeContentTypes(t *testing.T) {
	h := newStaticHandler(newTestSite(t))
	cases := []struct{ url, want string }{
		{"/", "text/html; charset=utf-8"},
		{"/index.html", "text/html; charset=utf-8"},
		{"/genplay.wasm", "application/wasm"},
		{"/main.js", "text/javascript; charset=utf-8"},
		{"/lib.mjs", "text/javascript; charset=utf-8"},
		{"/manifest.json", "application/json"},
		{"/model.gguf", "application/octet-stream"},
		{"/model.gguf.zst", "application/octet-stream"},
		{"/style.css", "text/css; charset=utf-8"},
	}
	for _, c := range cases {
		r := get(t, h, "GET", c.url, "")
		if r.status != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", c.url, r.status)
			continue
		}
		if got := r.header.Get("Content-Type"); got != c.want {
			t.Errorf("GET %s: Content-Type %q, want %q", c.url, got, c.want)
		}
		if got := r.header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", c.url, got)
		}
	}
}

func TestServePrecompressed(t *testing.T) {
	h := newStaticHandler(newTestSite(t))
	cases := []struct {
		accept, wantEncoding, wantBody string
	}{
		{"", "", "\x00asm plain"},
		{"identity", "", "\x00asm plain"},
		{"gzip", "gzip", "GZIP-BYTES"},
		{"gzip, deflate, br", "br", "BROTLI-BYTES"},
		{"br;q=0, gzip", "gzip", "GZIP-BYTES"},
		{"gzip;q=0", "", "\x00asm plain"},
		{"*", "br", "BROTLI-BYTES"},
		{"*, br;q=0", "gzip", "GZIP-BYTES"},
		{"GZIP;q=0.5", "gzip", "GZIP-BYTES"},
	}
	for _, c := range cases {
		r := get(t, h, "GET", "/genplay.wasm", c.accept)
		if got := r.header.Get("Content-Encoding"); got != c.wantEncoding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", c.accept, got, c.wantEncoding)
		}
		if r.body != c.wantBody {
			t.Errorf("Accept-Encoding %q: body %q, want %q", c.accept, r.body, c.wantBody)
		}
		if got := r.header.Get("Content-Type"); got != "application/wasm" {
			t.Errorf("Accept-Encoding %q: Content-Type %q, want the original file's", c.accept, got)
		}
		if got := r.header.Get("Vary"); got != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary %q, want Accept-Encoding", c.accept, got)
		}
		wantDecoded := ""
		if c.wantEncoding != "" {
			wantDecoded = "10" // len("\x00asm plain")
		}
		if got := r.header.Get(DecodedLengthHeader); got != wantDecoded {
			t.Errorf("Accept-Encoding %q: %s %q, want %q", c.accept, DecodedLengthHeader, got, wantDecoded)
		}
	}

	// A sibling older than its source is ignored.
	r := get(t, h, "GET", "/style.css", "gzip")
	if r.body != "body{}" || r.header.Get("Content-Encoding") != "" {
		t.Errorf("stale style.css.gz was served: encoding %q body %q", r.header.Get("Content-Encoding"), r.body)
	}
	// A file without siblings does not vary.
	if v := get(t, h, "GET", "/main.js", "gzip").header.Get("Vary"); v != "" {
		t.Errorf("main.js: Vary %q, want none", v)
	}
}

func TestServeNotFound(t *testing.T) {
	h := newStaticHandler(newTestSite(t))
	for _, url := range []string{"/missing.js", "/sub", "/sub/", "/../secret.txt", "/%2e%2e/secret.txt", "/sub/../../secret.txt"} {
		if r := get(t, h, "GET", url, ""); r.status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", url, r.status)
		}
	}
	if r := get(t, h, "POST", "/index.html", ""); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", r.status)
	}
	if r := get(t, h, "HEAD", "/index.html", ""); r.status != http.StatusOK || r.body != "" {
		t.Errorf("HEAD: status %d body %q, want 200 and no body", r.status, r.body)
	}
}

func TestAcceptsEncoding(t *testing.T) {
	cases := []struct {
		header, coding string
		want           bool
	}{
		{"", "gzip", false},
		{"gzip", "gzip", true},
		{"deflate, gzip;q=1.0", "gzip", true},
		{"gzip; q=0", "gzip", false},
		{"gzip;q=0.000", "gzip", false},
		{"*;q=0.1", "br", true},
		{"*;q=0", "br", false},
		{"gzipper", "gzip", false},
		{"br;q=bogus", "br", true},
	}
	for _, c := range cases {
		if got := acceptsEncoding(c.header, c.coding); got != c.want {
			t.Errorf("acceptsEncoding(%q, %q) = %v, want %v", c.header, c.coding, got, c.want)
		}
	}
}
