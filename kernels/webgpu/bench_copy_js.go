//go:build js

package webgpu

import (
	"fmt"

	"github.com/genplay/genplay/kernels"
)

// Buffer copies for benchmarks only (cmd/gpubench): the device's copy
// bandwidth, measured in the same run, is the yardstick of bandwidth-bound
// kernels (issue #5 wants the Q8_0 matrix-vector product at 60% of it).
// They are not kernels.Backend ops and, unlike every op, write into an
// existing tensor, so that timing many copies allocates nothing.

// copyGroups bounds the copy kernel's grid: enough workgroups to fill any
// current GPU, few enough that each invocation loops over several words.
const copyGroups = 8192

// BenchCopy records a copy of src into dst with the WGSL copy kernel
// (kernels/wgsl copy.wgsl: vec4 loads and stores, grid-stride). Both must
// be f32 tensors of the same size, a multiple of 16 bytes; a mismatch is an
// error, not a panic. Like an op, it is submitted by the next Sync or
// Download.
func (b *Backend) BenchCopy(dst, src kernels.Tensor) error {
	d, s, err := b.copyPair(dst, src)
	if err != nil {
		return err
	}
	words := int(s.bytes / 16)
	x, y := b.grid(min((words+255)/256, copyGroups))
	b.costNext("copy", 0)
	b.bytesNext(float64(2 * s.bytes))
	b.run("copy", []uint32{uint32(words)}, x, y, 1, s.buf, d.buf)
	return nil
}

// BenchCopyBuffer records the same copy as BenchCopy with the command
// encoder's copyBufferToBuffer (no compute dispatch, so the profiler does
// not see it).
func (b *Backend) BenchCopyBuffer(dst, src kernels.Tensor) error {
	d, s, err := b.copyPair(dst, src)
	if err != nil {
		return err
	}
	if b.err != nil {
		return nil // sticky: Sync reports it
	}
	b.endPass()
	b.encoder().CopyBufferToBuffer(s.buf, 0, d.buf, 0, s.bytes)
	return nil
}

func (b *Backend) copyPair(dst, src kernels.Tensor) (d, s *tensor, err error) {
	d, s = b.tensor(dst, "copy"), b.tensor(src, "copy")
	switch {
	case d.buf == nil || s.buf == nil:
		return nil, nil, fmt.Errorf("webgpu: copy: a tensor was freed or never made")
	case d.quantized() || s.quantized():
		return nil, nil, fmt.Errorf("webgpu: copy: %v to %v: f32 tensors only", s.dt, d.dt)
	case d.bytes != s.bytes || s.bytes%16 != 0:
		return nil, nil, fmt.Errorf("webgpu: copy: %d bytes to %d bytes: want equal sizes, a multiple of 16", s.bytes, d.bytes)
	case s.bytes/16 > 1<<32-1:
		return nil, nil, fmt.Errorf("webgpu: copy: %d bytes is over the kernel's u32 word count", s.bytes)
	}
	return d, s, nil
}
