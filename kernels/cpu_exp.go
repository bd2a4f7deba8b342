package kernels

import "math"

// Exp32 is exp32 for other packages' host-side softmaxes (the text page's
// candidate probabilities over a whole vocabulary, every token).
func Exp32(x float32) float32 { return exp32(x) }

// exp32 returns e^x in float32, within a few ulp of float32(math.Exp(x)) and
// about 4x faster: Softmax, Attention and SiLU spend most of their time here.
//
// It splits x = n·ln2 + r with |r| ≤ ln2/2 (ln2 in two parts, so r is exact
// to float32 precision), takes e^r from its Taylor series to degree 7
// (truncation error below 1e-8 relative) and scales by 2^n through the
// exponent bits. Outside ±87, where 2^n would leave the normal range, it
// falls back to math.Exp.
func exp32(x float32) float32 {
	if !(x > -87 && x < 87) { // also catches NaN
		return float32(math.Exp(float64(x)))
	}
	const (
		log2e = 1.4426950408889634
		ln2hi = 0.693145751953125 // ln2 rounded to 12 significant bits: n·ln2hi is exact
		ln2lo = 1.4286068203094172e-06
	)
	t := x * log2e
	var n int32
	if t >= 0 {
		n = int32(t + 0.5)
	} else {
		n = int32(t - 0.5)
	}
	fn := float32(n)
	r := x - fn*ln2hi - fn*ln2lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040)))))))
	return p * math.Float32frombits(uint32(n+127)<<23)
}
