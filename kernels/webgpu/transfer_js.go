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
	out, err := b.DownloadAll(kt)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// DownloadAll is Download of each of ts with one wait for the device: one
// copy each into the readback buffer, one map (kernels.BatchDownloader).
func (b *Backend) DownloadAll(kts ...kernels.Tensor) ([][]float32, error) {
	ts := make([]*tensor, len(kts))
	for i, kt := range kts {
		ts[i] = b.tensor(kt, "download")
	}
	if err := b.Err(); err != nil {
		return nil, err
	}
	var bufs []*wgpu.Buffer
	var dsts [][]byte
	raws := make([][]float32, len(ts))
	qs, scales := make([][]uint32, len(ts)), make([][]float32, len(ts)) // quantized ts
	for i, t := range ts {
		if t.buf == nil {
			return nil, fmt.Errorf("webgpu: download %q: tensor was freed", t.name)
		}
		if t.quantized() {
			qs[i], scales[i] = t.quantWords()
			bufs, dsts = append(bufs, t.buf, t.scales), append(dsts, u32Bytes(qs[i]), f32Bytes(scales[i]))
			continue
		}
		size := t.bytes
		if t.guard {
			size = t.buf.Size()
		}
		raws[i] = make([]float32, size/4)
		bufs, dsts = append(bufs, t.buf), append(dsts, f32Bytes(raws[i]))
	}
	if err := b.read(bufs, dsts); err != nil {
		return nil, err
	}
	if err := b.Err(); err != nil {
		return nil, err
	}
	out := make([][]float32, len(ts))
	for i, t := range ts {
		if t.quantized() {
			out[i] = t.dequantize(qs[i], scales[i])
			continue
		}
		raw := raws[i]
		if t.guard {
			for j, v := range raw[len(raw)-guardWords:] {
				if math.Float32bits(v) != guardBits {
					return nil, fmt.Errorf("webgpu: op %s wrote past the end of its output (%d values, shape %v): guard word %d is %#x", t.name, t.n, t.shape, j, math.Float32bits(v))
				}
			}
		}
		out[i] = raw[:t.n]
	}
	return out, nil
}

var _ kernels.BatchDownloader = (*Backend)(nil)

// read copies the start of each of bufs (len(dsts[i]) bytes) to dsts[i]
// through the reused readback buffer, with one map.
func (b *Backend) read(bufs []*wgpu.Buffer, dsts [][]byte) error {
	// Each slice starts at a multiple of 256 bytes: getMappedRange wants
	// multiples of 8, and 256 keeps copies aligned everywhere.
	offs := make([]uint64, len(dsts))
	size := uint64(0)
	for i, d := range dsts {
		offs[i] = size
		size += (uint64(len(d)) + 255) &^ 255
	}
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
	for i, d := range dsts {
		if len(d) > 0 {
			b.encoder().CopyBufferToBuffer(bufs[i], 0, b.readback, offs[i], uint64(len(d)))
		}
	}
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
	for i, d := range dsts {
		if len(d) > 0 && err == nil {
			err = b.readback.CopyMappedRange(d, offs[i])
		}
	}
	b.readback.Unmap()
	return err
}

// quantWords makes room for t's quant words and scales as stored.
func (t *tensor) quantWords() ([]uint32, []float32) {
	nb := t.n / quant.BlockSize
	words := 8
	if t.dt == quant.Q4_0 {
		words = 4
	}
	return make([]uint32, nb*words), make([]float32, nb)
}

// dequantize expands t's downloaded quant words and scales to f32.
func (t *tensor) dequantize(qs []uint32, scales []float32) []float32 {
	out := make([]float32, t.n)
	for blk := range scales {
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
	return out
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
