package kernels_test

import (
	"fmt"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/selftest"
)

// BenchmarkCPU times the shared benchmark table (selftest.BenchCases) on the
// CPU backend with every core, reporting GFLOP/s and GB/s from the work
// each case counts. Run: go test -bench CPU -run '^$' ./kernels
func BenchmarkCPU(b *testing.B) {
	be := kernels.NewCPU(0)
	for _, c := range selftest.BenchCases() {
		b.Run(fmt.Sprintf("%s/%s", c.Op, c.Shape), func(b *testing.B) {
			run, release, err := c.Prepare(be)
			if err != nil {
				b.Fatal(err)
			}
			defer release()
			for b.Loop() {
				be.Free(run())
			}
			if err := be.Err(); err != nil {
				b.Fatal(err)
			}
			s := b.Elapsed().Seconds() / float64(b.N)
			if c.FLOPs > 0 {
				b.ReportMetric(c.FLOPs/s/1e9, "GFLOP/s")
			}
			if c.Bytes > 0 {
				b.ReportMetric(c.Bytes/s/1e9, "GB/s")
			}
		})
	}
}
