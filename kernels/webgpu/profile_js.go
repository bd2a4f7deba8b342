//go:build js

package webgpu

import (
	"fmt"
	"time"

	"github.com/genplay/genplay/kernels/wgpu"
)

// Profile turns per-dispatch timing on or off. Dispatch counts and the
// FLOP and byte estimates are kept always (a map update per dispatch);
// timing submits every dispatch on its own and waits for the queue, so it
// serializes the GPU and adds the queue's round trip to each time: use it
// to find which kernels matter, not for end-to-end numbers. WebGPU
// timestamp queries would give GPU-only times, but the wgpu binding has no
// query sets yet (and SwiftShader offers no 'timestamp-query').
func (b *Backend) Profile(on bool) {
	if on && !b.profiling {
		// What was recorded before is not timed: finish it first.
		b.flush()
		if err := b.queue.OnSubmittedWorkDone(); err != nil {
			b.fail(err)
		}
	}
	b.profiling = on
}

// ProfileTiming says how ProfileReport's Ms are taken now: TimingOff or
// TimingPerQueue.
func (b *Backend) ProfileTiming() string {
	if b.profiling {
		return TimingPerQueue
	}
	return TimingOff
}

// ProfileReset forgets the statistics gathered so far.
func (b *Backend) ProfileReset() { b.prof = profile{} }

// ProfileReport lists per-kernel statistics since New or ProfileReset, the
// most time first.
func (b *Backend) ProfileReport() []KernelStat { return b.prof.report() }

// costNext labels the next dispatch with an op-level kernel name and FLOP
// count (the bytes default to the bound buffers' sizes); ops whose WGSL
// file name says enough need not call it.
func (b *Backend) costNext(kernel string, flops float64) {
	b.next = cost{kernel: kernel, flops: flops}
}

// bytesNext sets the next dispatch's byte estimate when the bound buffers'
// sizes overstate it (a gather reads a few rows of a large table).
func (b *Backend) bytesNext(bytes float64) { b.next.bytes = bytes }

// account records one dispatch, recorded just now, in the profile; with
// timing on it submits the dispatch and waits for it.
func (b *Backend) account(c cost, shader string, bufs []*wgpu.Buffer) {
	if c.kernel == "" {
		c.kernel = kernelName(shader)
	}
	if c.bytes == 0 {
		for _, buf := range bufs[:len(bufs)-1] { // the last is the Params uniform
			if buf != b.dummy {
				c.bytes += float64(buf.Size())
			}
		}
	}
	if !b.profiling {
		b.prof.add(c, 0, false)
		return
	}
	t0 := time.Now()
	b.flush()
	if err := b.queue.OnSubmittedWorkDone(); err != nil {
		b.fail(fmt.Errorf("webgpu: profiling %s: %w", shader, err))
	}
	b.prof.add(c, float64(time.Since(t0).Nanoseconds())/1e6, true)
}
