//go:build js

// Command e2ebench times the default models end to end on the WebGPU
// backend (bench/e2e, the same runs as `genplay bench --model` on the CPU)
// and counts dispatches per UNet step and per token. It is a GOOS=js program
// run in Node with Dawn, from the repository root (it reads weights/):
//
//	GOOS=js GOARCH=wasm go build -o bin/e2ebench.wasm ./cmd/e2ebench
//	scripts/dawn-exec bin/e2ebench.wasm -model fashion -samples 3
//	scripts/dawn-exec bin/e2ebench.wasm -model fortunes
//	scripts/dawn-exec bin/e2ebench.wasm -model fashion -compare   # fused ops' effect
//
// First it compiles the kernels a page compiles while it loads (webgpu
// Precompile) and prints how long that took.
//
// -profile adds a per-kernel table of one more step (or prefill and
// decode run) with every dispatch timed on its own (webgpu Profile), run
// after the timed runs so that it does not slow them. Its header says how:
// GPU timestamps where the device has 'timestamp-query', else the wall
// clock around each dispatch submitted alone (queue round trip included).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/genplay/genplay/bench/e2e"
	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/webgpu"
	"github.com/genplay/genplay/models/diffusion"
	"github.com/genplay/genplay/models/text"
	"github.com/genplay/genplay/weights"
)

func main() {
	model := flag.String("model", "fashion", "a manifest id or alias: fashion, fortunes, ...")
	dir := flag.String("weights", "weights", "folder holding the manifest's model files")
	samples := flag.Int("samples", 3, "timed UNet steps, or prefill+decode runs (the median is reported)")
	prompt := flag.Int("prompt-tokens", 64, "text models: prompt tokens per prefill")
	decode := flag.Int("decode-tokens", 32, "text models: tokens decoded after each prefill")
	unfused := flag.Bool("unfused", false, "run without the fused ops (GroupNormSiLU, AddChannels)")
	compare := flag.Bool("compare", false, "alternate UNet steps, or prefill+decode runs, without and with the fused ops")
	profile := flag.Bool("profile", false, "also print a per-kernel table of one more run, every dispatch timed")
	gpuKernels := flag.Bool("gpu-kernels", false, "on a software adapter, run the kernels a hardware GPU gets (to count their dispatches)")
	flag.Parse()
	var opts []webgpu.Option
	if *gpuKernels {
		opts = append(opts, webgpu.WithGPUKernels())
	}
	if err := run(*model, *dir, *samples, *prompt, *decode, *unfused, *compare, *profile, opts); err != nil {
		fmt.Fprintln(os.Stderr, "e2ebench:", err)
		os.Exit(1)
	}
}

func run(model, dir string, samples, promptTokens, decodeTokens int, unfused, compare, profile bool, opts []webgpu.Option) error {
	e, err := weights.LookupModel(model)
	if err != nil {
		return err
	}
	f, err := weights.OpenFile(filepath.Join(dir, e.File))
	if err != nil {
		return err
	}
	b, err := webgpu.New(opts...)
	if err != nil {
		return err
	}
	defer b.Close()
	meter := e2e.Meter{Dispatches: b.Dispatches, Waited: b.Waited}
	var mb kernels.Backend = b // what the model runs on
	note := ""
	if unfused {
		mb, note = e2e.Unfused(b), ", fused ops off"
	}
	if len(opts) > 0 {
		note += ", a hardware GPU's kernels"
	}
	fmt.Printf("backend: %s%s\nmodel: %s\n", b.Name(), note, e.ID)
	switch {
	case e.Arch == diffusion.Arch:
		u, err := diffusion.Load(mb, f)
		if err != nil {
			return err
		}
		if err := precompile(b, u.Rehearse); err != nil {
			return err
		}
		if compare {
			before, err := diffusion.Load(e2e.Unfused(b), f)
			if err != nil {
				return err
			}
			rs, err := e2e.CompareUNetSteps([]*diffusion.UNet{before, u}, samples, meter)
			if err != nil {
				return err
			}
			printUNet("unfused ", rs[0])
			printUNet("fused   ", rs[1])
			fmt.Printf("fused/unfused time: %.2f (median), %.2f (fastest); steps alternated\n",
				rs[1].Median/rs[0].Median, rs[1].Fastest/rs[0].Fastest)
			before.Close()
		} else {
			r, err := e2e.UNetSteps(u, samples, meter)
			if err != nil {
				return err
			}
			printUNet("", r)
		}
		if profile {
			b.ProfileReset()
			b.Profile(true)
			_, err := e2e.UNetSteps(u, 1, e2e.Meter{}) // a warm-up step and a step: divide by 2
			b.Profile(false)
			if err != nil {
				return err
			}
			printProfile(b, "two UNet steps")
		}
	case slices.Contains(text.Architectures, e.Arch):
		m, err := text.Load(mb, f)
		if err != nil {
			return err
		}
		if err := precompile(b, m.Rehearse); err != nil {
			return err
		}
		if compare {
			before, err := text.Load(e2e.Unfused(b), f)
			if err != nil {
				return err
			}
			rs, err := e2e.CompareTextSpeed([]*text.Model{before, m}, promptTokens, decodeTokens, samples, meter)
			before.Close()
			if err != nil {
				return err
			}
			printText("unfused ", rs[0])
			printText("fused   ", rs[1])
			fmt.Printf("fused/unfused time: prefill %.2f, decode %.2f (medians); runs alternated\n",
				rs[1].PrefillMs/rs[0].PrefillMs, rs[1].DecodeMs/rs[0].DecodeMs)
		} else {
			r, err := e2e.TextSpeed(m, promptTokens, decodeTokens, samples, meter)
			if err != nil {
				return err
			}
			printText("", r)
		}
		if profile {
			b.ProfileReset()
			b.Profile(true)
			_, err := e2e.TextSpeed(m, promptTokens, decodeTokens, 1, e2e.Meter{})
			b.Profile(false)
			if err != nil {
				return err
			}
			printProfile(b, fmt.Sprintf("two prefills of %d tokens and %d decoded tokens", promptTokens, 2*decodeTokens))
		}
	default:
		return fmt.Errorf("model %s: architecture %q has no end-to-end benchmark", e.ID, e.Arch)
	}
	return b.Err()
}

// precompile compiles the kernels of a model's Rehearse as the pages do
// while they load (webgpu Precompile), and prints how long that took: the
// wait a first run no longer has.
func precompile(b *webgpu.Backend, rehearse func() error) error {
	n, start := b.Pipelines(), time.Now()
	if err := b.Precompile(rehearse, nil); err != nil {
		return err
	}
	fmt.Printf("precompile: %d kernels in %.0f ms (what a page compiles while it loads)\n",
		b.Pipelines()-n, float64(time.Since(start).Microseconds())/1000)
	return nil
}

func printText(label string, r e2e.TextResult) {
	fmt.Printf("%sprefill %d tokens: median %.1f ms = %.1f tokens/s; %d dispatches; %.2f ms waiting for the device (mean)\n",
		label, r.PromptTokens, r.PrefillMs, r.PrefillTokS, r.PrefillDispatches, r.PrefillWaitMs)
	fmt.Printf("%sdecode %d tokens: median %.1f ms = %.1f tokens/s (%.2f ms/token); %d dispatches per token; %.2f ms/token waiting for the device (mean)\n",
		label, r.DecodeTokens, r.DecodeMs, r.DecodeTokS, r.DecodeMs/float64(r.DecodeTokens), r.TokenDispatches, r.TokenWaitMs)
}

func printUNet(label string, r e2e.UNetResult) {
	fmt.Printf("%sUNet step (batch %d): median %.1f ms, fastest %.1f ms over %d steps after a warm-up; %d dispatches per step; %.2f ms waiting for the device (mean)\n",
		label, r.Batch, r.Median, r.Fastest, len(r.Steps), r.Dispatches, r.WaitMs)
}

func printProfile(b *webgpu.Backend, what string) {
	r := b.ProfileReport()
	timing := b.ProfileTiming()
	fmt.Printf("\nper kernel, %s (%d dispatches; timing: %s):\n", what, webgpu.TotalDispatches(r), timing)
	ms := "ms (queue)"
	if timing == webgpu.TimingTimestamps {
		ms = "GPU ms"
	}
	fmt.Printf("%-16s %10s %10s %10s %10s %10s\n", "kernel", "dispatches", "timed", ms, "GFLOP/s", "GB/s")
	for _, s := range r {
		fmt.Printf("%-16s %10d %10d %10.1f %10s %10s\n", s.Kernel, s.Dispatches, s.Timed, s.Ms, rate(s.GFLOPs()), rate(s.GBs()))
	}
}

func rate(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}
