package selftest

import (
	"fmt"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
	"github.com/genplay/genplay/weights/quant"
)

// attentionCase is attention of q [b, lq, nh·d] over k, v [b, lkv, nkv·d].
func attentionCase(b, lq, lkv, nh, nkv, d int, causal bool) Case {
	pairs := b * nh * lq * lkv
	if causal { // query i sees i + lkv − lq + 1 keys
		pairs = b * nh * (lq*(lkv-lq) + lq*(lq+1)/2)
	}
	return Case{
		Op:    "Attention",
		Shape: fmt.Sprintf("b%d lq%d lkv%d heads%d/%d d%d causal=%v", b, lq, lkv, nh, nkv, d, causal),
		FLOPs: 4 * float64(pairs*d),
		Bytes: f * float64(2*b*lq*nh*d+2*b*lkv*nkv*d),
		tol:   tolTransc,
		build: func(e *env) op {
			q, qd := e.f32("q", 2, b, lq, nh*d)
			k, kd := e.f32("k", 2, b, lkv, nkv*d)
			v, vd := e.f32("v", 1, b, lkv, nkv*d)
			return op{
				run:   func() kernels.Tensor { return e.b.Attention(q, k, v, nh, nkv, causal) },
				want:  func() []float32 { return ref.Attention(qd, kd, vd, b, lq, lkv, nh, nkv, d, causal) },
				shape: []int{b, lq, nh * d},
			}
		},
	}
}

// embeddingCase gathers n ids (including 0 and v−1) from a [v, d] table stored as dt.
func embeddingCase(dt quant.DType, v, d, n int) Case {
	rowBytes, _ := dt.RowBytes(int64(d))
	return Case{
		Op:    "Embedding/" + dt.String(),
		Shape: fmt.Sprintf("table[%d %d] ids%d", v, d, n),
		Bytes: float64(n)*float64(rowBytes) + float64(f*n*d),
		tol:   0, // a gather of the same dequantized values: exact
		build: func(e *env) op {
			t, raw := e.raw("table", dt, v, d)
			ids := make([]int32, n)
			for i := range ids {
				ids[i] = int32(e.rng.IntN(v))
			}
			ids[0], ids[n-1] = int32(v-1), 0
			return op{
				run: func() kernels.Tensor { return e.b.Embedding(t, ids) },
				want: func() []float32 {
					out, err := ref.Embedding(ref.Dequantize(dt, raw, v*d), v, d, ids)
					if err != nil {
						panic(err)
					}
					return out
				},
				shape: []int{n, d},
			}
		},
	}
}

func ropeCase(b, l, nh, d, pos0 int, base float32) Case {
	n := b * l * nh * d
	return Case{
		Op:    "RoPE",
		Shape: fmt.Sprintf("x[%d %d %d] heads%d pos0=%d base=%g", b, l, nh*d, nh, pos0, base),
		FLOPs: 3 * float64(n),
		Bytes: f * float64(2*n),
		tol:   tolTrig,
		build: func(e *env) op {
			x, xd := e.f32("x", 1, b, l, nh*d)
			return op{
				run:   func() kernels.Tensor { return e.b.RoPE(x, nh, pos0, base) },
				want:  func() []float32 { return ref.RoPE(xd, b, l, nh, d, pos0, base) },
				shape: []int{b, l, nh * d},
			}
		},
	}
}

// timestepCase embeds n timesteps spread over a diffusion schedule's [0, 1000).
func timestepCase(n, dim int) Case {
	return Case{
		Op:    "TimestepEmbedding",
		Shape: fmt.Sprintf("t[%d] dim%d", n, dim),
		Bytes: f * float64(n*dim),
		tol:   tolTrig,
		build: func(e *env) op {
			t := make([]float32, n)
			for i := range t {
				t[i] = float32(e.rng.IntN(1000))
			}
			t[0] = 0
			return op{
				run:   func() kernels.Tensor { return e.b.TimestepEmbedding(t, dim) },
				want:  func() []float32 { return ref.TimestepEmbedding(t, dim) },
				shape: []int{n, dim},
			}
		},
	}
}
