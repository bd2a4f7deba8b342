package weights

import (
	"bytes"
	"testing"

	"github.com/genplay/genplay/weights/quant"
)

func benchFile(b *testing.B, dt quant.DType) []byte {
	x := make([]float32, 1<<20)
	for i := range x {
		x[i] = float32(i%97) / 97
	}
	raw, err := quant.Quantize(dt, x)
	if err != nil {
		b.Fatal(err)
	}
	f := &File{Tensors: []TensorInfo{{Name: "w", Shape: []int64{1024, 1024}, DType: dt, Data: raw}}}
	return encode(b, f)
}

func BenchmarkReadGGUF(b *testing.B) {
	raw := benchFile(b, quant.Q8_0)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadGGUFZstd(b *testing.B) {
	plain := benchFile(b, quant.Q8_0)
	raw := compress(b, plain)
	b.SetBytes(int64(len(plain))) // throughput in decompressed bytes
	for b.Loop() {
		if _, err := Read(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
}
