package ref

import (
	"fmt"
	"math"
)

// Attention is multi-head scaled dot-product attention. q is
// [b, lq, nHeads·d]; k and v are [b, lkv, nKV·d]; query head h reads
// key/value head h/(nHeads/nKV). With causal, query i sees key j only when
// j ≤ i + lkv − lq (the queries are the last lq positions of the sequence,
// so causal needs lq ≤ lkv).
// The result is [b, lq, nHeads·d]:
//
//	s[j]   = Σ_e q[bt,i,h·d+e] · k[bt,j,kh·d+e] / √d      for visible j
//	p      = softmax(s)
//	out[bt,i,h·d+e] = Σ_j p[j] · v[bt,j,kh·d+e]
func Attention(q, k, v []float32, b, lq, lkv, nHeads, nKV, d int, causal bool) []float32 {
	need("Attention", "q", q, b*lq*nHeads*d)
	need("Attention", "k", k, b*lkv*nKV*d)
	need("Attention", "v", v, b*lkv*nKV*d)
	if nHeads%nKV != 0 || causal && lq > lkv {
		panic(fmt.Sprintf("ref.Attention: nHeads %d, nKV %d, lq %d, lkv %d, causal %v do not fit", nHeads, nKV, lq, lkv, causal))
	}
	out := make([]float32, len(q))
	group := nHeads / nKV
	scale := 1 / math.Sqrt(float64(d))
	qs, kvs := nHeads*d, nKV*d // row strides
	s := make([]float64, lkv)
	for bt := 0; bt < b; bt++ {
		for h := 0; h < nHeads; h++ {
			kh := h / group
			for i := 0; i < lq; i++ {
				visible := lkv
				if causal {
					visible = i + lkv - lq + 1
				}
				qrow := q[(bt*lq+i)*qs+h*d:][:d]
				mx := math.Inf(-1)
				for j := 0; j < visible; j++ {
					krow := k[(bt*lkv+j)*kvs+kh*d:][:d]
					var dot float64
					for e := range d {
						dot += float64(qrow[e]) * float64(krow[e])
					}
					s[j] = dot * scale
					mx = math.Max(mx, s[j])
				}
				var sum float64
				for j := 0; j < visible; j++ {
					s[j] = math.Exp(s[j] - mx)
					sum += s[j]
				}
				for e := 0; e < d; e++ {
					var acc float64
					for j := 0; j < visible; j++ {
						acc += s[j] * float64(v[(bt*lkv+j)*kvs+kh*d+e])
					}
					out[(bt*lq+i)*qs+h*d+e] = float32(acc / sum)
				}
			}
		}
	}
	return out
}
