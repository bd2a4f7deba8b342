package kernels

import (
	"fmt"
	"math"
	"slices"

	"github.com/genplay/genplay/weights/quant"
)

func (c *cpu) Embedding(table Tensor, ids []int32) Tensor {
	tt := c.tensor("Embedding", table)
	if len(tt.shape) != 2 {
		panic(fmt.Sprintf("kernels: Embedding: table %s %v must be [V, D]", tt.name, tt.shape))
	}
	v, d := tt.shape[0], tt.shape[1]
	out := output("Embedding", []int{len(ids), d})
	for i, id := range ids {
		if id < 0 || int(id) >= v {
			c.fail(fmt.Errorf("kernels: Embedding: id %d at position %d is outside table %s [0, %d)", id, i, tt.name, v))
			return out
		}
		dst := out.f32[i*d:][:d]
		if tt.raw == nil {
			copy(dst, tt.f32[int(id)*d:][:d])
			continue
		}
		rowBytes := d / quant.BlockSize * blockBytes(tt.dt)
		row := tt.raw[int(id)*rowBytes:][:rowBytes]
		decodeRows(dst, row, tt.dt, 0, 1, d)
	}
	return out
}

func (c *cpu) RoPE(x Tensor, nHeads, pos0 int, base float32) Tensor {
	xt := c.input("RoPE", x)
	xs := xt.shape
	if len(xs) != 3 || nHeads <= 0 || xs[2]%nHeads != 0 || xs[2]/nHeads%2 != 0 {
		panic(fmt.Sprintf("kernels: RoPE: x %v must be [B, L, nHeads·D] with nHeads=%d and D even", xs, nHeads))
	}
	l, d := xs[1], xs[2]/nHeads
	// The inverse frequencies are shared by every position and head.
	freq := make([]float64, d/2)
	for i := range freq {
		freq[i] = math.Pow(float64(base), -2*float64(i)/float64(d))
	}
	out := output("RoPE", slices.Clone(xs))
	c.parallel(xs[0]*l, xs[2]*10, func(lo, hi int) {
		sin, cos := make([]float32, d/2), make([]float32, d/2)
		for r := lo; r < hi; r++ {
			pos := float64(pos0 + r%l)
			for i, f := range freq {
				s, c := math.Sincos(pos * f)
				sin[i], cos[i] = float32(s), float32(c)
			}
			for h := 0; h < nHeads; h++ {
				in := xt.f32[(r*nHeads+h)*d:][:d]
				o := out.f32[(r*nHeads+h)*d:][:d]
				for i := range sin {
					x0, x1 := in[2*i], in[2*i+1]
					o[2*i] = x0*cos[i] - x1*sin[i]
					o[2*i+1] = x0*sin[i] + x1*cos[i]
				}
			}
		}
	})
	return out
}

func (c *cpu) TimestepEmbedding(t []float32, dim int) Tensor {
	if dim <= 0 || dim%2 != 0 {
		panic(fmt.Sprintf("kernels: TimestepEmbedding: dim %d must be even and positive", dim))
	}
	h := dim / 2
	out := output("TimestepEmbedding", []int{len(t), dim})
	for n, tv := range t {
		row := out.f32[n*dim:][:dim]
		for i := 0; i < h; i++ {
			s, c := math.Sincos(float64(tv) * math.Pow(10000, -float64(i)/float64(h)))
			row[i], row[h+i] = float32(c), float32(s)
		}
	}
	return out
}
