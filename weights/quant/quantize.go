package quant

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Quantize encodes x as dt, byte-exact with GGML's reference quantizers
// (quantize_row_q8_0_ref, quantize_row_q4_0_ref), so files written here are
// the files llama.cpp would write. Q8_0 and Q4_0 need len(x) to be a multiple
// of BlockSize.
//
// Q8_0 block (34 bytes): f16 d = amax/127, then 32 int8 q = roundf(x/d)
// (computed as x*(1/d), rounding half away from zero).
// Q4_0 block (18 bytes): with m the value of largest magnitude (the first one
// on ties, sign kept), f16 d = m/-8, then 16 bytes where byte j holds
// q[j] in its low nibble and q[j+16] in its high nibble,
// q = min(15, trunc(x*(1/d) + 8.5)). It dequantizes as (q-8)*d.
func Quantize(dt DType, x []float32) ([]byte, error) {
	switch dt {
	case F32:
		out := make([]byte, 4*len(x))
		for i, v := range x {
			binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(v))
		}
		return out, nil
	case F16, BF16:
		conv := F32ToF16
		if dt == BF16 {
			conv = F32ToBF16
		}
		out := make([]byte, 2*len(x))
		for i, v := range x {
			binary.LittleEndian.PutUint16(out[2*i:], conv(v))
		}
		return out, nil
	case Q8_0, Q4_0:
		if len(x)%BlockSize != 0 {
			return nil, fmt.Errorf("quantize %v: %d values is not a multiple of the block size %d", dt, len(x), BlockSize)
		}
		_, bb, _ := dt.BlockBytes()
		nb := len(x) / BlockSize
		out := make([]byte, nb*bb)
		for b := 0; b < nb; b++ {
			blk := x[b*BlockSize : (b+1)*BlockSize]
			if dt == Q8_0 {
				quantizeBlockQ8(blk, out[b*bb:(b+1)*bb])
			} else {
				quantizeBlockQ4(blk, out[b*bb:(b+1)*bb])
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("quantize: unsupported dtype %v (supported: F32, F16, BF16, Q8_0, Q4_0)", dt)
}

// quantizeBlockQ8 mirrors quantize_row_q8_0_ref for one block. The explicit
// float32 conversions stop the compiler from fusing x*id into anything wider.
func quantizeBlockQ8(x []float32, out []byte) {
	var amax float32
	for _, v := range x {
		a := float32(math.Abs(float64(v)))
		if a > amax {
			amax = a
		}
	}
	d := amax / 127
	var id float32
	if d != 0 {
		id = 1 / d
	}
	binary.LittleEndian.PutUint16(out, F32ToF16(d))
	for j, v := range x {
		out[2+j] = byte(int8(math.Round(float64(float32(v * id)))))
	}
}

// quantizeBlockQ4 mirrors quantize_row_q4_0_ref for one block.
func quantizeBlockQ4(x []float32, out []byte) {
	var amax, max float32
	for _, v := range x {
		a := float32(math.Abs(float64(v)))
		if amax < a {
			amax, max = a, v
		}
	}
	d := max / -8
	var id float32
	if d != 0 {
		id = 1 / d
	}
	binary.LittleEndian.PutUint16(out, F32ToF16(d))
	const half = BlockSize / 2
	for j := 0; j < half; j++ {
		x0 := float32(x[j] * id)
		x1 := float32(x[j+half] * id)
		out[2+j] = nibble(x0) | nibble(x1)<<4
	}
}

// nibble is GGML's MIN(15, (int8_t)(v + 8.5f)): truncation toward zero.
func nibble(v float32) byte {
	q := int32(float32(v + 8.5))
	if q > 15 {
		q = 15
	}
	if q < 0 { // only reachable with non-finite input, where C is undefined
		q = 0
	}
	return byte(q)
}

// Dequantize decodes n values of type dt from raw. It returns an error, never
// panics, when raw is shorter than n values need or n is not a whole number
// of blocks. Q8_0 decodes as q*d, Q4_0 as (q-8)*d, both in float32 like
// dequantize_row_q8_0 / dequantize_row_q4_0.
func Dequantize(dt DType, raw []byte, n int) ([]float32, error) {
	if n < 0 {
		return nil, fmt.Errorf("dequantize %v: negative count %d", dt, n)
	}
	need, err := dt.RowBytes(int64(n))
	if err != nil {
		return nil, fmt.Errorf("dequantize: %w", err)
	}
	if int64(len(raw)) < need {
		return nil, fmt.Errorf("dequantize %v: %d values need %d bytes, have %d", dt, n, need, len(raw))
	}
	out := make([]float32, n)
	switch dt {
	case F32:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	case F16:
		for i := range out {
			out[i] = F16ToF32(binary.LittleEndian.Uint16(raw[2*i:]))
		}
	case BF16:
		for i := range out {
			out[i] = BF16ToF32(binary.LittleEndian.Uint16(raw[2*i:]))
		}
	case Q8_0:
		for b := 0; b < n/BlockSize; b++ {
			blk := raw[b*34 : (b+1)*34]
			d := F16ToF32(binary.LittleEndian.Uint16(blk))
			for j := 0; j < BlockSize; j++ {
				out[b*BlockSize+j] = float32(int8(blk[2+j])) * d
			}
		}
	case Q4_0:
		for b := 0; b < n/BlockSize; b++ {
			blk := raw[b*18 : (b+1)*18]
			d := F16ToF32(binary.LittleEndian.Uint16(blk))
			for j := 0; j < BlockSize/2; j++ {
				out[b*BlockSize+j] = float32(int32(blk[2+j]&0xf)-8) * d
				out[b*BlockSize+j+BlockSize/2] = float32(int32(blk[2+j]>>4)-8) * d
			}
		}
	}
	return out, nil
}
