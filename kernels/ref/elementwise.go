package ref

import (
	"fmt"
	"math"
)

// broadcast checks that b's length divides a's: b has a's shape or a suffix
// of it, and repeats over a's leading dimensions.
func broadcast(op string, a, b []float32) {
	if len(b) == 0 || len(a)%len(b) != 0 {
		panic(fmt.Sprintf("ref.%s: b has %d values, which does not divide a's %d", op, len(b), len(a)))
	}
}

// Add is out[i] = a[i] + b[i mod len(b)] (b broadcast over a's leading dimensions).
func Add(a, b []float32) []float32 {
	broadcast("Add", a, b)
	out := make([]float32, len(a))
	for i := range a {
		out[i] = float32(float64(a[i]) + float64(b[i%len(b)]))
	}
	return out
}

// Mul is out[i] = a[i] * b[i mod len(b)] (b broadcast over a's leading dimensions).
func Mul(a, b []float32) []float32 {
	broadcast("Mul", a, b)
	out := make([]float32, len(a))
	for i := range a {
		out[i] = float32(float64(a[i]) * float64(b[i%len(b)]))
	}
	return out
}

// ScaleBias is out[i] = x[i]*scale + bias.
func ScaleBias(x []float32, scale, bias float32) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(float64(v)*float64(scale) + float64(bias))
	}
	return out
}

// unary applies f in float64 to every element.
func unary(x []float32, f func(float64) float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(f(float64(v)))
	}
	return out
}

// SiLU is out[i] = x / (1 + e^−x).
func SiLU(x []float32) []float32 {
	return unary(x, func(v float64) float64 { return v / (1 + math.Exp(-v)) })
}

// GELU is the tanh approximation (GPT-2's "gelu_new"):
//
//	out[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
func GELU(x []float32) []float32 {
	c := math.Sqrt(2 / math.Pi)
	return unary(x, func(v float64) float64 {
		return 0.5 * v * (1 + math.Tanh(c*(v+0.044715*v*v*v)))
	})
}

// GELUErf is the exact GELU: out[i] = 0.5·x·(1 + erf(x/√2)).
func GELUErf(x []float32) []float32 {
	return unary(x, func(v float64) float64 { return 0.5 * v * (1 + math.Erf(v/math.Sqrt2)) })
}

// Upsample2x repeats each pixel of x [n, c, h, w] into a 2x2 block:
//
//	out[nc, y, x] = x[nc, y/2, x/2]   for y < 2h, x < 2w
func Upsample2x(x []float32, n, c, h, w int) []float32 {
	need("Upsample2x", "x", x, n*c*h*w)
	out := make([]float32, n*c*4*h*w)
	for nc := 0; nc < n*c; nc++ {
		for y := 0; y < 2*h; y++ {
			for xx := 0; xx < 2*w; xx++ {
				out[(nc*2*h+y)*2*w+xx] = x[(nc*h+y/2)*w+xx/2]
			}
		}
	}
	return out
}

// ConcatChannels joins a [n, c1, inner] and b [n, c2, inner] along the
// channel dimension into [n, c1+c2, inner], where inner is the product of
// the trailing dimensions (h·w for images).
func ConcatChannels(a, b []float32, n, c1, c2, inner int) []float32 {
	need("ConcatChannels", "a", a, n*c1*inner)
	need("ConcatChannels", "b", b, n*c2*inner)
	out := make([]float32, 0, n*(c1+c2)*inner)
	for i := 0; i < n; i++ {
		out = append(out, a[i*c1*inner:(i+1)*c1*inner]...)
		out = append(out, b[i*c2*inner:(i+1)*c2*inner]...)
	}
	return out
}
