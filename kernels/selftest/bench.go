package selftest

import (
	"fmt"
	"slices"
	"time"

	"github.com/genplay/genplay/kernels"
)

// Prepare uploads c's inputs to b and returns the op, ready to run as many
// times as a benchmark wants (each call returns a new tensor for the caller
// to Free), and a release function that frees the inputs.
func (c Case) Prepare(b kernels.Backend) (run func() kernels.Tensor, release func(), err error) {
	e := newEnv(b, c)
	defer func() {
		if r := recover(); r != nil {
			e.free()
			run, release, err = nil, nil, fmt.Errorf("%s %s: %v", c.Op, c.Shape, r)
			if se, ok := r.(setupError); ok {
				err = se.err
			}
		}
	}()
	return c.build(e).run, e.free, nil
}

// BenchResult is the timing of one case on one backend.
type BenchResult struct {
	Op, Shape string
	// Time is the median over the samples of the time per run; Reps is
	// how many runs each sample averaged.
	Time    time.Duration
	Samples int
	Reps    int
	// GFLOPs and GBs are the throughputs at Time (0 where the case counts
	// no FLOPs or bytes).
	GFLOPs, GBs float64
	Err         error
}

func (r BenchResult) String() string {
	if r.Err != nil {
		return fmt.Sprintf("%-18s %-44s error: %v", r.Op, r.Shape, r.Err)
	}
	return fmt.Sprintf("%-18s %-44s %10.3f ms %9.2f GFLOP/s %8.2f GB/s",
		r.Op, r.Shape, float64(r.Time.Nanoseconds())/1e6, r.GFLOPs, r.GBs)
}

// Bench times c on b: one warm-up run (which also compiles pipelines on a
// GPU), then samples timings of reps back-to-back runs each ended by one
// Download, with reps chosen so that a sample takes about 20 ms. The
// Download is what waits for an asynchronous backend; averaging it over the
// reps keeps its cost out of the per-run time. It never panics.
func Bench(b kernels.Backend, c Case, samples int) (res BenchResult) {
	res = BenchResult{Op: c.Op, Shape: c.Shape, Samples: max(samples, 1)}
	run, release, err := c.Prepare(b)
	if err != nil {
		res.Err = err
		return res
	}
	defer release()
	defer func() {
		if r := recover(); r != nil {
			res.Err = fmt.Errorf("panic: %v", r)
		}
	}()
	sample := func(reps int) (time.Duration, error) {
		outs := make([]kernels.Tensor, 0, reps)
		defer func() {
			for _, t := range outs {
				b.Free(t)
			}
		}()
		start := time.Now()
		for range reps {
			outs = append(outs, run())
		}
		if _, err := b.Download(outs[len(outs)-1]); err != nil {
			return 0, err
		}
		return time.Since(start), nil
	}
	warm, err := sample(1)
	if err != nil {
		res.Err = err
		return res
	}
	res.Reps = 1
	if warm > 0 && warm < 20*time.Millisecond {
		res.Reps = min(int(20*time.Millisecond/warm), 50)
	}
	times := make([]time.Duration, res.Samples)
	for i := range times {
		d, err := sample(res.Reps)
		if err != nil {
			res.Err = err
			return res
		}
		times[i] = d / time.Duration(res.Reps)
	}
	slices.Sort(times)
	res.Time = times[len(times)/2]
	if s := res.Time.Seconds(); s > 0 {
		res.GFLOPs = c.FLOPs / s / 1e9
		res.GBs = c.Bytes / s / 1e9
	}
	return res
}
