//go:build js

package webgpu

import (
	"errors"
	"fmt"
	"math"
	"time"
	"unsafe"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/wgpu"
	"github.com/genplay/genplay/weights/quant"
)

// Moving data: uploads (with GGML repacking), downloads through one reused
// readback buffer (with the guard band check), and freeing.

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func f32Bytes(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
}

func u32Bytes(v []uint32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
}

// Upload copies f32 data into a new tensor.
func (b *Backend) Upload(name string, shape []int, data []float32) (kernels.Tensor, error) {
	n := numel(shape)
	if n != len(data) {
		return nil, fmt.Errorf("webgpu: upload %q: shape %v holds %d values, got %d", name, shape, n, len(data))
	}
	buf, err := b.allocHost(name, uint64(4*n))
	if err != nil {
		return nil, fmt.Errorf("webgpu: upload: %w", err)
	}
	if err := b.queue.WriteBuffer(buf, 0, f32Bytes(data)); err != nil {
		return nil, fmt.Errorf("webgpu: upload %q: %w", name, err)
	}
	return &tensor{name: name, shape: append([]int(nil), shape...), dt: quant.F32, n: n, buf: buf, bytes: uint64(4 * n)}, nil
}

// UploadRaw uploads GGML-layout data: F32 as is, F16 and BF16 widened to
// f32, Q8_0 and Q4_0 repacked into u32 quants plus f32 scales.
func (b *Backend) UploadRaw(name string, shape []int, dt quant.DType, raw []byte) (kernels.Tensor, error) {
	n := numel(shape)
	want, err := dt.RowBytes(int64(n))
	if err != nil {
		return nil, fmt.Errorf("webgpu: upload %q: %w", name, err)
	}
	if int64(len(raw)) != want {
		return nil, fmt.Errorf("webgpu: upload %q: %v %v needs %d bytes, got %d", name, dt, shape, want, len(raw))
	}
	switch dt {
	case quant.F32:
		f := make([]float32, n)
		copy(f32Bytes(f), raw)
		t, err := b.Upload(name, shape, f)
		return t, err
	case quant.F16, quant.BF16:
		f := make([]float32, n)
		for i := range f {
			h := uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
			if dt == quant.F16 {
				f[i] = quant.F16ToF32(h)
			} else {
				f[i] = quant.BF16ToF32(h)
			}
		}
		t, err := b.Upload(name, shape, f)
		if err != nil {
			return nil, err
		}
		t.(*tensor).dt = dt
		return t, nil
	case quant.Q8_0, quant.Q4_0:
		if len(shape) == 0 || shape[len(shape)-1]%quant.BlockSize != 0 {
			return nil, fmt.Errorf("webgpu: upload %q: %v needs a last dimension that is a multiple of %d, got shape %v", name, dt, quant.BlockSize, shape)
		}
		qs, scales, err := quant.Repack(dt, raw)
		if err != nil {
			return nil, fmt.Errorf("webgpu: upload %q: %w", name, err)
		}
		qbuf, err := b.alloc(name, uint64(4*len(qs)), false)
		if err != nil {
			return nil, fmt.Errorf("webgpu: upload: %w", err)
		}
		sbuf, err := b.alloc(name+".scales", uint64(4*len(scales)), false)
		if err != nil {
			qbuf.Destroy()
			return nil, fmt.Errorf("webgpu: upload: %w", err)
		}
		if err := errors.Join(b.queue.WriteBuffer(qbuf, 0, u32Bytes(qs)), b.queue.WriteBuffer(sbuf, 0, f32Bytes(scales))); err != nil {
			return nil, fmt.Errorf("webgpu: upload %q: %w", name, err)
		}
		return &tensor{name: name, shape: append([]int(nil), shape...), dt: dt, n: n, buf: qbuf, scales: sbuf, bytes: uint64(4 * len(qs))}, nil
	}
	return nil, fmt.Errorf("webgpu: upload %q: unsupported dtype %v", name, dt)
}

// Download waits for pending work and copies t back as f32 (dequantizing
// Q8_0 and Q4_0). With guard bands it also checks t's guard band.
func (b *Backend) Download(kt kernels.Tensor) ([]float32, error) {
	t := b.tensor(kt, "download")
	if err := b.Err(); err != nil {
		return nil, err
	}
	if t.buf == nil {
		return nil, fmt.Errorf("webgpu: download %q: tensor was freed", t.name)
	}
	if t.quantized() {
		return b.downloadQuant(t)
	}
	size := t.bytes
	if t.guard {
		size = t.buf.Size()
	}
	raw := make([]float32, size/4)
	if err := b.read(t.buf, f32Bytes(raw)); err != nil {
		return nil, err
	}
	if err := b.Err(); err != nil {
		return nil, err
	}
	if t.guard {
		for i, v := range raw[size/4-guardWords:] {
			if math.Float32bits(v) != guardBits {
				return nil, fmt.Errorf("webgpu: op %s wrote past the end of its output (%d values, shape %v): guard word %d is %#x", t.name, t.n, t.shape, i, math.Float32bits(v))
			}
		}
	}
	return raw[:t.n], nil
}

// read copies the start of buf (len(dst) bytes) to dst through the reused
// readback buffer.
func (b *Backend) read(buf *wgpu.Buffer, dst []byte) error {
	size := uint64(len(dst))
	if size == 0 {
		return nil
	}
	if b.readback == nil || b.readback.Size() < size {
		if b.readback != nil {
			b.flush() // the old readback may still be used by recorded copies
			b.readback.Destroy()
		}
		rb, err := b.newBuffer("readback", size, wgpu.BufferUsageMapRead|wgpu.BufferUsageCopyDst)
		if err != nil {
			return err
		}
		b.readback = rb
	}
	b.endPass()
	b.encoder().CopyBufferToBuffer(buf, 0, b.readback, 0, size)
	b.flush()
	t0 := time.Now()
	err := b.readback.MapAsync(wgpu.MapModeRead, 0, size)
	b.waited += time.Since(t0)
	if err != nil {
		b.fail(err)
		if derr := b.dev.Err(); derr != nil {
			return derr
		}
		return err
	}
	err = b.readback.CopyMappedRange(dst, 0)
	b.readback.Unmap()
	return err
}

func (b *Backend) downloadQuant(t *tensor) ([]float32, error) {
	nb := t.n / quant.BlockSize
	words := 8
	if t.dt == quant.Q4_0 {
		words = 4
	}
	qs := make([]uint32, nb*words)
	scales := make([]float32, nb)
	if err := errors.Join(b.read(t.buf, u32Bytes(qs)), b.read(t.scales, f32Bytes(scales))); err != nil {
		return nil, err
	}
	out := make([]float32, t.n)
	for blk := 0; blk < nb; blk++ {
		s := scales[blk]
		for j := 0; j < quant.BlockSize; j++ {
			var q int
			if t.dt == quant.Q8_0 {
				q = int(int8(qs[blk*8+j/4] >> (8 * (j % 4))))
			} else {
				i := j % 16
				by := qs[blk*4+i/4] >> (8 * (i % 4))
				if j < 16 {
					q = int(by&0xf) - 8
				} else {
					q = int(by>>4&0xf) - 8
				}
			}
			out[blk*quant.BlockSize+j] = float32(q) * s
		}
	}
	return out, nil
}

// Free releases t. Work already recorded that uses t still runs: the buffer
// is destroyed after the next submit.
func (b *Backend) Free(kt kernels.Tensor) {
	t := b.tensor(kt, "free")
	b.release(t.buf)
	b.release(t.scales)
	t.buf, t.scales = nil, nil
}

// release returns an op output's buf to the pool (pool_js.go), or destroys
// buf, after the next submit when recorded work may use it.
func (b *Backend) release(buf *wgpu.Buffer) {
	if buf == nil || b.recycle(buf) {
		return
	}
	b.forgetBindGroups(buf)
	if b.enc != nil {
		b.doomed = append(b.doomed, buf)
		return
	}
	buf.Destroy()
}

// tensor unwraps a kernels.Tensor of this backend; another backend's tensor
// is a bug in the caller.
func (b *Backend) tensor(kt kernels.Tensor, op string) *tensor {
	t, ok := kt.(*tensor)
	if !ok {
		panic(fmt.Sprintf("webgpu: %s: tensor %T was not made by the webgpu backend", op, kt))
	}
	return t
}
