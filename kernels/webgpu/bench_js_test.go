//go:build js

package webgpu

import (
	"testing"

	"github.com/genplay/genplay/kernels/selftest"
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
