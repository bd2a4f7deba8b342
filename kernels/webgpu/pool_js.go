//go:build js

package webgpu

import "github.com/genplay/genplay/kernels/wgpu"

// Op outputs are recycled: a freed output's buffer waits in a pool for the
// next output of the same size instead of being destroyed. A decode step
// frees and remakes the same few dozen shapes every token, so after the
// first token no op calls createBuffer, and the bind-group cache (keyed
// by buffers) hits instead of creating one per dispatch: on a fast GPU
// that recording, not the kernels, bounds a small model.
//
// Only buffers written by recorded commands (dispatches, copies) are
// pooled. Reusing one is then ordered by the queue like any other write.
// A queue.writeBuffer into a recycled buffer would not be: it takes effect
// at once, before recorded work that may still read the old contents, so
// uploads and host-written tables never come from the pool.

// maxPoolBytes bounds the memory the pool keeps; past it freed buffers are
// destroyed as before.
const maxPoolBytes = 256 << 20

type pool struct {
	free   map[uint64][]*wgpu.Buffer // by size in bytes
	owned  map[*wgpu.Buffer]bool     // made by allocOutput: true in use, false in free
	bytes  uint64                    // held in free
	reused int                       // outputs served from the pool
}

// allocOutput is alloc for an op's output: a pooled buffer of the same size
// when there is one.
func (b *Backend) allocOutput(name string, bytes uint64, guard bool) (*wgpu.Buffer, error) {
	size := allocSize(bytes, guard)
	if bufs := b.pool.free[size]; len(bufs) > 0 {
		buf := bufs[len(bufs)-1]
		b.pool.free[size] = bufs[:len(bufs)-1]
		b.pool.bytes -= size
		b.pool.reused++
		b.pool.owned[buf] = true
		return buf, nil
	}
	buf, err := b.alloc(name, bytes, guard)
	if err != nil {
		return nil, err
	}
	if b.pool.owned == nil {
		b.pool.owned = map[*wgpu.Buffer]bool{}
		b.pool.free = map[uint64][]*wgpu.Buffer{}
	}
	b.pool.owned[buf] = true
	return buf, nil
}

// recycle keeps buf for a later output when it is an output buffer and
// the pool has room; it reports whether it did.
func (b *Backend) recycle(buf *wgpu.Buffer) bool {
	inUse, ok := b.pool.owned[buf]
	if ok && !inUse {
		// Two tensors would share it: loud now rather than wrong later.
		panic("webgpu: a buffer was freed twice (a tensor and a Reshape view of it both freed?)")
	}
	size := buf.Size()
	if !ok || b.pool.bytes+size > maxPoolBytes {
		delete(b.pool.owned, buf)
		return false
	}
	b.pool.owned[buf] = false
	b.pool.free[size] = append(b.pool.free[size], buf)
	b.pool.bytes += size
	return true
}

// PoolReuses counts op outputs served from the pool of freed buffers since
// New (tests and benchmarks).
func (b *Backend) PoolReuses() int { return b.pool.reused }
