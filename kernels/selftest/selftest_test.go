package selftest_test

import (
	"math"
	"strings"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/selftest"
)

func TestNMSE(t *testing.T) {
	want := []float32{3, 4}
	if got := selftest.NMSE([]float32{3, 4}, want); got != 0 {
		t.Errorf("NMSE of equal slices = %v", got)
	}
	if got := selftest.NMSE([]float32{3, 5}, want); math.Abs(got-1.0/25) > 1e-12 {
		t.Errorf("NMSE = %v, want 1/25", got)
	}
	if got := selftest.NMSE([]float32{float32(math.NaN()), 4}, want); !math.IsInf(got, 1) {
		t.Errorf("NMSE with a NaN = %v, want +Inf", got)
	}
	if got := selftest.MaxAbs([]float32{3, 5.5}, want); got != 1.5 {
		t.Errorf("MaxAbs = %v, want 1.5", got)
	}
}

// brokenBackend panics in MatMul and returns the wrong shape from Add.
type brokenBackend struct{ kernels.Backend }

func (brokenBackend) MatMul(a, b kernels.Tensor, transB bool) kernels.Tensor { panic("boom") }
func (b brokenBackend) Add(x, y kernels.Tensor) kernels.Tensor {
	return b.Backend.TimestepEmbedding([]float32{1}, 2)
}

func TestRunReportsBackendFailures(t *testing.T) {
	b := brokenBackend{kernels.NewCPU(1)}
	var sawPanic, sawShape bool
	for _, c := range selftest.Cases() {
		r := selftest.Run(b, c)
		switch c.Op {
		case "MatMul":
			sawPanic = true
			if r.Pass || r.Err == nil || !strings.Contains(r.Err.Error(), "boom") {
				t.Errorf("%s %s: %v, want a failure reporting the panic", c.Op, c.Shape, r)
			}
		case "Add":
			sawShape = true
			if r.Pass || r.Err == nil || !strings.Contains(r.Err.Error(), "shape") {
				t.Errorf("%s %s: %v, want a shape error", c.Op, c.Shape, r)
			}
		}
	}
	if !sawPanic || !sawShape {
		t.Error("the table has no MatMul or no Add case")
	}
}

func TestBenchCasesPrepare(t *testing.T) {
	b := kernels.NewCPU(1)
	for _, c := range selftest.BenchCases() {
		if c.FLOPs == 0 && c.Bytes == 0 {
			t.Errorf("%s %s counts no work", c.Op, c.Shape)
		}
	}
	// One small case end to end through Bench.
	c := selftest.Cases()[0]
	r := selftest.Bench(b, c, 1)
	if r.Err != nil || r.Time <= 0 || r.GFLOPs <= 0 {
		t.Errorf("Bench(%s %s) = %+v", c.Op, c.Shape, r)
	}
}
