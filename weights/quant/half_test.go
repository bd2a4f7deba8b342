package quant

import (
	"math"
	"math/rand"
	"testing"
)

func TestF32ToF16Known(t *testing.T) {
	cases := []struct {
		f    float32
		want uint16
	}{
		{0, 0x0000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.1, 0x2e66},                               // 0.0999755859375 is nearest
		{65504, 0x7bff},                             // largest finite half
		{65519, 0x7bff},                             // below the midpoint to 65536
		{65520, 0x7c00},                             // midpoint rounds to even: inf
		{1e9, 0x7c00},                               // overflow
		{float32(math.Inf(-1)), 0xfc00},             // -inf
		{1.0 / (1 << 14), 0x0400},                   // smallest normal
		{1.0 / (1 << 24), 0x0001},                   // smallest subnormal
		{1.0 / (1 << 25), 0x0000},                   // tie between 0 and 2^-24: even is 0
		{3.0 / (1 << 26), 0x0001},                   // 0.75 of a subnormal step rounds up
		{3.0 / (1 << 25), 0x0002},                   // tie 1.5 steps: even is 2
		{1 + 1.0/(1<<11), 0x3c00},                   // tie: mantissa 0 is even
		{1 + 3.0/(1<<11), 0x3c02},                   // tie: rounds up to even mantissa 2
		{2047.0 / 2048 * (1.0 / (1 << 14)), 0x0400}, // subnormal that rounds up into the normals
		{1e-30, 0x0000},                             // far below the subnormals
	}
	for _, c := range cases {
		if got := F32ToF16(c.f); got != c.want {
			t.Errorf("F32ToF16(%g) = %#04x, want %#04x", c.f, got, c.want)
		}
	}
	if h := F32ToF16(float32(math.NaN())); h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
		t.Errorf("F32ToF16(NaN) = %#04x, not a NaN", h)
	}
}

func TestF16ToF32Known(t *testing.T) {
	cases := []struct {
		h    uint16
		want float32
	}{
		{0x3c00, 1},
		{0xc000, -2},
		{0x7bff, 65504},
		{0x0001, 1.0 / (1 << 24)},
		{0x03ff, 1023.0 / (1 << 24)},
		{0x0400, 1.0 / (1 << 14)},
		{0x7c00, float32(math.Inf(1))},
		{0xfc00, float32(math.Inf(-1))},
	}
	for _, c := range cases {
		if got := F16ToF32(c.h); got != c.want {
			t.Errorf("F16ToF32(%#04x) = %g, want %g", c.h, got, c.want)
		}
	}
	if !math.IsNaN(float64(F16ToF32(0x7e00))) || !math.IsNaN(float64(F16ToF32(0xfc01))) {
		t.Error("half NaNs must widen to NaN")
	}
	if v := F16ToF32(0x8000); v != 0 || !math.Signbit(float64(v)) {
		t.Errorf("F16ToF32(0x8000) = %g, want -0", v)
	}
}

// Every non-NaN half survives the trip through float32 unchanged.
func TestF16RoundTripExhaustive(t *testing.T) {
	for i := 0; i < 1<<16; i++ {
		h := uint16(i)
		if h&0x7c00 == 0x7c00 && h&0x3ff != 0 {
			continue
		}
		if got := F32ToF16(F16ToF32(h)); got != h {
			t.Fatalf("F32ToF16(F16ToF32(%#04x)) = %#04x", h, got)
		}
	}
}

// For random floats in the half range, the chosen half is at least as close
// as both of its neighbours (the definition of round-to-nearest).
func TestF32ToF16Nearest(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		f := float32(rng.NormFloat64() * math.Pow(2, float64(rng.Intn(40)-28)))
		if math.Abs(float64(f)) >= 65504 {
			continue
		}
		h := F32ToF16(f)
		err := math.Abs(float64(F16ToF32(h)) - float64(f))
		for _, n := range []uint16{h + 1, h - 1} {
			if n&0x7c00 == 0x7c00 || (h&0x7fff == 0 && n == h-1) {
				continue
			}
			if e := math.Abs(float64(F16ToF32(n)) - float64(f)); e < err {
				t.Fatalf("F32ToF16(%g) = %#04x (err %g) but %#04x is closer (err %g)", f, h, err, n, e)
			}
		}
	}
}

func TestBF16(t *testing.T) {
	if got := BF16ToF32(0x3f80); got != 1 {
		t.Errorf("BF16ToF32(0x3f80) = %g, want 1", got)
	}
	if got := BF16ToF32(0xc040); got != -3 {
		t.Errorf("BF16ToF32(0xc040) = %g, want -3", got)
	}
	// 1 + 2^-8 is a tie between 1 (0x3f80) and 1+2^-7 (0x3f81): even wins.
	if got := F32ToBF16(1 + 1.0/256); got != 0x3f80 {
		t.Errorf("F32ToBF16(1+2^-8) = %#04x, want 0x3f80", got)
	}
	if got := F32ToBF16(1 + 3.0/256); got != 0x3f82 {
		t.Errorf("F32ToBF16(1+3*2^-8) = %#04x, want 0x3f82", got)
	}
	if !math.IsNaN(float64(BF16ToF32(F32ToBF16(float32(math.NaN()))))) {
		t.Error("bf16 NaN round trip lost the NaN")
	}
}
