package kernels

import (
	"fmt"
	"slices"

	"github.com/genplay/genplay/weights/quant"
)

// lastTwo splits a shape into (batch, rows, cols) for ops over the last two dimensions.
func lastTwo(op string, shape []int) (batch, rows, cols int) {
	if len(shape) < 2 {
		panic(fmt.Sprintf("kernels: %s: needs at least 2 dimensions, got %v", op, shape))
	}
	rows, cols = shape[len(shape)-2], shape[len(shape)-1]
	batch = 1
	for _, d := range shape[:len(shape)-2] {
		batch *= d
	}
	return batch, rows, cols
}

func (c *cpu) Transpose(x Tensor) Tensor {
	xt := c.input("Transpose", x)
	batch, a, b := lastTwo("Transpose", xt.shape)
	shape := slices.Clone(xt.shape)
	shape[len(shape)-2], shape[len(shape)-1] = b, a
	out := output("Transpose", shape)
	// Tiles of 32x32 keep both the reads and the writes within a few cache lines.
	const tile = 32
	tilesA, tilesB := (a+tile-1)/tile, (b+tile-1)/tile
	c.parallel(batch*tilesA, tile*b, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			n, i0 := r/tilesA, r%tilesA*tile
			src, dst := xt.f32[n*a*b:][:a*b], out.f32[n*a*b:][:a*b]
			for tj := 0; tj < tilesB; tj++ {
				j0 := tj * tile
				for i := i0; i < min(i0+tile, a); i++ {
					row := src[i*b:][:b]
					for j := j0; j < min(j0+tile, b); j++ {
						dst[j*a+i] = row[j]
					}
				}
			}
		}
	})
	return out
}

func (c *cpu) Reshape(x Tensor, shape ...int) Tensor {
	xt := c.input("Reshape", x)
	if n, err := numel(shape); err != nil || n != len(xt.f32) {
		panic(fmt.Sprintf("kernels: Reshape: %s %v has %d values, shape %v does not", xt.name, xt.shape, len(xt.f32), shape))
	}
	return &cpuTensor{name: xt.name, shape: slices.Clone(shape), dt: quant.F32, src: xt.src, f32: xt.f32}
}

func (c *cpu) Rows(x Tensor, start, n int) Tensor {
	xt := c.input("Rows", x)
	batch, l, cols := lastTwo("Rows", xt.shape)
	if start < 0 || n < 0 || start+n > l {
		panic(fmt.Sprintf("kernels: Rows: rows [%d, %d) outside %s %v", start, start+n, xt.name, xt.shape))
	}
	shape := slices.Clone(xt.shape)
	shape[len(shape)-2] = n
	out := output("Rows", shape)
	for b := 0; b < batch; b++ {
		copy(out.f32[b*n*cols:][:n*cols], xt.f32[(b*l+start)*cols:])
	}
	return out
}
