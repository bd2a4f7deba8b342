package kernels

import "github.com/genplay/genplay/weights/quant"

// Matrix-vector products against quantized rows: the decode step's MatMul
// (one row of activations against every weight row), straight from the GGML
// blocks. Activations stay f32, so the result equals dequantize-then-dot up
// to float rounding.
//
// The kernels take four weight rows per pass: each activation value is
// loaded once for four products, and the four row sums are independent
// chains of adds, so the loop is bound by the table loads and the
// multiplies rather than by add latency. Go has no SIMD, so this is scalar
// code shaped for the out-of-order core.
//
// Tried and not kept (BENCHMARKS.md has the numbers): quantizing the
// activations to int8 as ggml's vec_dot_q8_0_q8_0 does was slower in scalar
// Go than these f32 loops; packing three rows' quants into 21-bit lanes of
// an int64, so one integer multiply makes three products, was 1.2-1.4x
// faster on one core but reads 2.5x the weight bytes and changes results by
// the activations' rounding; eight rows per pass was no faster than four.

// matvecQ8 sets out[r] = Σ_p x[p]·deq(row r)[p] for the len(out) Q8_0 rows
// of rowBytes bytes each at the start of w. len(x) is the row length k.
func matvecQ8(out, x []float32, w []byte, rowBytes int) {
	nb := len(x) / quant.BlockSize
	r := 0
	for ; r+4 <= len(out); r += 4 {
		w0 := w[r*rowBytes:][:rowBytes]
		w1 := w[(r+1)*rowBytes:][:rowBytes]
		w2 := w[(r+2)*rowBytes:][:rowBytes]
		w3 := w[(r+3)*rowBytes:][:rowBytes]
		var t0, t1, t2, t3 float32
		for blk := 0; blk < nb; blk++ {
			b0 := w0[blk*q8Bytes:][:q8Bytes]
			b1 := w1[blk*q8Bytes:][:q8Bytes]
			b2 := w2[blk*q8Bytes:][:q8Bytes]
			b3 := w3[blk*q8Bytes:][:q8Bytes]
			xs := x[blk*quant.BlockSize:][:quant.BlockSize]
			var s0, s1, s2, s3 float32
			for j, xv := range xs {
				s0 += q8Value[b0[2+j]] * xv
				s1 += q8Value[b1[2+j]] * xv
				s2 += q8Value[b2[2+j]] * xv
				s3 += q8Value[b3[2+j]] * xv
			}
			t0 += s0 * blockScale(b0)
			t1 += s1 * blockScale(b1)
			t2 += s2 * blockScale(b2)
			t3 += s3 * blockScale(b3)
		}
		o := out[r:][:4]
		o[0], o[1], o[2], o[3] = t0, t1, t2, t3
	}
	for ; r < len(out); r++ {
		out[r] = dotQ8(x, w[r*rowBytes:][:rowBytes])
	}
}

// dotQ8 returns Σ_p x[p]·deq(row)[p] for one Q8_0 row of len(x) values,
// each block's quarters summed apart so the adds do not wait on each other.
func dotQ8(x []float32, row []byte) float32 {
	var sum float32
	for blk := 0; blk < len(x)/quant.BlockSize; blk++ {
		b := row[blk*q8Bytes:][:q8Bytes]
		q := b[2:]
		xs := x[blk*quant.BlockSize:][:quant.BlockSize]
		var s0, s1, s2, s3 float32
		for j := 0; j < 8; j++ {
			s0 += q8Value[q[j]] * xs[j]
			s1 += q8Value[q[j+8]] * xs[j+8]
			s2 += q8Value[q[j+16]] * xs[j+16]
			s3 += q8Value[q[j+24]] * xs[j+24]
		}
		sum += ((s0 + s1) + (s2 + s3)) * blockScale(b)
	}
	return sum
}

// matvecQ4 is matvecQ8 for Q4_0 rows: byte j of a block holds quant j in
// its low nibble and quant j+16 in its high nibble, so each step takes
// activations j and j+16 and keeps two sums per row.
func matvecQ4(out, x []float32, w []byte, rowBytes int) {
	nb := len(x) / quant.BlockSize
	r := 0
	for ; r+4 <= len(out); r += 4 {
		w0 := w[r*rowBytes:][:rowBytes]
		w1 := w[(r+1)*rowBytes:][:rowBytes]
		w2 := w[(r+2)*rowBytes:][:rowBytes]
		w3 := w[(r+3)*rowBytes:][:rowBytes]
		var t0, t1, t2, t3 float32
		for blk := 0; blk < nb; blk++ {
			b0 := w0[blk*q4Bytes:][:q4Bytes]
			b1 := w1[blk*q4Bytes:][:q4Bytes]
			b2 := w2[blk*q4Bytes:][:q4Bytes]
			b3 := w3[blk*q4Bytes:][:q4Bytes]
			lo := x[blk*quant.BlockSize:][:16]
			hi := x[blk*quant.BlockSize+16:][:16]
			var s0, s1, s2, s3, h0, h1, h2, h3 float32
			for j, xl := range lo {
				xh := hi[j]
				v0, v1, v2, v3 := &q4Values[b0[2+j]], &q4Values[b1[2+j]], &q4Values[b2[2+j]], &q4Values[b3[2+j]]
				s0 += v0[0] * xl
				h0 += v0[1] * xh
				s1 += v1[0] * xl
				h1 += v1[1] * xh
				s2 += v2[0] * xl
				h2 += v2[1] * xh
				s3 += v3[0] * xl
				h3 += v3[1] * xh
			}
			t0 += (s0 + h0) * blockScale(b0)
			t1 += (s1 + h1) * blockScale(b1)
			t2 += (s2 + h2) * blockScale(b2)
			t3 += (s3 + h3) * blockScale(b3)
		}
		o := out[r:][:4]
		o[0], o[1], o[2], o[3] = t0, t1, t2, t3
	}
	for ; r < len(out); r++ {
		out[r] = dotQ4(x, w[r*rowBytes:][:rowBytes])
	}
}

// dotQ4 is dotQ8 for one Q4_0 row.
func dotQ4(x []float32, row []byte) float32 {
	var sum float32
	for blk := 0; blk < len(x)/quant.BlockSize; blk++ {
		b := row[blk*q4Bytes:][:q4Bytes]
		q := b[2:]
		lo := x[blk*quant.BlockSize:][:16]
		hi := x[blk*quant.BlockSize+16:][:16]
		var s0, s1, h0, h1 float32
		for j := 0; j < 8; j++ {
			v, u := &q4Values[q[j]], &q4Values[q[j+8]]
			s0 += v[0] * lo[j]
			h0 += v[1] * hi[j]
			s1 += u[0] * lo[j+8]
			h1 += u[1] * hi[j+8]
		}
		sum += ((s0 + s1) + (h0 + h1)) * blockScale(b)
	}
	return sum
}
