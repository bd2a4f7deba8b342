package kernels

// gemmNT is the CPU backend's one f32 matrix kernel:
//
//	c[i*ldc+j] = Σ_p a[i*lda+p] · b[j*ldb+p]    for i < m, j < n, p < k
//
// Both operands are read along k, so every inner loop walks two rows
// contiguously. It works on 2x4 tiles of c: 8 accumulators plus the 5 values
// loaded per step fit the 16 float registers of amd64 without spilling.
func gemmNT(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	i := 0
	for ; i+2 <= m; i += 2 {
		a0 := a[i*lda:][:k]
		a1 := a[(i+1)*lda:][:k]
		j := 0
		for ; j+4 <= n; j += 4 {
			b0 := b[j*ldb:][:k]
			b1 := b[(j+1)*ldb:][:k]
			b2 := b[(j+2)*ldb:][:k]
			b3 := b[(j+3)*ldb:][:k]
			var s00, s01, s02, s03, s10, s11, s12, s13 float32
			for p, x0 := range a0 {
				x1 := a1[p]
				y0, y1, y2, y3 := b0[p], b1[p], b2[p], b3[p]
				s00 += x0 * y0
				s01 += x0 * y1
				s02 += x0 * y2
				s03 += x0 * y3
				s10 += x1 * y0
				s11 += x1 * y1
				s12 += x1 * y2
				s13 += x1 * y3
			}
			c0 := c[i*ldc+j:][:4]
			c1 := c[(i+1)*ldc+j:][:4]
			c0[0], c0[1], c0[2], c0[3] = s00, s01, s02, s03
			c1[0], c1[1], c1[2], c1[3] = s10, s11, s12, s13
		}
		for ; j < n; j++ {
			bj := b[j*ldb:][:k]
			c[i*ldc+j] = dot(a0, bj)
			c[(i+1)*ldc+j] = dot(a1, bj)
		}
	}
	if i < m {
		ai := a[i*lda:][:k]
		j := 0
		for ; j+4 <= n; j += 4 {
			b0 := b[j*ldb:][:k]
			b1 := b[(j+1)*ldb:][:k]
			b2 := b[(j+2)*ldb:][:k]
			b3 := b[(j+3)*ldb:][:k]
			var s0, s1, s2, s3 float32
			for p, x := range ai {
				s0 += x * b0[p]
				s1 += x * b1[p]
				s2 += x * b2[p]
				s3 += x * b3[p]
			}
			ci := c[i*ldc+j:][:4]
			ci[0], ci[1], ci[2], ci[3] = s0, s1, s2, s3
		}
		for ; j < n; j++ {
			c[i*ldc+j] = dot(ai, b[j*ldb:][:k])
		}
	}
}

// dot returns Σ a[p]·b[p] over len(a), with four partial sums so the adds
// do not wait on each other. b must be at least as long as a.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	p := 0
	for ; p+4 <= len(a); p += 4 {
		s0 += a[p] * b[p]
		s1 += a[p+1] * b[p+1]
		s2 += a[p+2] * b[p+2]
		s3 += a[p+3] * b[p+3]
	}
	for ; p < len(a); p++ {
		s0 += a[p] * b[p]
	}
	return (s0 + s1) + (s2 + s3)
}

// transpose writes the [rows, cols] matrix src into dst as [cols, rows].
func transpose(dst, src []float32, rows, cols int) {
	for r := 0; r < rows; r++ {
		row := src[r*cols:][:cols]
		for c, v := range row {
			dst[c*rows+r] = v
		}
	}
}
