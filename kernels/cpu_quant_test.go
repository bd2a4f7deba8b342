package kernels

import (
	"math"
	"testing"

	"github.com/genplay/genplay/weights/quant"
)

// TestBlockScaleMatchesF16ToF32 checks the inlined scale conversion against
// quant's on every half: normals, subnormals, zeros, infinities and NaNs.
func TestBlockScaleMatchesF16ToF32(t *testing.T) {
	for h := range 1 << 16 {
		got := blockScale([]byte{byte(h), byte(h >> 8)})
		want := quant.F16ToF32(uint16(h))
		if math.IsNaN(float64(want)) {
			if !math.IsNaN(float64(got)) {
				t.Errorf("half %#04x: got %v, want NaN", h, got)
			}
			continue
		}
		if math.Float32bits(got) != math.Float32bits(want) {
			t.Errorf("half %#04x: got %v (%#08x), want %v (%#08x)", h, got, math.Float32bits(got), want, math.Float32bits(want))
		}
	}
}

// TestQuantTables checks the byte-to-quant tables against the formats'
// definitions (int8 for Q8_0; nibble − 8 for Q4_0, low nibble first).
func TestQuantTables(t *testing.T) {
	for b := range 256 {
		if got, want := q8Value[b], float32(int8(b)); got != want {
			t.Errorf("q8Value[%d] = %v, want %v", b, got, want)
		}
		lo, hi := float32(int(b&0xf)-8), float32(int(b>>4)-8)
		if got := q4Values[b]; got != [2]float32{lo, hi} {
			t.Errorf("q4Values[%d] = %v, want [%v %v]", b, got, lo, hi)
		}
	}
}
