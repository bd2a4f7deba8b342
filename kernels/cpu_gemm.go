package kernels

// gemmNT is the CPU backend's one f32 matrix kernel:
//
//	c[i*ldc+j] = Σ_p a[i*lda+p] · b[j*ldb+p]    for i < m, j < n, p < k
//
// Both operands are read along k, so every inner loop walks rows
// contiguously. It works on 3x2 tiles of c. The tile size is set by Go's
// code generator more than by the machine: it issues a step's multiplies
// before its adds, so the 6 accumulators, 6 products and 5 loaded values
// must fit the 15 float registers amd64 code may use. A 2x4 tile (8 + 8)
// spilled to the stack and ran at about 60% of this one's speed.
func gemmNT(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	i := 0
	for ; i+3 <= m; i += 3 {
		a0 := a[i*lda:][:k]
		a1 := a[(i+1)*lda:][:k]
		a2 := a[(i+2)*lda:][:k]
		j := 0
		for ; j+2 <= n; j += 2 {
			b0 := b[j*ldb:][:k]
			b1 := b[(j+1)*ldb:][:k]
			s00, s01, s10, s11, s20, s21 := dot3x2(a0, a1, a2, b0, b1)
			c0 := c[i*ldc+j:][:2]
			c1 := c[(i+1)*ldc+j:][:2]
			c2 := c[(i+2)*ldc+j:][:2]
			c0[0], c0[1] = s00, s01
			c1[0], c1[1] = s10, s11
			c2[0], c2[1] = s20, s21
		}
		if j < n {
			bj := b[j*ldb:][:k]
			c[i*ldc+j] = dot(a0, bj)
			c[(i+1)*ldc+j] = dot(a1, bj)
			c[(i+2)*ldc+j] = dot(a2, bj)
		}
	}
	// The last one or two rows of a.
	for ; i < m; i++ {
		gemvNT(n, k, a[i*lda:], b, ldb, c[i*ldc:][:n])
	}
}

// dot3x2 returns the six dot products of a0, a1, a2 with b0, b1 over
// len(b0) values: gemmNT's inner loop. It is kept out of line so that its
// loop gets the registers to itself: written inline in gemmNT, the loop
// counter lived on the stack.
//
//go:noinline
func dot3x2(a0, a1, a2, b0, b1 []float32) (s00, s01, s10, s11, s20, s21 float32) {
	b1, a0, a1, a2 = b1[:len(b0)], a0[:len(b0)], a1[:len(b0)], a2[:len(b0)]
	for p, y0 := range b0 {
		y1 := b1[p]
		x0, x1, x2 := a0[p], a1[p], a2[p]
		s00 += x0 * y0
		s01 += x0 * y1
		s10 += x1 * y0
		s11 += x1 * y1
		s20 += x2 * y0
		s21 += x2 * y1
	}
	return
}

// gemvNT is gemmNT for one row of a: c[j] = Σ_p a[p]·b[j*ldb+p] for j < n,
// four columns at a time. It is out of line for the same reason as dot3x2
// (inline, its loop ran about 20% slower).
//
//go:noinline
func gemvNT(n, k int, a, b []float32, ldb int, c []float32) {
	a = a[:k]
	j := 0
	for ; j+4 <= n; j += 4 {
		b0 := b[j*ldb:][:k]
		b1 := b[(j+1)*ldb:][:k]
		b2 := b[(j+2)*ldb:][:k]
		b3 := b[(j+3)*ldb:][:k]
		var s0, s1, s2, s3 float32
		for p, x := range a {
			s0 += x * b0[p]
			s1 += x * b1[p]
			s2 += x * b2[p]
			s3 += x * b3[p]
		}
		cj := c[j:][:4]
		cj[0], cj[1], cj[2], cj[3] = s0, s1, s2, s3
	}
	for ; j < n; j++ {
		c[j] = dot(a, b[j*ldb:][:k])
	}
}

// dot returns Σ a[p]·b[p] over len(a), with four partial sums so the adds
// do not wait on each other. b must be at least as long as a.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	n := len(a) &^ 3
	for p := 0; p < n; p += 4 {
		a4, b4 := a[p:p+4:p+4], b[p:p+4:p+4] // one bounds check per four products
		s0 += a4[0] * b4[0]
		s1 += a4[1] * b4[1]
		s2 += a4[2] * b4[2]
		s3 += a4[3] * b4[3]
	}
	for p := n; p < len(a); p++ {
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
