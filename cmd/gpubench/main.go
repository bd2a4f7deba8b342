//go:build js

// Command gpubench times genplay's WebGPU kernels. It is a GOOS=js program:
//
//	GOOS=js GOARCH=wasm go build -o bin/gpubench.wasm ./cmd/gpubench
//	scripts/dawn-exec bin/gpubench.wasm -size small
//
// Every case is first checked against kernels/ref (NMSE), then warmed up
// and timed: the median of -samples runs, each waiting for the device to
// finish (onSubmittedWorkDone). -size small keeps a software GPU
// (SwiftShader) to about a minute; -size large is for real GPUs. -table also
// runs the shared benchmark table of kernels/selftest.
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/genplay/genplay/kernels/selftest"
	"github.com/genplay/genplay/kernels/webgpu"
)

func main() {
	size := flag.String("size", "small", "shapes: small (software GPUs) or large (real GPUs)")
	samples := flag.Int("samples", 5, "timed runs per case (the median is reported)")
	table := flag.Bool("table", false, "also run kernels/selftest's benchmark table")
	flag.Parse()
	if *size != "small" && *size != "large" {
		fmt.Fprintln(os.Stderr, "gpubench: -size must be small or large")
		os.Exit(2)
	}

	b, err := webgpu.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gpubench:", err)
		os.Exit(1)
	}
	fmt.Printf("adapter: %s\n", b.AdapterInfo())
	failed := false
	for _, c := range cases(*size == "large") {
		r := bench(b, c, max(*samples, 1))
		fmt.Println(r)
		failed = failed || r.err != nil
	}
	if *table {
		for _, c := range selftest.BenchCases() {
			fmt.Println(selftest.Bench(b, c, max(*samples, 1)))
		}
	}
	if failed {
		os.Exit(1)
	}
}

type result struct {
	name       string
	nmse       float64
	ms         float64
	flops, gbs float64
	err        error
}

func (r result) String() string {
	if r.err != nil {
		return fmt.Sprintf("%-44s FAIL %v", r.name, r.err)
	}
	s := fmt.Sprintf("%-44s nmse %.1e %10.3f ms", r.name, r.nmse, r.ms)
	if r.flops > 0 {
		s += fmt.Sprintf(" %9.2f GFLOP/s", r.flops)
	}
	if r.gbs > 0 {
		s += fmt.Sprintf(" %8.2f GB/s", r.gbs)
	}
	return s
}

// bench checks c once against the reference, then times it.
func bench(b *webgpu.Backend, c benchCase, samples int) (res result) {
	res.name = c.name
	defer func() {
		if r := recover(); r != nil {
			res.err = fmt.Errorf("panic: %v", r)
		}
	}()
	run, want, free, err := c.setup(b)
	if err != nil {
		res.err = err
		return res
	}
	defer free()
	out := run()
	got, err := b.Download(out)
	b.Free(out)
	if err != nil {
		res.err = err
		return res
	}
	res.nmse = selftest.NMSE(got, want())
	if res.nmse > c.tol {
		res.err = fmt.Errorf("nmse %.2e over %.0e: the kernel is wrong", res.nmse, c.tol)
		return res
	}
	b.Free(run()) // warm-up
	if err := b.Sync(); err != nil {
		res.err = err
		return res
	}
	times := make([]time.Duration, samples)
	for i := range times {
		start := time.Now()
		out := run()
		if err := b.Sync(); err != nil {
			res.err = err
			return res
		}
		times[i] = time.Since(start)
		b.Free(out)
	}
	slices.Sort(times)
	sec := times[len(times)/2].Seconds()
	res.ms = sec * 1e3
	res.flops = c.flops / sec / 1e9
	res.gbs = c.bytes / sec / 1e9
	return res
}
