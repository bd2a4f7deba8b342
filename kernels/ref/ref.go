// Package ref is the living definition of genplay's op set: one plain Go
// function per op of kernels.Backend, written as the obvious loops with
// float64 accumulation. Every backend (the parallel CPU one, the WebGPU one)
// is tested against these functions by kernels/selftest.
//
// Tensors are flat row-major []float32 slices with their dimensions passed
// alongside, slowest first, exactly as kernels/backend.go lays them out. The
// functions trust the caller for anything but the slice lengths, which they
// check so that a wrong call fails loudly instead of reading garbage.
// ref does not import kernels, so it can be read (and used) on its own.
package ref

import (
	"fmt"

	"github.com/genplay/genplay/weights/quant"
)

// need panics unless len(x) == n; op and what name the slice in the message.
func need(op, what string, x []float32, n int) {
	if len(x) != n {
		panic(fmt.Sprintf("ref.%s: %s has %d values, want %d", op, what, len(x), n))
	}
}

// Dequantize expands n values of GGML-layout raw bytes of type dt to f32.
// It is the one place where ref reads quantized or half-precision storage,
// so every op that takes raw weights is defined by "dequantize, then the f32 op".
func Dequantize(dt quant.DType, raw []byte, n int) []float32 {
	x, err := quant.Dequantize(dt, raw, n)
	if err != nil {
		panic(fmt.Sprintf("ref.Dequantize: %v", err))
	}
	return x
}
