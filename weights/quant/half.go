package quant

import "math"

// F16ToF32 widens an IEEE 754 half-precision value. Every half is exactly
// representable as a float32, subnormals, infinities and NaN payloads included.
func F16ToF32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f: // inf or NaN: keep the payload in the top mantissa bits
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp != 0: // normal: rebias 15 -> 127
		return math.Float32frombits(sign | (exp+112)<<23 | mant<<13)
	case mant == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal half: mant * 2^-24, exact in float32.
	f := float32(mant) * (1.0 / (1 << 24))
	return math.Float32frombits(sign | math.Float32bits(f))
}

// F32ToF16 narrows to IEEE half with round-to-nearest-even, the rounding of
// GGML_FP32_TO_FP16 (F16C's _cvtss_sh with mode 0 and ggml's scalar fallback),
// so scales written here match GGML's bit for bit. Overflow gives ±inf, tiny
// values become half subnormals or ±0, NaN stays a (quiet) NaN.
func F32ToF16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff {
		if mant == 0 {
			return sign | 0x7c00
		}
		return sign | 0x7e00 | uint16(mant>>13)
	}
	e := exp - 127 + 15 // half exponent field if the result is normal
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 {
		// Subnormal half (or zero): the result is m * 2^-24 where m is the
		// 24-bit significand (implicit bit included) shifted right by 14-e.
		if e < -10 {
			return sign // below half the smallest subnormal: rounds to zero
		}
		full := mant | 0x800000
		shift := uint32(14 - e)
		return sign | uint16(roundShift(full, shift))
	}
	// Normal: drop 13 mantissa bits with RNE; a carry out of the mantissa
	// correctly bumps the exponent (and may reach inf).
	v := uint32(e)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && v&1 == 1) {
		v++
	}
	return sign | uint16(v)
}

// roundShift returns x >> s rounded to nearest, ties to even.
func roundShift(x, s uint32) uint32 {
	if s >= 32 {
		return 0
	}
	q := x >> s
	rem := x & (1<<s - 1)
	half := uint32(1) << (s - 1)
	if rem > half || (rem == half && q&1 == 1) {
		q++
	}
	return q
}

// BF16ToF32 widens a bfloat16 (the top half of a float32).
func BF16ToF32(b uint16) float32 {
	return math.Float32frombits(uint32(b) << 16)
}

// F32ToBF16 narrows to bfloat16 with round-to-nearest-even (PyTorch's rounding);
// NaN stays a quiet NaN.
func F32ToBF16(f float32) uint16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		return uint16(b>>16) | 0x40
	}
	b += 0x7fff + (b>>16)&1
	return uint16(b >> 16)
}
