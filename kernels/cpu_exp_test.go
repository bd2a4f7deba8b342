package kernels

import (
	"math"
	"testing"
)

func TestExp32(t *testing.T) {
	worst, at := 0.0, float32(0)
	for i := -180000; i <= 180000; i++ {
		x := float32(i) / 2000 // [-90, 90], across the fast path's edges at ±87
		got, want := float64(exp32(x)), float64(float32(math.Exp(float64(x))))
		if e := math.Abs(got/want - 1); e > worst {
			worst, at = e, x
		}
	}
	if worst > 5e-7 { // a few float32 ulp
		t.Errorf("exp32: worst relative error %.2e at %v, want under 5e-7", worst, at)
	}
	if !math.IsNaN(float64(exp32(float32(math.NaN())))) || exp32(float32(math.Inf(-1))) != 0 ||
		!math.IsInf(float64(exp32(float32(math.Inf(1)))), 1) || exp32(-200) != 0 {
		t.Error("exp32 mishandles NaN, infinities or underflow")
	}
}
