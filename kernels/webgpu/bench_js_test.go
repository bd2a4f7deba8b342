//go:build js

package webgpu

import (
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/selftest"
	"github.com/genplay/genplay/weights/quant"
)

// BenchmarkKernels times kernels/selftest's benchmark table, waiting for
// the device after every run:
//
//	GOOS=js GOARCH=wasm go test -exec=$PWD/scripts/dawn-exec -run=^$ -bench=. ./kernels/webgpu/
func BenchmarkKernels(b *testing.B) {
	be, err := New()
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	for _, c := range selftest.BenchCases() {
		b.Run(c.Op+"/"+c.Shape, func(b *testing.B) {
			run, release, err := c.Prepare(be)
			if err != nil {
				b.Fatal(err)
			}
			defer release()
			be.Free(run()) // compiles the pipeline
			if err := be.Sync(); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				t := run()
				if err := be.Sync(); err != nil {
					b.Fatal(err)
				}
				be.Free(t)
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			if c.FLOPs > 0 {
				b.ReportMetric(c.FLOPs/sec/1e9, "GFLOP/s")
			}
			if c.Bytes > 0 {
				b.ReportMetric(c.Bytes/sec/1e9, "GB/s")
			}
		})
	}
}

// BenchmarkRecord times what the host spends to record one op, without
// waiting for the device: on a fast GPU that, not the kernel, bounds a
// decode step of a small model (one matvec per op here, the decode shape
// of the default text models, and an RMSNorm). The device catches up after
// every batch (maxBatch ops, one submit), outside the timer: on SwiftShader
// the "device" is the same two cores, and recording while it runs would
// time both.
//
//	GOOS=js GOARCH=wasm go test -exec=$PWD/scripts/dawn-exec -run=^$ -bench=Record ./kernels/webgpu/
func BenchmarkRecord(b *testing.B) {
	be, err := New()
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	const n, k = 1024, 256
	x, _ := be.Upload("x", []int{1, 1, k}, make([]float32, k))
	g, _ := be.Upload("gamma", []int{k}, make([]float32, k))
	raw, _ := quant.Quantize(quant.Q8_0, make([]float32, n*k))
	w, err := be.UploadRaw("w", []int{n, k}, quant.Q8_0, raw)
	if err != nil {
		b.Fatal(err)
	}
	ops := map[string]func() kernels.Tensor{
		"matvec/Q8_0": func() kernels.Tensor { return be.MatMul(x, w, true) },
		"rms_norm":    func() kernels.Tensor { return be.RMSNorm(x, g, 1e-5) },
	}
	for _, name := range []string{"matvec/Q8_0", "rms_norm"} {
		op := ops[name]
		b.Run(name, func(b *testing.B) {
			be.Free(op()) // compiles the pipeline
			if err := be.Sync(); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				be.Free(op())
				if i++; i%maxBatch == 0 {
					b.StopTimer()
					if err := be.Sync(); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
			}
		})
	}
}
