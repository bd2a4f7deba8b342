package webgpu

import (
	"cmp"
	"encoding/binary"
	"slices"
)

// KernelStat is one kernel's share of the work recorded since the last
// ProfileReset: what the in-page profiler and the benchmarks print.
type KernelStat struct {
	// Kernel names the op's kernel: "matmul", "matvec", "conv2d" (an
	// implicit GEMM on the matmul kernel), "attention", or the WGSL file
	// of the simpler ops ("group_norm", "silu", ...).
	Kernel     string
	Dispatches int
	// Ms sums the times of the timed dispatches, 0 when none was timed.
	// How a dispatch is timed is ProfileTiming's answer: with
	// TimingTimestamps it is GPU time, from the timestamp its own compute
	// pass wrote as it began to the one it wrote as it ended (possibly
	// quantized by the implementation, so a short dispatch can read 0);
	// with TimingPerQueue it is wall-clock time from submit to
	// onSubmittedWorkDone, so it includes the queue's round trip.
	Ms float64
	// Timed counts the dispatches in Ms: the rest ran with timing off, or
	// their timestamps came back unusable (both 0, or out of order).
	Timed int
	// FLOPs and Bytes are estimates from the ops' shapes: multiply-adds
	// count 2 (0 for ops that do little arithmetic); Bytes is what the
	// kernel must read and write at least (weights once, activations once).
	FLOPs, Bytes float64
}

// GFLOPs is the achieved rate over the timed dispatches, 0 when none were.
func (s KernelStat) GFLOPs() float64 { return s.rate(s.FLOPs) }

// GBs is the achieved bandwidth over the timed dispatches, 0 when none were.
func (s KernelStat) GBs() float64 { return s.rate(s.Bytes) }

func (s KernelStat) rate(total float64) float64 {
	if s.Ms <= 0 || s.Timed == 0 {
		return 0
	}
	// Only the timed dispatches' share of the work counts.
	return total * float64(s.Timed) / float64(s.Dispatches) / (s.Ms * 1e6)
}

// cost is what one dispatch is expected to compute and move.
type cost struct {
	kernel       string
	flops, bytes float64
}

// profile accumulates KernelStats by kernel name.
type profile struct {
	stats  map[string]*KernelStat
	timing string // how the last timed dispatch was timed, "" before one
}

func (p *profile) stat(kernel string) *KernelStat {
	if p.stats == nil {
		p.stats = map[string]*KernelStat{}
	}
	s := p.stats[kernel]
	if s == nil {
		s = &KernelStat{Kernel: kernel}
		p.stats[kernel] = s
	}
	return s
}

// add counts one dispatch and its estimated work.
func (p *profile) add(c cost) {
	s := p.stat(c.kernel)
	s.Dispatches++
	s.FLOPs += c.flops
	s.Bytes += c.bytes
}

// time adds one dispatch's time, taken as timing says, to its kernel
// (which add counted already: timestamps arrive later than the dispatch).
func (p *profile) time(kernel string, ms float64, timing string) {
	s := p.stat(kernel)
	s.Timed++
	s.Ms += ms
	p.timing = timing
}

// passNs is the GPU time between a pass's two resolved timestamps. ok is
// false when they say nothing: both 0 (not written, or an implementation
// that writes none) or out of order (WebGPU allows it, for instance across
// a clock change).
func passNs(begin, end uint64) (ns uint64, ok bool) {
	if begin == 0 && end == 0 || end < begin {
		return 0, false
	}
	return end - begin, true
}

// report lists the kernels, the most time first, then the most dispatches.
func (p *profile) report() []KernelStat {
	out := make([]KernelStat, 0, len(p.stats))
	for _, s := range p.stats {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b KernelStat) int {
		if c := cmp.Compare(b.Ms, a.Ms); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Dispatches, a.Dispatches); c != 0 {
			return c
		}
		return cmp.Compare(a.Kernel, b.Kernel)
	})
	return out
}

// kernelName is a shader's name without its specialization ("matvec[AT=f32
// ...]" is "matvec").
func kernelName(shader string) string {
	for i := 0; i < len(shader); i++ {
		if shader[i] == '[' {
			return shader[:i]
		}
	}
	return shader
}

// addStamps adds the GPU times in raw, resolved timestamps, to the
// profile: chunk k of raw (chunkBytes each) holds a begin and an end
// timestamp for each kernel of chunks[k], in order. seen reports whether
// any timestamp was not 0.
func (p *profile) addStamps(raw []byte, chunkBytes int, chunks [][]string) (seen bool) {
	for k, kernels := range chunks {
		at := raw[k*chunkBytes:]
		for i, kernel := range kernels {
			begin := binary.LittleEndian.Uint64(at[16*i:])
			end := binary.LittleEndian.Uint64(at[16*i+8:])
			seen = seen || begin != 0 || end != 0
			if ns, ok := passNs(begin, end); ok {
				p.time(kernel, float64(ns)/1e6, TimingTimestamps)
			}
		}
	}
	return seen
}

// TotalDispatches sums Dispatches over a report.
func TotalDispatches(r []KernelStat) int {
	n := 0
	for _, s := range r {
		n += s.Dispatches
	}
	return n
}

// Timing says how ProfileReport's times were taken (ProfileTiming).
const (
	// TimingOff: counts and estimates only, no dispatch was timed.
	TimingOff = "off"
	// TimingTimestamps: GPU time from timestamp queries, every dispatch in
	// a compute pass of its own that writes a timestamp as it begins and
	// ends; dispatches are still submitted in batches.
	TimingTimestamps = "GPU timestamps, one compute pass per dispatch"
	// TimingPerQueue: wall clock, every dispatch submitted alone and waited
	// for, so each time includes the queue's round trip. The fallback on
	// devices without 'timestamp-query' (or whose timestamps all read 0).
	TimingPerQueue = "submit per dispatch, wait for the queue"
)
