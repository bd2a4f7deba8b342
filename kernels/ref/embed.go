package ref

import (
	"fmt"
	"math"
)

// Embedding gathers rows of table [v, d]: out[i,:] = table[ids[i],:].
// An id outside [0, v) is an error (a backend reports it as a sticky error).
func Embedding(table []float32, v, d int, ids []int32) ([]float32, error) {
	need("Embedding", "table", table, v*d)
	out := make([]float32, 0, len(ids)*d)
	for _, id := range ids {
		if id < 0 || int(id) >= v {
			return nil, fmt.Errorf("embedding id %d outside [0, %d)", id, v)
		}
		out = append(out, table[int(id)*d:(int(id)+1)*d]...)
	}
	return out, nil
}

// RoPE rotates x [b, l, nHeads·d] by position pos = pos0+l, turning each
// adjacent pair of each head by an angle that falls off with the pair index
// (GGML's "normal" mode):
//
//	θ = pos · base^(−2i/d)                          for pair i < d/2
//	out[2i]   = x[2i]·cos θ − x[2i+1]·sin θ
//	out[2i+1] = x[2i]·sin θ + x[2i+1]·cos θ
func RoPE(x []float32, b, l, nHeads, d, pos0 int, base float32) []float32 {
	need("RoPE", "x", x, b*l*nHeads*d)
	out := make([]float32, len(x))
	for bt := 0; bt < b; bt++ {
		for t := 0; t < l; t++ {
			pos := float64(pos0 + t)
			for h := 0; h < nHeads; h++ {
				off := ((bt*l+t)*nHeads + h) * d
				for i := 0; i < d/2; i++ {
					theta := pos * math.Pow(float64(base), -2*float64(i)/float64(d))
					sin, cos := math.Sincos(theta)
					x0, x1 := float64(x[off+2*i]), float64(x[off+2*i+1])
					out[off+2*i] = float32(x0*cos - x1*sin)
					out[off+2*i+1] = float32(x0*sin + x1*cos)
				}
			}
		}
	}
	return out
}

// TimestepEmbedding embeds each timestep t[n] as a row of dim (even) values,
// cosines first (diffusers' flip_sin_to_cos=True, downscale_freq_shift=0):
//
//	h = dim/2, f_i = 10000^(−i/h)
//	out[n, i]   = cos(t[n]·f_i)      for i < h
//	out[n, h+i] = sin(t[n]·f_i)
func TimestepEmbedding(t []float32, dim int) []float32 {
	if dim <= 0 || dim%2 != 0 {
		panic(fmt.Sprintf("ref.TimestepEmbedding: dim %d must be even and positive", dim))
	}
	h := dim / 2
	out := make([]float32, len(t)*dim)
	for n, tv := range t {
		for i := 0; i < h; i++ {
			arg := float64(tv) * math.Pow(10000, -float64(i)/float64(h))
			out[n*dim+i] = float32(math.Cos(arg))
			out[n*dim+h+i] = float32(math.Sin(arg))
		}
	}
	return out
}
