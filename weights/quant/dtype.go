// Package quant defines the tensor storage types genplay reads from GGUF and
// their block layouts, byte-exact with GGML (ggml-common.h). It is a leaf
// package: both the weights readers and the kernels depend on it.
package quant

import "fmt"

// DType is a tensor storage type. Values equal GGML's ggml_type numbers so a
// GGUF tensor-info type field converts directly.
type DType uint32

const (
	F32  DType = 0
	F16  DType = 1
	Q4_0 DType = 2
	Q8_0 DType = 8
	BF16 DType = 30
)

// BlockSize is the number of values in one quantization block (GGML's QK8_0 and QK4_0).
const BlockSize = 32

func (t DType) String() string {
	switch t {
	case F32:
		return "F32"
	case F16:
		return "F16"
	case Q4_0:
		return "Q4_0"
	case Q8_0:
		return "Q8_0"
	case BF16:
		return "BF16"
	}
	return fmt.Sprintf("dtype(%d)", uint32(t))
}

// Supported reports whether genplay can compute with tensors of this type.
func (t DType) Supported() bool {
	switch t {
	case F32, F16, Q4_0, Q8_0, BF16:
		return true
	}
	return false
}

// BlockBytes returns (values per block, bytes per block) for t.
// Q8_0: one f16 scale + 32 int8 = 34 bytes. Q4_0: one f16 scale + 16 bytes of nibbles = 18 bytes.
func (t DType) BlockBytes() (n, bytes int, ok bool) {
	switch t {
	case F32:
		return 1, 4, true
	case F16, BF16:
		return 1, 2, true
	case Q8_0:
		return BlockSize, 2 + BlockSize, true
	case Q4_0:
		return BlockSize, 2 + BlockSize/2, true
	}
	return 0, 0, false
}

// RowBytes returns the byte size of n values of type t, or an error when n is
// not a whole number of blocks or t is unknown.
func (t DType) RowBytes(n int64) (int64, error) {
	bn, bb, ok := t.BlockBytes()
	if !ok {
		return 0, fmt.Errorf("unsupported dtype %v (supported: F32, F16, BF16, Q8_0, Q4_0)", t)
	}
	if n%int64(bn) != 0 {
		return 0, fmt.Errorf("%v needs a row length that is a multiple of %d, got %d", t, bn, n)
	}
	return n / int64(bn) * int64(bb), nil
}
