package kernels

import (
	"github.com/genplay/genplay/weights/quant"
)

// The CPU backend keeps Q8_0 and Q4_0 weights in their GGML blocks and reads
// them here, one 32-value block at a time (layouts in weights/quant).

const (
	q8Bytes = 2 + quant.BlockSize   // f16 scale, 32 int8
	q4Bytes = 2 + quant.BlockSize/2 // f16 scale, 16 bytes of nibble pairs
)

// blockScale reads a block's little-endian f16 scale.
func blockScale(blk []byte) float32 {
	return quant.F16ToF32(uint16(blk[0]) | uint16(blk[1])<<8)
}

// dotQ8 returns Σ_p x[p]·deq(row)[p] for one Q8_0 row of len(x) values:
// per block, the int8 quants times x summed in f32, then times the scale.
func dotQ8(x []float32, row []byte) float32 {
	var sum float32
	for blk := 0; blk < len(x)/quant.BlockSize; blk++ {
		b := row[blk*q8Bytes:][:q8Bytes]
		q := b[2:][:32]
		xs := x[blk*quant.BlockSize:][:32]
		var s0, s1, s2, s3 float32
		for j := 0; j < 32; j += 4 {
			s0 += float32(int8(q[j])) * xs[j]
			s1 += float32(int8(q[j+1])) * xs[j+1]
			s2 += float32(int8(q[j+2])) * xs[j+2]
			s3 += float32(int8(q[j+3])) * xs[j+3]
		}
		sum += ((s0 + s1) + (s2 + s3)) * blockScale(b)
	}
	return sum
}

// dotQ4 is dotQ8 for a Q4_0 row: byte j of a block holds quant j in its low
// nibble and quant j+16 in its high nibble, each stored with an offset of 8.
func dotQ4(x []float32, row []byte) float32 {
	var sum float32
	for blk := 0; blk < len(x)/quant.BlockSize; blk++ {
		b := row[blk*q4Bytes:][:q4Bytes]
		q := b[2:][:16]
		lo := x[blk*quant.BlockSize:][:16]
		hi := x[blk*quant.BlockSize+16:][:16]
		var s0, s1 float32
		for j, v := range q {
			s0 += float32(int32(v&0xf)-8) * lo[j]
			s1 += float32(int32(v>>4)-8) * hi[j]
		}
		sum += (s0 + s1) * blockScale(b)
	}
	return sum
}

// decodeRows dequantizes rows [r0, r0+n) of a quantized [*, k] matrix into
// dst ([n, k]). MatMul uses it for a few rows at a time when many rows of a
// share them, so the decode cost is spread over the whole tile.
func decodeRows(dst []float32, raw []byte, dt quant.DType, r0, n, k int) {
	nb := k / quant.BlockSize
	switch dt {
	case quant.Q8_0:
		for r := 0; r < n; r++ {
			row := raw[(r0+r)*nb*q8Bytes:]
			for blk := 0; blk < nb; blk++ {
				b := row[blk*q8Bytes:][:q8Bytes]
				d := blockScale(b)
				out := dst[r*k+blk*32:][:32]
				for j, q := range b[2:] {
					out[j] = float32(int8(q)) * d
				}
			}
		}
	case quant.Q4_0:
		for r := 0; r < n; r++ {
			row := raw[(r0+r)*nb*q4Bytes:]
			for blk := 0; blk < nb; blk++ {
				b := row[blk*q4Bytes:][:q4Bytes]
				d := blockScale(b)
				out := dst[r*k+blk*32:][:32]
				for j, q := range b[2:] {
					out[j] = float32(int32(q&0xf)-8) * d
					out[j+16] = float32(int32(q>>4)-8) * d
				}
			}
		}
	}
}
