package text

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestSamplerValidate(t *testing.T) {
	bad := []struct {
		edit func(*SamplerConfig)
		want string
	}{
		{func(c *SamplerConfig) { c.Temperature = -1 }, "temperature -1 is out of range [0, 10]"},
		{func(c *SamplerConfig) { c.Temperature = float32(math.NaN()) }, "temperature NaN"},
		{func(c *SamplerConfig) { c.TopK = -3 }, "top-k -3 is out of range"},
		{func(c *SamplerConfig) { c.TopP = 0 }, "top-p 0 is out of range (0, 1]"},
		{func(c *SamplerConfig) { c.TopP = 1.5 }, "top-p 1.5 is out of range (0, 1]"},
		{func(c *SamplerConfig) { c.RepetitionPenalty = 0.5 }, "repetition penalty 0.5 is out of range [1, 10]"},
	}
	for _, tc := range bad {
		c := DefaultSampler
		tc.edit(&c)
		_, err := NewSampler(c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error containing %q", err, tc.want)
		}
	}
	if _, err := NewSampler(DefaultSampler); err != nil {
		t.Errorf("DefaultSampler: %v", err)
	}
}

func TestSamplerGreedyAndCuts(t *testing.T) {
	logits := func() []float32 { return []float32{0.5, 3, 2.9, -1, 1} }
	for _, c := range []SamplerConfig{
		{Greedy: true, Temperature: 1, TopP: 1, RepetitionPenalty: 1},
		{Temperature: 0, TopP: 1, RepetitionPenalty: 1},
		{Temperature: 1, TopK: 1, TopP: 1, RepetitionPenalty: 1},
		{Temperature: 1, TopP: 0.01, RepetitionPenalty: 1},
	} {
		s, err := NewSampler(c)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 20; i++ {
			if got := s.Sample(logits(), nil); got != 1 {
				t.Fatalf("%+v: sampled %d, want the top token 1", c, got)
			}
		}
	}
	// The penalty on token 1 (3/1.2 = 2.5) lets token 2 win.
	s, _ := NewSampler(SamplerConfig{Greedy: true, TopP: 1, RepetitionPenalty: 1.2, RepeatWindow: 8})
	if got := s.Sample(logits(), []int32{1, 1, 4}); got != 2 {
		t.Errorf("with token 1 penalized: sampled %d, want 2", got)
	}
}

func TestSamplerDistributionAndSeed(t *testing.T) {
	cfg := SamplerConfig{Temperature: 1, TopP: 1, RepetitionPenalty: 1, Seed: 7}
	draw := func(cfg SamplerConfig, n int) []int32 {
		s, _ := NewSampler(cfg)
		out := make([]int32, n)
		for i := range out {
			// p = [1/4, 3/4]
			out[i] = s.Sample([]float32{0, float32(math.Log(3))}, nil)
		}
		return out
	}
	a := draw(cfg, 4000)
	ones := 0
	for _, x := range a {
		ones += int(x)
	}
	if f := float64(ones) / 4000; math.Abs(f-0.75) > 0.03 {
		t.Errorf("token 1 drawn %.3f of the time, want 0.75", f)
	}
	b := draw(cfg, 4000)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different draw at %d", i)
		}
	}
	cfg.Seed = 8
	c := draw(cfg, 4000)
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same == len(a) {
		t.Error("seeds 7 and 8 gave the same 4000 draws")
	}
	// Temperature sharpens: at 0.25, p(1) = 3^4/(1+3^4) ≈ 0.988.
	cfg.Temperature = 0.25
	ones = 0
	for _, x := range draw(cfg, 2000) {
		ones += int(x)
	}
	if f := float64(ones) / 2000; f < 0.97 {
		t.Errorf("at temperature 0.25 token 1 drawn %.3f of the time, want about 0.988", f)
	}
}

// TestRankMatchesSort checks rank's heap against the definition, the
// whole vocabulary sorted by logit with ties by id, cut to k: on random
// logits with many ties, for k from 0 past the vocabulary.
func TestRankMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var idx []int
	for trial := 0; trial < 300; trial++ {
		v := 1 + rng.IntN(300)
		logits := make([]float32, v)
		for i := range logits {
			logits[i] = float32(rng.IntN(12)) - 6 // few distinct values: ties
			if trial%3 == 0 {
				logits[i] = float32(rng.NormFloat64())
			}
		}
		want := make([]int, v)
		for i := range want {
			want[i] = i
		}
		sort.SliceStable(want, func(a, b int) bool { return logits[want[a]] > logits[want[b]] })
		for _, k := range []int{0, 1, 2, 5, 40, v - 1, v, v + 3, rng.IntN(v + 1)} {
			idx = rank(idx, logits, k)
			w := want
			if k > 0 && k < v {
				w = want[:k]
			}
			if !slices.Equal(idx, w) {
				t.Fatalf("vocabulary %d, k %d: rank gave %v, want %v", v, k, idx, w)
			}
		}
	}
}
