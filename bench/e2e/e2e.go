// Package e2e times the default models end to end on any kernels.Backend:
// milliseconds per UNet step (the guided batch of 2 the playground runs)
// and prefill/decode tokens per second. `genplay bench --model` runs it on
// the CPU and cmd/e2ebench on WebGPU, so both print the same numbers.
package e2e

import (
	"fmt"
	"slices"
	"time"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/models/diffusion"
	"github.com/genplay/genplay/models/text"
)

// Counter reports a running total of GPU dispatches (webgpu.Backend's
// Dispatches); nil on backends that have none.
type Counter func() int

// Unfused hides a backend's optional fused ops (kernels.GroupNormSiLUer),
// so models fall back to the separate ops: the "before" of a fusion,
// measured in the same process and under the same load as the "after".
func Unfused(b kernels.Backend) kernels.Backend { return struct{ kernels.Backend }{b} }

// UNetResult is the time of one denoising step.
type UNetResult struct {
	Batch      int       // 2: conditional and unconditional halves (guidance 3)
	Steps      []float64 // ms of each timed step, in order
	Median     float64   // ms
	Fastest    float64   // ms
	Dispatches int       // per step (0 without a Counter)
}

// UNetSteps runs one warm-up step and then `steps` timed guided steps
// (class 0, guidance 3, timesteps spread over the schedule), each from the
// host-side input to the downloaded eps, as a sampler sees them.
func UNetSteps(u *diffusion.UNet, steps int, count Counter) (UNetResult, error) {
	rs, err := CompareUNetSteps([]*diffusion.UNet{u}, steps, count)
	return rs[0], err
}

// CompareUNetSteps is UNetSteps for several UNets (the same model on a
// backend with and without fused ops, say), their steps alternating so that
// each sees the same machine load: on a shared machine, the way to compare.
func CompareUNetSteps(us []*diffusion.UNet, steps int, count Counter) ([]UNetResult, error) {
	if steps < 1 || len(us) == 0 {
		return make([]UNetResult, max(len(us), 1)), fmt.Errorf("need a UNet and at least one step, got %d and %d", len(us), steps)
	}
	rs := make([]UNetResult, len(us))
	c := us[0].Config
	x := diffusion.NewRand(1).Normals(c.InChannels * c.SampleSize * c.SampleSize)
	class := 0
	if c.NumClasses == 0 {
		class = c.NullClass()
	}
	const guidance = 3
	for k, u := range us {
		rs[k].Batch = 2
		if class == c.NullClass() {
			rs[k].Batch = 1
		}
		if _, _, _, err := u.GuidedEps(x, c.TrainTimesteps-1, class, guidance); err != nil {
			return rs, fmt.Errorf("warm-up step: %w", err)
		}
	}
	for i := 0; i < steps; i++ {
		t := (c.TrainTimesteps - 1) * (steps - i) / (steps + 1)
		for k, u := range us {
			d0 := dispatches(count)
			t0 := time.Now()
			if _, _, _, err := u.GuidedEps(x, t, class, guidance); err != nil {
				return rs, fmt.Errorf("step %d: %w", i, err)
			}
			rs[k].Steps = append(rs[k].Steps, ms(time.Since(t0)))
			rs[k].Dispatches = dispatches(count) - d0
		}
	}
	for k := range rs {
		rs[k].Median, rs[k].Fastest = median(rs[k].Steps), slices.Min(rs[k].Steps)
	}
	return rs, nil
}

// TextResult is the speed of prefill and decode.
type TextResult struct {
	PromptTokens, DecodeTokens int
	PrefillMs, DecodeMs        float64 // medians over the runs
	// PrefillTokS and DecodeTokS are tokens per second at the medians.
	PrefillTokS, DecodeTokS float64
	// Dispatches per prefill (all prompt tokens at once) and per decoded
	// token (0 without a Counter).
	PrefillDispatches, TokenDispatches int
}

// Prompt is the text every run encodes (repeated to the prompt length).
const Prompt = "A fortune for the patient: the longest road starts with one small step, and the step is yours. "

// TextSpeed times, `runs` times after a warm-up, a prefill of
// promptTokens tokens (one Forward of the whole prompt into a fresh KV
// cache; Forward returns every position's logits, where generation computes
// only the last one) and then decodeTokens greedy single-token Forwards.
func TextSpeed(m *text.Model, promptTokens, decodeTokens, runs int, count Counter) (TextResult, error) {
	ctx := m.Config.ContextLength
	if promptTokens < 1 || decodeTokens < 1 || promptTokens+decodeTokens+1 > ctx {
		return TextResult{}, fmt.Errorf("prompt %d + decode %d tokens do not fit the context of %d", promptTokens, decodeTokens, ctx)
	}
	var ids []int32
	for len(ids) < promptTokens {
		ids = append(ids, m.Tokenizer.Encode(Prompt, len(ids) == 0)...)
	}
	ids = ids[:promptTokens]
	r := TextResult{PromptTokens: promptTokens, DecodeTokens: decodeTokens}
	var pre, dec []float64
	for run := -1; run < max(runs, 1); run++ { // run -1 is the warm-up
		cache := m.NewCache()
		d0 := dispatches(count)
		t0 := time.Now()
		logits, err := m.Forward(ids, cache)
		if err != nil {
			return r, fmt.Errorf("prefill: %w", err)
		}
		p := ms(time.Since(t0))
		r.PrefillDispatches = dispatches(count) - d0
		vocab := len(logits) / promptTokens
		next := argmax(logits[len(logits)-vocab:])
		d0 = dispatches(count)
		t0 = time.Now()
		for i := 0; i < decodeTokens; i++ {
			logits, err = m.Forward([]int32{next}, cache)
			if err != nil {
				return r, fmt.Errorf("decode token %d: %w", i, err)
			}
			next = argmax(logits)
		}
		d := ms(time.Since(t0))
		r.TokenDispatches = (dispatches(count) - d0) / decodeTokens
		if run >= 0 {
			pre, dec = append(pre, p), append(dec, d)
		}
	}
	r.PrefillMs, r.DecodeMs = median(pre), median(dec)
	r.PrefillTokS = float64(promptTokens) / (r.PrefillMs / 1e3)
	r.DecodeTokS = float64(decodeTokens) / (r.DecodeMs / 1e3)
	return r, nil
}

func dispatches(c Counter) int {
	if c == nil {
		return 0
	}
	return c()
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func argmax(x []float32) int32 {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return int32(best)
}
