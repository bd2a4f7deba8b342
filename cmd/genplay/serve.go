package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func init() {
	register("serve", "serve the browser playground (web/) over HTTP", runServe)
}

func runServe(args []string) error {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	dir := flags.String("dir", "web", "directory of static files to serve")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flags.Args())
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a directory (run from the repository root, or pass -dir)", *dir)
	}
	if _, err := os.Stat(filepath.Join(*dir, "genplay.wasm")); err != nil {
		log.Printf("warning: %s has no genplay.wasm yet; build it with 'make wasm'", *dir)
	}

	// Listen first so that the logged URL carries the real port when -addr
	// asks for port 0 (the browser tests rely on that line).
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Printf("genplay serve: listening on http://%s/\n", ln.Addr())
	srv := &http.Server{
		Handler:           logRequests(newStaticHandler(*dir)),
		ReadHeaderTimeout: 10 * time.Second,
	}
	return srv.Serve(ln)
}

// contentTypes pins the types the playground depends on: browsers refuse
// WebAssembly.instantiateStreaming and module scripts with the wrong type, and
// the system MIME table (used for everything else) differs between machines.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".json": "application/json",
	".wasm": "application/wasm",
	".gguf": "application/octet-stream",
	".zst":  "application/octet-stream",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".txt":  "text/plain; charset=utf-8",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// precompressed lists the sibling files the server looks for, best first.
var precompressed = []struct{ encoding, suffix string }{
	{"br", ".br"},
	{"gzip", ".gz"},
}

// DecodedLengthHeader carries the size of the file before content encoding,
// so the page can show download progress of a precompressed file: the
// response's Content-Length is the compressed size, while fetch's body stream
// yields decoded bytes.
const DecodedLengthHeader = "X-Decoded-Content-Length"

type staticHandler struct {
	root string
}

// newStaticHandler serves the files under root. It never lists directories,
// and serves X.br or X.gz in place of X when the client accepts that encoding.
func newStaticHandler(root string) http.Handler {
	return staticHandler{root: root}
}

func (h staticHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// path.Clean of a rooted path cannot climb above the root.
	name := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(r.URL.Path, "/") {
		name = path.Join(name, "index.html")
	}
	full := filepath.Join(h.root, filepath.FromSlash(name))
	st, err := os.Stat(full)
	if err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}

	hdr := w.Header()
	hdr.Set("Content-Type", contentType(name))
	// Our file names carry no content hash, so every response must be
	// revalidated (cheap: Last-Modified gives a 304). A stale index.html or
	// genplay.wasm would otherwise pair an old page with a new program.
	hdr.Set("Cache-Control", "no-cache")

	serve := full
	for _, pc := range precompressed {
		sib := full + pc.suffix
		sst, err := os.Stat(sib)
		if err != nil || sst.IsDir() {
			continue
		}
		// The answer depends on Accept-Encoding as soon as a sibling exists.
		hdr.Set("Vary", "Accept-Encoding")
		// A sibling older than its source is left over from an old build.
		if sst.ModTime().Before(st.ModTime()) || !acceptsEncoding(r.Header.Get("Accept-Encoding"), pc.encoding) {
			continue
		}
		serve = sib
		hdr.Set("Content-Encoding", pc.encoding)
		hdr.Set(DecodedLengthHeader, strconv.FormatInt(st.Size(), 10))
		break
	}

	f, err := os.Open(serve)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			http.NotFound(w, r)
			return
		}
		http.Error(w, "cannot read file", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	fst, err := f.Stat()
	if err != nil {
		http.Error(w, "cannot read file", http.StatusInternalServerError)
		return
	}
	http.ServeContent(w, r, name, fst.ModTime(), f)
}

// acceptsEncoding reports whether an Accept-Encoding header value allows
// coding: named with a quality above zero, or not named and allowed by "*".
func acceptsEncoding(header, coding string) bool {
	named, star := -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		token, params, _ := strings.Cut(part, ";")
		token = strings.TrimSpace(token)
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(p, "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch {
		case strings.EqualFold(token, coding):
			named = q
		case token == "*":
			star = q
		}
	}
	if named >= 0 {
		return named > 0
	}
	return star > 0
}

// statusWriter remembers the status code for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		enc := w.Header().Get("Content-Encoding")
		if enc != "" {
			enc = " (" + enc + ")"
		}
		log.Printf("%s %s %d%s", r.Method, r.URL.Path, sw.status, enc)
	})
}
