package kernels

import (
	"fmt"
	"math"
	"slices"
)

// broadcastShape panics unless b's shape is a suffix of a's.
func broadcastShape(op string, a, b *cpuTensor) {
	if len(b.shape) > len(a.shape) || !slices.Equal(a.shape[len(a.shape)-len(b.shape):], b.shape) || len(b.f32) == 0 && len(a.f32) > 0 {
		panic(fmt.Sprintf("kernels: %s: b %v must be a's shape %v or a suffix of it", op, b.shape, a.shape))
	}
}

// binary runs out[i] = a[i] (+ or ·) b[i mod len(b)], a row of b at a time.
func (c *cpu) binary(op string, a, b Tensor, mul bool) Tensor {
	at, bt := c.input(op, a), c.input(op, b)
	broadcastShape(op, at, bt)
	out := output(op, slices.Clone(at.shape))
	nb := len(bt.f32)
	if nb == 0 {
		return out
	}
	c.parallel(len(at.f32)/nb, nb, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			x, o := at.f32[r*nb:][:nb], out.f32[r*nb:][:nb]
			if mul {
				for i, y := range bt.f32 {
					o[i] = x[i] * y
				}
			} else {
				for i, y := range bt.f32 {
					o[i] = x[i] + y
				}
			}
		}
	})
	return out
}

func (c *cpu) Add(a, b Tensor) Tensor {
	return c.binary("Add", a, b, false)
}

func (c *cpu) Mul(a, b Tensor) Tensor {
	return c.binary("Mul", a, b, true)
}

// unary runs out[i] = f(x[i]) in parallel chunks.
func (c *cpu) unary(op string, x Tensor, cost int, f func(float32) float32) Tensor {
	xt := c.input(op, x)
	out := output(op, slices.Clone(xt.shape))
	c.parallel(len(xt.f32), cost, func(lo, hi int) {
		o := out.f32[lo:hi]
		for i, v := range xt.f32[lo:hi] {
			o[i] = f(v)
		}
	})
	return out
}

func (c *cpu) ScaleBias(x Tensor, scale, bias float32) Tensor {
	return c.unary("ScaleBias", x, 2, func(v float32) float32 { return v*scale + bias })
}

func (c *cpu) SiLU(x Tensor) Tensor {
	return c.unary("SiLU", x, 20, func(v float32) float32 {
		return v / (1 + exp32(-v))
	})
}

func (c *cpu) GELU(x Tensor) Tensor {
	const k = 0.7978845608028654 // √(2/π)
	return c.unary("GELU", x, 30, func(v float32) float32 {
		return 0.5 * v * (1 + float32(math.Tanh(k*float64(v+0.044715*v*v*v))))
	})
}

func (c *cpu) GELUErf(x Tensor) Tensor {
	return c.unary("GELUErf", x, 30, func(v float32) float32 {
		return 0.5 * v * (1 + float32(math.Erf(float64(v)/math.Sqrt2)))
	})
}

func (c *cpu) Upsample2x(x Tensor) Tensor {
	xt := c.input("Upsample2x", x)
	if len(xt.shape) != 4 {
		panic(fmt.Sprintf("kernels: Upsample2x: x %v must be [N, C, H, W]", xt.shape))
	}
	n, ch, h, w := xt.shape[0], xt.shape[1], xt.shape[2], xt.shape[3]
	out := output("Upsample2x", []int{n, ch, 2 * h, 2 * w})
	c.parallel(n*ch*h, 4*w, func(lo, hi int) {
		for r := lo; r < hi; r++ { // r indexes input rows of all images and channels
			src := xt.f32[r*w:][:w]
			d0 := out.f32[2*r*2*w:][:2*w]
			d1 := out.f32[(2*r+1)*2*w:][:2*w]
			for i, v := range src {
				d0[2*i], d0[2*i+1] = v, v
			}
			copy(d1, d0)
		}
	})
	return out
}

func (c *cpu) ConcatChannels(a, b Tensor) Tensor {
	at, bt := c.input("ConcatChannels", a), c.input("ConcatChannels", b)
	as, bs := at.shape, bt.shape
	if len(as) < 2 || len(as) != len(bs) || as[0] != bs[0] || !slices.Equal(as[2:], bs[2:]) {
		panic(fmt.Sprintf("kernels: ConcatChannels: a %v and b %v must be [N, C1, ...] and [N, C2, ...] with the same N and trailing dimensions", as, bs))
	}
	shape := slices.Clone(as)
	shape[1] += bs[1]
	out := output("ConcatChannels", shape)
	n := as[0]
	if n == 0 {
		return out
	}
	sa, sb := len(at.f32)/n, len(bt.f32)/n // values per image
	for i := 0; i < n; i++ {
		copy(out.f32[i*(sa+sb):], at.f32[i*sa:(i+1)*sa])
		copy(out.f32[i*(sa+sb)+sa:], bt.f32[i*sb:(i+1)*sb])
	}
	return out
}
