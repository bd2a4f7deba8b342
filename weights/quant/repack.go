package quant

import (
	"encoding/binary"
	"fmt"
)

// Repack converts GGML Q8_0 or Q4_0 blocks into the 4-byte-aligned layout the
// WGSL matmul kernels read (WGSL has no 8- or 16-bit storage types, and 34- or
// 18-byte blocks are not word aligned). The kernels and this comment must agree:
//
//	Q8_0, block b (32 values):
//	  qs[b*8 + w], w in 0..7, holds values 4w..4w+3; value j is byte j%4 of
//	  word j/4, little-endian, as a two's-complement int8:
//	    q_j = (i32(qs[b*8 + j/4] << (24 - 8*(j%4)))) >> 24
//	  x_j = f32(q_j) * scales[b]
//	Q4_0, block b (32 values):
//	  qs[b*4 + w], w in 0..3, holds the block's 16 nibble bytes unchanged:
//	  byte i (i in 0..15) is byte i%4 of word i/4, little-endian;
//	  byte i's low nibble is value i, its high nibble is value i+16:
//	    byte_i = (qs[b*4 + i/4] >> (8*(i%4))) & 0xff
//	    x_i    = f32(i32(byte_i & 0xf) - 8) * scales[b]
//	    x_i+16 = f32(i32(byte_i >> 4)  - 8) * scales[b]
//	scales[b] is the block's f16 scale widened to f32.
//
// raw must be a whole number of blocks.
func Repack(dt DType, raw []byte) (qs []uint32, scales []float32, err error) {
	_, bb, ok := dt.BlockBytes()
	if !ok || (dt != Q8_0 && dt != Q4_0) {
		return nil, nil, fmt.Errorf("repack: only Q8_0 and Q4_0 are repacked, got %v", dt)
	}
	if len(raw)%bb != 0 {
		return nil, nil, fmt.Errorf("repack %v: %d bytes is not a whole number of %d-byte blocks", dt, len(raw), bb)
	}
	nb := len(raw) / bb
	words := (bb - 2) / 4 // 8 for Q8_0, 4 for Q4_0
	qs = make([]uint32, nb*words)
	scales = make([]float32, nb)
	for b := 0; b < nb; b++ {
		blk := raw[b*bb : (b+1)*bb]
		scales[b] = F16ToF32(binary.LittleEndian.Uint16(blk))
		for w := 0; w < words; w++ {
			qs[b*words+w] = binary.LittleEndian.Uint32(blk[2+4*w:])
		}
	}
	return qs, scales, nil
}
