package ref

import "github.com/genplay/genplay/weights/quant"

// MatMul multiplies the last two dimensions of a [batch, m, k] with b, which
// is [.., n, k] when transB and [.., k, n] otherwise. b holds batch matrices
// when bBatched and a single shared matrix otherwise. The result is
// [batch, m, n]:
//
//	for bt, i, j:
//		out[bt,i,j] = Σ_p a[bt,i,p] * B(bt)[p,j]
//	where B(bt)[p,j] = b[bt?, j, p] if transB, else b[bt?, p, j].
func MatMul(a, b []float32, batch, m, n, k int, bBatched, transB bool) []float32 {
	need("MatMul", "a", a, batch*m*k)
	nb := 1
	if bBatched {
		nb = batch
	}
	need("MatMul", "b", b, nb*n*k)
	out := make([]float32, batch*m*n)
	for bt := 0; bt < batch; bt++ {
		bm := b
		if bBatched {
			bm = b[bt*n*k : (bt+1)*n*k]
		}
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var s float64
				for p := 0; p < k; p++ {
					bv := bm[p*n+j]
					if transB {
						bv = bm[j*k+p]
					}
					s += float64(a[(bt*m+i)*k+p]) * float64(bv)
				}
				out[(bt*m+i)*n+j] = float32(s)
			}
		}
	}
	return out
}

// MatMulRaw is MatMul with transB and a b of n rows of k values stored as
// GGML-layout bytes of type dt (F32, F16, BF16, Q8_0 or Q4_0). It is defined
// as dequantizing b and multiplying in f32:
//
//	out[bt,i,j] = Σ_p a[bt,i,p] * Dequantize(dt, b)[bt?, j, p]
//
// so a backend that fuses dequantization into the dot products must match it
// to rounding error.
func MatMulRaw(a []float32, b []byte, dt quant.DType, batch, m, n, k int, bBatched bool) []float32 {
	nb := 1
	if bBatched {
		nb = batch
	}
	return MatMul(a, Dequantize(dt, b, nb*n*k), batch, m, n, k, bBatched, true)
}
