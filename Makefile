# genplay: `make serve` runs the playground, `make test` runs every test.
# Targets run their prerequisites left to right; do not use -j for `test`.

GO       ?= go
NODE     ?= node
GOROOT   := $(shell $(GO) env GOROOT)
JSENV    := GOOS=js GOARCH=wasm
DAWNEXEC := $(CURDIR)/scripts/dawn-exec
# A count, not a duration: Go 1.26's fuzz coordinator can fail a timed run at
# its deadline with a bare "context deadline exceeded" and no failing input
# (golang/go#75804, fixed in Go 1.27); a count has no deadline to race.
FUZZTIME ?= 150000x
ADDR     ?= 127.0.0.1:8080

# Vetted again with GOOS=js GOARCH=wasm: wasm/ and the _js.go files build
# only there, and everything the browser app imports must build there too.
JSPKGS   := ./...

.PHONY: all build wasm serve deps test check test-go fuzz test-webgpu test-browser bench bench-gpu clean

all: build wasm

## build: the native CLI, bin/genplay
build:
	$(GO) build -o bin/genplay ./cmd/genplay

## wasm: the browser app, web/genplay.wasm (+ .gz for genplay serve) and Go's wasm_exec.js
wasm:
	$(JSENV) $(GO) build -o web/genplay.wasm ./wasm
	cp $(GOROOT)/lib/wasm/wasm_exec.js web/wasm_exec.js
	gzip -9 -k -f web/genplay.wasm
	@# The page fetches the default models over HTTP: web/models/ (git-ignored).
	mkdir -p web/models
	cp weights/manifest.json web/models/
	@for f in weights/*.gguf weights/*.gguf.zst; do [ ! -f "$$f" ] || cp "$$f" web/models/; done

## serve: build everything and serve the playground on http://$(ADDR)/
serve: wasm build
	bin/genplay serve -addr $(ADDR) -dir web

## deps: chromium (apt) and node_modules (npm ci), only when missing or stale
deps:
	@scripts/install-deps.sh

## test: every test layer (native, fuzz, WebGPU in Node, the page in Chromium)
test: deps check test-go fuzz test-webgpu test-browser

## check: formatting and vet, natively and for GOOS=js
check:
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './node_modules/*' -not -path './.git/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(JSENV) $(GO) vet $(JSPKGS)

test-go:
	$(GO) test ./...

## fuzz: every Fuzz target under weights/ for $(FUZZTIME) inputs each (or a duration: FUZZTIME=30s)
fuzz:
	@set -e; for pkg in $$($(GO) list ./weights/...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

## test-webgpu: the WGSL kernels against the reference, and each model's forward pass, in Node with Dawn on SwiftShader
test-webgpu:
	$(JSENV) $(GO) test -exec=$(DAWNEXEC) ./kernels/webgpu/...
	$(JSENV) $(GO) test -exec=$(DAWNEXEC) -run WebGPU ./models/...

## test-browser: the page in headless Chromium (WebGPU on SwiftShader); screenshots in out/
test-browser: wasm build
	$(NODE) test/browser/selftest_page.mjs
	$(NODE) test/browser/diffusion_page.mjs
	$(NODE) test/browser/diffusion_errors.mjs
	$(NODE) test/browser/embed.mjs
	$(NODE) test/browser/text_page.mjs
	$(NODE) test/browser/profiler_page.mjs

## bench: CPU kernel benchmarks and the CLI's bench
bench: build
	$(GO) test -run '^$$' -bench . ./kernels/...
	bin/genplay bench

## bench-gpu: WebGPU kernels vs tfjs-backend-webgpu, same device and process (BENCHMARKS.md)
bench-gpu:
	bench/gpubench.sh -size small

clean:
	rm -rf bin out web/genplay.wasm web/genplay.wasm.gz web/wasm_exec.js web/models
