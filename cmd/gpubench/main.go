//go:build js

// Command gpubench times genplay's WebGPU kernels, and with -tfjs the
// equivalent tfjs-backend-webgpu ops on the same device in the same process.
// It is a GOOS=js program; bench/gpubench.sh builds and runs it in Node with
// Dawn:
//
//	bench/gpubench.sh -size small          # ours and tfjs, SwiftShader
//	scripts/dawn-exec bin/gpubench.wasm    # ours only
//
// Every case is first checked against kernels/ref (NMSE), for tfjs too:
// in full, or on 16 sampled output rows when the reference would take long
// (matmuls over 2^28 multiply-adds; -full-check forces full checks); the
// "check" column says which. Only then is it timed: a warm-up, then
// -samples samples, each of R runs recorded back to back and waited for
// once (onSubmittedWorkDone), R found in the warm-up so that a sample takes
// at least -sample-ms (or fixed by -reps), ours and tfjs's alternating so
// that both see the same load; reported are the medians and the fastest of
// sample/R. Where the device has timestamp queries, one more sample runs
// with the profiler on and "GPU ms" is the GPU time of one run. The copy
// cases (the WGSL copy kernel and copyBufferToBuffer) measure the device's
// copy bandwidth in the same run; the quantized matrix-vector rows give
// their GB/s as a share of the copy kernel's. -size small keeps a software
// GPU (SwiftShader) to a few minutes; -size large is for real GPUs. -table
// also runs the shared benchmark table of kernels/selftest (ours only).
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
	var t timing
	flag.IntVar(&t.samples, "samples", 5, "timed samples per case (the median is reported)")
	flag.IntVar(&t.reps, "reps", 0, "runs per sample (0: as many as make a sample last -sample-ms)")
	flag.Float64Var(&t.sampleMs, "sample-ms", 2, "with -reps 0, the wall time one sample must reach")
	flag.BoolVar(&t.gpuTime, "gpu-time", true, "also time one sample with GPU timestamps where the device has them")
	flag.BoolVar(&t.fullCheck, "full-check", false, "check every case in full against kernels/ref (4096^3: minutes)")
	withTF := flag.Bool("tfjs", false, "also run tfjs-backend-webgpu (needs bench/gpubench.sh)")
	only := flag.String("run", "", "run only cases whose name contains this, or one of a|b|... (plus the copy kernel when a row is set against it)")
	table := flag.Bool("table", false, "also run kernels/selftest's benchmark table")
	subgroups := flag.Bool("subgroups", true, "let the device enable subgroups when the adapter has them")
	tiles := flag.String("tiles", "", "fix the f32 matmul's tile shape, WGxTMxTNxTK with p after it to pipeline (e.g. 16x8x8x16 or 16x8x8x8p), instead of the backend's choice; a comma-separated list runs the cases once per shape")
	matvec := flag.String("matvec", "", "fix a GPU's matrix-vector shape, LANESxROWS (e.g. 32x8), instead of the backend's choice; a comma-separated list runs the cases once per shape")
	flag.Parse()
	if *size != "small" && *size != "large" {
		fmt.Fprintln(os.Stderr, "gpubench: -size must be small or large")
		os.Exit(2)
	}
	t.samples = max(t.samples, 1)
	variants, err := sweep(*tiles, *matvec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gpubench:", err)
		os.Exit(2)
	}

	var opts []webgpu.Option
	if !*subgroups {
		opts = append(opts, webgpu.WithoutSubgroups())
	}
	var tf *tfjs
	failed := false
	started := false
	for _, v := range variants {
		o := opts
		if v != nil {
			o = append(slices.Clone(opts), v.opt)
		}
		b, err := webgpu.New(o...)
		if err != nil && v != nil {
			// One shape the device cannot run (its workgroup memory, say)
			// does not cost the rest of the list.
			fmt.Printf("\n%s: %v\n", v.tag, err)
			failed = true
			continue
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "gpubench:", err)
			os.Exit(1)
		}
		if !started {
			started = true
			fmt.Printf("adapter: %s\n", b.AdapterInfo())
			if *withTF {
				var info string
				if tf, info, err = openTFJS(); err != nil {
					fmt.Fprintln(os.Stderr, "gpubench:", err)
					os.Exit(1)
				}
				fmt.Printf("tfjs: %s\n", info)
			}
			fmt.Printf("date: %s; samples: %d (median reported)\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), t.samples)
			printMethod(t)
		}
		fmt.Println()
		if v != nil {
			fmt.Println(v.label)
		}
		fmt.Println(header)
		fmt.Println(rule)
		failed = runCases(b, tf, *size == "large", *only, v, t) || failed
		if *table {
			fmt.Println()
			for _, c := range selftest.BenchCases() {
				fmt.Println(selftest.Bench(b, c, t.samples))
			}
		}
		b.Close()
	}
	if failed {
		os.Exit(1)
	}
}

// runCases benchmarks the selected cases on b (and tf), printing a row
// each, and says whether any failed.
func runCases(b *webgpu.Backend, tf *tfjs, large bool, only string, v *variant, t timing) (failed bool) {
	var yardstick *result // the copy kernel's row
	for _, c := range selected(cases(large), only) {
		r := bench(b, tf, c, t)
		if v != nil && v.changes(r.name) {
			r.name += " @" + v.tag // not the backend's own choice
		}
		if r.yardstick && r.err == nil {
			yardstick = &r
		}
		if r.vsCopy {
			r.note = strings.Trim(vsCopy(r, yardstick)+"; "+r.note, "; ")
		}
		fmt.Println(r)
		failed = failed || r.err != nil
	}
	return failed
}

// printMethod says in the output how the numbers were taken.
func printMethod(t timing) {
	reps := fmt.Sprintf("R found in warm-up so that a sample takes >= %g ms (at most %d)", t.sampleMs, maxReps)
	if t.reps > 0 {
		reps = fmt.Sprintf("R = %d (-reps)", t.reps)
	}
	fmt.Printf("timing: a sample records R runs back to back (submitted every 64 dispatches) and waits for onSubmittedWorkDone once; ms = sample/R; %s; ours and tfjs's samples alternate\n", reps)
	if t.gpuTime {
		// Dawn rounds timestamps down to 65.536 us unless its
		// timestamp_quantization toggle is off: scripts/dawn-preload.mjs
		// turns it off unless DAWN_FLAGS says otherwise, and the H200 run
		// sets DAWN_FLAGS to turn it off there.
		quant := "Dawn rounds them to 65.5 us unless started with disable-dawn-features=timestamp_quantization (scripts/dawn-preload.mjs's default; DAWN_FLAGS=" + strconv.Quote(os.Getenv("DAWN_FLAGS")) + ")"
		fmt.Printf("GPU ms: one more sample of R runs with the profiler on, GPU timestamps per dispatch (each in its own compute pass), summed over a run; '-' without timestamp-query or when they read 0; %s\n", quant)
	}
	fmt.Printf("check: kernels/ref, NMSE; 'full', or '%d rows' sampled (first, last, tile edges, seeded random) for matmuls over 2^%d multiply-adds\n", sampledRows, 28)
	fmt.Println("GB/s: bytes read + written at least, over ms; ours/tfjs = tfjs ms / ours ms (> 1: ours faster)")
}

// selected filters the cases by name: only is one or more substrings
// separated by "|", and a case is kept when its name contains one of them.
// A row set against the copy kernel brings the copy kernel along (first)
// when the filter left it out.
func selected(all []benchCase, only string) []benchCase {
	if only == "" {
		return all
	}
	alts := strings.Split(only, "|")
	var out []benchCase
	var copyKernel *benchCase
	needCopy, haveCopy := false, false
	for i, c := range all {
		if c.yardstick {
			copyKernel = &all[i]
		}
		if slices.ContainsFunc(alts, func(a string) bool { return a != "" && strings.Contains(c.name, a) }) {
			out = append(out, c)
			needCopy = needCopy || c.vsCopy
			haveCopy = haveCopy || c.yardstick
		}
	}
	if needCopy && !haveCopy && copyKernel != nil {
		out = append([]benchCase{*copyKernel}, out...)
	}
	return out
}

// vsCopy sets r's bandwidth against the copy kernel's, by wall time and,
// where both have it, by GPU time.
func vsCopy(r result, copyKernel *result) string {
	if r.err != nil || r.ms <= 0 || copyKernel == nil || copyKernel.ms <= 0 {
		return ""
	}
	ours := r.bytes / r.ms / 1e6
	kernel := copyKernel.bytes / copyKernel.ms / 1e6
	s := fmt.Sprintf("GB/s %.0f%% of the copy kernel's (%.4g of %.4g)", 100*ours/kernel, ours, kernel)
	if r.gpuMs > 0 && copyKernel.gpuMs > 0 {
		ours, kernel = r.bytes/r.gpuMs/1e6, copyKernel.bytes/copyKernel.gpuMs/1e6
		s += fmt.Sprintf(", by GPU time %.0f%% (%.4g of %.4g)", 100*ours/kernel, ours, kernel)
	}
	return s
}

type result struct {
	name         string
	check        string  // "full" or "N rows"
	ms, tfms     float64 // medians of one run; tfms 0 when tfjs did not run
	min, tfmin   float64 // fastest
	gpuMs        float64 // GPU time of one run, 0 when not measured
	reps, tfReps int     // runs per sample
	flops, bytes float64
	dispatches   int // ours, per run
	tfDispatch   int // tfjs's, per run
	note, tfErr  string
	vsCopy       bool
	yardstick    bool
	err          error
}

// The table's columns; ours/tfjs is tfjs's time over ours (above 1: ours is
// faster), of the medians and of the fastest samples.
var (
	header = fmt.Sprintf("| %-42s | %-7s | %10s | %9s | %8s | %9s | %10s | %9s | %9s | %9s | %s | %s |",
		"case", "check", "ours ms", "GFLOP/s", "GB/s", "GPU ms", "tfjs ms", "GFLOP/s", "ours/tfjs", "(fastest)", "dispatches ours / tfjs", "reps ours / tfjs")
	rule = "|" + strings.Join([]string{strings.Repeat("-", 44), strings.Repeat("-", 9), strings.Repeat("-", 12), strings.Repeat("-", 11),
		strings.Repeat("-", 10), strings.Repeat("-", 11), strings.Repeat("-", 12), strings.Repeat("-", 11), strings.Repeat("-", 11),
		strings.Repeat("-", 11), strings.Repeat("-", 12), strings.Repeat("-", 12)}, "|") + "|"
)

func (r result) String() string {
	if r.err != nil {
		return fmt.Sprintf("| %-42s | %-7s | FAIL: %v |", r.name, r.check, r.err)
	}
	rate := func(total, ms float64) string {
		if ms <= 0 || total == 0 {
			return "-"
		}
		return fmt.Sprintf("%.3f", total/ms/1e6)
	}
	gpu := "-"
	if r.gpuMs > 0 {
		gpu = fmt.Sprintf("%.4f", r.gpuMs)
	}
	tfms, ratio, ratioMin := "-", "-", "-"
	if r.tfms > 0 {
		tfms = fmt.Sprintf("%.3f", r.tfms)
		ratio = fmt.Sprintf("%.2f", r.tfms/r.ms)
		ratioMin = fmt.Sprintf("%.2f", r.tfmin/r.min)
	}
	if r.tfErr != "" {
		tfms = "error"
		r.note += "; tfjs: " + r.tfErr
	}
	disp, reps := strconv.Itoa(r.dispatches), strconv.Itoa(r.reps)
	if r.tfDispatch > 0 {
		disp += fmt.Sprintf(" / %d", r.tfDispatch)
	}
	if r.tfReps > 0 {
		reps += fmt.Sprintf(" / %d", r.tfReps)
	}
	s := fmt.Sprintf("| %-42s | %-7s | %10.4f | %9s | %8s | %9s | %10s | %9s | %9s | %9s | %10s | %10s |",
		r.name, r.check, r.ms, rate(r.flops, r.ms), rate(r.bytes, r.ms), gpu, tfms, rate(r.flops, r.tfms), ratio, ratioMin, disp, reps)
	if note := strings.Trim(r.note, "; "); note != "" {
		s += " " + note
	}
	return s
}
