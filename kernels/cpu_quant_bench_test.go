package kernels_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/weights/quant"
)

// BenchmarkCPUQuantMatMul times MatMul(a [m, k], w [n, k] quantized, transB)
// on the CPU backend with every core: decode (m=1) at the text models'
// shapes and a large square, and a 64-token prefill. Compare runs with
// benchstat:
//
//	go test -run '^$' -bench CPUQuantMatMul -count 8 ./kernels > new.txt
func BenchmarkCPUQuantMatMul(b *testing.B) {
	shapes := []struct{ m, n, k int }{
		{1, 256, 256},
		{1, 1024, 256},
		{1, 256, 1024},
		{1, 4096, 4096},
		{64, 1024, 256},
		{64, 256, 1024},
	}
	be := kernels.NewCPU(0)
	for _, dt := range []quant.DType{quant.Q8_0, quant.Q4_0} {
		for _, s := range shapes {
			b.Run(fmt.Sprintf("%v/%dx%dx%d", dt, s.m, s.n, s.k), func(b *testing.B) {
				benchQuantMatMul(b, be, dt, s.m, s.n, s.k)
			})
		}
	}
}

func benchQuantMatMul(b *testing.B, be kernels.Backend, dt quant.DType, m, n, k int) {
	rng := rand.New(rand.NewPCG(uint64(m*n*k), 1))
	random := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = 2*rng.Float32() - 1
		}
		return x
	}
	raw, err := quant.Quantize(dt, random(n*k))
	if err != nil {
		b.Fatal(err)
	}
	w, err := be.UploadRaw("w", []int{n, k}, dt, raw)
	if err != nil {
		b.Fatal(err)
	}
	a, err := be.Upload("a", []int{m, k}, random(m*k))
	if err != nil {
		b.Fatal(err)
	}
	defer be.Free(w)
	defer be.Free(a)
	for b.Loop() {
		be.Free(be.MatMul(a, w, true))
	}
	if err := be.Err(); err != nil {
		b.Fatal(err)
	}
	s := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(2*float64(m*n*k)/s/1e9, "GFLOP/s")
	b.ReportMetric(float64(len(raw))/s/1e9, "weightGB/s")
}
