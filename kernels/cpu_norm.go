package kernels

import (
	"fmt"
	"math"
	"slices"
)

// lastDim returns the rows and columns of x seen as [rows, last dimension].
func lastDim(op string, x *cpuTensor) (rows, cols int) {
	if len(x.shape) == 0 {
		panic(fmt.Sprintf("kernels: %s: x needs at least one dimension", op))
	}
	cols = x.shape[len(x.shape)-1]
	if cols == 0 {
		return 0, 0
	}
	return len(x.f32) / cols, cols
}

// affineParam unwraps an optional [C] gamma or beta.
func (c *cpu) affineParam(op, what string, t Tensor, ch int, x *cpuTensor) []float32 {
	if t == nil {
		return nil
	}
	p := c.input(op, t)
	if len(p.f32) != ch || len(p.shape) != 1 {
		panic(fmt.Sprintf("kernels: %s: %s %v must be [%d] for x %v", op, what, p.shape, ch, x.shape))
	}
	return p.f32
}

func (c *cpu) Softmax(x Tensor) Tensor {
	xt := c.input("Softmax", x)
	rows, cols := lastDim("Softmax", xt)
	out := output("Softmax", slices.Clone(xt.shape))
	c.parallel(rows, 20*cols, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			in, o := xt.f32[r*cols:][:cols], out.f32[r*cols:][:cols]
			mx := float32(math.Inf(-1))
			for _, v := range in {
				mx = max(mx, v)
			}
			var sum float64
			for i, v := range in {
				e := exp32(v - mx)
				o[i] = e
				sum += float64(e)
			}
			inv := float32(1 / sum)
			for i := range o {
				o[i] *= inv
			}
		}
	})
	return out
}

func (c *cpu) LayerNorm(x, gamma, beta Tensor, eps float32) Tensor {
	xt := c.input("LayerNorm", x)
	rows, cols := lastDim("LayerNorm", xt)
	g := c.affineParam("LayerNorm", "gamma", gamma, xt.shape[len(xt.shape)-1], xt)
	b := c.affineParam("LayerNorm", "beta", beta, xt.shape[len(xt.shape)-1], xt)
	out := output("LayerNorm", slices.Clone(xt.shape))
	c.parallel(rows, 4*cols, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			in := xt.f32[r*cols:][:cols]
			mean, inv := meanInvStd(in, eps)
			normalize(out.f32[r*cols:][:cols], in, mean, inv, g, b)
		}
	})
	return out
}

func (c *cpu) RMSNorm(x, gamma Tensor, eps float32) Tensor {
	xt := c.input("RMSNorm", x)
	rows, cols := lastDim("RMSNorm", xt)
	g := c.affineParam("RMSNorm", "gamma", gamma, xt.shape[len(xt.shape)-1], xt)
	out := output("RMSNorm", slices.Clone(xt.shape))
	c.parallel(rows, 3*cols, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			in := xt.f32[r*cols:][:cols]
			var ss float64
			for _, v := range in {
				ss += float64(v) * float64(v)
			}
			inv := float32(1 / math.Sqrt(ss/float64(cols)+float64(eps)))
			normalize(out.f32[r*cols:][:cols], in, 0, inv, g, nil)
		}
	})
	return out
}

func (c *cpu) GroupNorm(x, gamma, beta Tensor, groups int, eps float32) Tensor {
	xt := c.input("GroupNorm", x)
	if len(xt.shape) < 2 || groups <= 0 || xt.shape[1]%groups != 0 {
		panic(fmt.Sprintf("kernels: GroupNorm: x %v must be [N, C, ...] with C a multiple of groups=%d", xt.shape, groups))
	}
	n, ch := xt.shape[0], xt.shape[1]
	g := c.affineParam("GroupNorm", "gamma", gamma, ch, xt)
	b := c.affineParam("GroupNorm", "beta", beta, ch, xt)
	out := output("GroupNorm", slices.Clone(xt.shape))
	if n*ch == 0 {
		return out
	}
	inner := len(xt.f32) / (n * ch) // values per channel
	cg := ch / groups
	c.parallel(n*groups, 4*cg*inner, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			gi := u % groups
			off := u * cg * inner
			mean, inv := meanInvStd(xt.f32[off:][:cg*inner], eps)
			for j := 0; j < cg; j++ {
				chn := gi*cg + j
				var gs, bs []float32
				if g != nil {
					gs = g[chn:][:1]
				}
				if b != nil {
					bs = b[chn:][:1]
				}
				o := off + j*inner
				normalizeConst(out.f32[o:][:inner], xt.f32[o:][:inner], mean, inv, gs, bs)
			}
		}
	})
	return out
}

// meanInvStd returns the mean of x and 1/√(biased variance + eps), with the
// sums in float64 so long rows do not lose precision.
func meanInvStd(x []float32, eps float32) (mean, inv float32) {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	m := s / float64(len(x))
	var vs float64
	for _, v := range x {
		d := float64(v) - m
		vs += d * d
	}
	return float32(m), float32(1 / math.Sqrt(vs/float64(len(x))+float64(eps)))
}

// normalize writes o[i] = (x[i]−mean)·inv·g[i] + b[i]; nil g or b mean 1 and 0.
func normalize(o, x []float32, mean, inv float32, g, b []float32) {
	for i, v := range x {
		y := (v - mean) * inv
		if g != nil {
			y *= g[i]
		}
		if b != nil {
			y += b[i]
		}
		o[i] = y
	}
}

// normalizeConst is normalize with one gamma and beta (slices of length 1,
// or nil) for the whole of x: a GroupNorm channel.
func normalizeConst(o, x []float32, mean, inv float32, g, b []float32) {
	scale, shift := inv, -mean*inv
	if g != nil {
		scale, shift = scale*g[0], shift*g[0]
	}
	if b != nil {
		shift += b[0]
	}
	for i, v := range x {
		o[i] = v*scale + shift
	}
}
