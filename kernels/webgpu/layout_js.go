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

func (b *Backend) Reshape(x kernels.Tensor, shape ...int) kernels.Tensor {
	t := b.f32(x, "reshape")
	if numel(shape) != t.n {
		panic(fmt.Sprintf("webgpu: reshape: %s %v has %d values, shape %v does not", t.name, t.shape, t.n, shape))
	}
	view := *t
	view.shape = slices.Clone(shape)
	return &view
}

func (b *Backend) Rows(x kernels.Tensor, start, n int) kernels.Tensor {
	t := b.f32(x, "rows")
	if len(t.shape) < 2 {
		panic(fmt.Sprintf("webgpu: rows: needs at least 2 dimensions, got %v", t.shape))
	}
	l, cols := t.shape[len(t.shape)-2], t.shape[len(t.shape)-1]
	if start < 0 || n < 0 || start+n > l {
		panic(fmt.Sprintf("webgpu: rows: rows [%d, %d) outside %s %v", start, start+n, t.name, t.shape))
	}
	shape := slices.Clone(t.shape)
	shape[len(shape)-2] = n
	out := b.output("rows", shape)
	if !live(t, out) || out.n == 0 {
		return out
	}
	if numel(t.shape[:len(t.shape)-2]) == 1 {
		// One contiguous range (the last position before the vocabulary
		// projection): a copy command, not a dispatch.
		b.endPass()
		b.encoder().CopyBufferToBuffer(t.buf, uint64(4*start*cols), out.buf, 0, uint64(4*out.n))
		return out
	}
	b.run1D("rows", out.n, []uint32{uint32(out.n), uint32(l), uint32(cols), uint32(start), uint32(n)}, t.buf, out.buf)
	return out
}
