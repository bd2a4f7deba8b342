//go:build js

// Command gpubench times genplay's WebGPU kernels, and with -tfjs the
// equivalent tfjs-backend-webgpu ops on the same device in the same process.
// It is a GOOS=js program; bench/gpubench.sh builds and runs it in Node with
// Dawn:
//
//	bench/gpubench.sh -size small          # ours and tfjs, SwiftShader
//	scripts/dawn-exec bin/gpubench.wasm    # ours only
//
// Every case is first checked against kernels/ref (NMSE), for tfjs too, and
// only then timed: a warm-up run, then -samples runs, each ended by
// onSubmittedWorkDone, ours and tfjs's alternating so that both see the
// same load; the medians and the fastest runs are reported. -size small keeps a software GPU
// (SwiftShader) to a few minutes; -size large is for real GPUs. -table also
// runs the shared benchmark table of kernels/selftest (ours only).
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/genplay/genplay/kernels/selftest"
	"github.com/genplay/genplay/kernels/webgpu"
)

func main() {
	size := flag.String("size", "small", "shapes: small (software GPUs) or large (real GPUs)")
	samples := flag.Int("samples", 5, "timed runs per case (the median is reported)")
	withTF := flag.Bool("tfjs", false, "also run tfjs-backend-webgpu (needs bench/gpubench.sh)")
	only := flag.String("run", "", "run only cases whose name contains this")
	table := flag.Bool("table", false, "also run kernels/selftest's benchmark table")
	subgroups := flag.Bool("subgroups", true, "let the device enable subgroups when the adapter has them")
	flag.Parse()
	if *size != "small" && *size != "large" {
		fmt.Fprintln(os.Stderr, "gpubench: -size must be small or large")
		os.Exit(2)
	}
	*samples = max(*samples, 1)

	var opts []webgpu.Option
	if !*subgroups {
		opts = append(opts, webgpu.WithoutSubgroups())
	}
	b, err := webgpu.New(opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gpubench:", err)
		os.Exit(1)
	}
	fmt.Printf("adapter: %s\n", b.AdapterInfo())
	var tf *tfjs
	if *withTF {
		var info string
		if tf, info, err = openTFJS(); err != nil {
			fmt.Fprintln(os.Stderr, "gpubench:", err)
			os.Exit(1)
		}
		fmt.Printf("tfjs: %s\n", info)
	}
	fmt.Printf("date: %s; samples: %d (median reported)\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), *samples)
	// ours/tfjs is tfjs's time over ours (above 1: ours is faster), of the
	// medians and of the fastest runs.
	fmt.Printf("| %-42s | %10s | %9s | %10s | %9s | %9s | %9s | %s |\n", "case", "ours ms", "GFLOP/s", "tfjs ms", "GFLOP/s", "ours/tfjs", "(fastest)", "dispatches ours / tfjs")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 44), strings.Repeat("-", 12), strings.Repeat("-", 11), strings.Repeat("-", 12), strings.Repeat("-", 11), strings.Repeat("-", 11), strings.Repeat("-", 11), strings.Repeat("-", 12))
	failed := false
	for _, c := range cases(*size == "large") {
		if *only != "" && !strings.Contains(c.name, *only) {
			continue
		}
		r := bench(b, tf, c, *samples)
		fmt.Println(r)
		failed = failed || r.err != nil
	}
	if *table {
		fmt.Println()
		for _, c := range selftest.BenchCases() {
			fmt.Println(selftest.Bench(b, c, *samples))
		}
	}
	if failed {
		os.Exit(1)
	}
}

type result struct {
	name        string
	ms, tfms    float64 // medians; tfms 0 when tfjs did not run
	min, tfmin  float64 // fastest runs
	flops       float64
	dispatches  int // ours, per run
	tfDispatch  int // tfjs's, per run
	note, tfErr string
	err         error
}

func (r result) String() string {
	if r.err != nil {
		return fmt.Sprintf("| %-42s | FAIL: %v |", r.name, r.err)
	}
	gf := func(ms float64) string {
		if ms <= 0 || r.flops == 0 {
			return "-"
		}
		return fmt.Sprintf("%.3f", r.flops/ms/1e6)
	}
	tfms, ratio, ratioMin := "-", "-", "-"
	if r.tfms > 0 {
		tfms = fmt.Sprintf("%.3f", r.tfms)
		ratio = fmt.Sprintf("%.2f", r.tfms/r.ms)
		ratioMin = fmt.Sprintf("%.2f", r.tfmin/r.min)
	}
	if r.tfErr != "" {
		tfms = "error"
		r.note += " tfjs: " + r.tfErr
	}
	disp := strconv.Itoa(r.dispatches)
	if r.tfDispatch > 0 {
		disp += fmt.Sprintf(" / %d", r.tfDispatch)
	}
	s := fmt.Sprintf("| %-42s | %10.3f | %9s | %10s | %9s | %9s | %9s | %10s |", r.name, r.ms, gf(r.ms), tfms, gf(r.tfms), ratio, ratioMin, disp)
	if r.note != "" {
		s += " " + strings.TrimSpace(r.note)
	}
	return s
}

// bench checks c once against the reference, times it, then does the same
// with tfjs when tf is not nil. A wrong tfjs result is reported, not fatal.
func bench(b *webgpu.Backend, tf *tfjs, c benchCase, samples int) (res result) {
	res.name, res.flops = c.name, c.flops
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
	want := p.want()
	d0 := b.Dispatches()
	out := p.run()
	res.dispatches = b.Dispatches() - d0
	got, err := b.Download(out)
	b.Free(out)
	if err != nil {
		res.err = err
		return res
	}
	if nmse := selftest.NMSE(got, want); nmse > c.tol {
		res.err = fmt.Errorf("nmse %.2e over %.0e: the kernel is wrong", nmse, c.tol)
		return res
	}
	b.Free(p.run()) // warm-up
	if err := b.Sync(); err != nil {
		res.err = err
		return res
	}
	var tr *tfjsRun
	if tf != nil && p.tf.Op != "" {
		res.note = p.tf.Note
		if tr, err = tf.prepare(p.tf); err != nil {
			res.tfErr, tr = err.Error(), nil
		} else if nmse := selftest.NMSE(tr.out, want); nmse > c.tol {
			res.tfErr = fmt.Sprintf("wrong result (nmse %.2e)", nmse)
			tr.release()
			tr = nil
		} else {
			res.tfDispatch = tr.dispatches
			defer tr.release()
		}
	}
	// Ours and tfjs's runs alternate, so that both see the same load on a
	// shared machine.
	var ours, theirs []float64
	for range samples {
		start := time.Now()
		out := p.run()
		if err := b.Sync(); err != nil {
			res.err = err
			return res
		}
		ours = append(ours, float64(time.Since(start).Nanoseconds())/1e6)
		b.Free(out)
		if tr != nil {
			ms, err := tr.time()
			if err != nil {
				res.tfErr, tr = err.Error(), nil
				continue
			}
			theirs = append(theirs, ms)
		}
	}
	res.ms, res.min = median(ours), slices.Min(ours)
	if tr != nil {
		res.tfms, res.tfmin = median(theirs), slices.Min(theirs)
	}
	return res
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	return s[len(s)/2]
}
