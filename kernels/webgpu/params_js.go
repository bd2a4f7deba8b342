//go:build js

package webgpu

import "github.com/genplay/genplay/kernels/wgpu"

// Every dispatch's Params (sizes, strides, a position) is a uniform. Each
// distinct Params lives in a 256-byte slot of an arena buffer, written
// once and never rewritten (a rewrite would land before recorded but
// unsubmitted dispatches that read the old value), and is bound with a
// dynamic offset: the bind group names the arena buffer, not the slot. A
// decode step's attention and RoPE Params change every token (the cache
// length, the position); with a buffer per Params each of those dispatches
// needed a new buffer and a new bind group every token, and now the bind
// group is the cached one of the last token.

const (
	paramsSlot  = 256      // bytes bound per dispatch: every Params fits
	paramsArena = 64 << 10 // bytes per arena buffer
)

type params struct {
	bufs  []*wgpu.Buffer
	slots map[string]paramsAt
	used  int // bytes used of the last buffer
}

type paramsAt struct {
	buf *wgpu.Buffer
	off uint32
}

// uniform returns where a Params of exactly these words lives, writing
// it into a new slot the first time. Past maxUniforms distinct Params the
// arena is dropped (after a flush) and refilled.
func (b *Backend) uniform(words []uint32) (paramsAt, error) {
	for len(words)%4 != 0 { // uniform sizes in 16-byte steps
		words = append(words, 0)
	}
	data := u32Bytes(words)
	key := string(data)
	if at, ok := b.params.slots[key]; ok {
		return at, nil
	}
	if len(data) > paramsSlot {
		panic("webgpu: a Params of more than 256 bytes")
	}
	if len(b.params.slots) >= maxUniforms {
		b.flush()
		for _, buf := range b.params.bufs {
			buf.Destroy()
		}
		b.params = params{}
		clear(b.bindGroups) // they bind the arena buffers
		clear(b.bgByBuffer)
	}
	if b.params.slots == nil {
		b.params.slots = map[string]paramsAt{}
	}
	stride := max(paramsSlot, int(b.limits.MinUniformBufferOffsetAlignment))
	if len(b.params.bufs) == 0 || b.params.used+stride > paramsArena {
		buf, err := b.newBuffer("params", paramsArena, wgpu.BufferUsageUniform|wgpu.BufferUsageCopyDst)
		if err != nil {
			return paramsAt{}, err
		}
		b.params.bufs = append(b.params.bufs, buf)
		b.params.used = 0
	}
	at := paramsAt{buf: b.params.bufs[len(b.params.bufs)-1], off: uint32(b.params.used)}
	if err := b.queue.WriteBuffer(at.buf, uint64(at.off), data); err != nil {
		return paramsAt{}, err
	}
	b.params.used += stride
	b.params.slots[key] = at
	return at, nil
}
