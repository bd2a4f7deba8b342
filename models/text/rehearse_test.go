package text

import (
	"slices"
	"testing"

	"github.com/genplay/genplay/kernels"
)

// TestRehearseOnCPU runs Rehearse's passes for real (on WebGPU they are
// only recorded): they run, and generating afterwards gives what it gave
// before, so the throwaway cache shares nothing with a real one.
func TestRehearseOnCPU(t *testing.T) {
	for _, name := range []string{"gpt2", "llama"} {
		m := loadTestModel(t, kernels.NewCPU(1), name)
		before, _ := generate(t, m, "the llama", GenerateOptions{MaxTokens: 4, Sampler: greedy})
		if err := m.Rehearse(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		after, _ := generate(t, m, "the llama", GenerateOptions{MaxTokens: 4, Sampler: greedy})
		if !slices.Equal(before.Tokens, after.Tokens) {
			t.Errorf("%s: %v before Rehearse, %v after", name, before.Tokens, after.Tokens)
		}
		m.Close()
	}
}

// TestRehearseShortContext: a model whose context holds 1 or 2 positions
// still rehearses (and loads in the page, which rehearses on WebGPU).
func TestRehearseShortContext(t *testing.T) {
	m := loadTestModel(t, kernels.NewCPU(1), "llama")
	defer m.Close()
	for _, ctx := range []int{1, 2} {
		m.Config.ContextLength = ctx
		if err := m.Rehearse(); err != nil {
			t.Errorf("context %d: %v", ctx, err)
		}
	}
}
