package text

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// BenchmarkSample times one draw with the default settings (top-k 40,
// top-p 0.95) over a vocabulary of fortunes' size and of GPT-2's: a
// per-token cost on the host, paid whatever the backend.
func BenchmarkSample(b *testing.B) {
	for _, v := range []int{2048, 50257} {
		b.Run(strconv.Itoa(v), func(b *testing.B) {
			logits := randomLogits(v)
			work := make([]float32, v)
			history := []int32{1, 2, 3, 4, 5, 6, 7, 8}
			s, err := NewSampler(DefaultSampler)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				copy(work, logits)
				s.Sample(work, history)
			}
		})
	}
}

// BenchmarkTopCandidates times the text page's per-token candidate list
// (the 10 most likely tokens with their probabilities, a softmax over the
// whole vocabulary).
func BenchmarkTopCandidates(b *testing.B) {
	for _, v := range []int{2048, 50257} {
		b.Run(strconv.Itoa(v), func(b *testing.B) {
			logits := randomLogits(v)
			for b.Loop() {
				TopCandidates(logits, 10)
			}
		})
	}
}

// randomLogits returns v logits spread like a small model's (normal, sd 3).
func randomLogits(v int) []float32 {
	rng := rand.New(rand.NewPCG(1, 2))
	logits := make([]float32, v)
	for i := range logits {
		logits[i] = float32(rng.NormFloat64() * 3)
	}
	return logits
}
