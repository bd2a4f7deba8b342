//go:build js

package main

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/genplay/genplay/kernels/selftest"
	"github.com/genplay/genplay/kernels/webgpu"
)

// timing is how cases are checked and timed (main's flags).
type timing struct {
	samples   int     // timed samples per case; the median is reported
	reps      int     // runs per sample; 0: calibrate to sampleMs
	sampleMs  float64 // calibration target for one sample's wall time
	gpuTime   bool    // also one sample with GPU timestamps, when the device has them
	fullCheck bool    // check every case in full, however long the reference takes
}

// maxReps bounds a sample's runs: a few thousand runs of an op that takes
// microseconds on the GPU already outlast the queue's round trip by far.
const maxReps = 4096

// bench checks c once against the reference, then times it, and does the
// same with tfjs when tf is not nil. A wrong tfjs result is reported, not
// fatal.
//
// A sample records reps runs of the op back to back (the backend submits
// every 64 dispatches without waiting) and waits for the queue once; its
// wall time over reps is one per-run time. reps is found while warming up
// (calibrate), separately for ours and tfjs's, so that one sample outlasts
// the queue's round trip; samples of ours and tfjs's alternate, so that
// both see the same load on a shared machine.
func bench(b *webgpu.Backend, tf *tfjs, c benchCase, t timing) (res result) {
	res.name, res.flops, res.bytes = c.name, c.flops, c.bytes
	res.vsCopy, res.yardstick = c.vsCopy, c.yardstick
	defer func() {
		if r := recover(); r != nil {
			res.err = fmt.Errorf("panic: %v", r)
		}
	}()
	p, err := c.setup(b)
	if err != nil {
		res.err = err
		return res
	}
	defer p.free()

	var chk check
	if p.verify != nil {
		res.check = "full"
		d0 := b.Dispatches()
		if res.err = p.verify(); res.err != nil {
			return res
		}
		res.dispatches = b.Dispatches() - d0
	} else {
		chk = newCheck(p, c.flops/2, t.fullCheck)
		res.check = chk.String()
		d0 := b.Dispatches()
		out := p.run()
		res.dispatches = b.Dispatches() - d0
		got, err := b.Download(out)
		b.Free(out)
		if err != nil {
			res.err = err
			return res
		}
		if nmse := selftest.NMSE(chk.pick(got), chk.want); nmse > c.tol {
			res.err = fmt.Errorf("nmse %.2e over %.0e (%s check): the kernel is wrong", nmse, c.tol, chk)
			return res
		}
	}
	timed := p.timed
	if timed == nil {
		timed = func() { b.Free(p.run()) }
	}
	timed() // warm-up
	if res.err = b.Sync(); res.err != nil {
		return res
	}

	var tr *tfjsRun
	if tf != nil && p.tf.Op != "" {
		res.note = p.tf.Note
		if tr, err = tf.prepare(p.tf); err != nil {
			res.tfErr, tr = err.Error(), nil
		} else if nmse := selftest.NMSE(chk.pick(tr.out), chk.want); nmse > c.tol {
			res.tfErr = fmt.Sprintf("wrong result (nmse %.2e, %s check)", nmse, chk)
			tr.release()
			tr = nil
		} else {
			res.tfDispatch = tr.dispatches
			defer tr.release()
		}
	}

	ours := func(reps int) (float64, error) {
		start := time.Now()
		for range reps {
			timed()
		}
		err := b.Sync()
		return float64(time.Since(start).Nanoseconds()) / 1e6, err
	}
	if res.reps, res.err = calibrate(ours, t); res.err != nil {
		return res
	}
	if tr != nil {
		if res.tfReps, err = calibrate(tr.time, t); err != nil {
			res.tfErr, tr = err.Error(), nil
		}
	}
	var mine, theirs []float64
	for range t.samples {
		ms, err := ours(res.reps)
		if err != nil {
			res.err = err
			return res
		}
		mine = append(mine, ms/float64(res.reps))
		if tr != nil {
			ms, err := tr.time(res.tfReps)
			if err != nil {
				res.tfErr, tr = err.Error(), nil
				continue
			}
			theirs = append(theirs, ms/float64(res.tfReps))
		}
	}
	res.ms, res.min = median(mine), slices.Min(mine)
	if tr != nil {
		res.tfms, res.tfmin = median(theirs), slices.Min(theirs)
	}
	if t.gpuTime {
		res.gpuMs = gpuTime(b, timed, res.reps)
	}
	return res
}

// calibrate returns the runs per sample: t.reps when set, else the count
// (1 to maxReps) at which one sample, sample(reps) milliseconds of wall
// time, takes at least t.sampleMs. The samples it takes also warm up.
func calibrate(sample func(reps int) (float64, error), t timing) (int, error) {
	if t.reps > 0 {
		return t.reps, nil
	}
	reps := 1
	for range 10 {
		ms, err := sample(reps)
		if err != nil {
			return 0, err
		}
		if ms >= t.sampleMs || reps == maxReps {
			break
		}
		// Scale by what is missing, at least doubling: while the round
		// trip dominates, the scaled guess falls short.
		next := int(math.Ceil(float64(reps) * 1.25 * t.sampleMs / max(ms, 1e-3)))
		reps = min(maxReps, max(2*reps, next))
	}
	return reps, nil
}

// gpuTime runs one more sample of reps runs with the backend's profiler on
// and returns the GPU time of one run: the sum of its dispatches' times
// from GPU timestamps, over reps. It returns 0 when the device has no
// timestamps, some came back unusable (0 on implementations that do not
// write them), or the op has no compute dispatch (copyBufferToBuffer).
func gpuTime(b *webgpu.Backend, timed func(), reps int) float64 {
	b.ProfileReset()
	b.Profile(true)
	if b.ProfileTiming() != webgpu.TimingTimestamps {
		b.Profile(false)
		return 0
	}
	for range reps {
		timed()
	}
	b.Profile(false)
	var ms float64
	stats := b.ProfileReport()
	for _, s := range stats {
		if s.Timed != s.Dispatches {
			return 0
		}
		ms += s.Ms
	}
	if b.Err() != nil || len(stats) == 0 {
		return 0
	}
	return ms / float64(reps)
}

// newCheck computes the reference of p: sampled rows when the case is big
// (over fullCheckMACs multiply-adds) and p has a row-wise reference,
// unless full is set; else all of it.
func newCheck(p *prepared, macs float64, full bool) check {
	if full || macs <= fullCheckMACs || p.wantRows == nil || p.outRows <= sampledRows {
		return check{want: p.want()}
	}
	rows := sampleRows(p.outRows, sampledRows)
	return check{rows: rows, rowLen: p.rowLen, want: p.wantRows(rows)}
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	return s[len(s)/2]
}
