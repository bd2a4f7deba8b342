package quant

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand"
	"strings"
	"testing"
)

func randNormal(seed int64, n int) []float32 {
	rng := rand.New(rand.NewSource(seed))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// relRMSE is sqrt(mean((a-b)^2)) / sqrt(mean(b^2)).
func relRMSE(a, b []float32) float64 {
	var num, den float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		num += d * d
		den += float64(b[i]) * float64(b[i])
	}
	return math.Sqrt(num / den)
}

func TestRoundTripRMSE(t *testing.T) {
	x := randNormal(42, 32*256)
	// Bounds: uniform rounding error over a step of amax/127 (Q8_0) or
	// amax/8 (Q4_0), with amax about 2.1 sigma for a block of 32 normals,
	// gives about 0.005 and 0.08; the bounds leave room but still catch a
	// wrong scale, nibble order or sign.
	for _, c := range []struct {
		dt  DType
		max float64
		min float64 // a lossy format that comes back exact is broken too
	}{
		{F32, 0, 0},
		{F16, 5e-4, 1e-6},
		{BF16, 4e-3, 1e-5},
		{Q8_0, 0.008, 0.002},
		{Q4_0, 0.12, 0.04},
	} {
		raw, err := Quantize(c.dt, x)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := c.dt.RowBytes(int64(len(x))); int64(len(raw)) != want {
			t.Errorf("%v: %d bytes, want %d", c.dt, len(raw), want)
		}
		y, err := Dequantize(c.dt, raw, len(x))
		if err != nil {
			t.Fatal(err)
		}
		r := relRMSE(y, x)
		if r > c.max || r < c.min {
			t.Errorf("%v: relative RMSE %.5f outside [%g, %g]", c.dt, r, c.min, c.max)
		}
	}
}

// Hand-built blocks, with the expected bytes derived from GGML's algorithm.
func TestQuantizeGGMLBytes(t *testing.T) {
	block := func(vals map[int]float32) []float32 {
		x := make([]float32, BlockSize)
		for i, v := range vals {
			x[i] = v
		}
		return x
	}
	cases := []struct {
		name string
		dt   DType
		x    []float32
		want []byte
	}{
		{
			// amax = 127 so d = 1 (f16 0x3c00) and id = 1: q = roundf(x),
			// which rounds halves away from zero (2.5 -> 3, -2.5 -> -3).
			name: "q8 unit scale",
			dt:   Q8_0,
			x:    block(map[int]float32{0: 127, 1: -127, 2: 2.5, 3: -2.5, 4: 0.49, 5: 1.5}),
			want: append([]byte{0x00, 0x3c, 0x7f, 0x81, 0x03, 0xfd, 0x00, 0x02}, make([]byte, 26)...),
		},
		{
			// amax = 254: d = 2 (f16 0x4000), id = 0.5: 3 -> 1.5 -> 2,
			// -3 -> -2, 1 -> 0.5 -> 1.
			name: "q8 scale two",
			dt:   Q8_0,
			x:    block(map[int]float32{0: 254, 1: 3, 2: -3, 3: 1}),
			want: append([]byte{0x00, 0x40, 0x7f, 0x02, 0xfe, 0x01}, make([]byte, 28)...),
		},
		{
			// The largest magnitude is -8 at index 0; 8 at index 2 ties it
			// but GGML keeps the first (strict <), so d = -8/-8 = 1 (0x3c00)
			// and q = min(15, trunc(x + 8.5)):
			// x0=-8 -> 0, x1=7 -> 15, x2=8 -> 16 -> 15, x3=0 -> 8,
			// x4=-0.5 -> 8, x5=-0.6 -> 7 (7.9 truncates), x16=3 -> 11,
			// x17=-3 -> 5, all other zeros -> 8.
			// Byte j = q[j] | q[j+16]<<4.
			name: "q4 negative max",
			dt:   Q4_0,
			x:    block(map[int]float32{0: -8, 1: 7, 2: 8, 3: 0, 4: -0.5, 5: -0.6, 16: 3, 17: -3}),
			want: append([]byte{0x00, 0x3c, 0xb0, 0x5f, 0x8f, 0x88, 0x88, 0x87},
				bytes.Repeat([]byte{0x88}, 10)...),
		},
		{
			// Positive max 16: d = 16/-8 = -2 (f16 0xc000), id = -0.5:
			// 16 -> -8+8.5 -> 0, -16 -> 16.5 -> 15, 1 -> 8, 3 -> 7;
			// zeros -> 8.
			name: "q4 positive max",
			dt:   Q4_0,
			x:    block(map[int]float32{0: 16, 1: -16, 2: 1, 3: 3}),
			want: append([]byte{0x00, 0xc0, 0x80, 0x8f, 0x88, 0x87},
				bytes.Repeat([]byte{0x88}, 12)...),
		},
		{
			// All zeros: max = 0 so d = 0/-8 = -0 (f16 0x8000, as in C),
			// id = 0 by GGML's guard, and every q is trunc(8.5) = 8.
			name: "q4 zeros",
			dt:   Q4_0,
			x:    block(nil),
			want: append([]byte{0x00, 0x80}, bytes.Repeat([]byte{0x88}, 16)...),
		},
	}
	for _, c := range cases {
		got, err := Quantize(c.dt, c.x)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !bytes.Equal(got, c.want) {
			t.Errorf("%s:\n got % x\nwant % x", c.name, got, c.want)
		}
	}
}

// A non-exact scale is stored as its nearest half: amax = 1 gives
// d = 1/127 in float32, stored as F32ToF16(d), and q = roundf(x * 127ish).
func TestQuantizeQ8Scale(t *testing.T) {
	x := make([]float32, BlockSize)
	x[0], x[1] = 1, 0.5
	raw, _ := Quantize(Q8_0, x)
	d := float32(1) / 127
	if got, want := binary.LittleEndian.Uint16(raw), F32ToF16(d); got != want {
		t.Errorf("scale %#04x, want %#04x", got, want)
	}
	// 0.5 * (1/d) = 63.5 (up to float rounding) rounds to 64 or 63; GGML
	// computes 0.5f * 127.0f exactly = 63.5 -> roundf -> 64.
	if raw[2] != 127 || raw[3] != 64 {
		t.Errorf("q = %d, %d, want 127, 64", int8(raw[2]), int8(raw[3]))
	}
}

func TestQuantizedDot(t *testing.T) {
	const n = 32 * 64
	w := randNormal(7, n)
	a := randNormal(8, n)
	var exact float64
	for i := range w {
		exact += float64(w[i]) * float64(a[i])
	}
	norm := 0.0
	for i := range w {
		norm += math.Abs(float64(w[i]) * float64(a[i]))
	}
	for _, c := range []struct {
		dt  DType
		tol float64 // relative to sum |w_i a_i|
	}{{Q8_0, 0.005}, {Q4_0, 0.06}, {F16, 1e-3}} {
		raw, _ := Quantize(c.dt, w)
		var dot float64
		if c.dt == Q8_0 || c.dt == Q4_0 {
			// Dot the way the kernels do it: per block, the integer quants
			// times the activations, then one multiply by the scale.
			qs, scales, err := Repack(c.dt, raw)
			if err != nil {
				t.Fatal(err)
			}
			for b := range scales {
				var s float64
				for j := 0; j < BlockSize; j++ {
					s += float64(repackedQuant(c.dt, qs, b, j)) * float64(a[b*BlockSize+j])
				}
				dot += s * float64(scales[b])
			}
		} else {
			y, _ := Dequantize(c.dt, raw, n)
			for i := range y {
				dot += float64(y[i]) * float64(a[i])
			}
		}
		if e := math.Abs(dot-exact) / norm; e > c.tol {
			t.Errorf("%v dot %g vs float %g: relative error %g > %g", c.dt, dot, exact, e, c.tol)
		}
	}
}

// repackedQuant reads value j of block b from Repack's layout, written as
// the WGSL kernels read it (see Repack's doc comment).
func repackedQuant(dt DType, qs []uint32, b, j int) int32 {
	if dt == Q8_0 {
		return int32(qs[b*8+j/4]<<(24-8*(j%4))) >> 24
	}
	i, hi := j, false
	if j >= 16 {
		i, hi = j-16, true
	}
	byt := (qs[b*4+i/4] >> (8 * (i % 4))) & 0xff
	if hi {
		return int32(byt>>4) - 8
	}
	return int32(byt&0xf) - 8
}

func TestRepackMatchesDequantize(t *testing.T) {
	x := randNormal(3, 32*5)
	for _, dt := range []DType{Q8_0, Q4_0} {
		raw, _ := Quantize(dt, x)
		want, _ := Dequantize(dt, raw, len(x))
		qs, scales, err := Repack(dt, raw)
		if err != nil {
			t.Fatal(err)
		}
		if len(scales) != 5 || len(qs) != 5*(map[DType]int{Q8_0: 8, Q4_0: 4}[dt]) {
			t.Fatalf("%v: %d words, %d scales", dt, len(qs), len(scales))
		}
		for b := 0; b < 5; b++ {
			for j := 0; j < BlockSize; j++ {
				got := float32(repackedQuant(dt, qs, b, j)) * scales[b]
				if got != want[b*BlockSize+j] {
					t.Fatalf("%v block %d value %d: repacked %g, dequantized %g", dt, b, j, got, want[b*BlockSize+j])
				}
			}
		}
	}
	if _, _, err := Repack(Q8_0, make([]byte, 35)); err == nil || !strings.Contains(err.Error(), "34-byte blocks") {
		t.Errorf("partial block: err = %v", err)
	}
	if _, _, err := Repack(F16, make([]byte, 4)); err == nil {
		t.Error("Repack(F16) must fail")
	}
}

func TestQuantizeDequantizeErrors(t *testing.T) {
	if _, err := Quantize(Q8_0, make([]float32, 33)); err == nil || !strings.Contains(err.Error(), "multiple of the block size") {
		t.Errorf("Quantize 33 values: err = %v", err)
	}
	if _, err := Quantize(DType(12), make([]float32, 32)); err == nil || !strings.Contains(err.Error(), "dtype(12)") {
		t.Errorf("Quantize unknown dtype: err = %v", err)
	}
	for _, dt := range []DType{F32, F16, BF16, Q8_0, Q4_0} {
		if _, err := Dequantize(dt, make([]byte, 10), 64); err == nil || !strings.Contains(err.Error(), "need") {
			t.Errorf("Dequantize %v short input: err = %v", dt, err)
		}
	}
	if _, err := Dequantize(Q4_0, make([]byte, 100), 20); err == nil {
		t.Error("Dequantize Q4_0 of 20 values must fail")
	}
	if _, err := Dequantize(F32, nil, -1); err == nil {
		t.Error("negative count must fail")
	}
}
