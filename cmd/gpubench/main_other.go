//go:build !js

// Command gpubench times genplay's WebGPU kernels; it runs only as
// GOOS=js (see main.go): scripts/dawn-exec bin/gpubench.wasm.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "gpubench is a GOOS=js program: GOOS=js GOARCH=wasm go build -o bin/gpubench.wasm ./cmd/gpubench && scripts/dawn-exec bin/gpubench.wasm")
	os.Exit(2)
}
