//go:build js

package webgpu

import (
	"fmt"
	"slices"

	"github.com/genplay/genplay/kernels"
)

func (b *Backend) Transpose(x kernels.Tensor) kernels.Tensor {
	t := b.f32(x, "transpose")
	if len(t.shape) < 2 {
		panic(fmt.Sprintf("webgpu: transpose: needs at least 2 dimensions, got %v", t.shape))
	}
	rows, cols := t.shape[len(t.shape)-2], t.shape[len(t.shape)-1]
	shape := slices.Clone(t.shape)
	shape[len(shape)-2], shape[len(shape)-1] = cols, rows
	out := b.output("transpose", shape)
	if live(t, out) && out.n > 0 {
		b.run1D("transpose", out.n, []uint32{uint32(out.n), uint32(rows), uint32(cols)}, t.buf, out.buf)
	}
	return out
}
