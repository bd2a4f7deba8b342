package kernels

import (
	"fmt"
	"math"
	"slices"
)

// Attention gives each (batch, head, query) row to one goroutine at a time:
// scores against the visible keys, a softmax, and a weighted sum of values,
// with no [Lq, Lkv] score matrix ever materialized beyond one row.
func (c *cpu) Attention(q, k, v Tensor, nHeads, nKVHeads int, causal bool) Tensor {
	qt, kt, vt := c.input("Attention", q), c.input("Attention", k), c.input("Attention", v)
	qs, ks := qt.shape, kt.shape
	bad := func(why string) {
		panic(fmt.Sprintf("kernels: Attention: q %v, k %v, v %v, nHeads %d, nKVHeads %d, causal %v: %s",
			qs, ks, vt.shape, nHeads, nKVHeads, causal, why))
	}
	if len(qs) != 3 || len(ks) != 3 || !slices.Equal(ks, vt.shape) {
		bad("q must be [B, Lq, nHeads·D] and k, v [B, Lkv, nKVHeads·D]")
	}
	if nHeads <= 0 || nKVHeads <= 0 || nHeads%nKVHeads != 0 || qs[2]%nHeads != 0 {
		bad("nHeads must be a multiple of nKVHeads and divide q's last dimension")
	}
	b, lq, lkv, d := qs[0], qs[1], ks[1], qs[2]/nHeads
	if ks[0] != b || ks[2] != nKVHeads*d {
		bad(fmt.Sprintf("k must be [%d, Lkv, %d]", b, nKVHeads*d))
	}
	if causal && lq > lkv {
		bad("causal attention needs Lq <= Lkv (the queries are the last Lq positions)")
	}
	out := output("Attention", slices.Clone(qs))
	group := nHeads / nKVHeads
	scale := float32(1 / math.Sqrt(float64(d)))
	qStride, kvStride := nHeads*d, nKVHeads*d
	c.parallel(b*nHeads*lq, 4*lkv*d, func(lo, hi int) {
		s := make([]float32, lkv)
		for u := lo; u < hi; u++ {
			bt, h, i := u/(nHeads*lq), u/lq%nHeads, u%lq
			kh := h / group
			visible := lkv
			if causal {
				visible = i + lkv - lq + 1
			}
			qrow := qt.f32[(bt*lq+i)*qStride+h*d:][:d]
			kbase := bt*lkv*kvStride + kh*d
			mx := float32(math.Inf(-1))
			for j := 0; j < visible; j++ {
				s[j] = dot(qrow, kt.f32[kbase+j*kvStride:][:d]) * scale
				mx = max(mx, s[j])
			}
			var sum float32
			for j := 0; j < visible; j++ {
				s[j] = exp32(s[j] - mx)
				sum += s[j]
			}
			o := out.f32[(bt*lq+i)*qStride+h*d:][:d]
			for j := 0; j < visible; j++ {
				p := s[j] / sum
				for e, x := range vt.f32[kbase+j*kvStride:][:d] {
					o[e] += p * x
				}
			}
		}
	})
	return out
}
