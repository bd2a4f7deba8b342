// Package weights reads and writes model weights: GGUF v3 files (optionally
// zstd-compressed as a whole, .gguf.zst) and safetensors, as PyTorch and
// Hugging Face write them. Readers stream from a plain io.Reader, since a
// browser fetch body is not seekable, and treat every input as hostile: sizes
// are checked before anything is allocated and bad input gives an error that
// says what is wrong, never a panic.
package weights

import (
	"fmt"

	"github.com/genplay/genplay/weights/quant"
)

// DefaultAlignment is GGUF's tensor data alignment when general.alignment is absent.
const DefaultAlignment = 32

// Well-known metadata keys.
const (
	KeyArchitecture = "general.architecture"
	KeyAlignment    = "general.alignment"
)

// File is a parsed GGUF file with its tensor data in memory.
type File struct {
	Version  uint32 // GGUF version read (2 or 3); the writer always writes 3
	Metadata Metadata
	Tensors  []TensorInfo // in the order of the file's tensor infos
}

// TensorInfo is one tensor.
//
// Shape is slowest-first, the PyTorch order: a (out, in) weight matrix has
// Shape [out, in]. GGUF stores dimensions fastest-first (ggml's ne[0] is the
// row length), so Shape is the file's dims reversed; the reader and writer
// do the reversal, nothing else in genplay sees GGUF order.
type TensorInfo struct {
	Name  string
	Shape []int64
	DType quant.DType
	Data  []byte // raw storage in DType's layout (GGML blocks for Q8_0, Q4_0)
}

// NumElements returns the product of Shape.
func (t *TensorInfo) NumElements() int64 {
	n := int64(1)
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Float32 decodes the tensor's data to float32 (dequantizing if needed).
func (t *TensorInfo) Float32() ([]float32, error) {
	out, err := quant.Dequantize(t.DType, t.Data, int(t.NumElements()))
	if err != nil {
		return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
	}
	return out, nil
}

// Architecture returns general.architecture, or "" when it is absent.
func (f *File) Architecture() string {
	s, _ := f.Metadata.GetString(KeyArchitecture)
	return s
}

// Alignment returns the data alignment the file uses: general.alignment when
// it is a uint32 power of two, else DefaultAlignment.
func (f *File) Alignment() int {
	v, ok := f.Metadata.Get(KeyAlignment)
	if !ok {
		return DefaultAlignment
	}
	a, ok := v.V.(uint32)
	if !ok || a == 0 || a&(a-1) != 0 {
		return DefaultAlignment
	}
	return int(a)
}

// Tensor returns the tensor called name. It scans: models have hundreds of
// tensors and look each up once, and a scan stays correct when the caller
// edits f.Tensors and safe for concurrent readers.
func (f *File) Tensor(name string) (*TensorInfo, error) {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i], nil
		}
	}
	return nil, fmt.Errorf("tensor %q not found (the file has %d tensors)", name, len(f.Tensors))
}

// TotalBytes returns the summed size of all tensor data.
func (f *File) TotalBytes() int64 {
	var n int64
	for i := range f.Tensors {
		n += int64(len(f.Tensors[i].Data))
	}
	return n
}

// tensorBytes checks a shape and dtype and returns the data size they need.
// Shape is slowest-first; the row (fastest dim) must hold whole blocks.
func tensorBytes(shape []int64, dt quant.DType) (int64, error) {
	if !dt.Supported() {
		return 0, fmt.Errorf("unsupported tensor type %v (supported: F32, F16, BF16, Q8_0, Q4_0)", dt)
	}
	if len(shape) == 0 || len(shape) > maxDims {
		return 0, fmt.Errorf("%d dimensions (want 1 to %d)", len(shape), maxDims)
	}
	n := int64(1)
	for _, d := range shape {
		if d < 1 {
			return 0, fmt.Errorf("dimension %d out of range in shape %v", d, shape)
		}
		if d > maxElements/n { // checked by division so the product cannot overflow
			return 0, fmt.Errorf("shape %v has more than %d elements", shape, int64(maxElements))
		}
		n *= d
	}
	rowBytes, err := dt.RowBytes(shape[len(shape)-1])
	if err != nil {
		return 0, fmt.Errorf("shape %v: %w", shape, err)
	}
	total := rowBytes * (n / shape[len(shape)-1])
	if total > maxTensorBytes {
		return 0, fmt.Errorf("shape %v needs %d bytes (limit %d)", shape, total, int64(maxTensorBytes))
	}
	return total, nil
}
