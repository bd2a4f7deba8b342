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

// Meter reads a backend's running totals (webgpu.Backend has both); a nil
// field, or the zero Meter on the CPU, reads as 0.
type Meter struct {
	Dispatches func() int           // compute dispatches recorded
	Waited     func() time.Duration // time spent waiting for the device
}

func (m Meter) dispatches() int {
	if m.Dispatches == nil {
		return 0
	}
	return m.Dispatches()
}

func (m Meter) waited() float64 {
	if m.Waited == nil {
		return 0
	}
	return ms(m.Waited())
}

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
	Dispatches int       // per step (0 without a Meter)
	// WaitMs is the mean time a step spent waiting for the device; the
	// rest of its time was the host's (0 without a Meter).
	WaitMs float64
}

// UNetSteps runs one warm-up step and then `steps` timed guided steps
// (class 0, guidance 3, timesteps spread over the schedule), each from the
// host-side input to the downloaded eps, as a sampler sees them.
func UNetSteps(u *diffusion.UNet, steps int, meter Meter) (UNetResult, error) {
	rs, err := CompareUNetSteps([]*diffusion.UNet{u}, steps, meter)
	return rs[0], err
}

// CompareUNetSteps is UNetSteps for several UNets (the same model on a
// backend with and without fused ops, say), their steps alternating so that
// each sees the same machine load: on a shared machine, the way to compare.
func CompareUNetSteps(us []*diffusion.UNet, steps int, meter Meter) ([]UNetResult, error) {
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
			d0, w0 := meter.dispatches(), meter.waited()
			t0 := time.Now()
			if _, _, _, err := u.GuidedEps(x, t, class, guidance); err != nil {
				return rs, fmt.Errorf("step %d: %w", i, err)
			}
			rs[k].Steps = append(rs[k].Steps, ms(time.Since(t0)))
			rs[k].Dispatches = meter.dispatches() - d0
			rs[k].WaitMs += (meter.waited() - w0) / float64(steps)
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
	// token (0 without a Meter).
	PrefillDispatches, TokenDispatches int
	// The mean time a prefill and a decoded token spent waiting for the
	// device; the rest was the host's (0 without a Meter).
	PrefillWaitMs, TokenWaitMs float64
}

// Prompt is the text every run encodes (repeated to the prompt length).
const Prompt = "A fortune for the patient: the longest road starts with one small step, and the step is yours. "

// TextSpeed times, `runs` times after a warm-up, a prefill of
// promptTokens tokens (one Forward of the whole prompt into a fresh KV
// cache; Forward returns every position's logits, where generation computes
// only the last one) and then decodeTokens greedy single-token Forwards.
func TextSpeed(m *text.Model, promptTokens, decodeTokens, runs int, meter Meter) (TextResult, error) {
	rs, err := CompareTextSpeed([]*text.Model{m}, promptTokens, decodeTokens, runs, meter)
	return rs[0], err
}

// CompareTextSpeed is TextSpeed for several models of one tokenizer (the
// same model on a backend with and without fused ops, say), their runs
// alternating so that each sees the same machine load.
func CompareTextSpeed(models []*text.Model, promptTokens, decodeTokens, runs int, meter Meter) ([]TextResult, error) {
	rs := make([]TextResult, max(len(models), 1))
	if len(models) == 0 {
		return rs, fmt.Errorf("no model to time")
	}
	m0 := models[0]
	ctx := m0.Config.ContextLength
	if promptTokens < 1 || decodeTokens < 1 || promptTokens+decodeTokens+1 > ctx {
		return rs, fmt.Errorf("prompt %d + decode %d tokens do not fit the context of %d", promptTokens, decodeTokens, ctx)
	}
	var ids []int32
	for len(ids) < promptTokens {
		ids = append(ids, m0.Tokenizer.Encode(Prompt, len(ids) == 0)...)
	}
	ids = ids[:promptTokens]
	pre, dec := make([][]float64, len(models)), make([][]float64, len(models))
	runs = max(runs, 1)
	for run := -1; run < runs; run++ { // run -1 is the warm-up
		for k, m := range models {
			r := &rs[k]
			r.PromptTokens, r.DecodeTokens = promptTokens, decodeTokens
			p, d, pw, dw, err := textRun(m, ids, decodeTokens, meter, r)
			if err != nil {
				return rs, err
			}
			if run >= 0 {
				pre[k], dec[k] = append(pre[k], p), append(dec[k], d)
				r.PrefillWaitMs += pw / float64(runs)
				r.TokenWaitMs += dw / float64(decodeTokens*runs)
			}
		}
	}
	for k := range rs {
		r := &rs[k]
		r.PrefillMs, r.DecodeMs = median(pre[k]), median(dec[k])
		r.PrefillTokS = float64(promptTokens) / (r.PrefillMs / 1e3)
		r.DecodeTokS = float64(decodeTokens) / (r.DecodeMs / 1e3)
	}
	return rs, nil
}

// textRun is one prefill of ids and decodeTokens greedy decode steps: their
// ms and ms waiting for the device; it sets r's dispatch counts.
func textRun(m *text.Model, ids []int32, decodeTokens int, meter Meter, r *TextResult) (pre, dec, preWait, decWait float64, err error) {
	cache := m.NewCache()
	defer cache.Reset()
	d0, w0 := meter.dispatches(), meter.waited()
	t0 := time.Now()
	logits, err := m.Forward(ids, cache)
	if err != nil {
		return 0, 0, 0, 0, fmt.Errorf("prefill: %w", err)
	}
	pre = ms(time.Since(t0))
	r.PrefillDispatches = meter.dispatches() - d0
	preWait = meter.waited() - w0
	vocab := len(logits) / len(ids)
	next := argmax(logits[len(logits)-vocab:])
	d0, w0 = meter.dispatches(), meter.waited()
	t0 = time.Now()
	for i := 0; i < decodeTokens; i++ {
		logits, err = m.Forward([]int32{next}, cache)
		if err != nil {
			return 0, 0, 0, 0, fmt.Errorf("decode token %d: %w", i, err)
		}
		next = argmax(logits)
	}
	dec = ms(time.Since(t0))
	r.TokenDispatches = (meter.dispatches() - d0) / decodeTokens
	return pre, dec, preWait, meter.waited() - w0, nil
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
