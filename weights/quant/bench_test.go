package quant

import "testing"

func benchQuantize(b *testing.B, dt DType) {
	x := randNormal(1, 1<<16)
	b.SetBytes(4 << 16)
	for b.Loop() {
		if _, err := Quantize(dt, x); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQuantizeQ8_0(b *testing.B) { benchQuantize(b, Q8_0) }
func BenchmarkQuantizeQ4_0(b *testing.B) { benchQuantize(b, Q4_0) }

func BenchmarkDequantizeQ8_0(b *testing.B) {
	raw, _ := Quantize(Q8_0, randNormal(1, 1<<16))
	b.SetBytes(4 << 16)
	for b.Loop() {
		if _, err := Dequantize(Q8_0, raw, 1<<16); err != nil {
			b.Fatal(err)
		}
	}
}
