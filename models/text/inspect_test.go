package text

import (
	"math"
	"slices"
	"testing"

	"github.com/genplay/genplay/kernels"
)

func TestTopCandidates(t *testing.T) {
	logits := []float32{1, 3, 3, -2, 0.5, 2}
	got := TopCandidates(logits, 3)
	ids := []int32{got[0].ID, got[1].ID, got[2].ID}
	if !slices.Equal(ids, []int32{1, 2, 5}) {
		t.Fatalf("top 3 ids %v, want [1 2 5]", ids)
	}
	var sum float64
	for _, v := range logits {
		sum += math.Exp(float64(v))
	}
	if want := math.Exp(3) / sum; math.Abs(float64(got[0].Prob)-want) > 1e-6 {
		t.Errorf("p(1) = %g, want %g", got[0].Prob, want)
	}
	if all := TopCandidates(logits, 99); len(all) != len(logits) {
		t.Errorf("n > vocab gave %d candidates", len(all))
	}
}

func TestInspectAndProbe(t *testing.T) {
	m := loadTestModel(t, kernels.NewCPU(0), "llama")
	defer m.Close()
	var steps []StepInfo
	probe := &AttentionProbe{Layer: m.Config.Layers - 1, Head: m.Config.Heads - 1}
	opts := GenerateOptions{MaxTokens: 6, Sampler: greedy, Candidates: 10, Probe: probe,
		Inspect: func(s StepInfo) { steps = append(steps, s) }}
	res, _ := generate(t, m, "the llama", opts)
	if len(steps) != len(res.Tokens) {
		t.Fatalf("%d steps inspected, %d tokens", len(steps), len(res.Tokens))
	}
	for i, s := range steps {
		if s.Index != i || s.Token != res.Tokens[i] || len(s.Candidates) != 10 {
			t.Fatalf("step %d: %+v", i, s)
		}
		// Greedy takes the most likely token.
		if s.Candidates[0].ID != s.Token {
			t.Errorf("step %d: greedy chose %d, top candidate %d", i, s.Token, s.Candidates[0].ID)
		}
	}
	// Every position but the last token's has a row (the last is never fed back).
	if want := len(res.PromptTokens) + len(res.Tokens) - 1; len(probe.Rows) != want {
		t.Fatalf("%d attention rows, want %d", len(probe.Rows), want)
	}
	for p, row := range probe.Rows {
		var sum float64
		for _, v := range row {
			sum += float64(v)
		}
		if len(row) != p+1 || math.Abs(sum-1) > 1e-4 {
			t.Fatalf("row %d: %d values summing to %g", p, len(row), sum)
		}
	}
	// One forward pass over the same positions (what the page does to
	// show another head) gives the rows decoding gave one at a time.
	again := &AttentionProbe{Layer: probe.Layer, Head: probe.Head}
	cache := m.NewCache()
	cache.SetProbe(again)
	ids := append(slices.Clone(res.PromptTokens), res.Tokens[:len(res.Tokens)-1]...)
	if _, err := m.Forward(ids, cache); err != nil {
		t.Fatal(err)
	}
	cache.Reset()
	if len(again.Rows) != len(probe.Rows) {
		t.Fatalf("one pass: %d rows, decoding: %d", len(again.Rows), len(probe.Rows))
	}
	for p := range probe.Rows {
		for k := range probe.Rows[p] {
			if d := math.Abs(float64(again.Rows[p][k] - probe.Rows[p][k])); d > 1e-5 {
				t.Fatalf("row %d, key %d: one pass %g, decoding %g", p, k, again.Rows[p][k], probe.Rows[p][k])
			}
		}
	}
	// The probe must not change what is generated.
	plain, _ := generate(t, m, "the llama", GenerateOptions{MaxTokens: 6, Sampler: greedy})
	if !slices.Equal(plain.Tokens, res.Tokens) {
		t.Errorf("with inspection %v, without %v", res.Tokens, plain.Tokens)
	}
	if _, err := m.Generate("x", GenerateOptions{MaxTokens: 1, Sampler: greedy, Probe: &AttentionProbe{Layer: 99}}, func([]byte) error { return nil }); err == nil {
		t.Error("layer 99 was accepted")
	}
}
