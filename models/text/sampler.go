package text

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// SamplerConfig chooses how the next token is picked from the logits.
// The zero value is not valid; start from DefaultSampler.
type SamplerConfig struct {
	Greedy            bool    // always take the most likely token (temperature 0 does the same)
	Temperature       float32 // [0, 10]: logits are divided by it; 0 means greedy
	TopK              int     // keep the K most likely tokens; 0 keeps all
	TopP              float32 // (0, 1]: keep the smallest set whose probability reaches P; 1 keeps all
	RepetitionPenalty float32 // [1, 10]: divides positive (multiplies negative) logits of recent tokens; 1 is off
	RepeatWindow      int     // how many recent tokens the penalty looks at
	Seed              uint64  // the same seed, model and prompt give the same text
}

// DefaultSampler is a common setting for small models.
var DefaultSampler = SamplerConfig{Temperature: 0.8, TopK: 40, TopP: 0.95, RepetitionPenalty: 1.1, RepeatWindow: 64, Seed: 1}

// Validate refuses settings outside their valid ranges, saying which.
func (c SamplerConfig) Validate() error {
	switch {
	case !(c.Temperature >= 0 && c.Temperature <= 10):
		return fmt.Errorf("temperature %g is out of range [0, 10]", c.Temperature)
	case c.TopK < 0:
		return fmt.Errorf("top-k %d is out of range [0, vocabulary size] (0 = off)", c.TopK)
	case !(c.TopP > 0 && c.TopP <= 1):
		return fmt.Errorf("top-p %g is out of range (0, 1] (1 = off)", c.TopP)
	case !(c.RepetitionPenalty >= 1 && c.RepetitionPenalty <= 10):
		return fmt.Errorf("repetition penalty %g is out of range [1, 10] (1 = off)", c.RepetitionPenalty)
	case c.RepeatWindow < 0:
		return fmt.Errorf("repeat window %d must not be negative", c.RepeatWindow)
	}
	return nil
}

// Sampler picks tokens; it owns a seeded random stream.
type Sampler struct {
	cfg SamplerConfig
	rng *rand.Rand
	idx []int // scratch: token order by logit
	p   []float64
}

// NewSampler validates cfg and seeds the sampler.
func NewSampler(cfg SamplerConfig) (*Sampler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Sampler{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))}, nil
}

// Sample returns the next token for logits (one position, vocab values),
// given the tokens so far for the repetition penalty. logits is modified.
func (s *Sampler) Sample(logits []float32, history []int32) int32 {
	c := s.cfg
	if c.RepetitionPenalty != 1 {
		recent := history
		if len(recent) > c.RepeatWindow {
			recent = recent[len(recent)-c.RepeatWindow:]
		}
		seen := map[int32]bool{}
		for _, id := range recent {
			if id < 0 || int(id) >= len(logits) || seen[id] {
				continue
			}
			seen[id] = true // penalize once per token, however often it occurs (CTRL's rule)
			if logits[id] > 0 {
				logits[id] /= c.RepetitionPenalty
			} else {
				logits[id] *= c.RepetitionPenalty
			}
		}
	}
	if c.Greedy || c.Temperature == 0 {
		return argmaxLogit(logits)
	}

	// Rank candidates by logit (ties by id, so the order is deterministic),
	// cut to top-k, softmax at the temperature, cut to top-p, draw.
	s.idx = rank(s.idx, logits, c.TopK)
	n := len(s.idx)
	s.p = s.p[:0]
	top := float64(logits[s.idx[0]])
	var sum float64
	for _, id := range s.idx[:n] {
		e := math.Exp((float64(logits[id]) - top) / float64(c.Temperature))
		s.p = append(s.p, e)
		sum += e
	}
	if c.TopP < 1 {
		cum := 0.0
		for i, e := range s.p {
			cum += e / sum
			if cum >= float64(c.TopP) {
				n = i + 1
				break
			}
		}
		sum = 0
		for _, e := range s.p[:n] {
			sum += e
		}
	}
	r := s.rng.Float64() * sum
	for i, e := range s.p[:n] {
		r -= e
		if r < 0 {
			return int32(s.idx[i])
		}
	}
	return int32(s.idx[n-1])
}

// rank puts into idx (reusing its storage) the ids of the k highest logits,
// best first, ties by id; all of them when k is 0 or covers the vocabulary.
// For top-k it keeps a heap of the k best seen, O(V log k): sorting the
// whole vocabulary every token took 10.6 ms at GPT-2's 50257 (native,
// BenchmarkSample), longer than a small model's forward pass.
func rank(idx []int, logits []float32, k int) []int {
	better := func(a, b int) bool {
		return logits[a] > logits[b] || (logits[a] == logits[b] && a < b)
	}
	order := func(a, b int) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	}
	idx = idx[:0]
	if k <= 0 || k >= len(logits) {
		for i := range logits {
			idx = append(idx, i)
		}
		slices.SortFunc(idx, order)
		return idx
	}
	// A min-heap on "better": idx[0] is the worst of the k kept.
	for i := range logits {
		if len(idx) < k {
			idx = append(idx, i)
			for j := len(idx) - 1; j > 0 && better(idx[(j-1)/2], idx[j]); j = (j - 1) / 2 {
				idx[j], idx[(j-1)/2] = idx[(j-1)/2], idx[j]
			}
			continue
		}
		if !better(i, idx[0]) {
			continue
		}
		idx[0] = i
		for j := 0; ; {
			w := 2*j + 1 // the worse child
			if w >= k {
				break
			}
			if w+1 < k && better(idx[w], idx[w+1]) {
				w++
			}
			if !better(idx[j], idx[w]) {
				break
			}
			idx[j], idx[w] = idx[w], idx[j]
			j = w
		}
	}
	slices.SortFunc(idx, order)
	return idx
}

func argmaxLogit(x []float32) int32 {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return int32(best)
}
