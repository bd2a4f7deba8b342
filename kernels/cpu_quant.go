package kernels

import (
	"math"

	"github.com/genplay/genplay/weights/quant"
)

// The CPU backend keeps Q8_0 and Q4_0 weights in their GGML blocks and reads
// them here, one 32-value block at a time (layouts in weights/quant).

const (
	q8Bytes = 2 + quant.BlockSize   // f16 scale, 32 int8
	q4Bytes = 2 + quant.BlockSize/2 // f16 scale, 16 bytes of nibble pairs
)

// Quant bytes become floats through tables: a table load is cheaper than
// the int-to-float conversion (CVTSI2SS) that float32(int8(q)) compiles to,
// and the values are exact either way (small integers).
var (
	// q8Value[b] is the Q8_0 quant stored as byte b: float32(int8(b)).
	q8Value [256]float32
	// q4Values[b] is the pair of Q4_0 quants in byte b: the low nibble
	// (quant j of its block) and the high nibble (quant j+16), minus 8.
	q4Values [256][2]float32
)

func init() {
	for b := range 256 {
		q8Value[b] = float32(int8(b))
		q4Values[b] = [2]float32{float32(b&0xf) - 8, float32(b>>4) - 8}
	}
}

// blockScale reads a block's little-endian f16 scale. It is quant.F16ToF32
// in a form that inlines into the kernels' loops: the half's exponent and
// mantissa bits placed as a float32's give 2⁻¹¹² of the value for normal
// and subnormal halves alike, so one exact multiply rebiases both; an
// all-ones exponent (inf, NaN) is kept all ones instead.
func blockScale(blk []byte) float32 {
	h := uint32(blk[0]) | uint32(blk[1])<<8
	bits := (h & 0x7fff) << 13
	if h&0x7c00 == 0x7c00 {
		bits |= 0x7f800000
	}
	return math.Float32frombits((h&0x8000)<<16|bits) * 0x1p112
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
					out[j] = q8Value[q] * d
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
					v := &q4Values[q]
					out[j] = v[0] * d
					out[j+16] = v[1] * d
				}
			}
		}
	}
}
