//go:build js

package webgpu

import "github.com/genplay/genplay/kernels/wgpu"

// Freed buffers are recycled: a freed buffer waits in a pool for the next
// allocation of the same size instead of being destroyed. A decode step
// frees and remakes the same few dozen shapes every token, so after the
// first token no op calls createBuffer, and the bind-group cache (keyed
// by buffers) hits instead of creating one per dispatch: on a fast GPU
// that recording, not the kernels, bounds a small model.
//
// There are two pools, by how a buffer is written:
//
//   - outputs: op outputs, written by recorded commands (dispatches,
//     copies). A recycled one is at once ready for the next output: its
//     new writes are recorded after the old reads, and the queue keeps
//     that order.
//   - host: buffers the host writes with queue.writeBuffer (uploads, the
//     embedding's ids, the timestep embedding). A writeBuffer takes effect
//     before any work recorded but not yet submitted, so a freed host
//     buffer waits until the next submit before it can be written again.

// maxPoolBytes bounds the memory each pool keeps; past it freed buffers
// are destroyed as before.
const maxPoolBytes = 256 << 20

type pool struct {
	free    map[uint64][]*wgpu.Buffer // by size in bytes
	owned   map[*wgpu.Buffer]bool     // made by this pool: true in use, false freed
	pending []*wgpu.Buffer            // host pool: freed since the last submit
	bytes   uint64                    // held in free and pending
	reused  int                       // allocations served from the pool
}

// take returns a free buffer of size bytes, or makes one with alloc.
func (p *pool) take(size uint64, alloc func() (*wgpu.Buffer, error)) (*wgpu.Buffer, error) {
	if bufs := p.free[size]; len(bufs) > 0 {
		buf := bufs[len(bufs)-1]
		p.free[size] = bufs[:len(bufs)-1]
		p.bytes -= size
		p.reused++
		p.owned[buf] = true
		return buf, nil
	}
	buf, err := alloc()
	if err != nil {
		return nil, err
	}
	if p.owned == nil {
		p.owned = map[*wgpu.Buffer]bool{}
		p.free = map[uint64][]*wgpu.Buffer{}
	}
	p.owned[buf] = true
	return buf, nil
}

// put keeps buf, when this pool made it and has room, in free (ready) or
// pending (until ready); it reports whether it did.
func (p *pool) put(buf *wgpu.Buffer, ready bool) bool {
	inUse, ok := p.owned[buf]
	if ok && !inUse {
		// Two tensors would share it: loud now rather than wrong later.
		panic("webgpu: a buffer was freed twice (a tensor and a Reshape view of it both freed?)")
	}
	size := buf.Size()
	if !ok || p.bytes+size > maxPoolBytes {
		delete(p.owned, buf)
		return false
	}
	p.owned[buf] = false
	p.bytes += size
	if ready {
		p.free[size] = append(p.free[size], buf)
	} else {
		p.pending = append(p.pending, buf)
	}
	return true
}

// submitted makes the pending buffers free: called after a submit.
func (p *pool) submitted() {
	for _, buf := range p.pending {
		p.free[buf.Size()] = append(p.free[buf.Size()], buf)
	}
	p.pending = p.pending[:0]
}

// allocOutput is alloc for an op's output: a pooled buffer of the same size
// when there is one.
func (b *Backend) allocOutput(name string, bytes uint64, guard bool) (*wgpu.Buffer, error) {
	return b.pool.take(allocSize(bytes, guard), func() (*wgpu.Buffer, error) { return b.alloc(name, bytes, guard) })
}

// allocHost is alloc for a buffer the host will write with
// queue.writeBuffer: one from the host pool whose last use was submitted,
// when there is one.
func (b *Backend) allocHost(name string, bytes uint64) (*wgpu.Buffer, error) {
	return b.hostPool.take(allocSize(bytes, false), func() (*wgpu.Buffer, error) { return b.alloc(name, bytes, false) })
}

// recycle keeps buf for a later allocation when a pool made it and has
// room; it reports whether it did.
func (b *Backend) recycle(buf *wgpu.Buffer) bool {
	return b.pool.put(buf, true) || b.hostPool.put(buf, b.enc == nil)
}

// PoolReuses counts allocations served from the pools of freed buffers
// since New (tests and benchmarks).
func (b *Backend) PoolReuses() int { return b.pool.reused + b.hostPool.reused }
