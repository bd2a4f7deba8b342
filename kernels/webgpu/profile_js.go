//go:build js

package webgpu

import (
	"fmt"
	"time"

	"github.com/genplay/genplay/kernels/wgpu"
)

// Profiling has two ways to time a dispatch. With 'timestamp-query' on the
// device, every dispatch gets a compute pass of its own that writes a GPU
// timestamp as it begins and as it ends; flush resolves a batch's
// timestamps and copies them into results, and collectStamps reads them
// back when results is full or a report is asked for. Dispatches are still
// submitted in batches, so the times are the GPU's alone. Without the
// feature (or when every timestamp comes back 0), every dispatch is
// submitted alone and waited for: wall-clock times that include the
// queue's round trip.

// Timestamp capacity: a query set holds one batch (two slots per
// dispatch); results holds stampChunks resolved batches (unless
// withStampChunks says otherwise) before they must be read back.
const (
	stampSlots  = 2 * maxBatch
	chunkBytes  = stampSlots * wgpu.QueryResultSize // a multiple of wgpu.QueryResolveAlignment
	stampChunks = 64
)

// stamps is the timestamp-query state, made at the first timed dispatch.
type stamps struct {
	set       *wgpu.QuerySet // slots 2i, 2i+1: dispatch i of the batch begins, ends
	resolve   *wgpu.Buffer   // QueryResolve | CopySrc: one batch
	results   *wgpu.Buffer   // MapRead | CopyDst: maxChunks batches
	maxChunks int            // batches results holds
	open      []string       // kernels of this batch's timed dispatches, in slot order
	chunks    [][]string     // kernels of the batches in results, in order
	seen      bool           // some timestamp read back was not 0
	broken    bool           // all read back were 0: time by the queue instead
	slot      [2]uint32      // the indices pass points at
	pass      wgpu.ComputePassDescriptor
	writes    wgpu.ComputePassTimestampWrites
}

// Profile turns per-dispatch timing on or off. Dispatch counts and the
// FLOP and byte estimates are kept always (a map update per dispatch).
// With 'timestamp-query', timing puts every dispatch in its own compute
// pass and reads GPU timestamps back every few thousand dispatches;
// without it every dispatch is submitted alone and waited for,
// which serializes the GPU and adds the queue's round trip to each time.
// Either way use it to find which kernels matter, not for end-to-end
// numbers. ProfileTiming says which method is in use.
func (b *Backend) Profile(on bool) {
	switch {
	case on && !b.profiling:
		// What was recorded before is not timed: submit it (and, timing
		// by the queue, let it finish) first.
		b.flush()
		if !b.stampsOn() {
			if err := b.queue.OnSubmittedWorkDone(); err != nil {
				b.fail(err)
			}
		}
	case !on && b.profiling:
		b.flush()
		b.collectStamps()
	}
	b.profiling = on
}

// ProfileTiming says how ProfileReport's Ms are taken: while profiling,
// the method in use (TimingTimestamps or TimingPerQueue); after
// Profile(false), the method the report's timed dispatches used; TimingOff
// when no dispatch since ProfileReset was timed.
func (b *Backend) ProfileTiming() string {
	switch {
	case b.profiling && b.stampsOn():
		return TimingTimestamps
	case b.profiling:
		return TimingPerQueue
	case b.prof.timing != "":
		return b.prof.timing
	}
	return TimingOff
}

// ProfileReset forgets the statistics gathered so far (timestamps of
// dispatches already recorded are read back and dropped with them).
func (b *Backend) ProfileReset() {
	if b.stamps != nil && len(b.stamps.open)+len(b.stamps.chunks) > 0 {
		b.flush()
		b.collectStamps()
	}
	b.prof = profile{}
}

// ProfileReport lists per-kernel statistics since New or ProfileReset, the
// most time first. While timestamps are pending it submits the recorded
// work and waits for their read-back.
func (b *Backend) ProfileReport() []KernelStat {
	if b.stamps != nil && len(b.stamps.open)+len(b.stamps.chunks) > 0 {
		b.flush()
		b.collectStamps()
	}
	return b.prof.report()
}

// costNext labels the next dispatch with an op-level kernel name and FLOP
// count (the bytes default to the bound buffers' sizes); ops whose WGSL
// file name says enough need not call it.
func (b *Backend) costNext(kernel string, flops float64) {
	b.next = cost{kernel: kernel, flops: flops}
}

// bytesNext sets the next dispatch's byte estimate when the bound buffers'
// sizes overstate it (a gather reads a few rows of a large table).
func (b *Backend) bytesNext(bytes float64) { b.next.bytes = bytes }

// stampsOn reports whether dispatches are timed by timestamp queries.
func (b *Backend) stampsOn() bool {
	return b.timestamps && (b.stamps == nil || !b.stamps.broken)
}

// timedPass returns the descriptor of a compute pass that writes the next
// two timestamp slots, or nil when timestamps are off or cannot be had
// (then the dispatch is timed by the queue).
func (b *Backend) timedPass() *wgpu.ComputePassDescriptor {
	if !b.profiling || !b.stampsOn() {
		return nil
	}
	if b.stamps == nil {
		s, err := b.newStamps()
		if err != nil {
			// Not the model's failure: profile by the queue instead.
			b.stamps = &stamps{broken: true}
			return nil
		}
		b.stamps = s
	}
	s := b.stamps
	if len(s.open) == maxBatch { // a full set: resolve it first
		b.flush()
		if !b.stampsOn() { // what flush read back was all 0
			return nil
		}
	}
	i := uint32(2 * len(s.open))
	s.slot = [2]uint32{i, i + 1}
	return &s.pass
}

func (b *Backend) newStamps() (*stamps, error) {
	set, err := b.dev.CreateQuerySet(&wgpu.QuerySetDescriptor{Label: "profile", Type: wgpu.QueryTypeTimestamp, Count: stampSlots})
	if err != nil {
		return nil, err
	}
	resolve, err := b.newBuffer("timestamps", chunkBytes, wgpu.BufferUsageQueryResolve|wgpu.BufferUsageCopySrc)
	if err != nil {
		set.Destroy()
		return nil, err
	}
	chunks := stampChunks
	if b.cfg.stampChunks > 0 {
		chunks = b.cfg.stampChunks
	}
	results, err := b.newBuffer("timestamp results", uint64(chunks*chunkBytes), wgpu.BufferUsageMapRead|wgpu.BufferUsageCopyDst)
	if err != nil {
		set.Destroy()
		resolve.Destroy()
		return nil, err
	}
	s := &stamps{set: set, resolve: resolve, results: results, maxChunks: chunks}
	s.writes = wgpu.ComputePassTimestampWrites{QuerySet: set, BeginningOfPassWriteIndex: &s.slot[0], EndOfPassWriteIndex: &s.slot[1]}
	s.pass = wgpu.ComputePassDescriptor{TimestampWrites: &s.writes}
	return s, nil
}

// resolveStamps records, at the end of a batch, the resolve of its
// timestamps and their copy into the next chunk of results.
func (b *Backend) resolveStamps() {
	s := b.stamps
	if s == nil || len(s.open) == 0 {
		return
	}
	n := uint32(2 * len(s.open))
	b.enc.ResolveQuerySet(s.set, 0, n, s.resolve, 0)
	b.enc.CopyBufferToBuffer(s.resolve, 0, s.results, uint64(len(s.chunks)*chunkBytes), uint64(n)*wgpu.QueryResultSize)
	s.chunks = append(s.chunks, s.open)
	s.open = nil
}

// stampsFull reports whether results has no room for another batch.
func (b *Backend) stampsFull() bool {
	return b.stamps != nil && len(b.stamps.chunks) == b.stamps.maxChunks && b.stamps.maxChunks > 0
}

// collectStamps reads the resolved timestamps back and adds each timed
// dispatch's GPU time to its kernel. The caller has flushed. When every
// timestamp read so far is 0, the implementation writes none: profiling
// falls back to timing by the queue.
func (b *Backend) collectStamps() {
	s := b.stamps
	if s == nil || len(s.chunks) == 0 {
		return
	}
	chunks := s.chunks
	s.chunks = nil
	size := uint64(len(chunks) * chunkBytes)
	if err := s.results.MapAsync(wgpu.MapModeRead, 0, size); err != nil {
		b.fail(fmt.Errorf("webgpu: reading timestamps: %w", err))
		return
	}
	raw := make([]byte, size)
	err := s.results.CopyMappedRange(raw, 0)
	s.results.Unmap()
	if err != nil {
		b.fail(fmt.Errorf("webgpu: reading timestamps: %w", err))
		return
	}
	if b.prof.addStamps(raw, chunkBytes, chunks) {
		s.seen = true
	}
	s.broken = !s.seen
}

// account records one dispatch, recorded just now, in the profile. Timing
// by timestamps, it notes the kernel of the pass's slots; timing by the
// queue, it submits the dispatch and waits for it.
func (b *Backend) account(c cost, shader string, bufs []*wgpu.Buffer, stamped bool) {
	if c.kernel == "" {
		c.kernel = kernelName(shader)
	}
	if c.bytes == 0 {
		for _, buf := range bufs { // inputs and output: the Params uniform is not among them
			if buf != b.dummy {
				c.bytes += float64(buf.Size())
			}
		}
	}
	b.prof.add(c)
	if !b.profiling {
		return
	}
	if stamped {
		b.stamps.open = append(b.stamps.open, c.kernel)
		return
	}
	t0 := time.Now()
	b.flush()
	if err := b.queue.OnSubmittedWorkDone(); err != nil {
		b.fail(fmt.Errorf("webgpu: profiling %s: %w", shader, err))
	}
	b.prof.time(c.kernel, float64(time.Since(t0).Nanoseconds())/1e6, TimingPerQueue)
}
