package webgpu

import (
	"cmp"
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
	// Ms is the time of the timed dispatches, 0 when timing was off (see
	// ProfileTiming): a sum of per-dispatch times, each from submit to
	// onSubmittedWorkDone, so it includes the queue's round trip.
	Ms float64
	// Timed counts the dispatches in Ms (the rest ran with timing off).
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
	stats map[string]*KernelStat
}

func (p *profile) add(c cost, ms float64, timed bool) {
	if p.stats == nil {
		p.stats = map[string]*KernelStat{}
	}
	s := p.stats[c.kernel]
	if s == nil {
		s = &KernelStat{Kernel: c.kernel}
		p.stats[c.kernel] = s
	}
	s.Dispatches++
	s.FLOPs += c.flops
	s.Bytes += c.bytes
	if timed {
		s.Timed++
		s.Ms += ms
	}
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

// TotalDispatches sums Dispatches over a report.
func TotalDispatches(r []KernelStat) int {
	n := 0
	for _, s := range r {
		n += s.Dispatches
	}
	return n
}

// Timing says how ProfileReport's times were taken.
const (
	TimingOff      = "off"                                     // counts and estimates only
	TimingPerQueue = "submit per dispatch, wait for the queue" // wall clock, includes queue latency
)
