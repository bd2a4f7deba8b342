package main

import (
	"fmt"
	"slices"

	"github.com/genplay/genplay/bench/e2e"
	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/models/diffusion"
	"github.com/genplay/genplay/models/text"
	"github.com/genplay/genplay/weights"
)

// benchModel times a model end to end on the CPU backend (bench/e2e): ms
// per guided UNet step for a diffusion model, prefill and decode tokens/s
// for a text model.
func benchModel(model string, threads, samples, promptTokens, decodeTokens int, unfused, compare bool) error {
	path, arch, err := resolveModel(model)
	if err != nil {
		return err
	}
	f, err := weights.OpenFile(path)
	if err != nil {
		return fmt.Errorf("loading %s: %w", path, err)
	}
	b := kernels.NewCPU(threads)
	if unfused {
		b = e2e.Unfused(b)
	}
	switch {
	case arch == diffusion.Arch:
		u, err := diffusion.Load(b, f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		defer u.Close()
		fmt.Printf("backend: %s%s\nmodel: %s (%s)\n", b.Name(), unfusedNote(unfused), model, path)
		if !compare {
			r, err := e2e.UNetSteps(u, samples, e2e.Meter{})
			if err != nil {
				return err
			}
			printUNet("", r)
			return nil
		}
		// The same weights on the backend without its fused ops.
		before, err := diffusion.Load(e2e.Unfused(b), f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		defer before.Close()
		rs, err := e2e.CompareUNetSteps([]*diffusion.UNet{before, u}, samples, e2e.Meter{})
		if err != nil {
			return err
		}
		printUNet("unfused ", rs[0])
		printUNet("fused   ", rs[1])
		fmt.Printf("fused/unfused time: %.2f (median), %.2f (fastest); steps alternated\n",
			rs[1].Median/rs[0].Median, rs[1].Fastest/rs[0].Fastest)
		return nil
	case slices.Contains(text.Architectures, arch):
		m, err := text.Load(b, f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		defer m.Close()
		fmt.Printf("backend: %s%s\nmodel: %s (%s)\n", b.Name(), unfusedNote(unfused), model, path)
		if !compare {
			r, err := e2e.TextSpeed(m, promptTokens, decodeTokens, samples, e2e.Meter{})
			if err != nil {
				return err
			}
			printText("", r, samples)
			return nil
		}
		before, err := text.Load(e2e.Unfused(b), f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		defer before.Close()
		rs, err := e2e.CompareTextSpeed([]*text.Model{before, m}, promptTokens, decodeTokens, samples, e2e.Meter{})
		if err != nil {
			return err
		}
		printText("unfused ", rs[0], samples)
		printText("fused   ", rs[1], samples)
		fmt.Printf("fused/unfused time: prefill %.2f, decode %.2f (medians); runs alternated\n",
			rs[1].PrefillMs/rs[0].PrefillMs, rs[1].DecodeMs/rs[0].DecodeMs)
		return nil
	}
	return fmt.Errorf("%s: architecture %q has no end-to-end benchmark", path, arch)
}

func printUNet(label string, r e2e.UNetResult) {
	fmt.Printf("%sUNet step (batch %d): median %.1f ms, fastest %.1f ms over %d steps after a warm-up\n",
		label, r.Batch, r.Median, r.Fastest, len(r.Steps))
}

func printText(label string, r e2e.TextResult, runs int) {
	fmt.Printf("%sprefill %d tokens: median %.1f ms = %.1f tokens/s\n", label, r.PromptTokens, r.PrefillMs, r.PrefillTokS)
	fmt.Printf("%sdecode %d tokens: median %.1f ms = %.1f tokens/s (%.2f ms/token; median of %d runs after a warm-up)\n",
		label, r.DecodeTokens, r.DecodeMs, r.DecodeTokS, r.DecodeMs/float64(r.DecodeTokens), runs)
}

func unfusedNote(unfused bool) string {
	if unfused {
		return ", fused ops off"
	}
	return ""
}
