//go:build !js

// Command e2ebench times the default models on WebGPU; it runs only as
// GOOS=js (see main.go).
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "e2ebench is a GOOS=js program: GOOS=js GOARCH=wasm go build -o bin/e2ebench.wasm ./cmd/e2ebench && "+
		"scripts/dawn-exec bin/e2ebench.wasm -model fashion (the CPU numbers: genplay bench --model fashion)")
	os.Exit(2)
}
